#!/bin/bash
# execve's argument positions, live: every arm reads argv[1..4] and envp[0..1] each on its own;
# argv[1] is the page state's buffer, the rest are on a resident page (pagemap says so per trial).
# A resident control fails nowhere; with argv[1] paged out, the enter-time arms lose argv[1] only,
# and a reader that stops at the first failure would have lost every later position in exactly
# those reads. Then libbpf-tools execsnoop and execsnoop.bt, which stop at the first unreadable
# argument. execve-argv puts the argv/envp pointer arrays themselves in the page state: every
# position is lost at enter, argv[1] included.
# Run from the repo root, as root, after 'make'. Under CI=true anything that cannot run fails.
# One line per check: "ok - name" / "not ok - name".
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tmpdir /var/tmp/bpfault-argv.XXXXXX
N=200

# py FILE EXPR: EXPR over the cells of FILE; pos(sc, st, arm) -> {name: position}, lost(...)
py() {
	$PY - "$1" "$2" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
cc = {(x["syscall"], x["state"]): x for x in d["cells"]}
def arms(sc, st): return cc[(sc, st)]["arms"]
def pos(sc, st, a): return {p["pos"]: p for p in arms(sc, st)[a]["positions"]}
def lost(sc, st, a): return arms(sc, st)[a]["lost_by_stop_at_first"]
def bpf_arms(sc, st): return [a for a in arms(sc, st) if not a.startswith("tool:")]
LATER = ["argv[2]", "argv[3]", "argv[4]", "envp[0]", "envp[1]"]
ok = eval(sys.argv[2])
if not ok:
    print("expression false:", sys.argv[2])
sys.exit(0 if ok else 1)
PYEOF
}

[ "$(id -u)" = 0 ] || cannot "argv positions" "needs root"
[ -x "$B" ] || cannot "argv positions" "no $B (run make)"
ARMS=enter,exit,retry,raw-enter,raw-exit,btf-enter,btf-exit,sleep,later,exit-mm,dynptr
R=$T/r/results.json
"$B" run -s execve,execve-enoent,execve-enoexec -p resident,anon-pageout -k none -a "$ARMS" \
	-n $N -o "$T/r" >"$T/run.out" 2>"$T/run.err"
rc=$?
[ $rc = 77 ] && cannot "argv positions" "$(tail -1 "$T/run.err")"
check "run exits 0 (resident controls ok; exit arms of execve exempt)" [ $rc = 0 ]
[ -f "$R" ] || {
	fail "results written" "$(tail -3 "$T/run.err")"
	exit 1
}
SCS='("execve", "execve-enoent", "execve-enoexec")'
check "every arm of every cell has argv[1..4], envp[0..1] in order, n = the arm's n" py "$R" \
	'all([p["pos"] for p in arms(sc, st)[a]["positions"]] == ["argv[1]"] + LATER and all(p["n"] == arms(sc, st)[a]["n"] for p in arms(sc, st)[a]["positions"]) for sc in '"$SCS"' for st in ("resident", "anon-pageout") for a in bpf_arms(sc, st))'
check "argv[1] is the arm's own figure (position 0 = the arm's failures)" py "$R" \
	'all(pos(sc, st, a)["argv[1]"]["fails"] == arms(sc, st)[a]["fails"] for sc in '"$SCS"' for st in ("resident", "anon-pageout") for a in bpf_arms(sc, st))'
check "pagemap: argv[1] absent >= 95% when paged out, never when resident; later positions never absent" py "$R" \
	'all(pos(sc, "anon-pageout", a)["argv[1]"]["absent_before"] >= 0.95 * arms(sc, "anon-pageout")[a]["n"] and pos(sc, "resident", a)["argv[1]"]["absent_before"] == 0 and all(pos(sc, st, a)[q]["absent_before"] == 0 for q in LATER for st in ("resident", "anon-pageout")) for sc in '"$SCS"' for a in bpf_arms(sc, "resident"))'
# execve's exit arms read after the new image replaced the old one: no position is there
check "resident control: 0% failed at every position for every arm (but execve's exit arms)" py "$R" \
	'all(p["fails"] == 0 for sc in '"$SCS"' for a in bpf_arms(sc, "resident") if not (sc == "execve" and a in ("exit", "raw-exit", "btf-exit")) for p in pos(sc, "resident", a).values())'
check "execve exit arms (new image): >= 95% failed at every position, resident or not" py "$R" \
	'all(p["fail_rate"] >= 0.95 for st in ("resident", "anon-pageout") for a in ("exit", "raw-exit", "btf-exit") for p in pos("execve", st, a).values())'
ENTERS='("enter", "raw-enter", "btf-enter", "dynptr")'
check "argv[1] paged out: enter arms >= 95% failed at argv[1], 0 failed at every later position" py "$R" \
	'all(pos(sc, "anon-pageout", a)["argv[1]"]["fail_rate"] >= 0.95 and all(pos(sc, "anon-pageout", a)[q]["fails"] == 0 for q in LATER) for sc in '"$SCS"' for a in '"$ENTERS"' if a in arms(sc, "anon-pageout"))'
check "stop-at-first would lose the later positions in exactly the reads argv[1] failed" py "$R" \
	'all(lost(sc, "anon-pageout", a)["fails"] == pos(sc, "anon-pageout", a)["argv[1]"]["fails"] and lost(sc, "resident", a)["fails"] == 0 for sc in '"$SCS"' for a in '"$ENTERS"' if a in arms(sc, "anon-pageout"))'
check "sleep (faults in), later and exit-mm (the new image's copy): 0 failed at every position" py "$R" \
	'all(p["fails"] == 0 for st in ("resident", "anon-pageout") for a in ("sleep", "later", "exit-mm") for p in pos("execve", st, a).values())'
check "execve-enoexec exit: the kernel faulted argv[1] in before it failed: 0 failed anywhere" py "$R" \
	'all(p["fails"] == 0 for a in ("exit", "raw-exit", "btf-exit") for p in pos("execve-enoexec", "anon-pageout", a).values())'
check "execve-enoent exit: argv[1] untouched (>= 95% failed), the later positions read" py "$R" \
	'all(pos("execve-enoent", "anon-pageout", a)["argv[1]"]["fail_rate"] >= 0.95 and all(pos("execve-enoent", "anon-pageout", a)[q]["fails"] == 0 for q in LATER) for a in ("exit", "raw-exit", "btf-exit"))'
check "run table: a per-position line under the arms, every line <= 100 columns" \
	bash -c 'grep -q "fail% by position: argv\[1\] 100 argv\[2\] 0" "$1" && ! awk "length > 100" "$1" | grep -q .' _ "$T/run.out"
"$B" report "$T/r" >"$T/report.out" 2>&1
check "report: the per-position table" grep -q 'id="positions"' "$T/r/report.html"

# execve-argv: the argv/envp pointer arrays are the page state's buffer, every string resident
# (--size 72: the arrays' 72 bytes; argv[1]'s string is as long)
RA=$T/a/results.json
"$B" run -s execve-argv -p resident,anon-pageout,untouched -k none \
	-a enter,raw-enter,dynptr,sleep,later,exit-mm --size 72 -n $N -o "$T/a" >"$T/a.out" 2>&1
check "execve-argv: run exits 0" [ $? = 0 ]
check "execve-argv: pagemap, the arrays absent >= 95% paged out (every position), never resident" py "$RA" \
	'all(p["absent_before"] >= 0.95 * arms("execve-argv", "anon-pageout")[a]["n"] for a in bpf_arms("execve-argv", "anon-pageout") for p in pos("execve-argv", "anon-pageout", a).values()) and all(p["absent_before"] == 0 for a in bpf_arms("execve-argv", "resident") for p in pos("execve-argv", "resident", a).values())'
check "execve-argv: resident control, 0 failed at every position for every arm" py "$RA" \
	'all(p["fails"] == 0 for a in bpf_arms("execve-argv", "resident") for p in pos("execve-argv", "resident", a).values())'
check "execve-argv: arrays paged out, enter arms >= 95% failed at every position (argv[1] and all)" py "$RA" \
	'all(p["fail_rate"] >= 0.95 for a in ("enter", "raw-enter", "dynptr") for p in pos("execve-argv", "anon-pageout", a).values())'
check "execve-argv: sleep, later and exit-mm 0 failed at every position" py "$RA" \
	'all(p["fails"] == 0 for a in ("sleep", "later", "exit-mm") for p in pos("execve-argv", "anon-pageout", a).values())'
check "execve-argv: untouched is unsupported, with the reason (no page state write, no array)" py "$RA" \
	'cc[("execve-argv", "untouched")]["status"].startswith("unsupported") and "argv array" in cc[("execve-argv", "untouched")]["status"]'

# libbpf-tools execsnoop and bpftrace's execsnoop.bt (join()) read argv at enter; each stops at
# the first argument it cannot read (the test installs them, as t_tool.sh does)
[ -x /usr/sbin/execsnoop ] && [ -x /usr/sbin/execsnoop.bt ] || need_pkgs bpftrace libbpf-tools
for tool in /usr/sbin/execsnoop /usr/sbin/execsnoop.bt /usr/bin/bpftrace; do
	[ -x $tool ] || cannot "execsnoop positions" "no $tool (apt-get install libbpf-tools bpftrace)"
done
RT=$T/t/results.json
"$B" run -s execve,execve-argv -p resident,anon-pageout -k none -a enter --size 72 -n $N \
	--tool execsnoop --tool execsnoop.bt -o "$T/t" >"$T/tool.out" 2>&1
check "execsnoop, execsnoop.bt run exits 0" [ $? = 0 ]
for t in execsnoop execsnoop.bt; do
	check "$t: resident, every argv position printed (<= 5% failed: bpftrace drops a few events under load)" py "$RT" \
		'all(p["fail_rate"] <= 0.05 for p in pos("execve", "resident", "tool:'$t'").values()) and len(pos("execve", "resident", "tool:'$t'")) == 4'
	check "$t: argv[1] paged out, it drops argv[2..4] too (>= 95% failed) that enter read" py "$RT" \
		'all(p["fail_rate"] >= 0.95 for p in pos("execve", "anon-pageout", "tool:'$t'").values()) and all(pos("execve", "anon-pageout", "enter")[q]["fails"] == 0 for q in ("argv[2]", "argv[3]", "argv[4]"))'
	check "$t: execve-argv, every position printed when resident (<= 5% failed), none when the arrays are paged out (>= 95%)" py "$RT" \
		'all(p["fail_rate"] <= 0.05 for p in pos("execve-argv", "resident", "tool:'$t'").values()) and all(p["fail_rate"] >= 0.95 for p in pos("execve-argv", "anon-pageout", "tool:'$t'").values())'
done
finish
