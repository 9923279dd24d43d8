# scstool: `make` builds ./scstool; `make check` installs what is missing
# (as root), builds a normal and a sanitized binary and runs every test.

CC      ?= cc
PKGS    := libelf libdw capstone yaml-0.1 json-c
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wno-format-nonliteral
CPPFLAGS_ALL = -std=gnu11 -D_GNU_SOURCE -Iinclude $(WARN) \
               $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# Zydis 4 (libzydis-dev) ships no pkg-config file: its headers are in the
# default include path and it links as -lZydis.
LIBS    = -Wl,--as-needed $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lZydis \
          -lpthread

SRCS := $(wildcard cmd/*.c elf/*.c decode/*.c arch/*.c arch/*/*.c check/*.c \
          report/*.c)
HDRS := $(wildcard include/*.h cmd/*.h elf/*.h decode/*.h arch/*.h check/*.h \
          report/*.h)

OBJS     := $(SRCS:%.c=build/rel/%.o)
SAN_OBJS := $(SRCS:%.c=build/san/%.o)
SANFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=undefined

.PHONY: all deps check test demo bench fuzz clean san

all: scstool

deps:
	@sh scripts/deps.sh

scstool: $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LIBS)

build/rel/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS) -c -o $@ $<

san: build/san/scstool

build/san/scstool: $(SAN_OBJS)
	$(CC) $(SANFLAGS) -o $@ $(SAN_OBJS) $(LIBS)

build/san/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(SANFLAGS) -c -o $@ $<

check: deps
	@$(MAKE) --no-print-directory scstool build/san/scstool
	@bash tests/run.sh

demo: deps
	@$(MAKE) --no-print-directory scstool
	@bash tests/demo.sh

bench: deps
	@$(MAKE) --no-print-directory scstool
	@bash bench/bench.sh

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

fuzz: deps
	@$(MAKE) --no-print-directory scstool build/fuzz/fuzz_check
	@bash tests/fuzz/run.sh

clean:
	rm -rf build scstool
