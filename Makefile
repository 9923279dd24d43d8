# scstool: `make` builds ./scstool; `make check` installs what is missing
# (as root), builds a normal and a sanitized binary and runs every test.

CC      ?= cc
PKGS    := libelf libdw capstone yaml-0.1 json-c liblzma libzstd zlib
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wno-format-nonliteral
CPPFLAGS_ALL = -std=gnu11 -D_GNU_SOURCE -Iinclude $(WARN) \
               $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# Zydis 4 (libzydis-dev) ships no pkg-config file: its headers are in the
# default include path and it links as -lZydis.  libiberty (libiberty-dev,
# for GCC's @FILE expansion) is a static library without one either.
LIBS    = -Wl,--as-needed $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lZydis \
          -liberty -lpthread
# ./scstool links statically every library Debian ships an archive of,
# but libelf (tests/tools/failshim.c interposes on it with LD_PRELOAD, so
# that t0055 can fail each read), Zydis (no archive) and the C library,
# into a non-PIE executable.  Shared,
# libcapstone alone cost about 83,000 load-time relocations and 3 MiB of
# dirtied tables on every start, for a handful of sites, and loading
# libdw, libelf, libyaml, json-c and the decompressors cost another
# 0.4 ms and 0.7 MiB: fixed costs that dominate a small module.  Not PIE,
# the libraries' pointer tables are fixed at link time and stay clean,
# shared pages.  The price: scstool's own code is not randomised (its
# stack, heap and the shared libraries still are), and a security update
# of a static library needs a rebuild.  STATIC_LIBS=no REL_LDFLAGS= builds
# the usual shared PIE, as the Debian package does; the sanitized build
# keeps the shared libraries.
REL_LDFLAGS ?= -no-pie
STATIC_LIBS ?= yes
ifeq ($(STATIC_LIBS),yes)
REL_LIBS = -Wl,--as-needed -Wl,-Bstatic \
          $(filter-out -lelf,$(shell pkg-config --libs --static $(PKGS) 2>/dev/null)) \
          -Wl,-Bdynamic -lelf -lZydis -liberty -lpthread
else
REL_LIBS = $(LIBS)
endif

SRCS := $(wildcard cmd/*.c elf/*.c decode/*.c arch/*.c arch/*/*.c check/*.c \
          report/*.c)
HDRS := $(wildcard include/*.h cmd/*.h elf/*.h decode/*.h arch/*.h check/*.h \
          report/*.h)

OBJS     := $(SRCS:%.c=build/rel/%.o)
SAN_OBJS := $(SRCS:%.c=build/san/%.o)
SANFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=undefined

.PHONY: all deps check check-vmlinux test demo bench fuzz clean san runtime \
        runtime-all install uninstall stress check-package check-smoke doc

all: scstool runtime

deps:
	@sh scripts/deps.sh

scstool: $(OBJS)
	$(CC) $(CFLAGS) $(REL_LDFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(REL_LIBS)

build/rel/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

san: build/san/scstool

build/san/scstool: $(SAN_OBJS)
	$(CC) $(SANFLAGS) -o $@ $(SAN_OBJS) $(LIBS)

build/san/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(SANFLAGS) -c -o $@ $<

# The man page scstool(1) and the bash completion are generated from the
# command and option tables and the rule registry, as --help is.
doc: build/scstool.1 build/scstool.bash-completion

build/scstool.1: scstool
	@mkdir -p build
	./scstool help --man >$@.tmp && mv $@.tmp $@

build/scstool.bash-completion: scstool
	@mkdir -p build
	./scstool help --completion=bash >$@.tmp && mv $@.tmp $@

check: deps
	@$(MAKE) --no-print-directory scstool build/san/scstool runtime-all
	@bash tests/run.sh

# Opt-in: dump and verify on Debian's real vmlinux (a download of about
# 1 GB the first time, cached in tests/.cache).
check-vmlinux: deps
	@$(MAKE) --no-print-directory scstool
	@TEST_VARIANT=rel SCSTOOL=scstool bash tests/real/vmlinux.sh

demo: deps
	@$(MAKE) --no-print-directory scstool runtime
	@bash tests/demo.sh
	@bash examples/demo.sh

bench: deps
	@$(MAKE) --no-print-directory scstool runtime build/bench/floor
	@bash bench/bench.sh
	@bash bench/runtime.sh
	@bash bench/scaling.sh

# The fixed cost of the libraries alone, linked as ./scstool is
# (bench/floor.c): what make bench compares the small module against.
build/bench/floor: bench/floor.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CPPFLAGS_ALL) $(REL_LDFLAGS) $(LDFLAGS) -o $@ $< \
		$(REL_LIBS)

# The stress test against deliberately unsafe writers (tests/stress.sh):
# proves the stress test can fail, and measures how often.
stress: deps
	@$(MAKE) --no-print-directory scstool build/runtime-test/all
	@bash tests/stress.sh

# Coverage-guided fuzzing of everything that reads input (not in check:
# its findings are not reproducible run to run).
FUZZ_OBJS := $(filter-out build/fuzz/cmd/%,$(SRCS:%.c=build/fuzz/%.o))
FUZZFLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined

build/fuzz/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	clang $(CPPFLAGS_ALL) $(FUZZFLAGS) -c -o $@ $<

build/fuzz/fuzz_check: tests/fuzz/fuzz_check.c $(FUZZ_OBJS)
	clang $(CPPFLAGS_ALL) -O1 -g -fsanitize=fuzzer,address,undefined \
		-o $@ $^ $(LIBS)

build/fuzz/fuzz_config: tests/fuzz/fuzz_config.c $(FUZZ_OBJS)
	clang $(CPPFLAGS_ALL) -O1 -g -fsanitize=fuzzer,address,undefined \
		-o $@ $^ $(LIBS)

fuzz: deps
	@$(MAKE) --no-print-directory scstool build/fuzz/fuzz_check \
		build/fuzz/fuzz_config
	@bash tests/fuzz/run.sh

# libscs, the run-time library (runtime/): static and shared, the
# per-module registration object, the linker-script fragment and pkg-config
# files, in three builds: build/runtime (release), build/runtime-san (ASan
# and UBSan, for the sanitized test run) and build/runtime-test (with the
# SCS_TESTING hooks: the stress test's deliberately unsafe writers; never
# installed).  Each build's pkgconfig/ holds scs-uninstalled.pc, which
# pkg-config prefers when PKG_CONFIG_PATH names that folder, so that
# programs build against the build tree before `make install`.
RT_SRCS   := $(filter-out runtime/module.c,$(wildcard runtime/*.c))
RT_HDRS   := $(wildcard runtime/*.h runtime/include/scs/*.h)
RT_BASE    = -std=gnu11 -D_GNU_SOURCE -Iruntime/include $(WARN) -fPIC \
             -fvisibility=hidden
ABS       := $(CURDIR)

# $(call rt_build,DIR,CFLAGS,LDFLAGS): the rules of one build in DIR.
# libscs.so is never unloaded (-z nodelete): its SIGTRAP handler and fork
# handlers stay installed for the life of the process.
define rt_build
$(1)/obj/%.o: runtime/%.c $$(RT_HDRS)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(RT_BASE) $(2) -c -o $$@ $$<

$(1)/libscs.a: $$(RT_SRCS:runtime/%.c=$(1)/obj/%.o)
	rm -f $$@ && ar rcs $$@ $$^

$(1)/libscs.so: $$(RT_SRCS:runtime/%.c=$(1)/obj/%.o)
	$$(CC) -shared $(3) -Wl,-soname,libscs.so.0 -Wl,-z,now -Wl,-z,nodelete \
		-o $(1)/libscs.so.0 $$^ -lpthread
	ln -sf libscs.so.0 $$@

$(1)/scs-module.o: runtime/module.c $$(RT_HDRS)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(RT_BASE) $(2) -c -o $$@ $$<

$(1)/scs.ld: runtime/scs.ld
	@mkdir -p $$(dir $$@)
	cp $$< $$@

$(1)/pkgconfig/scs-uninstalled.pc: runtime/scs.pc.in Makefile
	@mkdir -p $$(dir $$@)
	sed -e 's|@INCLUDEDIR@|$$(ABS)/runtime/include|' \
	    -e 's|@LIBDIR@|$$(ABS)/$(1)|' -e 's|@SCSDIR@|$$(ABS)/$(1)|' \
	    -e 's|@RPATH@| -Wl,-rpath,$$(ABS)/$(1)|' $$< >$$@

$(1)/all: $(1)/libscs.a $(1)/libscs.so $(1)/scs-module.o $(1)/scs.ld \
	$(1)/pkgconfig/scs-uninstalled.pc
endef

RT := build/runtime
comma := ,
# The release build takes the caller's CPPFLAGS, CFLAGS and LDFLAGS (a
# package build's hardening flags); the test builds keep their own.
$(eval $(call rt_build,build/runtime,$(CPPFLAGS) $(CFLAGS),$(LDFLAGS)))
$(eval $(call rt_build,build/runtime-san,$(SANFLAGS),-fsanitize=address$(comma)undefined))
$(eval $(call rt_build,build/runtime-test,-O2 -g -DSCS_TESTING,))

.PHONY: build/runtime/all build/runtime-san/all build/runtime-test/all
runtime: build/runtime/all
runtime-all: runtime build/runtime-san/all build/runtime-test/all

# Installation, by the GNU conventions: PREFIX, the directories below it,
# and DESTDIR in front of them all to stage a package.
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions

# What `make install` installs and `make uninstall` removes: one list
# (scripts/install.sh explains the entries).
INSTALL_MANIFEST = \
	file:scstool:$(BINDIR)/scstool:755 \
	file:build/scstool.1:$(MANDIR)/man1/scstool.1:644 \
	file:build/scstool.bash-completion:$(BASHCOMPDIR)/scstool:644 \
	dir:$(INCLUDEDIR)/scs \
	$(foreach h,$(wildcard runtime/include/scs/*.h), \
		file:$(h):$(INCLUDEDIR)/scs/$(notdir $(h)):644) \
	file:$(RT)/libscs.a:$(LIBDIR)/libscs.a:644 \
	file:$(RT)/libscs.so.0:$(LIBDIR)/libscs.so.0:755 \
	link:libscs.so.0:$(LIBDIR)/libscs.so \
	dir:$(LIBDIR)/scs \
	file:$(RT)/scs-module.o:$(LIBDIR)/scs/scs-module.o:644 \
	file:$(RT)/scs.ld:$(LIBDIR)/scs/scs.ld:644 \
	file:build/install/scs.pc:$(LIBDIR)/pkgconfig/scs.pc:644
INSTALL_DEPS = scstool doc runtime build/install/scs.pc

# The installed scs.pc names the installed paths; made again on every
# install, since the directories come from the command line.
build/install/scs.pc: runtime/scs.pc.in FORCE
	@mkdir -p $(dir $@)
	@sed -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@SCSDIR@|$(LIBDIR)/scs|' -e 's|@RPATH@||' $< >$@

.PHONY: FORCE
FORCE:

install: $(INSTALL_DEPS)
	@sh scripts/install.sh install "$(DESTDIR)" $(INSTALL_MANIFEST)

uninstall:
	@sh scripts/install.sh uninstall "$(DESTDIR)" $(INSTALL_MANIFEST)

# What a package build runs (debian/rules): the built binary on an object
# compiled here, with build-essential alone.
check-smoke: scstool
	@bash tests/smoke.sh

# The Debian package, built and checked with lintian (not in check: it
# takes minutes and needs dpkg-dev, debhelper and lintian).
check-package: deps
	@sh scripts/deps.sh package
	@bash scripts/check-package.sh

clean:
	rm -rf build scstool
