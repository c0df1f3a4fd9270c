#!/bin/bash
# Live-kernel tests: bpfault run against the real kernel with real BPF, checking what the kernel
# really does (with statistical tolerances), the results contract, bad input and the restoration
# of system state. Run from the repo root, as root, after 'make'. One line per check:
# "ok - name" / "not ok - name". Under CI=true a BPF test that cannot run fails; elsewhere it is
# reported as "ok - name # SKIP reason" and counted as skipped, never as passed.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tmpdir /var/tmp/bpfault-test.XXXXXX

# py FILE EXPR: EXPR over d = the JSON in FILE, cells by (state, sink) in c[...]
py() {
	$PY - "$1" "$2" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
c = {(x["state"], x["sink"], x["size"], x["offset"]): x for x in d["cells"]}
def cell(state, sink, size=64, offset=0): return c[(state, sink, size, offset)]
def rate(state, sink, arm): return cell(state, sink)["arms"][arm]["fail_rate"]
def arm(state, sink, a): return cell(state, sink)["arms"][a]
ok = eval(sys.argv[2])
if not ok:
    print("expression false:", sys.argv[2])
sys.exit(0 if ok else 1)
PYEOF
}
state_snapshot() { # what bpfault must leave as found
	{
		swapon --show=NAME --noheadings | sort
		mount | grep -E ' type (tracefs|bpf) ' | awk '{print $3, $5}' | sort
		ls /sys/block | grep zram | sort
		cat /sys/block/zram0/disksize 2>/dev/null
		ls -d /var/tmp/bpfault.* 2>/dev/null
		ulimit -l
		cg_list
	} 2>/dev/null
}
cg_list() { # bpfault's memory cgroups (pressure states), NAME given: bpfault.NAME only
	find /sys/fs/cgroup -maxdepth 8 -type d -name "bpfault.${1:-*}" 2>/dev/null | sort
}

need_root "live kernel tests"

before=$(state_snapshot)

# ---- can BPF run here at all? (list probes without attaching, and without the run lock) ----
need_bpf "live kernel tests"
pass "list: the enter arm's hook loads"
check "list: fentry is probed (ok or unsupported with a reason)" \
	grep -qE '^  fentry +(ok|unsupported: .+)$' "$T/list"
"$B" list --json >"$T/list.json" 2>"$T/list.err"
check "list --json: parses, each arm once, every arm ok or unsupported with a reason" $PY -c "
import json; d = json.load(open('$T/list.json')); names = [a['name'] for a in d['arms']]
assert len(names) == len(set(names)) and 'enter' in names, names
assert all(a['status'] == 'ok' or (a['status'] == 'unsupported' and len(a['why']) > 5) for a in d['arms'])
assert d['probe']['loaded'] and not d['probe']['attached']"
check "list --json: uring-write's buffer is the SQE's addr; later's hook is per syscall" $PY -c "
import json; d = json.load(open('$T/list.json'))
sc = {s['name']: s for s in d['syscalls']}; arms = {a['name']: a for a in d['arms']}
assert 'SQE' in sc['uring-write']['buffer'] and sc['write']['buffer'] == 'argument 1 (buf)'
assert 'sched_process_exec' in arms['later']['hooks']['execve'] and 'io_uring_complete' in arms['later']['hooks']['uring-write']
assert 'write' not in arms['later']['hooks'] and 'uring-write' not in arms['enter']['hooks']"
check "list -j is list --json" cmp -s <("$B" list -j | $PY -c 'import json,sys; d=json.load(sys.stdin); print(sorted(a["name"] for a in d["arms"]))') \
	<($PY -c "import json; print(sorted(a['name'] for a in json.load(open('$T/list.json'))['arms']))")
# measured on this VM: 0.02-0.06 s (issue 11's target 0.15 s); loose against a shared machine
t0=$(date +%s%N)
"$B" list >/dev/null 2>&1
t1=$(date +%s%N)
check "list takes < 0.5 s (no program attached, nothing to detach)" [ $(((t1 - t0) / 1000000)) -lt 500 ]
flock /run/bpfault.lock sleep 4 & # holds the run lock (or waits behind a run that holds it)
lockpid=$!
sleep 0.5
check "list does not wait for the run lock" timeout 3 "$B" list -j
wait $lockpid

# ---- the main behaviour, one run (paired enter/exit on the same trials) ----
N=400
"$B" run -s write -p resident,untouched,anon-pageout,file-pageout,file-dontneed -k file,null,pipe \
	-a enter,exit,retry,raw-exit,btf-exit,fentry -n $N --seed 11 -o "$T/r1" -q >"$T/r1.out" 2>&1
rc=$?
check "run exits 0 (every cell valid)" [ $rc = 0 ]
R=$T/r1/results.json
check "results.json validates against bench/schema/bpfault-1.schema.json" $PY -c "
import json, jsonschema
jsonschema.validate(json.load(open('$R')), json.load(open('bench/schema/bpfault-1.schema.json')))"
check "run is complete, meta has kernel, seed and command" py "$R" \
	'd["meta"]["complete"] and d["meta"]["kernel"] and d["meta"]["seed"] == 11 and d["meta"]["command"][0] == "run"'
check "meta.units: the run's arms in canonical order, each with its facts and hooks" py "$R" '(
[a["name"] for a in d["meta"]["units"]["arms"]] == ["enter", "exit", "retry", "raw-exit", "btf-exit", "fentry"]
and {a["name"]: a["pair"] for a in d["meta"]["units"]["arms"]}["enter"] == "exit"
and len({a["style"] for a in d["meta"]["units"]["arms"]}) == 6
and d["meta"]["units"]["arms"][1]["hooks"]["write"].startswith("tracepoint/syscalls/sys_exit_write")
and d["meta"]["units"]["arms"][1]["at_exit"] and not d["meta"]["units"]["arms"][0]["at_exit"]
and [s["name"] for s in d["meta"]["units"]["states"]] == ["resident", "untouched", "anon-pageout", "file-pageout", "file-dontneed"]
and [k["name"] for k in d["meta"]["units"]["sinks"]] == ["file", "null", "pipe"]
and {k["name"]: k["touches_buffer"] for k in d["meta"]["units"]["sinks"]} == {"file": True, "null": False, "pipe": True}
and d["meta"]["units"]["states"][0]["control"] and d["meta"]["units"]["states"][3]["absent"]
and d["meta"]["units"]["syscalls"] == [dict(d["meta"]["units"]["syscalls"][0], name="write", buffer="argument 1 (buf)", kind="buf", forks=False, replaces_image=False)])'
check "cells.csv has one row per cell x arm" $PY -c "
import csv, json
d = json.load(open('$R')); rows = list(csv.DictReader(open('$T/r1/cells.csv')))
assert len(rows) == sum(len(c['arms']) for c in d['cells']), (len(rows),)
assert {(r['state'], r['sink'], r['arm']) for r in rows} == {(c['state'], c['sink'], a) for c in d['cells'] for a in c['arms']}"
check "resident, every sink: 0 failures at enter and exit" py "$R" \
	'all(rate("resident", k, a) == 0 and cell("resident", k)["trials"] == '$N' for k in ("file","null","pipe") for a in ("enter","exit"))'
check "resident: ground truth says present on every trial" py "$R" \
	'all(cell("resident", k)["nonresident_before"] == 0 for k in ("file","null","pipe"))'
for st in file-pageout anon-pageout; do
	check "$st/file: ground truth >= 95% non-resident" py "$R" \
		'cell("'$st'", "file")["nonresident_before"] >= 0.95 * cell("'$st'", "file")["trials"]'
	check "$st/file: enter fails on >= 95% of trials" py "$R" 'rate("'$st'", "file", "enter") >= 0.95'
	check "$st/file: exit fails on <= 1% of trials" py "$R" 'rate("'$st'", "file", "exit") <= 0.01'
	check "$st/file: paired enter/exit McNemar p < 1e-6" py "$R" \
		'[p for p in cell("'$st'", "file")["paired"] if p["a"] == "enter" and p["b"] == "exit"][0]["p"] < 1e-6'
	check "$st/null: exit fails about as often as enter (within 5 points)" py "$R" \
		'abs(rate("'$st'", "null", "exit") - rate("'$st'", "null", "enter")) <= 0.05 and rate("'$st'", "null", "exit") >= 0.9'
done
check "anon-pageout: pagemap says swapped on >= 95%" py "$R" \
	'cell("anon-pageout", "file")["swapped_before"] >= 0.95 * cell("anon-pageout", "file")["trials"]'
check "file-dontneed: PTE gone but mincore says cached (>= 95%)" py "$R" \
	'cell("file-dontneed", "file")["nonresident_before"] >= 0.95 * '$N' and cell("file-dontneed", "file")["incore_before"] >= 0.95 * '$N
check "untouched/file: enter faults on >= 95%" py "$R" 'arm("untouched", "file", "enter")["fault"] >= 0.95 * '$N
check "untouched: judged by the helper's return (expect_zero, no zeroed count)" py "$R" \
	'cell("untouched", "file")["expect_zero"] and arm("untouched", "file", "exit")["zeroed"] == 0'
check "failed reads are zeroed by the helper (file-pageout enter)" py "$R" \
	'arm("file-pageout", "file", "enter")["zeroed"] >= 0.95 * '$N
check "retry = enter, else exit: fails only where both fail" py "$R" \
	'all(arm(s, k, "retry")["fails"] == [p for p in cell(s, k)["paired"] if p["a"] == "enter" and p["b"] == "exit"][0]["both"] for (s, k, z, o) in c)'
check "fentry: unsupported with a reason, never a number" py "$R" \
	'all(("fentry" in x["arms"]) != ("fentry" in x.get("unsupported_arms", {})) for x in d["cells"]) and all(len(v) > 5 for x in d["cells"] for v in x.get("unsupported_arms", {}).values())'
check "state restored after a run" [ "$(state_snapshot)" = "$before" ]

# ---- the links a run attached are all detached (in parallel threads) before it exits ----
# its BPF fds' ids from /proc/PID/fdinfo once attached (it may first wait in the queue for the run
# lock: up to 10 minutes on a shared machine); after it exits no program or link of those ids
# exists (freed at most a moment later)
"$B" run -s write -p resident -k file -a enter,exit,raw-exit,btf-exit -n 50000 --min-trials 50000 \
	-o "$T/dt" -q >/dev/null 2>&1 &
dpid=$!
wait_until 600 bash -c "[ \$(cat /proc/$dpid/fdinfo/* 2>/dev/null | grep -c '^link_id:') -ge 6 ]"
ids=$(cat /proc/$dpid/fdinfo/* 2>/dev/null | awk '/^(prog|link)_id:/ {print substr($1, 1, 4) " " $2}' | sort -u)
wait $dpid
rc=$?
check "detach: the run saw its 6 links (tp, raw_tp, tp_btf) and exited 0" \
	bash -c "[ $rc = 0 ] && [ \$(echo '$ids' | grep -c '^link') -ge 6 ] && [ \$(echo '$ids' | grep -c '^prog') -ge 6 ] || { echo 'rc $rc, ids:' $ids; exit 1; }"
gone() { echo "$ids" | grep . | while read -r kind id; do ! bpftool "$kind" show id "$id" || exit 1; done; }
check "detach: none of its programs or links is left after it exits (bpftool prog/link show id)" \
	bash -c "[ -n '$ids' ] && $(declare -f wait_until gone); ids='$ids'; wait_until 3 gone"

# ---- writev (iovec), openat (path string), io_uring writes ----
"$B" run -s writev,openat -p resident,anon-pageout,file-pageout -k file,null,none -a enter,exit \
	-n 300 -o "$T/r6" -q >/dev/null 2>&1
check "writev/openat run: exit 0" [ $? = 0 ]
py2() { # the same as py, keyed by syscall too
	$PY - "$1" "$2" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
def rate(sc, state, sink, arm):
    c = [x for x in d["cells"] if (x["syscall"], x["state"], x["sink"]) == (sc, state, sink)][0]
    return c["arms"][arm]["fail_rate"]
ok = eval(sys.argv[2])
print("" if ok else "expression false: " + sys.argv[2])
sys.exit(0 if ok else 1)
PYEOF
}
for st in anon-pageout file-pageout; do
	check "openat/$st: enter string read fails >= 95%, exit <= 1% (the kernel copied the path)" \
		py2 "$T/r6/results.json" 'rate("openat", "'$st'", "none", "enter") >= 0.95 and rate("openat", "'$st'", "none", "exit") <= 0.01'
	check "writev/$st/file: enter fails >= 95%, exit <= 1%" py2 "$T/r6/results.json" \
		'rate("writev", "'$st'", "file", "enter") >= 0.95 and rate("writev", "'$st'", "file", "exit") <= 0.01'
	check "writev/$st/null: exit still fails >= 95% (iovec copied, data never touched)" \
		py2 "$T/r6/results.json" 'rate("writev", "'$st'", "null", "exit") >= 0.95'
done
check "writev/openat controls never fail" py2 "$T/r6/results.json" \
	'all(rate(sc, "resident", k, a) == 0 for sc, k in (("writev", "file"), ("writev", "null"), ("openat", "none")) for a in ("enter", "exit"))'
"$B" run -s uring-write -p resident,anon-pageout,file-pageout -k file,null,pipe -a submit,later,enter \
	-n 300 -o "$T/r7" -q >/dev/null 2>&1
check "io_uring run: exit 0" [ $? = 0 ]
for st in anon-pageout file-pageout; do
	check "io_uring/$st: submit fails >= 95%, later <= 1% for file and pipe" py2 "$T/r7/results.json" \
		'all(rate("uring-write", "'$st'", k, "submit") >= 0.95 and rate("uring-write", "'$st'", k, "later") <= 0.01 for k in ("file", "pipe"))'
	check "io_uring/$st/null: later fails >= 95% too" py2 "$T/r7/results.json" \
		'rate("uring-write", "'$st'", "null", "later") >= 0.95'
done
check "io_uring: enter is unsupported (no syscall argument), with the reason" py "$T/r7/results.json" \
	'all("argument" in x["unsupported_arms"]["enter"] and "enter" not in x["arms"] for x in d["cells"])'

"$B" run -s execve -p resident,anon-pageout,file-pageout -k none -a enter,exit,later,sleep -n 150 \
	-o "$T/r8" -q >/dev/null 2>&1
check "execve run: exit 0 (forked trials, resident control ok)" [ $? = 0 ]
for st in anon-pageout file-pageout; do
	check "execve/$st: enter argv[1] read fails >= 95%, later (sched_process_exec) <= 1%" \
		py2 "$T/r8/results.json" 'rate("execve", "'$st'", "none", "enter") >= 0.95 and rate("execve", "'$st'", "none", "later") <= 0.01'
done
check "execve: meta.units says the call replaces the image; later's hook is sched_process_exec" py "$T/r8/results.json" '(
[s for s in d["meta"]["units"]["syscalls"] if s["name"] == "execve"][0]["replaces_image"]
and "sched_process_exec" in [a for a in d["meta"]["units"]["arms"] if a["name"] == "later"][0]["hooks"]["execve"])'
check "execve: exit fails >= 95% even for a resident buffer (the old image is gone)" \
	py2 "$T/r8/results.json" 'rate("execve", "resident", "none", "exit") >= 0.95 and rate("execve", "resident", "none", "enter") == 0'
check "execve: the sleepable uprobe in the child reads argv[1] (<= 1% failures)" \
	py2 "$T/r8/results.json" 'all(rate("execve", s, "none", "sleep") <= 0.01 for s in ("resident", "anon-pageout", "file-pageout"))'

"$B" run -s write,uring-write -p anon-pageout,file-pageout -k direct -a enter,exit,submit,later \
	--size 64,4096 -n 150 -o "$T/r9" >/dev/null 2>"$T/r9.err"
check "O_DIRECT run: exit 0" [ $? = 0 ]
check "O_DIRECT: unaligned sizes dropped with the reason" \
	bash -c "sed -z 's/\n    / /g' '$T/r9.err' | grep -q 'dropped write/anon-pageout/direct size 64 offset 0: O_DIRECT needs 512-byte aligned'"
for st in anon-pageout file-pageout; do
	check "O_DIRECT/$st: enter and submit fail >= 95%, exit and later <= 1% (the pages were pinned)" \
		py2 "$T/r9/results.json" 'rate("write", "'$st'", "direct", "enter") >= 0.95 and rate("write", "'$st'", "direct", "exit") <= 0.01 and rate("uring-write", "'$st'", "direct", "submit") >= 0.95 and rate("uring-write", "'$st'", "direct", "later") <= 0.01'
done

# ---- the sleepable arm runs in trials of its own and faults the page in ----
"$B" run -p file-pageout -k null -a enter,sleep -n 200 -o "$T/r2" -q >/dev/null 2>&1
check "sleep arm: 0% failures where enter fails on every trial" py "$T/r2/results.json" \
	'rate("file-pageout", "null", "sleep") <= 0.01 and rate("file-pageout", "null", "enter") >= 0.95 and not cell("file-pageout", "null")["paired"]'

# ---- sequential stopping ----
"$B" run -p resident,file-pageout -k file -a enter,exit -n 5000 --precision 0.02 --min-trials 150 \
	-o "$T/r3" -q >/dev/null 2>&1
check "--precision stops easy cells early, with every half-width <= 0.02" py "$T/r3/results.json" \
	'all(150 <= x["trials"] < 5000 for x in d["cells"]) and all((a["ci95"][1] - a["ci95"][0]) / 2 <= 0.02 for x in d["cells"] for a in x["arms"].values())'

# ---- the default matrix: every cell valid, every interval's half-width <= 2 points ----
"$B" run -m bench/matrices/default.json -o "$T/def" -q >/dev/null 2>&1
check "default matrix: exit 0, complete" py "$T/def/results.json" \
	'd["meta"]["complete"] and all(x["status"] == "ok" for x in d["cells"])'
check "default matrix: every 95% half-width <= 0.02" py "$T/def/results.json" \
	'all((a["ci95"][1] - a["ci95"][0]) / 2 <= 0.02 for x in d["cells"] for a in x["arms"].values())'

# ---- the CI gate on live runs: the committed baseline, a rerun, an injected regression ----
"$B" run -m bench/matrices/ci-small.json -o "$T/ci" -q >/dev/null 2>&1
check "ci-small run: exit 0" [ $? = 0 ]
"$B" gate --baseline results/baselines/ci-small.json "$T/ci" --junit "$T/ci.xml" \
	--markdown "$T/ci.md" >"$T/gate.out" 2>&1
check "gate: a live ci-small run passes against results/baselines/ci-small.json" [ $? = 0 ]
"$B" baseline "$T/ci" >"$T/ci-base.json" 2>/dev/null
"$B" run -m bench/matrices/ci-small.json --seed 99 -o "$T/ci2" -q >/dev/null 2>&1
"$B" gate --baseline "$T/ci-base.json" "$T/ci2" >"$T/gate.out" 2>&1
check "gate: an independent rerun (another seed) passes against the first" [ $? = 0 ]
mkdir -p "$T/ci3"
$PY - "$T/ci/results.json" "$T/ci3/results.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
for c in d["cells"]:
    if (c["state"], c["sink"]) == ("file-pageout", "file"):
        a = c["arms"]["exit"]
        a["ok"] -= 60; a["fault"] += 60; a["zeroed"] += 60; a["fails"] += 60
        a["fail_rate"] = a["fails"] / a["n"]
        if "absent" in a:  # the split by ground truth must still add up (results_load checks)
            a["absent"]["fails"] += 60
json.dump(d, open(sys.argv[2], "w"))
PYEOF
"$B" gate --baseline results/baselines/ci-small.json "$T/ci3" --junit "$T/ci3.xml" >"$T/gate.out" 2>&1
rc=$?
check "gate: injected exit-arm regression exits 1" [ $rc = 1 ]
check "gate: the regressed cell and arm are named" \
	bash -c "awk '\$0 == \"write/file-pageout/file/64/0\" {g = 1; next} /^[^ ]/ {g = 0} g' '$T/gate.out' | grep -qE '^ +REGRESSION +exit '"
junit_fails() { grep -A1 "classname=\"$1\" name=\"$2\">" "$3" | grep -q '<failure type="REGRESSION"'; }
check "gate: JUnit names the failing testcase" junit_fails bpfault.write.file-pageout.file.64.0 exit "$T/ci3.xml"

# ---- pressure: a memory cgroup limit and a hog; graded levels, residency measured per trial ----
"$B" run -s write -p resident,pressure-low,pressure-high -k file -a enter,exit -n 600 --seed 5 \
	-o "$T/p1" -q >"$T/p1.out" 2>&1 &
pid=$!
wait $pid
rc=$?
P=$T/p1/results.json
if [ -f "$P" ] && py "$P" 'cell("pressure-low", "file")["status"].startswith("unsupported")' >/dev/null; then
	why=$($PY -c "import json; print([x['status'] for x in json.load(open('$P'))['cells'] if x['state'] == 'pressure-low'][0])")
	if [ "${CI:-}" = true ]; then fail "pressure states run (CI=true: cannot skip)" "$why"; else echo "ok - pressure tests # SKIP $why"; fi
else
	check "pressure: run exits 0, the pressure cells are ok" py "$P" \
		'all(cell(s, "file")["status"] == "ok" and cell(s, "file")["trials"] == 600 for s in ("resident", "pressure-low", "pressure-high"))'
	check "pressure: the resident control beside the hogs never fails, always present" py "$P" \
		'cell("resident", "file")["nonresident_before"] == 0 and rate("resident", "file", "enter") == 0 and rate("resident", "file", "exit") == 0'
	# measured (600 trials, this VM, 12 runs): low 13-19%, high 86-89% non-resident. Reclaim is
	# not exact LRU and timing-dependent, so the bounds are loose: graded, not all-or-nothing
	nr() { echo 'cell("'$1'", "file")["nonresident_before"] / cell("'$1'", "file")["trials"]'; }
	check "pressure-high: >= 50% of trials non-resident (pagemap), and >= 20 points above low" py "$P" \
		"$(nr pressure-high) >= 0.5 and $(nr pressure-high) >= $(nr pressure-low) + 0.2"
	check "pressure-low: reclaim evicted some but far from all (2%..60% non-resident)" py "$P" \
		"0.02 <= $(nr pressure-low) <= 0.6"
	check "pressure: the evicted pages are in swap (swapped >= 95% of non-resident)" py "$P" \
		'all(cell(s, "file")["swapped_before"] >= 0.95 * cell(s, "file")["nonresident_before"] for s in ("pressure-low", "pressure-high"))'
	check "pressure-high: enter fails where the page was absent (>= 0.9 x, <= 1 point above)" py "$P" \
		'0.9 * cell("pressure-high", "file")["nonresident_before"] <= arm("pressure-high", "file", "enter")["fails"] <= cell("pressure-high", "file")["nonresident_before"] + 6'
	check "pressure-high, pressure-low: exit fails on <= 1%" py "$P" \
		'rate("pressure-high", "file", "exit") <= 0.01 and rate("pressure-low", "file", "exit") <= 0.01'
	check "pressure: cgroup removed and hogs gone after the run" \
		[ -z "$(cg_list $pid)" -a -z "$(pgrep -f -- "-o $T/p1")" ]
	check "state restored after a pressure run" [ "$(state_snapshot)" = "$before" ]

	# interrupted: the hogs (forks of bpfault: same command line) killed, cgroups removed
	for sig in INT TERM; do
		"$B" run -p pressure-high -k file -a enter,exit -n 10000000 -o "$T/p$sig" -q >/dev/null 2>&1 &
		pid=$!
		wait_until 60 [ -f "$T/p$sig/results.json" ] # set-up done: cgroups made, hogs started
		sleep 1
		hogs=$(pgrep -f -- "-o $T/p$sig" | grep -vx $pid)
		check "pressure SIG$sig: during the run its cgroup exists and holds a hog" \
			[ -n "$(cg_list $pid)" -a -n "$hogs" ]
		kill -$sig $pid
		wait $pid
		rc=$?
		check "pressure SIG$sig: exit 130 or 143, cgroup removed, hog gone" \
			[ \( $rc = 130 -o $rc = 143 \) -a -z "$(cg_list $pid)" -a -z "$(pgrep -f -- "-o $T/p$sig")" ]
	done
	check "state restored after interrupted pressure runs" [ "$(state_snapshot)" = "$before" ]
fi
# no memory cgroup (none mounted in a private mount namespace): unsupported with a reason, exit 0
if command -v unshare >/dev/null; then
	unshare -m sh -c 'for m in $(awk '\''$3 == "cgroup2" || ($3 == "cgroup" && $4 ~ /(^|,)memory(,|$)/) {print $2}'\'' /proc/mounts); do umount -l "$m"; done
		exec "$0" run -p resident,pressure-mid -k file -a enter,exit -n 50 -o "$1" -q' "$B" "$T/p0" >/dev/null 2>&1
	rc=$?
	check "pressure without a memory cgroup: exit 0, cell unsupported with the reason" py "$T/p0/results.json" \
		$rc' == 0 and cell("pressure-mid", "file")["status"].startswith("unsupported: no memory cgroup: ") and cell("resident", "file")["status"] == "ok"'
fi

# ---- two runs at once: the second waits for the first (swap and tracefs are shared) ----
"$B" run -p anon-pageout -k file -a enter,exit -n 50000 -o "$T/c1" -q >/dev/null 2>&1 &
pid=$!
wait_until 60 [ -f "$T/c1/results.json" ] # the first run holds the lock and is running trials
"$B" run -p anon-pageout -k file -a enter,exit -n 200 -o "$T/c2" >/dev/null 2>"$T/c2.err"
rc2=$?
wait $pid
rc1=$?
check "concurrent runs: both exit 0" [ $rc1 = 0 -a $rc2 = 0 ]
check "concurrent runs: the second said it waited" grep -q "waiting for it" "$T/c2.err"
check "concurrent runs: every cell valid in both" py "$T/c2/results.json" \
	'all(x["status"] == "ok" for x in d["cells"]) and json.load(open("'$T/c1/results.json'"))["cells"][0]["status"] == "ok"'
check "state restored after concurrent runs" [ "$(state_snapshot)" = "$before" ]

# ---- bad input: one line, exit 2 (77 for the environment), nothing half-written ----
bad() { # bad NAME STATUS ARGS...
	local name=$1 want=$2
	shift 2
	rm -rf "$T/bad"
	${AS:-} "$B" "$@" >"$T/bad.out" 2>"$T/bad.err"
	local rc=$?
	# the output directory is made once the run lock is ours: waiting for it is said first
	sed -i '/^bpfault: another run holds .*: waiting for it$/d' "$T/bad.err"
	if [ $rc = "$want" ] && [ "$(wc -l <"$T/bad.err")" = 1 ] && grep -q '^bpfault: ' "$T/bad.err" &&
		[ ! -e "$T/bad/results.json" ]; then
		pass "bad input: $name -> exit $want, one line"
	else
		fail "bad input: $name -> exit $want, one line" "rc=$rc: $(head -c 300 "$T/bad.err")"
	fi
}
bad "unknown syscall" 2 run -s wrote -o "$T/bad"
bad "unknown state" 2 run -p paged -o "$T/bad"
bad "unknown sink" 2 run -k tape -o "$T/bad"
bad "unknown arm" 2 run -a later2 -o "$T/bad"
bad "zero trials" 2 run -n 0 -o "$T/bad"
bad "negative trials" 2 run -n -5 -o "$T/bad"
bad "non-numeric trials" 2 run -n 10x -o "$T/bad"
bad "size not a multiple of 8" 2 run --size 63 -o "$T/bad"
bad "precision out of range" 2 run --precision 2 -o "$T/bad"
bad "unknown option" 2 run --frobnicate -o "$T/bad"
bad "unknown command" 2 frobnicate
bad "missing matrix file" 2 run -m "$T/nope.json" -o "$T/bad"
echo '{"groups": [{"states": ["resident"], "colour": "red"}]}' >"$T/m1.json"
bad "matrix with an unknown key" 2 run -m "$T/m1.json" -o "$T/bad"
echo '{"groups": [{"states": ["resident"]' >"$T/m2.json"
bad "truncated matrix file" 2 run -m "$T/m2.json" -o "$T/bad"
bad "-m with list options" 2 run -m bench/matrices/ci-small.json -p resident -o "$T/bad"
bad "unwritable output directory" 2 run -p resident -k file -n 5 -o /proc/bpfault-out
BPFAULT_BTF=/nonexistent/vmlinux bad "no BTF" 77 run -p resident -n 5 -o "$T/bad"
if command -v setpriv >/dev/null; then
	AS="setpriv --reuid=65534 --regid=65534 --clear-groups" bad "not root" 77 run -n 5 -o "$T/bad"
fi
check "state restored after bad input" [ "$(state_snapshot)" = "$before" ]

# ---- SIGINT mid-run: partial results flushed and marked incomplete, state restored ----
"$B" run -p anon-pageout,file-pageout -k file -a enter,exit -n 10000000 -o "$T/r4" -q >/dev/null 2>&1 &
pid=$!
wait_until 60 [ -f "$T/r4/results.json" ] # the first flush: set-up done, trials running
sleep 2
kill -INT $pid
reap $pid 120
rc=$?
check "SIGINT: exit 130" [ $rc = 130 ]
check "SIGINT: results flushed, marked incomplete, with trials" py "$T/r4/results.json" \
	'd["meta"]["complete"] is False and all(x["trials"] > 0 for x in d["cells"])'
check "SIGINT: state restored (swap, tracefs, zram, work dir)" [ "$(state_snapshot)" = "$before" ]
"$B" run -p anon-pageout -k file -a enter,exit -n 10000000 -o "$T/r5" -q >/dev/null 2>&1 &
pid=$!
wait_until 60 [ -f "$T/r5/results.json" ]
sleep 1
kill -TERM $pid
reap $pid 120
check "SIGTERM: exit 143 or 130 and state restored" [ "$(state_snapshot)" = "$before" ]

# ---- swap as found: already on (left on) / zram0 busy (a hot-added device, removed after) ----
if [ -z "$(swapon --show --noheadings)" ] && [ "$(cat /sys/block/zram0/disksize 2>/dev/null)" = 0 ]; then
	echo 256M >/sys/block/zram0/disksize && mkswap /dev/zram0 >/dev/null && swapon /dev/zram0
	"$B" run -p anon-pageout -k file -n 50 -o "$T/r6s" -q >/dev/null 2>&1
	check "swap already on: used and left on" [ "$(swapon --show=NAME --noheadings)" = /dev/zram0 ]
	check "swap already on: recorded in meta" py "$T/r6s/results.json" '"already on" in d["meta"]["swap_used"]'
	swapoff /dev/zram0
	# zram0 sized but not swap: busy, so bpfault must add its own device and remove it
	"$B" run -p anon-pageout -k file -n 50 -o "$T/r7s" -q >/dev/null 2>&1
	check "zram0 busy: a hot-added device was used" py "$T/r7s/results.json" \
		'"hot-added" in d["meta"]["swap_used"] and rate("anon-pageout", "file", "enter") >= 0.95'
	check "zram0 busy: zram0 untouched, the added device removed" \
		[ "$(cat /sys/block/zram0/disksize)" = 268435456 -a "$(ls /sys/block | grep -c zram)" = 1 ]
	echo 1 >/sys/block/zram0/reset
	check "state restored after the swap tests" [ "$(state_snapshot)" = "$before" ]
else
	echo "ok - swap-as-found tests # SKIP swap or zram0 already in use on this machine"
fi

exit $((fails > 0))
