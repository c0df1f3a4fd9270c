#!/bin/bash
# The build: generated skeletons kept, nothing rebuilt twice, touching one file rebuilds only
# what depends on it (-MMD -MP), the unit tests build without kernel BTF and link only what they
# use, pkg-config and CPPFLAGS/LDFLAGS/LDLIBS honoured, a flag change rebuilds. Run from the
# repo root after 'make tests'. Prints "ok - name" / "not ok - name"; exits 1 if any failed.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tmpdir

# what make would do after FILE changed: "cc" lines compiled, "link" lines, "bpf", "skel"
would() { # would FILE [VAR=...]: prints the counts "compile link bpf skel"
	local f=$1
	shift
	make -n V=1 -W "$f" "$@" tests | awk '
		/ -c .* -o / && /-target bpf/ { b++; next }
		/ -c .* -o / { c++; next }
		/gen skeleton/ { s++; next }
		/(^|[ \t])-o (bpfault|\.output\/tests\/)/ { l++ }
		END { printf "%d %d %d %d\n", c, l, b, s }'
}
is() { [ "$1" = "$2" ] || { echo "got '$1', want '$2'"; return 1; }; }

skel_users=$(scripts/skel-users bench workloads)
nskel=$(echo "$skel_users" | grep -c .)
ntests=$(find tests -maxdepth 1 -name 'test_*.c' | wc -l)
# tests of the unit tables link the BPF side (Makefile UNIT_TESTS): relinked with the skeleton
nbpftests=$(grep -l '^#include "\(matrix\|units\|engine\)\.h"' tests/test_*.c 2>/dev/null | wc -l)

for b in bpf/*.bpf.c; do
	s=.output/$(basename "$b" .bpf.c).skel.h
	check "skeleton $s is kept after the build" test -s "$s"
done
check "a second make has nothing to do" make -q tests
check "touching bench/main.c: one object, the binary relinked, no BPF" \
	is "$(would bench/main.c)" "1 1 0 0"
lib_src=$(find bench -name '*.c' ! -name main.c | grep -vxF "$skel_users" | head -1)
check "touching $lib_src: one object, the binary and $ntests tests relinked" \
	is "$(would "$lib_src")" "1 $((ntests + 1)) 0 0"
for b in bpf/*.bpf.c; do
	check "touching $b: BPF object, skeleton, only its $nskel user(s) recompiled" \
		is "$(would "$b")" "$nskel $((nbpftests + 1)) 1 1"
done
# -MMD: an object depends on every header its source includes, workloads/ included
for o in .output/workloads/*.o; do
	src=workloads/$(basename "$o" .o).c
	hdr=$(grep -ohE '^#include "[^"]+"' "$src" | head -1 | sed 's/.*"\(.*\)"/\1/')
	[ -n "$hdr" ] || continue
	h=$(find bench bpf workloads -path "*/$hdr" | head -1)
	check "touching $h recompiles ${o#.output/}" \
		bash -c "make -n -W '$h' bpfault | grep -qF '$o'"
done

# unit tests without kernel BTF, in a fresh output directory
make -s -j2 OUTPUT="$T/out" VMLINUX_BTF=/nonexistent/vmlinux unit >"$T/unit.log" 2>&1
check "unit tests build with VMLINUX_BTF pointing at a missing file" \
	bash -c "[ $? = 0 ] || { tail -5 $T/unit.log; exit 1; }"
check "... without generating vmlinux.h or a skeleton" \
	bash -c "! ls $T/out/vmlinux.h $T/out/*.skel.h 2>/dev/null | grep -q ."
check "... and test_stats links no BPF code" \
	bash -c "[ -x $T/out/tests/test_stats ] && ! nm $T/out/tests/test_stats | grep -qiE 'bpf_object__|_bpf__open'"
check "... and runs" bash -c "CMOCKA_MESSAGE_OUTPUT=TAP $T/out/tests/test_stats | grep -q '^ok 1 '"
check "make -q: the BTF-less unit build is up to date" \
	make -q OUTPUT="$T/out" VMLINUX_BTF=/nonexistent/vmlinux unit
old=$(stat -c %Y "$T/out/bench/stats.o")
sleep 1
make -s OUTPUT="$T/out" VMLINUX_BTF=/nonexistent/vmlinux CPPFLAGS=-DBPFAULT_T_BUILD \
	"$T/out/bench/stats.o" >/dev/null 2>&1
check "a CPPFLAGS change rebuilds the objects" [ "$(stat -c %Y "$T/out/bench/stats.o")" -gt "$old" ]

# flags reach the commands
cmdline=$(make -n V=1 -W bench/main.c CPPFLAGS=-DBPFAULT_T_CPP LDFLAGS=-Wl,-z,now LDLIBS=-ldl \
	CFLAGS=-O1 bpfault)
check "CPPFLAGS and CFLAGS reach the compiler" \
	bash -c "grep -- ' -c bench/main.c' <<<'$cmdline' | grep -q -- '-DBPFAULT_T_CPP.*-O1'"
check "LDFLAGS and LDLIBS reach the linker" \
	bash -c "grep -- '-o bpfault' <<<'$cmdline' | grep -- '-Wl,-z,now' | grep -q -- '-ldl'"
check "the developer build has -Wall -Wextra -Werror" \
	bash -c "make -n V=1 -W bench/main.c bpfault | grep -- ' -c bench/main.c' | grep -q -- '-Wall -Wextra -Werror'"
cat >"$T/pkg-config" <<'EOF'
#!/bin/sh
case "$1" in --cflags) echo -I/bpfault-t/include ;; --libs) echo -lbpfault-t ;; esac
EOF
chmod +x "$T/pkg-config"
pc=$(make -n V=1 -W bench/main.c PKG_CONFIG="$T/pkg-config" bpfault)
check "libraries come from pkg-config" \
	bash -c "grep -q -- '-I/bpfault-t/include.* -c bench/main.c' <<<'$pc' && grep -- '-o bpfault' <<<'$pc' | grep -q -- -lbpfault-t"

[ "$fails" -eq 0 ]
