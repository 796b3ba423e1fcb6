# ktstr — a test harness for Linux process schedulers.
#
#   make          build bin/* and lib/libktstr.a (installs Debian packages first: make deps)
#   make run      the main job: a short real run on this machine
#   make check    all tests; the last line is "N passed, N failed, N skipped"
#   make asan     build with ASan+UBSan into build/asan and run the tests with it
#   make bench    benchmarks (bench/*), results on stdout
#   make install  PREFIX=/usr/local DESTDIR=
#   make clean
#
# Everything is found by wildcard: tools/<name>.c becomes bin/<name>,
# lib/*.c and vmm/*.c go into the library, t/unit/test_<mod>.c into a unit
# test, t/*.bats into the CLI tests, man/*.[15] into the man pages.

VERSION := $(shell cat VERSION)
PREFIX ?= /usr/local
DESTDIR ?=

O ?= build
B ?= bin
LIBA ?= lib/libktstr.a

CC ?= cc
CFLAGS ?= -O2 -g
SANITIZE ?=
PKGS := jansson libbpf libzstd libelf libcap
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -ljansson -lbpf -lzstd -lelf -lcap -lz)

KT_CFLAGS := -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wshadow -Wformat=2 -Wno-format-nonliteral -Ilib -Ivmm -I$(O) \
	-DKTSTR_VERSION='"$(VERSION)"' $(PKG_CFLAGS) $(SANITIZE) -MMD -MP
KT_LDFLAGS := $(SANITIZE) -Wl,--as-needed
KT_LIBS := $(PKG_LIBS) -lm -lpthread

LIB_SRC := $(wildcard lib/*.c) $(wildcard vmm/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(O)/%.o)
TOOLS := $(patsubst tools/%.c,%,$(wildcard tools/*.c))
TOOL_BINS := $(TOOLS:%=$(B)/%)
UNIT_SRC := $(wildcard t/unit/test_*.c)
UNIT_BINS := $(UNIT_SRC:%.c=$(O)/%)
COMPLETIONS := $(wildcard completions/*)
MANPAGES := $(wildcard man/*.1 man/*.5)

.DELETE_ON_ERROR:
.PHONY: all deps run check unit asan bench install uninstall clean lint

all: deps $(TOOL_BINS) $(LIBA)

deps:
	@sh mk/deps.sh

$(O)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(KT_CFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

# The completion scripts are embedded so an installed ktstr needs no source tree.
$(O)/completions.h: $(COMPLETIONS) mk/embed.sh
	@mkdir -p $(@D)
	sh mk/embed.sh $(COMPLETIONS) > $@

$(O)/tools/ktstr.o: $(O)/completions.h

$(TOOL_BINS): $(B)/%: $(O)/tools/%.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(KT_LDFLAGS) $(LDFLAGS) -o $@ $< $(LIBA) $(KT_LIBS)

$(UNIT_BINS): $(O)/t/unit/%: $(O)/t/unit/%.o $(O)/t/unit/unit.o $(LIBA)
	$(CC) $(KT_LDFLAGS) $(LDFLAGS) -o $@ $^ $(KT_LIBS)

unit: all $(UNIT_BINS)

check: unit
	@KTSTR_BIN=$(abspath $(B)) KTSTR_UNIT_DIR=$(abspath $(O)/t/unit) bash t/run $(T)

run: all
	$(B)/ktstr topo

asan:
	$(MAKE) O=build/asan B=build/asan/bin LIBA=build/asan/libktstr.a \
		CFLAGS="-O1 -g -fno-omit-frame-pointer" \
		SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=undefined" check

bench: all
	@for b in bench/*.sh; do [ -x "$$b" ] || continue; echo "== $$b"; KTSTR_BIN=$(abspath $(B)) "$$b" || exit 1; done

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/man/man5
	install -m 755 $(TOOL_BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(filter %.1,$(MANPAGES)) $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 $(filter %.5,$(MANPAGES)) $(DESTDIR)$(PREFIX)/share/man/man5/
	install -D -m 644 completions/ktstr.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/ktstr
	install -D -m 644 completions/ktstr.zsh $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_ktstr
	install -D -m 644 completions/ktstr.fish \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/ktstr.fish

uninstall:
	rm -f $(TOOLS:%=$(DESTDIR)$(PREFIX)/bin/%)
	rm -f $(patsubst man/%,$(DESTDIR)$(PREFIX)/share/man/man1/%,$(filter %.1,$(MANPAGES)))
	rm -f $(patsubst man/%,$(DESTDIR)$(PREFIX)/share/man/man5/%,$(filter %.5,$(MANPAGES)))
	rm -f $(DESTDIR)$(PREFIX)/share/bash-completion/completions/ktstr \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_ktstr \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/ktstr.fish

clean:
	rm -rf build bin $(LIBA)

-include $(LIB_OBJ:.o=.d) $(TOOLS:%=$(O)/tools/%.d) $(UNIT_SRC:%.c=$(O)/%.d)
