#!/bin/bash
# 'bpfault baseline -o FILE' (atomic, refuses unfit runs) and 'bpfault merge' on the stored runs
# (results/reference/default, tests/data/gate/run-*); no kernel needed. Run from the repo root
# after 'make'; BPFAULT=path overrides ./bpfault. Prints "ok - name" / "not ok - name".
set -u
B=${BPFAULT:-./bpfault}
D=tests/data/gate
REF=results/reference/default
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0

check() { # check NAME CMD...: CMD's status decides
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then
		echo "ok - $name"
	else
		echo "not ok - $name"
		fails=$((fails + 1))
	fi
}
# run ARGS...: run bpfault, keep stdout/stderr in $T/out, $T/err and the status in $T/rc
run() {
	"$B" "$@" >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
}
rc_is() { [ "$(cat "$T/rc")" = "$1" ]; }
err_has() { grep -qE -- "$1" "$T/err"; }
one_line_err() { [ "$(wc -l <"$T/err")" = 1 ] && grep -q '^bpfault: ' "$T/err"; }
py() { python3 -c "import json,csv,sys; $1" "${@:2}"; }
json_true() { py "d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1"; }
no_temp_left() { [ -z "$(find "$1" -name '.*.json.*' -print -quit)" ]; }

[ -x "$B" ] || { echo "not ok - $B is built"; exit 1; }

# ---- baseline -o FILE ----
mkdir "$T/b"
run baseline $D/run-a -o "$T/b/base.json"
check "baseline -o: exits 0" rc_is 0
check "baseline -o: nothing on stdout" [ ! -s "$T/out" ]
"$B" baseline $D/run-a >"$T/stdout.json"
check "baseline -o: the file is what stdout gets" cmp "$T/b/base.json" "$T/stdout.json"
check "baseline -o: a valid baseline" json_true "$T/b/base.json" 'd["meta"]["baseline"] is True'
cp "$T/b/base.json" "$T/old.json"
for bad in run-incomplete run-invalid; do
	run baseline $D/$bad -o "$T/b/base.json"
	check "baseline -o $bad: exit 2" rc_is 2
	check "baseline -o $bad: one line" one_line_err
	check "baseline -o $bad: old file untouched" cmp "$T/b/base.json" "$T/old.json"
done
run baseline $D/run-incomplete -o "$T/b/new.json"
check "baseline -o incomplete: says so" err_has 'incomplete run'
check "baseline -o incomplete: no file created" [ ! -e "$T/b/new.json" ]
check "baseline -o: no temporary left" no_temp_left "$T/b"
ln -s "$T/victim" "$T/b/link.json"
run baseline $D/run-a -o "$T/b/link.json"
link_replaced() { [ ! -e "$T/victim" ] && [ ! -L "$T/b/link.json" ] && [ -s "$T/b/link.json" ]; }
check "baseline -o over a symlink: replaces the link, never writes through it" link_replaced
run baseline $D/run-a -o "$T/nodir/base.json"
check "baseline -o into a missing directory: exit 2" rc_is 2
check "baseline -o into a missing directory: one line" one_line_err

exit $((fails > 0))
