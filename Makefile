# silkstat: plain Makefile.  `make` builds build/silkstat and
# build/libsilkstat.a; `make run` and `make test` also install what is
# missing (scripts/install-deps.sh) first.  Sanitizer objects live under
# build/asan/ so both builds can coexist.

CC      ?= cc
HDF5_PC := $(shell pkg-config --exists hdf5-serial 2>/dev/null && echo hdf5-serial || echo hdf5)
PKGS    := gsl $(HDF5_PC) inih
BUILD   ?= build

# Debian ships hdf5 as hdf5-serial; pkg-config names it both ways there.
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
HDF5_LDIR := $(shell pkg-config --libs-only-L $(HDF5_PC) 2>/dev/null)
CMOCKA_CFLAGS := $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   := $(shell pkg-config --libs cmocka 2>/dev/null)

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes
CFLAGS  ?= -O2 -g
# The flags the code needs whatever CFLAGS the caller gives.
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
           -fvisibility=hidden -Iinclude -Isrc $(PKG_CFLAGS) -MMD -MP $(CFLAGS)
LDLIBS  := $(HDF5_LDIR) -lhdf5_hl $(PKG_LIBS) -lcsv -lz -lpthread -ldl -lm
SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=all

LIB_SRC := $(sort $(filter-out src/cli/%,$(wildcard src/*/*.c)))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)

# Indicator modules built as a researcher builds one (README "Writing an
# indicator module"): the module header and the C library only, no
# HDF5, GSL or libcsv headers, no silkstat library.  The examples of
# src/modules/examples (not part of libsilkstat) and the test fixtures of
# tests/modules, loaded by tests/unit/test_modules.c and
# tests/cli/modules.sh.
MODULE_CC := cc -std=c11 -shared -fPIC -Iinclude
EXAMPLE_SO := $(patsubst src/modules/examples/%.c,$(BUILD)/examples/%.so,\
                $(wildcard src/modules/examples/*.c))
FIXTURE_SO := $(patsubst tests/modules/%.c,$(BUILD)/tests/modules/%.so,\
                $(wildcard tests/modules/*.c))

.PHONY: all deps run test test-only unit examples bench fuzz crash clean
all: $(BUILD)/silkstat $(BUILD)/libsilkstat.a

$(BUILD)/libsilkstat.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

$(BUILD)/silkstat: $(CLI_OBJ) $(BUILD)/libsilkstat.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libsilkstat.a $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libsilkstat.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -o $@ $< $(BUILD)/libsilkstat.a \
	    $(CMOCKA_LIBS) $(LDLIBS)

unit: $(TEST_BIN) $(FIXTURE_SO) $(EXAMPLE_SO)

examples: $(EXAMPLE_SO)

$(BUILD)/examples/%.so: src/modules/examples/%.c include/silkstat/module.h
	@mkdir -p $(@D)
	$(MODULE_CC) $(WARN) -o $@ $<

$(BUILD)/tests/modules/%.so: tests/modules/%.c include/silkstat/module.h
	@mkdir -p $(@D)
	$(MODULE_CC) $(WARN) -o $@ $<

deps:
	./scripts/install-deps.sh

# The main job: the briefing on the bundled data (scripts/jobs/briefing.ini):
# ingest, computes, charts and the pack in plots/briefing/.
run: deps
	$(MAKE) all
	$(BUILD)/silkstat run scripts/jobs/briefing.ini

# Every test, plain build first, then the same suite under ASan + UBSan.
test: deps
	$(MAKE) all unit
	$(MAKE) BUILD=build/asan CFLAGS="-O1 -g $(SANITIZE)" \
	    LDFLAGS="$(SANITIZE)" all unit
	./tests/run.sh build build/asan

# The suite without the dependency check, for quick iteration.
test-only: all unit
	./tests/run.sh build

bench: deps
	$(MAKE) all
	./bench/run.sh

# Long checks with their own targets (not part of `make test`).
fuzz: deps
	./tests/fuzz/run.sh

crash: deps
	$(MAKE) all
	./tests/crash/kill-loop.sh

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
