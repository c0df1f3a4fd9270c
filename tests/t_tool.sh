#!/bin/bash
# Live tests of real tools scored as arms (issue 9): Debian 12's libbpf-tools and bpftrace run
# against real openat/execve calls whose strings are resident or paged out. Run from the repo root
# as root after 'make'; installs bpftrace and libbpf-tools with apt-get if they are missing.
# BPFAULT=path overrides ./bpfault. Prints "ok - name" / "not ok - name"; under CI=true a tool that
# cannot run fails its tests, elsewhere they are skipped. Exits 1 if any failed.
set -u
B=${BPFAULT:-./bpfault}
N=${TOOL_TRIALS:-400}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0

ok() { echo "ok - $1"; }
notok() {
	echo "not ok - $1"
	fails=$((fails + 1))
}
check() { # check NAME CONDITION-CMD...
	local name=$1
	shift
	if "$@"; then ok "$name"; else notok "$name"; fi
}
skip_or_fail() { # the environment cannot run NAME: a failure in CI, a skip elsewhere
	if [ "${CI:-}" = true ]; then notok "$1 ($2)"; else echo "ok - $1 # SKIP $2"; fi
}

# kv KEY: the value of KEY=... in $T/out's RESULT line
kv() { sed -n "s/^RESULT .* $1=\([0-9]*\).*/\1/p" "$T/out"; }
# trial TOOL SYSCALL STATE: one run, RESULT in $T/out, messages in $T/err, status in $T/rc
trial() {
	"$B" tool-trial --tool "$1" -s "$2" -p "$3" -n "$N" >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
}
rc() { cat "$T/rc"; }
# fail rate among absent (or present) trials within [lo, hi] (percent, integers)
rate_in() { # rate_in fails_absent absent LO HI
	local f a
	f=$(kv "$1") a=$(kv "$2")
	[ "$(rc)" = 0 ] && [ -n "$a" ] && [ "$a" -ge $((N * 95 / 100)) ] &&
		[ $((f * 100)) -ge $(($3 * a)) ] && [ $((f * 100)) -le $(($4 * a)) ]
}
no_tool_left() { ! ps -eo args= | grep -q -- "$1"; }

have_tools() {
	command -v bpftrace >/dev/null && [ -x /usr/sbin/opensnoop ] && [ -x /usr/sbin/execsnoop ]
}
if ! have_tools && [ "$(id -u)" = 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q bpftrace libbpf-tools >"$T/apt" 2>&1
fi

# bad input needs no kernel
printf '{\n "schema": "bpfault-tool/1",\n "name": "x",\n "colour": 1\n}\n' >"$T/bad.json"
"$B" tool-trial --tool "$T/bad.json" >"$T/out" 2>"$T/err"
check "malformed definition: exit 2, the file and line" \
	test "$?" = 2 -a -n "$(grep -F "$T/bad.json:4: unknown key \"colour\"" "$T/err")"
"$B" tool-trial --tool no-such-tool >"$T/out" 2>"$T/err"
check "unknown definition name: exit 2" test "$?" = 2
sed 's|"/usr/sbin/opensnoop", "-p"|"/usr/sbin/bpfault-no-such-opensnoop", "-p"|;s|"needs": \["/usr/sbin/opensnoop"\]|"needs": ["/usr/sbin/bpfault-no-such-opensnoop"]|' \
	bench/tools/opensnoop.json >"$T/missing.json"
"$B" tool-trial --tool "$T/missing.json" >"$T/out" 2>"$T/err"
check "not installed: exit 77 naming it" \
	test "$?" = 77 -a -n "$(grep 'tool opensnoop is not installed: /usr/sbin/bpfault-no-such-opensnoop' "$T/err")"

if [ "$(id -u)" != 0 ] || ! have_tools; then
	skip_or_fail "live tool tests" "needs root and bpftrace + libbpf-tools"
	[ "$fails" = 0 ]
	exit
fi

# reads at exit: opensnoop keeps the path of paged-out openat trials (<= 1% lost)
trial opensnoop openat pageout
check "opensnoop, openat paged out: <= 1% lost" rate_in fails_absent absent 0 1
trial bt-openat-exit openat pageout
check "bpftrace exit one-liner, openat paged out: <= 1% lost" rate_in fails_absent absent 0 1
# reads at enter: execsnoop and the enter one-liner lose >= 95% paged out, 0% resident
trial execsnoop execve pageout
check "execsnoop, execve argv paged out: >= 95% lost" rate_in fails_absent absent 95 100
check "execsnoop, paged out: lost as empty argv (it drops the unreadable argument)" \
	test "$(kv empty)" = "$(kv fails)"
trial execsnoop execve resident
check "execsnoop, execve argv resident: 0 lost" test "$(rc)" = 0 -a "$(kv fails)" = 0
trial bt-openat-enter openat pageout
check "bpftrace enter one-liner, openat paged out: >= 95% lost" rate_in fails_absent absent 95 100
trial bt-openat-enter openat resident
check "bpftrace enter one-liner, openat resident: 0 lost" test "$(rc)" = 0 -a "$(kv fails)" = 0

# a tool that dies in the middle of the trials: invalid with the reason, nothing left behind
cat >"$T/dies.json" <<'EOF'
{ "schema": "bpfault-tool/1", "name": "dies", "command": ["/bin/sh", "-c", "echo READY; sleep 0.4; echo 'dying now' >&2; exit 3"],
  "syscalls": ["openat"], "reads": "unknown", "ready": { "regex": "^READY" },
  "event": { "regex": "^([0-9]+) (.*)$", "value_group": 2 } }
EOF
"$B" tool-trial --tool "$T/dies.json" -s openat -p resident -n 2000000 >"$T/out" 2>"$T/err"
check "a tool that dies mid-run: exit 1 with its status and last stderr line" \
	test "$?" = 1 -a -n "$(grep 'tool dies exited with status 3 during the trials: dying now' "$T/err")"
# a real tool killed from outside mid-run
cat >"$T/killed.json" <<EOF
{ "schema": "bpfault-tool/1", "name": "killed", "command": ["/bin/sh", "-c", "echo \$\$ > $T/killed.pid; exec stdbuf -oL /usr/sbin/opensnoop -p {pid}"],
  "syscalls": ["openat"], "reads": "exit", "ready": { "regex": "^PID", "settle_ms": 250 },
  "event": { "regex": "^([0-9]+) +.{16} +(-?[0-9]+) +([0-9]+) (.*)\$", "value_group": 4, "pid_group": 1 } }
EOF
"$B" tool-trial --tool "$T/killed.json" -s openat -p resident -n 2000000 >"$T/out" 2>"$T/err" &
run=$!
for _ in $(seq 100); do [ -s "$T/killed.pid" ] && break; sleep 0.1; done
sleep 1
[ -s "$T/killed.pid" ] && kill -KILL "$(cat "$T/killed.pid")"
wait $run
check "a real tool killed mid-run: exit 1, 'was killed by KILL'" \
	test "$?" = 1 -a -n "$(grep 'tool killed was killed by KILL during the trials' "$T/err")"
check "no tool process left behind" no_tool_left "^/usr/sbin/opensnoop -p"
# bpfault itself interrupted (SIGINT: 130, the tool stopped) or killed (the tool dies with it)
for sig in INT KILL; do
	mountpoint -q /sys/kernel/tracing && had_tracefs=1 || had_tracefs=0
	ls -d /var/tmp/bpfault-tool.* 2>/dev/null | sort >"$T/dirs.before"
	"$B" tool-trial --tool opensnoop -s openat -p resident -n 5000000 >"$T/out" 2>"$T/err" &
	run=$!
	for _ in $(seq 150); do ps -eo args= | grep -q '^/usr/sbin/opensnoop -p' && break; sleep 0.1; done
	sleep 0.5
	kill -$sig $run
	wait $run
	rc=$?
	sleep 0.3
	want=130
	[ $sig = KILL ] && want=137
	check "bpfault interrupted by SIG$sig: exit $want" test $rc = $want
	check "bpfault interrupted by SIG$sig: no tool process left" no_tool_left "^/usr/sbin/opensnoop -p"
	if [ $sig = KILL ]; then # a killed run cannot undo: undo for it what it changed
		[ $had_tracefs = 0 ] && umount /sys/kernel/tracing 2>/dev/null
		ls -d /var/tmp/bpfault-tool.* 2>/dev/null | sort | comm -13 "$T/dirs.before" - |
			xargs -r rm -rf --
	fi
done
# never ready: the reason names the timeout and its last stderr line
cat >"$T/never.json" <<'EOF'
{ "schema": "bpfault-tool/1", "name": "never", "command": ["/bin/sh", "-c", "echo 'cannot attach' >&2; exec sleep 61.25"],
  "syscalls": ["openat"], "reads": "unknown", "ready": { "regex": "^READY", "timeout_ms": 500 },
  "event": { "regex": "^([0-9]+) (.*)$", "value_group": 2 } }
EOF
"$B" tool-trial --tool "$T/never.json" -s openat -p resident >"$T/out" 2>"$T/err"
check "never ready: exit 1, timeout and last stderr line" \
	test "$?" = 1 -a -n "$(grep 'tool never never became ready within 500 ms: cannot attach' "$T/err")"
check "never ready: its process is gone" no_tool_left "^sleep 61.25"

[ "$fails" = 0 ]
