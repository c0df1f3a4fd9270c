#!/usr/bin/env bash
# Live reliability tests (root, BPF): nothing followed, nothing lost, nothing left behind, no false
# alarms. After each test the machine is checked against its state at the start (swap, zram,
# tracefs, bpfault cgroups, work directories, hogs, journals), under the run lock so that no other
# run is changing it meanwhile. TAP lines (ok - / not ok - ). About 4 minutes.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
B=$PWD/bpfault
# bf ARGS...: a run or command in the foreground, stopped (exit 124) if it outlasts 5 minutes
bf() { timeout -k 10 300 "$B" "$@"; }
tmpdir /tmp/bpfault-reliab.XXXXXX
trap 'mountpoint -q "$T/ro" && umount "$T/ro"; rm -rf "$T"' EXIT

[ "$(id -u)" = 0 ] && [ -x "$B" ] || cannot "reliability" "needs root and ./bpfault"

# what a run may change, one line each (sorted)
state() {
	{
		sed 1d /proc/swaps | awk '{print "swap", $1}'
		for z in /sys/block/zram*/disksize; do [ -e "$z" ] && echo "zram $z $(cat "$z")"; done
		awk '$3 == "tracefs" {print "tracefs", $2}' /proc/self/mounts
		find /sys/fs/cgroup -maxdepth 7 -type d -name 'bpfault.*' 2>/dev/null | sed 's/^/cgroup /'
		ls -d /var/tmp/bpfault.?????? 2>/dev/null | sed 's/^/workdir /'
		ps -C bpfault-hog -o pid=,stat= | awk '$2 !~ /^Z/ {print "hog", $1}' # zombies are dead
		ls /run/bpfault 2>/dev/null | sed 's/^/journal /'
	} | sort
}
# the state, taken while holding the run lock (no run changes it meanwhile)
snap() { locked state; }
S0=$(snap)
clean() { # clean WHAT: the machine is as found
	local s
	s=$(snap)
	if [ "$s" = "$S0" ]; then pass "machine as found after $1"; else
		fail "machine as found after $1"
		diff <(echo "$S0") <(echo "$s") | sed 's/^/#   /'
	fi
}
complete() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["meta"]["complete"])' "$1" 2>/dev/null; }
# wait (up to 60 s) until process $1 has changed something: its journal records a step of kind $2
wait_journal() {
	for _ in $(seq 600); do
		grep -qs "^+ $2 " /run/bpfault/journal."$1".* && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# catching PID: true once process PID handles SIGINT itself (its SigCgt has bit 1). A job started
# with '&' by a script inherits SIGINT ignored: a SIGINT before bpfault's first instructions is
# discarded by the kernel, so the random points below start from there
catching() {
	local m
	m=$(awk '$1 == "SigCgt:" {print $2}' /proc/"$1"/status 2>/dev/null)
	[ -n "$m" ] && [ $((0x$m & 2)) -ne 0 ]
}

SMALL=(run -q -s write -p resident -k null -a enter -n 200)
PRESS=(run -q -s write -p pressure-low,anon-pageout -k file -a enter,exit -n 100000000)

# ---- symlinks planted at every path bpfault creates ----
echo original >"$T/victim"
mkdir "$T/victimdir"
ln -s "$T/victimdir" "$T/link"
bf "${SMALL[@]}" -o "$T/link" 2>"$T/err"
rc=$?
check "-o LINK (a symlink to a directory) is refused with exit 2" [ $rc -eq 2 ]
check "-o LINK: nothing written into the link's target" [ -z "$(ls -A "$T/victimdir")" ]
check "-o LINK: one line says why" grep -q "is a symlink" "$T/err"
mkdir "$T/o1"
for f in results.json cells.csv .bpfault-write-test results.json.tmp.$$ cells.csv.tmp.$$; do
	ln -s "$T/victim" "$T/o1/$f"
done
bf "${SMALL[@]}" -o "$T/o1"
rc=$?
check "symlinks planted at the results, temporaries and write test: run succeeds" [ $rc -eq 0 ]
check "the results replace the symlinks as regular files" \
	test -f "$T/o1/results.json" -a ! -L "$T/o1/results.json" -a ! -L "$T/o1/cells.csv"
check "the symlinks' target is untouched" [ "$(cat "$T/victim")" = original ]
bf baseline "$T/o1" >"$T/base1.json"
ln -s "$T/victim" "$T/o1/junit.xml"
ln -s "$T/victim" "$T/o1/gate.md"
bf gate --baseline "$T/base1.json" "$T/o1" --junit "$T/o1/junit.xml" --markdown "$T/o1/gate.md" >/dev/null
check "gate --junit/--markdown over symlinks: written as new files, target untouched" \
	test ! -L "$T/o1/junit.xml" -a ! -L "$T/o1/gate.md" -a "$(cat "$T/victim")" = original
bf "${SMALL[@]}" -o '' 2>"$T/err"
check "-o '' is refused with exit 2 and says the directory is empty" \
	test $? -eq 2 -a "$(grep -c 'must not be empty' "$T/err")" = 1

# ---- FIFOs and other non-regular inputs ----
mkfifo "$T/fifo" "$T/fifo.json"
mkdir "$T/fdir" && mkfifo "$T/fdir/results.json"
for c in "run -m $T/fifo" "gate --baseline $T/fifo.json $T/o1" "report $T/fdir" "compare $T/fdir $T/o1" \
	"gate --baseline $T/base1.json $T/fdir" "run -m /dev/zero"; do
	# shellcheck disable=SC2086
	timeout 20 "$B" $c >/dev/null 2>"$T/err"
	rc=$?
	check "a FIFO or device as input ($c): exit 2 at once, one line" \
		test $rc -eq 2 -a "$(wc -l <"$T/err")" = 1
done

# ---- an unwritable and a vanishing output directory ----
mkdir "$T/ro" && mount -t tmpfs -o ro,size=1m none "$T/ro"
bf "${SMALL[@]}" -o "$T/ro" 2>"$T/err"
check "a read-only output directory: exit 2 before any trial" test $? -eq 2
bf "${SMALL[@]}" -o "$T/ro/sub" 2>"$T/err"
check "an output directory that cannot be made: exit 2" test $? -eq 2
umount "$T/ro"
"$B" run -q -s write -p anon-pageout -k file -a enter -n 100000000 -o "$T/van" 2>"$T/err" &
pid=$!
for _ in $(seq 600); do [ -f "$T/van/results.json" ] && break; sleep 0.1; done
rm -rf "$T/van"
sleep 3
kill -INT $pid
reap $pid
rc=$?
check "a vanishing output directory: exit 99 (was $rc), said once, no 'results in'" \
	test $rc -eq 99 -a "$(grep -c 'cannot write results' "$T/err")" = 1 -a \
	"$(grep -c 'results in' "$T/err")" = 0
clean "a vanishing output directory"

# ---- SIGINT as soon as bpfault handles it: during its re-exec (CPU pinning) and start-up ----
bad=0
for i in $(seq 10); do
	"$B" "${PRESS[@]}" -o "$T/early$i" 2>/dev/null &
	pid=$!
	wait_until 10 catching $pid || echo "# try $i: SIGINT not caught after 10 s"
	kill -INT $pid
	reap $pid 60
	rc=$?
	[ $rc -eq 130 ] || { echo "# try $i: exit $rc"; bad=$((bad + 1)); }
	[ "$(snap)" = "$S0" ] || { echo "# try $i: not restored"; bad=$((bad + 1)); }
done
check "SIGINT at once, in a job whose shell left SIGINT ignored (10 tries): exit 130, restored ($bad bad)" \
	[ $bad -eq 0 ]

# ---- SIGINT/SIGTERM at random points, 20 tries ----
bad=0
for i in $(seq 20); do
	sig=INT && [ $((i % 2)) = 0 ] && sig=TERM
	"$B" "${PRESS[@]}" -o "$T/sig$i" 2>/dev/null &
	pid=$!
	wait_until 10 catching $pid || echo "# try $i: SIGINT not caught after 10 s"
	sleep "$((RANDOM % 25 / 10)).$((RANDOM % 10))"
	kill -$sig $pid
	reap $pid
	rc=$?
	# 130: stopped, flushed, restored (or stopped before it changed anything)
	if [ $rc -ne 130 ]; then
		echo "# try $i: SIG$sig: exit $rc"
		bad=$((bad + 1))
	elif [ $rc -eq 130 ] && [ -d "$T/sig$i" ] && [ "$(complete "$T/sig$i/results.json")" != False ]; then
		echo "# try $i: SIG$sig: exit 130 without partial results in $T/sig$i"
		bad=$((bad + 1))
	fi
	if [ "$(snap)" != "$S0" ] || ls /run/bpfault/journal.$pid.* >/dev/null 2>&1; then
		echo "# try $i: SIG$sig: the machine was not restored:"
		diff <(echo "$S0") <(snap) | sed 's/^/#   /'
		bad=$((bad + 1))
	fi
done
check "20 SIGINT/SIGTERM at random points: exit 130, partial results, machine restored ($bad bad)" \
	[ $bad -eq 0 ]

# ---- two signals in a row ----
bad=0
for i in 1 2 3 4 5; do
	"$B" "${PRESS[@]}" -o "$T/two$i" 2>/dev/null &
	pid=$!
	wait_journal $pid kill || { echo "# try $i: the run did not start"; bad=$((bad + 1)); }
	sleep "0.$((RANDOM % 10))"
	kill -INT $pid
	kill -$([ $i -le 3 ] && echo INT || echo TERM) $pid
	reap $pid
	rc=$?
	[ $rc -eq 130 ] && [ "$(complete "$T/two$i/results.json")" = False ] ||
		{ echo "# try $i: exit $rc, complete=$(complete "$T/two$i/results.json")"; bad=$((bad + 1)); }
	[ "$(snap)" = "$S0" ] || { echo "# try $i: not restored"; bad=$((bad + 1)); }
done
check "two signals in a row (5 tries): one restore, the last flush, exit 130 ($bad bad)" [ $bad -eq 0 ]

# ---- SIGKILL, then 'bpfault cleanup' / the next run ----
"$B" "${PRESS[@]}" -o "$T/k1" 2>/dev/null &
pid=$!
wait_journal $pid kill
kill -KILL $pid
reap $pid 2>/dev/null
check "SIGKILL leaves its changes behind (a cgroup of the dead run)" \
	test -n "$(find /sys/fs/cgroup -maxdepth 7 -type d -name "bpfault.$pid" 2>/dev/null)"
bf cleanup >"$T/out" 2>"$T/err"
rc=$?
check "bpfault cleanup exits 0 and says what it undid" \
	test $rc -eq 0 -a "$(grep -c "undone for dead run (pid $pid)" "$T/err")" -ge 3
clean "SIGKILL and bpfault cleanup"
bf cleanup >"$T/out" 2>"$T/err"
check "a second cleanup has nothing to undo" grep -q "^cleanup: 0 change" "$T/out"
"$B" "${PRESS[@]}" -o "$T/k2" 2>/dev/null &
pid=$!
wait_journal $pid kill
kill -KILL $pid
reap $pid 2>/dev/null
bf run -q -s write -p anon-pageout -k null -a enter -n 200 -o "$T/k3" 2>"$T/err"
rc=$?
n=$(grep -c "undone for dead run (pid $pid)" "$T/err")
check "after a SIGKILL the next run undoes the dead run's changes, says so, and runs (exit $rc, $n steps)" \
	test $rc -eq 0 -a "$n" -ge 3
want=$(echo "$S0" | awk '$1 == "swap" {print $2; exit}')
got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["meta"]["swap_found"])' "$T/k3/results.json")
check "the next run does not take the dead run's zram for swap found on ($got)" \
	[ "$got" = "${want:-none}" ]
clean "SIGKILL and the next run"

# ---- a pressure cell that runs for more than 60 s ----
"$B" run -q -s write -p pressure-mid -k file -a enter,exit -n 100000000 -o "$T/long" 2>"$T/err" &
pid=$!
for _ in $(seq 900); do [ -f "$T/long/results.json" ] && break; sleep 0.1; done
sleep 66
kill -INT $pid
reap $pid
rc=$?
python3 - "$T/long/results.json" >"$T/long.txt" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
c = [c for c in d["cells"] if c["state"] == "pressure-mid"][0]
p = list(d["meta"]["pressure"].values())[0]
sw, us = p["swap_bytes"][1:], p["usage_bytes"][1:]
held = p["held_s"] >= 60 and min(sw) > 0 and all(abs(u - p["limit_bytes"]) < 4 << 20 for u in us)
print(c["status"], round(p["held_s"]), min(sw), max(sw), "held" if held else "lost")
EOF
read -r st held_s _ _ verdict <"$T/long.txt"
check "a pressure cell ran ${held_s:-?} s, its level sampled every second and held ($(cat "$T/long.txt"))" \
	test $rc -eq 130 -a "$st" = ok -a "$verdict" = held
clean "a pressure cell of more than 60 s"

# ---- A/A: 20 runs of the same code gated against a baseline of it ----
AA=(run -q -s write -p pressure-low,pressure-mid,anon-pageout -k file -a enter,exit -n 2000)
bf "${AA[@]}" -o "$T/aa0" && bf baseline "$T/aa0" >"$T/aa-base.json"
alarms=0 runs=0
for i in $(seq 20); do
	bf "${AA[@]}" -o "$T/aa$i" || continue
	runs=$((runs + 1))
	bf gate --baseline "$T/aa-base.json" --margin 0 "$T/aa$i" >"$T/aa$i.txt"
	rc=$?
	[ $rc -eq 1 ] && alarms=$((alarms + 1)) && grep REGRESSION "$T/aa$i.txt" | sed 's/^/# /'
done
# the gate promises alpha = 0.05 per run: 1 false alarm in 20 expected at most; 4 or more would
# happen with probability < 2% if it held
check "A/A: $alarms of $runs gates of unchanged code (pressure cells, margin 0) failed (<= 3)" \
	test $runs -eq 20 -a $alarms -le 3
clean "the A/A runs"
finish
