# bpfault build: vmlinux.h from the running kernel's BTF, BPF objects, skeletons, one binary.
# Every artifact lives in .output/; `make V=1` shows the commands.
OUTPUT      := .output
CLANG       ?= clang
BPFTOOL     ?= bpftool
CC          ?= gcc
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
ARCH        := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')

CFLAGS      ?= -O2 -g
GIT_REV     := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
CFLAGS      += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -I$(OUTPUT) -Ibpf -Ibench
CFLAGS      += -DBPFAULT_GIT_REV=\"$(GIT_REV)\"
LDLIBS      := -lbpf -lelf -lz -ljansson -luring -lm
BPF_CFLAGS  := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -I$(OUTPUT) -Ibpf -Wall -Werror

BPF_SRCS    := $(wildcard bpf/*.bpf.c)
SKELS       := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.skel.h,$(BPF_SRCS))
BENCH_SRCS  := $(wildcard bench/*.c) $(wildcard workloads/*.c)
BENCH_OBJS  := $(patsubst %.c,$(OUTPUT)/%.o,$(BENCH_SRCS))
LIB_OBJS    := $(filter-out $(OUTPUT)/bench/main.o,$(BENCH_OBJS))
TEST_SRCS   := $(wildcard tests/test_*.c)
TESTS       := $(patsubst tests/%.c,$(OUTPUT)/tests/%,$(TEST_SRCS))

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.PHONY: all clean deps run test tests bench format format-check

all: bpfault

deps:
	$(Q)scripts/install-deps

$(OUTPUT) $(OUTPUT)/bench $(OUTPUT)/workloads $(OUTPUT)/tests:
	$(Q)mkdir -p $@

$(OUTPUT)/vmlinux.h: | $(OUTPUT)
	$(call msg,BTF,$@)
	$(Q)test -r $(VMLINUX_BTF) || { echo "no BTF at $(VMLINUX_BTF) (set VMLINUX_BTF=)" >&2; exit 77; }
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c bpf/*.h $(OUTPUT)/vmlinux.h | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

$(OUTPUT)/bench/%.o: bench/%.c bench/*.h bpf/probe.h $(SKELS) | $(OUTPUT)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(OUTPUT)/workloads/%.o: workloads/%.c bench/*.h | $(OUTPUT)/workloads
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

bpfault: $(BENCH_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

$(OUTPUT)/tests/%: tests/%.c $(LIB_OBJS) | $(OUTPUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< $(LIB_OBJS) -o $@ $(LDLIBS) -lcmocka

tests: bpfault $(TESTS)

# The two commands README documents. Each does all of its own set-up.
# the default matrix, then its plots and report; RUN_DIR= picks the output directory
run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)d=$${RUN_DIR:-results/$$(date -u +%Y%m%dT%H%M%SZ)}; \
	./bpfault run -m bench/matrices/default.json -o "$$d" $(RUN_ARGS); rc=$$?; \
	if [ -f "$$d/results.json" ]; then ./bpfault report "$$d" || exit $$?; fi; exit $$rc

test: deps
	$(Q)$(MAKE) --no-print-directory tests
	$(Q)tests/run

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/bench

format:
	$(Q)clang-format -i bench/*.[ch] bpf/*.[ch] workloads/*.[ch] tests/*.c

format-check:
	$(Q)clang-format --dry-run --Werror bench/*.[ch] bpf/*.[ch] workloads/*.[ch] tests/*.c

clean:
	$(Q)rm -rf $(OUTPUT) bpfault
-include tests/fuzz/fuzz.mk
