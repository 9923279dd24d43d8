#!/usr/bin/python3
"""Reads the README and docs/report.md the way a user does, for
tests/t0207-docs.sh: the parts that claim something the tool can be
asked about (option lists, examples, key tables).

  docscheck.py section FILE HEADING     the section under HEADING, up to
                                        the next heading of any level
  docscheck.py block FILE N             the Nth fenced code block (0-based,
                                        negative from the end)
  docscheck.py list HELP                the options HELP lists, one line
                                        each ("-o --output"), --help left out
  docscheck.py options HELP TEXT MODE   TEXT names exactly the options HELP
                                        (a command's --help) lists; MODE
                                        'table': the first column of TEXT's
                                        option rows, 'takes': the options
                                        quoted after TEXT's first "takes"
  docscheck.py keys DOC REPORT          the key tables of docs/report.md
                                        name exactly the keys of REPORT
                                        (a YAML report with --stats)
Exits 1 naming the first difference."""
import re
import sys

import yaml


def fail(msg):
    print(msg)
    sys.exit(1)


def section(text, heading):
    lines = text.split("\n")
    try:
        start = lines.index(heading) + 1
    except ValueError:
        fail("no heading %r" % heading)
    out = []
    fence = False
    for line in lines[start:]:
        if line.startswith("```"):
            fence = not fence
        if not fence and line.startswith("#"):
            break
        out.append(line)
    return "\n".join(out)


def blocks(text):
    return re.findall(r"^```[a-z]*\n(.*?)^```$", text, re.M | re.S)


def is_option(tok):
    return re.fullmatch(r"-[A-Za-z]|--[a-z][a-z-]*", tok) is not None


def help_options(help_text):
    """The options of a --help, as (short, long) groups, --help left out."""
    groups = []
    body = help_text.split("\nOptions:\n", 1)[1].split("\n\n", 1)[0]
    for line in body.split("\n"):
        # An option starts in column 2 (-x, --long) or 6 (--long alone);
        # a wrapped description starts further right.
        m = (re.match(r"  (-[A-Za-z])(?:, (--[a-z-]+))?(?= |$)", line) or
             re.match(r"      ()(--[a-z-]+)(?= |$)", line))
        if not m or m.group(2) == "--help":
            continue
        groups.append({t for t in m.groups() if t})
    return groups


def named_options(text, mode):
    if mode == "table":
        cells = [row.split("|")[1] for row in text.split("\n")
                 if row.startswith("| `-")]
        toks = []
        for cell in cells:
            for q in re.findall(r"`([^`]*)`", cell):
                toks += [w.split()[0] for w in q.split(", ") if w.strip()]
    else:
        m = re.search(r"takes (.*?)\.(\s|$)", text, re.S)
        if not m:
            fail("no sentence with 'takes'")
        toks = re.findall(r"`([^`]*)`", m.group(1))
    return {t for t in toks if is_option(t)}


def options(help_file, text_file, mode):
    groups = help_options(open(help_file).read())
    named = named_options(open(text_file).read(), mode)
    if not groups:
        fail("the help lists no options")
    for g in groups:
        if not g & named:
            fail("the help lists %s; the text does not name it"
                 % "/".join(sorted(g)))
    known = set().union(*groups)
    for t in sorted(named - known):
        fail("the text names %s; the help does not list it" % t)


def table_keys(text, heading, nth=0):
    """The keys the nth table under heading names in its first column."""
    body = section(text, heading)
    tables = re.findall(r"^\| key \|.*?\n((?:\|.*\n?)*)", body, re.M)
    if len(tables) <= nth:
        fail("no key table %d under %r" % (nth, heading))
    keys = []
    for row in tables[nth].split("\n")[1:]:
        if row.startswith("|"):
            keys += re.findall(r"`([^`]*)`", row.split("|")[1])
    return keys


def same(what, doc, real):
    if set(doc) != set(real):
        fail("%s: the doc has %s, the report %s" % (what, sorted(doc),
                                                  sorted(real)))


def keys(doc_file, report_file):
    doc = open(doc_file).read()
    rep = yaml.safe_load(open(report_file))
    files = rep["files"]
    same("top level", table_keys(doc, "### Top level"), rep)
    same("a file", table_keys(doc, "### A file"),
         set().union(*[f.keys() for f in files]))
    sites = [s for f in files for s in f["sites"]]
    finds = [x for f in files for x in f["findings"]]
    if not sites or not finds:
        fail("the report needs sites and findings")
    same("a site", table_keys(doc, "### A site"),
         set().union(*[s.keys() for s in sites]))
    same("a finding", table_keys(doc, "### A finding"),
         set().union(*[x.keys() for x in finds]))
    stats = [f["stats"] for f in files if "stats" in f]
    same("stats", table_keys(doc, "### Stats"),
         set().union(*[s.keys() for s in stats]))
    same("totals", table_keys(doc, "### Stats", 1), rep["totals"])


def main(argv):
    cmd = argv[1]
    if cmd == "section":
        sys.stdout.write(section(open(argv[2]).read(), argv[3]) + "\n")
    elif cmd == "block":
        sys.stdout.write(blocks(open(argv[2]).read())[int(argv[3])])
    elif cmd == "list":
        for g in help_options(open(argv[2]).read()):
            print(" ".join(sorted(g)))
    elif cmd == "options":
        options(argv[2], argv[3], argv[4])
    elif cmd == "keys":
        keys(argv[2], argv[3])
    else:
        fail("unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv)
