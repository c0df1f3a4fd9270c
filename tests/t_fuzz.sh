#!/usr/bin/env bash
# The fuzz harnesses (tests/fuzz/), briefly: each parser for FUZZ_RUNS executions over its corpus
# (the repository's own files and every input that once crashed it). `make fuzz` runs them longer.
# TAP lines; without clang-14's libFuzzer it skips (fails under CI=true).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if ! command -v "${FUZZ_CC:-clang-14}" >/dev/null ||
	! echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' |
	"${FUZZ_CC:-clang-14}" -x c -fsanitize=fuzzer - -o /dev/null 2>/dev/null; then
	cannot "fuzz" "clang-14 with libFuzzer is missing (apt-get install clang-14 libclang-rt-14-dev)"
fi
out=$(make --no-print-directory -j2 fuzz-smoke 2>&1)
rc=$?
echo "$out" | grep -v '^  FUZZ-\|^rm '
[ $rc -eq 0 ] || fail "fuzz: make fuzz-smoke failed ($rc)"
finish
