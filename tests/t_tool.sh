#!/bin/bash
# Live tests of real tools scored as arms (bpfault run --tool, issue 9): Debian 12's libbpf-tools
# and bpftrace beside bpfault's own arms on the same openat/execve trials, resident and paged out.
# Run from the repo root as root after 'make'; installs bpftrace and libbpf-tools with apt-get if
# they are missing. BPFAULT=path overrides ./bpfault. Prints "ok - name" / "not ok - name"; under
# CI=true a tool that cannot run fails its tests, elsewhere they are skipped. Exits 1 if any failed.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
N=${TOOL_TRIALS:-400}
tmpdir /var/tmp/bpfault-tooltest.XXXXXX

# q DIR EXPR: a Python expression over the run's cells; c(syscall, state) is a cell, a(...) an arm,
# p(syscall, state, a, b) a pair; prints the value
q() {
	"$PY" - "$1/results.json" "$2" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
def c(sc, st): return next(x for x in r["cells"] if x["syscall"] == sc and x["state"] == st)
def a(sc, st, arm): return c(sc, st)["arms"][arm]
def rate(sc, st, arm): x = a(sc, st, arm); return x["fails"] / x["n"]
def p(sc, st, x, y): return next(e for e in c(sc, st)["paired"] if {e["a"], e["b"]} == {x, y})
def unsup(sc, st, arm): return c(sc, st).get("unsupported_arms", {}).get(arm)
print(eval(sys.argv[2]))
EOF
}
qt() { [ "$(q "$1" "$2" 2>/dev/null)" = True ]; } # qt DIR EXPR: EXPR is true
no_tool_left() { ! ps -eo args= | grep -q -- "$1"; }
tool_of() { ps -eo args= | grep -q "^/usr/sbin/opensnoop -p $1\$"; } # run $1's opensnoop is up
# wait_for CMD...: until CMD succeeds (at most 20 minutes: a busy machine's lock); started=1 if so
wait_for() {
	started=0
	wait_until 1200 "$@" && started=1
}
have_tools() {
	command -v bpftrace >/dev/null && [ -x /usr/sbin/opensnoop ] && [ -x /usr/sbin/execsnoop ]
}
have_tools || need_pkgs bpftrace libbpf-tools
run() { # run DIR ARGS...: a run, its stderr in DIR.err, its status in DIR.rc
	local d=$1
	shift
	"$B" run -q -o "$d" "$@" >/dev/null 2>"$d.err"
	echo $? >"$d.rc"
}
why() { # why DIR: on a failed run, what it said and its cells' and tools' status (TAP comments)
	[ "$(cat "$1.rc")" = 0 ] && return
	sed 's/^/# /' "$1.err"
	q "$1" "'\\n'.join(['%s/%s: %s' % (x['syscall'], x['state'], x['status']) for x in r['cells']] + [str(t) for t in r['meta'].get('tools', [])])" 2>/dev/null | sed 's/^/# /'
}

# bad input: before anything is set up
printf '{\n "schema": "bpfault-tool/1",\n "name": "x",\n "colour": 1\n}\n' >"$T/bad.json"
"$B" run -s openat -k none --tool "$T/bad.json" -o "$T/none" >/dev/null 2>"$T/err"
check "malformed definition: exit 2 with the file and line" \
	test "$?" = 2 -a -n "$(grep -F "$T/bad.json:4: unknown key \"colour\"" "$T/err")"
"$B" run -s openat -k none --tool no-such-tool -o "$T/none" >/dev/null 2>"$T/err"
check "unknown definition name: exit 2" test "$?" = 2
sed 's|/usr/sbin/opensnoop"|/usr/sbin/bpfault-no-such-opensnoop"|g' bench/tools/opensnoop.json >"$T/missing.json"
"$B" run -s openat -k none --tool "$T/missing.json" -o "$T/none" >/dev/null 2>"$T/err"
check "not installed: exit 77 naming it" test "$?" = 77 -a \
	-n "$(grep 'tool opensnoop is not installed: /usr/sbin/bpfault-no-such-opensnoop' "$T/err")"

if [ "$(id -u)" != 0 ] || ! have_tools; then
	cannot "live tool tests" "needs root and bpftrace + libbpf-tools"
fi

# libbpf-tools beside bpfault's enter and exit arms on the same trials
R=$T/r1
run "$R" -s openat,execve -p resident,file-pageout -k none -a enter,exit -n "$N" \
	--tool opensnoop --tool execsnoop
check "run with --tool opensnoop --tool execsnoop: exit 0" test "$(cat "$R.rc")" = 0
why "$R"
check "paged-out cells were paged out (>= 95% absent)" qt "$R" \
	"min(c(s, 'file-pageout')['nonresident_before'] / c(s, 'file-pageout')['trials'] for s in ('openat', 'execve')) >= 0.95"
check "opensnoop (reads at exit), openat paged out: <= 1% lost" \
	qt "$R" "rate('openat', 'file-pageout', 'tool:opensnoop') <= 0.01"
check "execsnoop (reads at enter), execve argv paged out: >= 95% lost" \
	qt "$R" "rate('execve', 'file-pageout', 'tool:execsnoop') >= 0.95"
check "execsnoop, paged out: lost as an empty argv (it drops the unreadable argument)" \
	qt "$R" "a('execve', 'file-pageout', 'tool:execsnoop')['tool']['empty'] >= 0.95 * $N"
check "execsnoop and opensnoop, resident: 0 lost" \
	qt "$R" "a('execve', 'resident', 'tool:execsnoop')['fails'] == 0 == a('openat', 'resident', 'tool:opensnoop')['fails']"
for cell in "openat tool:opensnoop exit" "execve tool:execsnoop enter"; do
	set -- $cell
	check "$2 and bpfault's $3 agree trial by trial ($1 paged out): McNemar p > 0.05, <= 1% discordant" \
		qt "$R" "(lambda e: e['p'] > 0.05 and e['a_only'] + e['b_only'] <= 0.01 * $N)(p('$1', 'file-pageout', '$2', '$3'))"
done
check "a cell of another syscall has the tool arm as unsupported, with the reason" \
	qt "$R" "unsup('execve', 'resident', 'tool:opensnoop') == 'the tool serves openat, not execve'"
check "meta.units names the tool arms (family tool, pair exit/enter)" \
	qt "$R" "[(x['family'], x['pair']) for x in r['meta']['units']['arms'] if x['name'].startswith('tool:')] == [('tool', 'exit'), ('tool', 'enter')]"
"$B" baseline "$R" >"$T/base.json" 2>/dev/null
"$B" gate --baseline "$T/base.json" --junit "$T/j.xml" --markdown "$T/m.md" "$R" >/dev/null 2>&1
check "the gate's JUnit and Markdown name the tool's arm" \
	test -n "$(grep 'tool:opensnoop' "$T/j.xml")" -a -n "$(grep 'tool:execsnoop' "$T/m.md")"

# bpftrace one-liners at enter and at exit
R=$T/r2
run "$R" -s openat -p resident,file-pageout -k none -a enter,exit -n "$N" \
	--tool bt-openat-enter --tool bt-openat-exit
check "run with the bpftrace one-liners: exit 0" test "$(cat "$R.rc")" = 0
why "$R"
check "bpftrace enter one-liner, openat paged out: >= 95% lost; resident: 0" \
	qt "$R" "rate('openat', 'file-pageout', 'tool:bt-openat-enter') >= 0.95 and a('openat', 'resident', 'tool:bt-openat-enter')['fails'] == 0"
check "bpftrace exit one-liner, openat paged out: <= 1% lost" \
	qt "$R" "rate('openat', 'file-pageout', 'tool:bt-openat-exit') <= 0.01"
check "bt-openat-enter and bpfault's enter agree trial by trial: McNemar p > 0.05, <= 1% discordant" \
	qt "$R" "(lambda e: e['p'] > 0.05 and e['a_only'] + e['b_only'] <= 0.01 * $N)(p('openat', 'file-pageout', 'tool:bt-openat-enter', 'enter'))"

# a tool killed in the middle of a cell: the cell is invalid with the reason, nothing left behind
cat >"$T/killed.json" <<EOF
{ "schema": "bpfault-tool/1", "name": "killed",
  "command": ["/bin/sh", "-c", "echo \$\$ > $T/killed.pid; exec stdbuf -oL /usr/sbin/opensnoop -p {pid}"],
  "syscalls": ["openat"], "reads": "exit", "ready": { "regex": "^PID", "settle_ms": 250 },
  "event": { "regex": "^([0-9]+) +.{16} +(-?[0-9]+) +([0-9]+) (.*)\$", "value_group": 4, "pid_group": 1 } }
EOF
R=$T/r3
"$B" run -q -o "$R" -s openat,write -p resident -k none,null -a enter,exit -n 3000000 \
	--tool "$T/killed.json" >/dev/null 2>"$R.err" &
pid=$!
wait_for test -s "$T/killed.pid" # other runs on the machine hold the lock meanwhile
sleep 1
[ -s "$T/killed.pid" ] && kill -KILL "$(cat "$T/killed.pid")"
wait $pid
check "a tool killed mid-run: the run exits 1" test "$?" = 1
check "its cell is invalid with the reason" qt "$R" \
	"c('openat', 'resident')['status'].startswith('invalid: tool killed was killed by KILL during the trials')"
check "the cells it does not serve go on (write/resident is ok)" qt "$R" "c('write', 'resident')['status'] == 'ok'"
check "no tool process left behind" no_tool_left "^/usr/sbin/opensnoop -p"

# never ready: the reason names the timeout and the tool's last stderr line
cat >"$T/never.json" <<'EOF'
{ "schema": "bpfault-tool/1", "name": "never",
  "command": ["/bin/sh", "-c", "echo 'cannot attach' >&2; exec sleep 61.25"],
  "syscalls": ["openat"], "reads": "unknown", "ready": { "regex": "^READY", "timeout_ms": 500 },
  "event": { "regex": "^([0-9]+) (.*)$", "value_group": 2 } }
EOF
R=$T/r4
run "$R" -s openat -p resident -k none -a enter -n 50 --tool "$T/never.json"
check "never ready: exit 1, the cell invalid with the timeout and its last stderr line" \
	qt "$R" "c('openat', 'resident')['status'] == 'invalid: tool never never became ready within 500 ms: cannot attach'"
check "never ready: its process is gone" no_tool_left "^sleep 61.25"

# bpfault itself interrupted (SIGINT: 130, the tool stopped) or killed (the tool dies with it)
for sig in INT KILL; do
	mountpoint -q /sys/kernel/tracing && had_tracefs=1 || had_tracefs=0
	ls -d /var/tmp/bpfault.* 2>/dev/null | sort >"$T/dirs.before"
	"$B" run -q -o "$T/r5$sig" -s openat -p resident -k none -a enter -n 50000000 \
		--tool opensnoop >/dev/null 2>&1 &
	pid=$!
	wait_for tool_of $pid
	sleep 1
	kill -$sig $pid
	wait $pid
	rc=$?
	sleep 0.5
	want=130
	[ $sig = KILL ] && want=137
	check "bpfault interrupted by SIG$sig: exit $want" test $rc = $want
	check "bpfault interrupted by SIG$sig: it had started its tool" test "$started" = 1
	check "bpfault interrupted by SIG$sig: no tool process left" no_tool_left "^/usr/sbin/opensnoop -p $pid\$"
	if [ $sig = KILL ]; then # a killed run cannot undo: undo for it what it changed
		[ $had_tracefs = 0 ] && umount /sys/kernel/tracing 2>/dev/null
		ls -d /var/tmp/bpfault.* 2>/dev/null | sort | comm -13 "$T/dirs.before" - |
			xargs -r rm -rf --
	fi
done

[ "$fails" = 0 ]
