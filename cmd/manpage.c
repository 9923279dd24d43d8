/* The man page scstool(1) and the bash completion, generated from the
 * command and option tables and the rule registry: what --help says,
 * the page says, and what the parser takes, the shell offers. */
#include <string.h>

#include "../check/rules.h"
#include "../report/rules.h"
#include "options.h"

/* ------------------------------------------------------- man page --- */

static void man_option(FILE *out, const struct sc_option *o)
{
	fputs(".TP\n", out);
	if (o->short_name)
		fprintf(out, "\\fB\\-%c\\fR%s", o->short_name,
			o->long_name ? ", " : "");
	if (o->long_name) {
		fputs("\\fB", out);
		sc_roff_text(out, "--");
		sc_roff_text(out, o->long_name);
		fputs("\\fR", out);
	}
	if (o->arg_name)
		fprintf(out, " \\fI%s\\fR", o->arg_name);
	fputc('\n', out);
	sc_roff_text(out, o->help);
	fputs(".\n", out);
}

static void man_command(FILE *out, const struct sc_command *c)
{
	const enum sc_opt_id *o;

	fprintf(out, ".SS \"scstool %s ", c->name);
	sc_roff_text(out, c->usage);
	fputs("\"\n", out);
	sc_roff_text(out, c->description);
	fputc('\n', out);
	for (o = c->opts; *o != SC_OPT_COUNT; o++)
		man_option(out, &sc_options[*o]);
}

static void man_rules(FILE *out)
{
	char arches[64], commands[64];
	int i;

	fputs(".SH RULES\nEach finding names its rule.  A rule marked "
	      "\\fIkept out\\fR keeps its site out of the table, whatever "
	      "its severity.\n", out);
	for (i = 0; i < SC_RULE_COUNT; i++) {
		sc_rule_arches(i, arches, sizeof(arches));
		sc_rule_commands(i, commands, sizeof(commands));
		fputs(".TP\n\\fB", out);
		sc_roff_text(out, sc_rules[i].name);
		fprintf(out, "\\fR (%s; %s; %s%s)\n",
			sc_severity_name(sc_rules[i].severity), arches,
			commands, sc_rules[i].unpatchable ? "; kept out" : "");
		sc_roff_text(out, sc_rules[i].description);
		fputc('\n', out);
	}
}

static const char man_tail[] =
	".SH FILES\n"
	".TP\n.I .scstool.yaml\n"
	"The policy file: rule severities, suppressions, the cache-line "
	"size and whether the loader patches conditional tail calls.  "
	"The first one from the current directory upwards is used, unless "
	"\\fB\\-\\-config\\fR names one.\n"
	".SH ENVIRONMENT\n"
	".TP\n.B NO_COLOR\n"
	"When set and not empty, \\fB\\-\\-color=auto\\fR does not colour "
	"the diagnostics.\n"
	".TP\n.B TERM\n"
	"When \\fBdumb\\fR, \\fB\\-\\-color=auto\\fR does not colour the "
	"diagnostics either.\n"
	".SH EXIT STATUS\n"
	".TP\n.B 0\nClean (warnings and notes allowed).\n"
	".TP\n.B 1\nAn error finding (\\fBcheck\\fR then writes nothing for "
	"that file).\n"
	".TP\n.B 2\nA usage error, an I/O error, or malformed or unsupported "
	"input.\n"
	".SH NOTES\n"
	"An argument \\fB@\\fR\\fIFILE\\fR is replaced by the arguments "
	"that \\fIFILE\\fR holds, separated by white space, with quotes and "
	"backslashes as in GCC's response files.\n";

void sc_man_page(FILE *out, const char *version)
{
	size_t i;

	fprintf(out, ".TH SCSTOOL 1 \"\" \"scstool %s\" \"User Commands\"\n"
		".SH NAME\nscstool \\- find, check and record static\\-call "
		"sites in ELF objects\n.SH SYNOPSIS\n", version);
	for (i = 0; i < sc_ncommands; i++) {
		fprintf(out, ".B scstool %s\n", sc_commands[i].name);
		sc_roff_text(out, sc_commands[i].usage);
		fputs("\n.br\n", out);
	}
	fputs(".SH DESCRIPTION\n\\fBscstool\\fR finds every static-call "
	      "site in an ELF object (a direct call, jump or conditional "
	      "jump to a \\fB__SCT__\\fR trampoline), checks that it is "
	      "safe to patch, and writes the \\fB.static_call_sites\\fR "
	      "table that a kernel or a user-space runtime uses to patch "
	      "each site in place.\n.SH COMMANDS\n", out);
	for (i = 0; i < sc_ncommands; i++)
		man_command(out, &sc_commands[i]);
	man_rules(out);
	fputs(man_tail, out);
}

/* ----------------------------------------------------- completion --- */

/* The words -W takes, as bash completes them after "-W". */
static void wflag_words(FILE *out)
{
	static const char *const sev[] = { "off", "note", "warning",
					   "error" };
	int i, s;

	fputs("error no-error", out);
	for (i = 0; i < SC_RULE_COUNT; i++) {
		const char *r = sc_rules[i].name;

		fprintf(out, " %s no-%s error=%s no-error=%s", r, r, r, r);
		for (s = 0; s < 4; s++)
			fprintf(out, " %s=%s", r, sev[s]);
	}
}

/* case arms: the argument of each option that takes one. */
static void completion_args(FILE *out, const struct sc_command *c)
{
	const enum sc_opt_id *id;

	for (id = c->opts; *id != SC_OPT_COUNT; id++) {
		const struct sc_option *o = &sc_options[*id];

		if (!o->arg_name)
			continue;
		fputs("\t\t", out);
		if (o->short_name)
			fprintf(out, "-%c%s", o->short_name,
				o->long_name ? "|" : "");
		if (o->long_name)
			fprintf(out, "--%s", o->long_name);
		fputs(")\n\t\t\t", out);
		if (o->arg == SC_ARG_WORD)
			fprintf(out, "_scstool_words \"%s\"", o->values);
		else if (o->arg == SC_ARG_WFLAG)
			fputs("_scstool_words \"$_scstool_wflags\"", out);
		else if (o->arg == SC_ARG_DIR)
			fputs("_scstool_files -d", out);
		else if (o->arg == SC_ARG_FILE)
			fputs("_scstool_files -f", out);
		else
			fputs("COMPREPLY=()", out);
		fputs("\n\t\t\treturn ;;\n", out);
	}
}

static void completion_options(FILE *out, const struct sc_command *c)
{
	const enum sc_opt_id *id;
	bool first = true;

	for (id = c->opts; *id != SC_OPT_COUNT; id++) {
		const struct sc_option *o = &sc_options[*id];

		if (o->short_name) {
			fprintf(out, "%s-%c", first ? "" : " ", o->short_name);
			first = false;
		}
		if (o->long_name) {
			fprintf(out, "%s--%s%s", first ? "" : " ",
				o->long_name, o->arg_name ? "=" : "");
			first = false;
		}
	}
}

static void completion_command(FILE *out, const struct sc_command *c)
{
	fprintf(out, "\t%s)\n\t\tcase $opt in\n", c->name);
	completion_args(out, c);
	fputs("\t\tesac\n\t\tif [[ $cur == -* ]]; then\n"
	      "\t\t\t_scstool_words \"", out);
	completion_options(out, c);
	fputs("\"\n\t\telse\n\t\t\t", out);
	if (!strcmp(c->name, "help"))
		fputs("_scstool_words \"$_scstool_commands\"", out);
	else if (!strcmp(c->name, "rules"))
		fputs("_scstool_words \"$_scstool_rules\"", out);
	else if (c->files)
		fputs("_scstool_files -f", out);
	else
		fputs("COMPREPLY=()", out);
	fputs("\n\t\tfi ;;\n", out);
}

/* The helpers complete val and put pfx ("--format=", "-W") before each
 * word; when '=' breaks words for readline, the part of the word before
 * its last '=' is not ours to repeat. */
static const char completion_head[] =
	"# bash completion for scstool; generated by\n"
	"# `scstool help --completion=bash` from its option tables.\n\n"
	"_scstool_reply()\n{\n"
	"\tlocal w keep=\n"
	"\t[[ $cur == *=* && $COMP_WORDBREAKS == *=* ]] && keep=${cur%=*}=\n"
	"\tCOMPREPLY=()\n"
	"\tfor w; do COMPREPLY+=(\"${pfx#\"$keep\"}$w\"); done\n"
	"\tif [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]]; then\n"
	"\t\tcompopt -o nospace 2>/dev/null\n\tfi\n}\n\n"
	"_scstool_words()\n{\n"
	"\tlocal IFS=$'\\n'\n"
	"\t_scstool_reply $(IFS=$' \\t\\n'; compgen -W \"$1\" -- \"$val\")\n"
	"}\n\n"
	"_scstool_files()\n{\n"
	"\tlocal IFS=$'\\n'\n"
	"\tcompopt -o filenames 2>/dev/null\n"
	"\t_scstool_reply $(compgen \"$1\" -- \"$val\")\n}\n\n";

/* The words of the line up to the cursor, split at white space only:
 * "--format=y" stays one word whatever COMP_WORDBREAKS says. */
static const char completion_split[] =
	"\tlocal line=${COMP_LINE:0:COMP_POINT} words cur prev opt= pfx= val\n"
	"\tread -ra words <<<\"$line\"\n"
	"\t[[ -z $line || $line == *[[:space:]] ]] && words+=(\"\")\n"
	"\tcur=${words[${#words[@]}-1]}\n"
	"\tprev=${words[${#words[@]}-2]}\n"
	"\tval=$cur\n"
	"\tif [[ ${#words[@]} -le 2 ]]; then\n"
	"\t\t_scstool_words \"$_scstool_commands --help --version\"\n"
	"\t\treturn\n\tfi\n"
	"\tif [[ $cur == --*=* ]]; then\n"
	"\t\topt=${cur%%=*} pfx=$opt= val=${cur#*=}\n"
	"\telif [[ $cur == -W?* ]]; then\n"
	"\t\topt=-W pfx=-W val=${cur#-W}\n"
	"\telif [[ $prev == -* ]]; then\n"
	"\t\topt=$prev\n"
	"\tfi\n";

void sc_bash_completion(FILE *out)
{
	size_t i;
	int r;

	fputs(completion_head, out);
	fputs("_scstool_commands=\"", out);
	for (i = 0; i < sc_ncommands; i++)
		fprintf(out, "%s%s", i ? " " : "", sc_commands[i].name);
	fputs("\"\n_scstool_rules=\"", out);
	for (r = 0; r < SC_RULE_COUNT; r++)
		fprintf(out, "%s%s", r ? " " : "", sc_rules[r].name);
	fputs("\"\n_scstool_wflags=\"", out);
	wflag_words(out);
	fputs("\"\n\n_scstool()\n{\n", out);
	fputs(completion_split, out);
	fputs("\tcase ${words[1]} in\n", out);
	for (i = 0; i < sc_ncommands; i++)
		completion_command(out, &sc_commands[i]);
	fputs("\tesac\n}\n\ncomplete -F _scstool scstool\n", out);
}
