# bpfault build: vmlinux.h from the running kernel's BTF, BPF objects, skeletons, one binary.
# Every artifact lives in $(OUTPUT); `make V=1` shows the commands. Sources are found by globbing
# (bench/, workloads/ and bpf/, sub-folders included): adding a file needs no edit here.
# Honoured: CC CLANG BPFTOOL PKG_CONFIG CFLAGS CPPFLAGS LDFLAGS LDLIBS VMLINUX_BTF PREFIX DESTDIR.
OUTPUT      := .output
BIN         := bpfault# the binary; `make OUTPUT=dir BIN=dir/bpfault` builds out of the way
CLANG       ?= clang
BPFTOOL     ?= bpftool
CC          ?= gcc
PKG_CONFIG  ?= pkg-config
AR          ?= ar
INSTALL     ?= install
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
ARCH        := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/;s/ppc64le/powerpc/;s/s390x/s390/')

PREFIX      ?= /usr/local
SBINDIR     ?= $(PREFIX)/sbin
DATADIR     ?= $(PREFIX)/share/bpfault
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions

# Libraries through pkg-config; the fallback is the same list, for a system without .pc files.
PC_LIBS     := libbpf libelf zlib jansson liburing
PC_CFLAGS   := $(shell $(PKG_CONFIG) --cflags $(PC_LIBS) 2>/dev/null)
PC_LDLIBS   := $(shell $(PKG_CONFIG) --libs $(PC_LIBS) 2>/dev/null || echo -lbpf -lelf -lz -ljansson -luring)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

# The developer build: `make CFLAGS=...` replaces this line (and so -Werror) but nothing below.
CFLAGS      ?= -O2 -g
CFLAGS      += -Wall -Wextra -Werror
BF_CPPFLAGS := -D_GNU_SOURCE -I$(OUTPUT) -Ibpf -Ibench $(PC_CFLAGS) \
	       -DBPFAULT_DATADIR=\"$(DATADIR)\" $(CPPFLAGS)
BF_CFLAGS   := -std=gnu11 $(CFLAGS)
BF_LDLIBS   := $(LDLIBS) $(PC_LDLIBS) -lm
BPF_CFLAGS  := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -I$(OUTPUT) -Ibpf $(PC_CFLAGS) \
	       -Wall -Werror -MMD -MP

# bpfault's version, from git at build time; only the objects that use it are rebuilt when it
# changes (see $(OUTPUT)/version.stamp).
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo unknown)

BPF_SRCS    := $(wildcard bpf/*.bpf.c)
BPF_OBJS    := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.bpf.o,$(BPF_SRCS))
SKELS       := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.skel.h,$(BPF_SRCS))
SRCS        := $(shell find bench workloads -name '*.c' | sort)
OBJS        := $(patsubst %.c,$(OUTPUT)/%.o,$(SRCS))
MAIN_OBJ    := $(OUTPUT)/bench/main.o
# objects that include a skeleton (directly or through a header) need BTF; the others do not
SKEL_SRCS   := $(shell sh scripts/skel-users bench workloads tests)
SKEL_OBJS   := $(patsubst %.c,$(OUTPUT)/%.o,$(filter-out tests/%,$(SKEL_SRCS)))
VER_OBJS    := $(patsubst %.c,$(OUTPUT)/%.o,$(shell grep -rl 'BPFAULT_GIT_REV\|BPFAULT_VERSION' \
		 $(SRCS) 2>/dev/null))
# the library: every object but main(), split so that a test links only what it needs and
# builds without kernel BTF unless it uses the BPF side
LIB         := $(OUTPUT)/libbpfault.a
LIB_OBJS    := $(filter-out $(MAIN_OBJ) $(SKEL_OBJS),$(OBJS))
BPF_LIB     := $(OUTPUT)/libbpfault-bpf.a
BPF_LIB_OBJS := $(filter-out $(MAIN_OBJ),$(SKEL_OBJS))
TEST_SRCS   := $(wildcard tests/test_*.c)
TESTS       := $(patsubst tests/%.c,$(OUTPUT)/tests/%,$(TEST_SRCS))
# tests of the unit tables (matrix, registry) link the arms' own files, which use the skeleton
UNIT_TESTS  := $(shell grep -l '^\#include "\(matrix\|units\|engine\)\.h"' $(TEST_SRCS) 2>/dev/null)
BPF_TESTS   := $(patsubst tests/%.c,$(OUTPUT)/tests/%,$(sort $(filter tests/%,$(SKEL_SRCS)) $(UNIT_TESTS)))
FORMAT_SRCS  = $(shell find bench bpf workloads tests -name '*.[ch]' -not -path 'tests/data/*' | sort)

ifeq ($(V),1)
Q =
msg =
else ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
Q = @
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.PHONY: all clean deps deps-build deps-run deps-test deps-bench run test tests unit bench format \
	format-check install uninstall FORCE

all: $(BIN)

# install-deps' sets: build (make), run (bpfault run/report), test (make test), bench (make bench)
deps: deps-test
deps-build:
	$(Q)scripts/install-deps build
deps-run:
	$(Q)scripts/install-deps build run
deps-test:
	$(Q)scripts/install-deps build run test
deps-bench:
	$(Q)scripts/install-deps build run bench

# A stamp is rewritten (when make reads this file) only if its content changed, so objects
# depend on what really changed: flags.stamp on the compilers and their flags, version.stamp on
# bpfault's version. `make -n` and `make -q` leave them alone.
ifeq ($(findstring n,$(firstword -$(MAKEFLAGS)))$(findstring q,$(firstword -$(MAKEFLAGS))),)
stamp = $(shell mkdir -p $(OUTPUT) && { echo '$(2)' | cmp -s - $(1) || echo '$(2)' > $(1); })
$(call stamp,$(OUTPUT)/flags.stamp,$(CC) $(BF_CPPFLAGS) $(BF_CFLAGS) | $(CLANG) $(BPF_CFLAGS))
$(call stamp,$(OUTPUT)/version.stamp,$(VERSION))
endif

$(OUTPUT)/vmlinux.h:
	$(call msg,BTF,$@)
	@mkdir -p $(@D)
	$(Q)test -r $(VMLINUX_BTF) || { echo "no BTF at $(VMLINUX_BTF) (set VMLINUX_BTF=)" >&2; exit 77; }
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@

# static pattern rules: the BPF objects and skeletons are explicit targets, so make keeps them
$(BPF_OBJS): $(OUTPUT)/%.bpf.o: bpf/%.bpf.c $(OUTPUT)/vmlinux.h $(OUTPUT)/flags.stamp
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(SKELS): $(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

$(SKEL_OBJS): $(SKELS)
$(VER_OBJS): EXTRA_CPPFLAGS = -DBPFAULT_GIT_REV=\"$(VERSION)\"
$(VER_OBJS): $(OUTPUT)/version.stamp

$(OUTPUT)/%.o: %.c $(OUTPUT)/flags.stamp
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(BF_CPPFLAGS) $(EXTRA_CPPFLAGS) $(BF_CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^
$(BPF_LIB): $(BPF_LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# the binary links every object (not the archives), so nothing registered by an object is lost
$(BIN): $(OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(BF_CFLAGS) $(LDFLAGS) $^ -o $@ $(BF_LDLIBS)

# a unit test links the library archive (only the objects it uses); a test that includes a
# skeleton user's header also links the BPF side
$(TESTS): $(OUTPUT)/tests/%: $(OUTPUT)/tests/%.o $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(BF_CFLAGS) $(LDFLAGS) $< -Wl,--start-group $(if $(filter $@,$(BPF_TESTS)),$(BPF_LIB)) $(LIB) -Wl,--end-group \
		-o $@ $(BF_LDLIBS) $(CMOCKA_LIBS)
$(BPF_TESTS): $(BPF_LIB)

# the unit tests that need no kernel BTF (those of the unit tables link the BPF side)
unit: $(filter-out $(BPF_TESTS),$(TESTS))
tests: $(BIN) $(TESTS)

-include $(shell find $(OUTPUT) -name '*.d' 2>/dev/null)

# The two commands README documents. Each does all of its own set-up.
# the default matrix, then its plots and report; RUN_DIR= picks the output directory
run: deps-run
	$(Q)$(MAKE) --no-print-directory all
	$(Q)f=$$(mktemp); trap 'rm -f "$$f"' EXIT; \
	if [ -n "$$RUN_DIR" ]; then set -- -o "$$RUN_DIR"; else set --; fi; \
	./bpfault run -m bench/matrices/default.json "$$@" --dir-file "$$f" $(RUN_ARGS); rc=$$?; \
	d=$$(cat "$$f"); \
	if [ -n "$$d" ] && [ -f "$$d/results.json" ]; then ./bpfault report "$$d" || exit $$?; fi; exit $$rc

test: deps-test
	$(Q)$(MAKE) --no-print-directory tests
	$(Q)tests/run

bench: deps-bench
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/bench

# PREFIX (default /usr/local) and DESTDIR; the binary finds its data in $(DATADIR), which is
# compiled in, or in ../share/bpfault beside its real path (a relocated or DESTDIR install)
install: $(BIN)
	$(Q)$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(DATADIR)/matrices $(DESTDIR)$(DATADIR)/schema \
		$(DESTDIR)$(DATADIR)/tools $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR)
	$(Q)$(INSTALL) -m 0755 $(BIN) $(DESTDIR)$(SBINDIR)/bpfault
	$(Q)$(INSTALL) -m 0644 scripts/*.gp $(DESTDIR)$(DATADIR)/
	$(Q)$(INSTALL) -m 0644 bench/matrices/*.json $(DESTDIR)$(DATADIR)/matrices/
	$(Q)$(INSTALL) -m 0644 bench/schema/*.json $(DESTDIR)$(DATADIR)/schema/
	$(Q)$(INSTALL) -m 0644 bench/tools/*.json $(DESTDIR)$(DATADIR)/tools/
	$(Q)sed 's|/usr/local/share/bpfault|$(DATADIR)|g' scripts/bpfault.8 > $(DESTDIR)$(MANDIR)/man8/bpfault.8
	$(Q)chmod 0644 $(DESTDIR)$(MANDIR)/man8/bpfault.8
	$(Q)$(INSTALL) -m 0644 scripts/bpfault.bash-completion $(DESTDIR)$(BASHCOMPDIR)/bpfault

uninstall:
	$(Q)rm -f $(DESTDIR)$(SBINDIR)/bpfault $(DESTDIR)$(MANDIR)/man8/bpfault.8 \
		$(DESTDIR)$(BASHCOMPDIR)/bpfault
	$(Q)rm -rf $(DESTDIR)$(DATADIR)

format:
	$(Q)clang-format -i $(FORMAT_SRCS)

format-check:
	$(Q)clang-format --dry-run --Werror $(FORMAT_SRCS)

clean:
	$(Q)rm -rf $(OUTPUT) $(BIN)
-include tests/fuzz/fuzz.mk
