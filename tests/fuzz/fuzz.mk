# libFuzzer harnesses for every parser bpfault has (tests/fuzz/README.md), included by the
# Makefile. `make fuzz-smoke` runs each for FUZZ_RUNS executions (tests/t_fuzz.sh, so `make test`);
# `make fuzz` runs each for FUZZ_TIME seconds. Inputs found to crash are fixed and then kept in
# tests/fuzz/corpus/<harness>/, which every run replays first.
FUZZ_CC     ?= clang-14
FUZZ_RUNS   ?= 2000
FUZZ_TIME   ?= 60
FUZZ_DIR    := $(OUTPUT)/fuzz
FUZZ_CFLAGS := -g -O1 -std=gnu11 -D_GNU_SOURCE -I$(OUTPUT) -Ibpf -Ibench -Itests/fuzz $(PC_CFLAGS) \
	       -DBPFAULT_GIT_REV=\"fuzz\" -Wall -Wno-unused-command-line-argument \
	       -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_LIBSRC := $(filter-out bench/main.c,$(SRCS))
FUZZ_LIBOBJ := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(FUZZ_LIBSRC))
# the tool-definition parser is fuzzed once it is in the tree
FUZZ_NAMES  := matrix results lists $(if $(wildcard bench/tooldef.c),tooldef)
FUZZ_BINS   := $(patsubst %,$(FUZZ_DIR)/fuzz_%,$(FUZZ_NAMES))
# seeds: the repository's own files of each kind (read-only), then the kept corpus
FUZZ_SEEDS_matrix  := bench/matrices tests/fuzz/corpus/matrix
FUZZ_SEEDS_results := tests/data results/baselines tests/fuzz/corpus/results
FUZZ_SEEDS_lists   := tests/fuzz/corpus/lists
FUZZ_SEEDS_tooldef := $(wildcard bench/tools) tests/fuzz/corpus/tooldef
FUZZ_OPTS   := -close_fd_mask=3 -max_len=65536 -rss_limit_mb=4096 -artifact_prefix=$(FUZZ_DIR)/

.PHONY: fuzz fuzz-smoke fuzz-build
.SECONDARY: $(FUZZ_LIBOBJ) $(FUZZ_BINS)

$(FUZZ_DIR)/obj/%.o: %.c $(shell find bench workloads bpf -name "*.h") bpf/units.def $(SKELS)
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_util.h $(FUZZ_LIBOBJ)
	$(call msg,FUZZ-LD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_LIBOBJ) -o $@ $(BF_LDLIBS)

fuzz-build: $(FUZZ_BINS)

fuzz-smoke: fuzz-build
	$(Q)for n in $(FUZZ_NAMES); do \
		mkdir -p $(FUZZ_DIR)/corpus-$$n; \
		case $$n in matrix) seeds="$(FUZZ_SEEDS_matrix)";; results) seeds="$(FUZZ_SEEDS_results)";; \
			lists) seeds="$(FUZZ_SEEDS_lists)";; *) seeds="$(FUZZ_SEEDS_tooldef)";; esac; \
		if $(FUZZ_DIR)/fuzz_$$n $(FUZZ_OPTS) -runs=$(FUZZ_RUNS) -seed=1 \
			$(FUZZ_DIR)/corpus-$$n $$seeds >$(FUZZ_DIR)/$$n.log 2>&1; then \
			echo "ok - fuzz $$n: $(FUZZ_RUNS) runs over the corpus, no crash"; \
		else echo "not ok - fuzz $$n: see $(FUZZ_DIR)/$$n.log"; tail -30 $(FUZZ_DIR)/$$n.log; fi; \
	done

fuzz: fuzz-build
	$(Q)for n in $(FUZZ_NAMES); do \
		mkdir -p $(FUZZ_DIR)/corpus-$$n; \
		case $$n in matrix) seeds="$(FUZZ_SEEDS_matrix)";; results) seeds="$(FUZZ_SEEDS_results)";; \
			lists) seeds="$(FUZZ_SEEDS_lists)";; *) seeds="$(FUZZ_SEEDS_tooldef)";; esac; \
		echo "fuzz $$n for $(FUZZ_TIME) s"; \
		$(FUZZ_DIR)/fuzz_$$n $(FUZZ_OPTS) -max_total_time=$(FUZZ_TIME) \
			$(FUZZ_DIR)/corpus-$$n $$seeds || exit 1; \
	done
