#!/bin/bash
# Source hygiene: clang-format clean, and user space built with -Wall -Wextra -Werror (the
# Makefile's flags, so any warning fails 'make'). One line per check.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
rc=0
files=$(ls bench/*.[ch] bench/*/*.[ch] bpf/*.[ch] workloads/*.[ch] tests/*.c)
if out=$(clang-format --dry-run --Werror $files 2>&1); then
	echo "ok - clang-format clean ($(echo $files | wc -w) files)"
else
	echo "not ok - clang-format clean: $(echo "$out" | grep -m3 'error:' | tr '\n' ' ')"
	rc=1
fi
if grep -qE '^CFLAGS +\+= .*-Wall -Wextra -Werror' Makefile; then
	echo "ok - user space builds with -Wall -Wextra -Werror"
else
	echo "not ok - user space builds with -Wall -Wextra -Werror"
	rc=1
fi
exit $rc
