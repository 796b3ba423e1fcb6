# ktstr — a test harness for Linux process schedulers.
#
#   make          build bin/* and lib/libktstr.a (installs Debian packages first: make deps)
#   make run      the main job: a short real ktstr run on this machine
#   make check    all tests; the last line is "N passed, N failed, N skipped"
#   make asan     build with ASan+UBSan into build/asan and run the tests with it
#   make check-kernel  a real kernel build, sched_ext schedulers and a qemu boot (~30 min)
#   make bench    benchmarks (bench/*), results on stdout
#   make install  PREFIX=/usr/local DESTDIR=
#   make clean
#
# Everything is found by wildcard: tools/<name>.c becomes bin/<name>,
# lib/*.c and vmm/*.c go into the library, t/unit/test_<mod>.c into a unit
# test, t/helpers/<name>.c into a helper program for the CLI tests, t/*.bats
# into the CLI tests, man/*.[15] into the man pages.

VERSION := $(shell cat VERSION)
PREFIX ?= /usr/local
DESTDIR ?=

O ?= build
B ?= bin
LIBA ?= lib/libktstr.a

CC ?= cc
CFLAGS ?= -O2 -g
SANITIZE ?=
PKGS := jansson libbpf libzstd libelf libcap libcrypto
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -ljansson -lbpf -lzstd -lelf -lcap -lcrypto -lz)

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
HELPER_SRC := $(wildcard t/helpers/*.c)
HELPER_BINS := $(HELPER_SRC:%.c=$(O)/%)
COMPLETIONS := $(wildcard completions/*)
MANPAGES := $(wildcard man/*.1 man/*.5)

.DELETE_ON_ERROR:
.PHONY: all deps run check check-kernel unit asan bench install uninstall clean lint

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

# So is the kernel config fragment; its hash is part of every kernel cache key.
$(O)/ktstr_kconfig.h: vmm/ktstr.kconfig mk/embed.sh
	@mkdir -p $(@D)
	sh mk/embed.sh -n ktstr_kconfig vmm/ktstr.kconfig > $@

$(O)/lib/kconfig.o: $(O)/ktstr_kconfig.h

# The scenario catalog is data (scenarios/catalog.json), embedded the same way.
$(O)/catalog.h: scenarios/catalog.json mk/embed.sh
	@mkdir -p $(@D)
	sh mk/embed.sh -n scenario_catalog_json scenarios/catalog.json > $@

$(O)/lib/scenario.o: $(O)/catalog.h

# The guest's /init is a busybox script, embedded so ktstr-vm can pack it anywhere.
$(O)/guest-init.h: vmm/guest-init.sh mk/embed.sh
	@mkdir -p $(@D)
	sh mk/embed.sh -n guest_init_script vmm/guest-init.sh > $@

$(O)/vmm/base.o: $(O)/guest-init.h

$(TOOL_BINS): $(B)/%: $(O)/tools/%.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(KT_LDFLAGS) $(LDFLAGS) -o $@ $< $(LIBA) $(KT_LIBS)

$(UNIT_BINS): $(O)/t/unit/%: $(O)/t/unit/%.o $(O)/t/unit/unit.o $(LIBA)
	$(CC) $(KT_LDFLAGS) $(LDFLAGS) -o $@ $^ $(KT_LIBS)

# Helper programs the CLI tests drive (t/helpers/<name>.c -> $(O)/t/helpers/<name>).
$(HELPER_BINS): $(O)/t/helpers/%: $(O)/t/helpers/%.o $(LIBA)
	$(CC) $(KT_LDFLAGS) $(LDFLAGS) -o $@ $< $(LIBA) $(KT_LIBS)

unit: all $(UNIT_BINS) $(HELPER_BINS)

check: unit
	@KTSTR_BIN=$(abspath $(B)) KTSTR_UNIT_DIR=$(abspath $(O)/t/unit) \
		KTSTR_HELPER_DIR=$(abspath $(O)/t/helpers) bash t/run $(T)

check-kernel: all
	KTSTR_BIN=$(abspath $(B)) sh mk/check-kernel.sh

# The main job: the host's topology, then the basic scenarios with one
# profile for a few seconds each, judged (needs root for cgroups).
run: all
	$(B)/ktstr topo
	$(B)/ktstr run --category basic --flags llc --duration 5 --text

asan:
	$(MAKE) O=build/asan B=build/asan/bin LIBA=build/asan/libktstr.a \
		CFLAGS="-O1 -g -fno-omit-frame-pointer" \
		SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=undefined" check

bench: all $(HELPER_BINS)
	@for b in bench/*.sh; do [ -x "$$b" ] || continue; echo "== $$b"; \
		KTSTR_BIN=$(abspath $(B)) KTSTR_HELPER_DIR=$(abspath $(O)/t/helpers) "$$b" || exit 1; done

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

-include $(LIB_OBJ:.o=.d) $(TOOLS:%=$(O)/tools/%.d) $(UNIT_SRC:%.c=$(O)/%.d) \
	$(HELPER_SRC:%.c=$(O)/%.d)
