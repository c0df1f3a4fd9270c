#!/bin/bash
# End-to-end test of 'bpfault baseline', 'bpfault gate' and 'bpfault compare' on the hand-made
# fixture runs in tests/data/gate/ (no kernel needed). Run from the repo root after 'make';
# BPFAULT=path overrides ./bpfault. Prints "ok - name" / "not ok - name"; exits 1 if any failed.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
D=tests/data/gate
tmpdir

# gate ARGS...: run the gate, keep stdout/stderr in $T/out, $T/err and the status in $T/rc
gate() {
	"$B" gate "$@" >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
}
rc_is() { [ "$(cat "$T/rc")" = "$1" ]; }
out_has() { grep -qE -- "$1" "$T/out"; }
err_has() { grep -qE -- "$1" "$T/err"; }
# row CELL PATTERN: a row under cell CELL of the grouped table in $T/out matches PATTERN (ERE)
row() { awk -v c="$1" '$0 == c {g = 1; next} /^[^ ]/ {g = 0} g' "$T/out" | grep -qE -- "$2"; }
# nognuplot CMD...: CMD where /usr/bin/gnuplot cannot be executed (a private mount namespace)
nognuplot() { unshare -m sh -c 'mount --bind /dev/null "$(readlink -f /usr/bin/gnuplot)" && exec "$@"' sh "$@"; }
# every line of $T/out fits 100 columns
fits() { awk 'length > 100 {bad = 1} END {exit bad}' "$T/out"; }
one_line_err() { [ "$(wc -l <"$T/err")" = 1 ] && grep -q '^bpfault: ' "$T/err"; }
xml_ok() { python3 -c 'import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])' "$1"; }
json_true() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1"; }

need_bin

# ---- baseline ----
"$B" baseline $D/run-a >"$T/base.json" 2>"$T/err"
check "baseline exits 0" [ $? = 0 ]
check "baseline is marked and keeps the source" json_true "$T/base.json" \
	'd["meta"]["baseline"] is True and d["meta"]["source"] == "tests/data/gate/run-a" and d["meta"]["kernel"] == "6.1.0-18-amd64" and d["meta"]["matrix_id"] == "5c1d0e7f3a9b2468"'
check "baseline: resident arms exact, others not" json_true "$T/base.json" \
	'all(a.get("exact", False) == (c["state"] == "resident") for c in d["cells"] for a in c["arms"].values())'
check "baseline keeps all counts" json_true "$T/base.json" \
	'd["cells"][4]["arms"]["enter"]["fails"] == 652 and d["cells"][4]["paired"][0]["a_only"] == 648 and len(d["cells"]) == 6'
"$B" baseline --exact-zero $D/run-a >"$T/base0.json"
check "baseline --exact-zero marks zero-failure arms" json_true "$T/base0.json" \
	'd["cells"][1]["arms"]["exit"].get("exact") and not d["cells"][1]["arms"]["enter"].get("exact")'
"$B" baseline $D/run-incomplete >/dev/null 2>"$T/err"
check "baseline refuses an incomplete run" [ $? = 2 ]

# ---- passing gates ----
gate --baseline "$T/base.json" $D/run-a
check "gate: run against its own baseline passes" rc_is 0
check "gate: summary line" out_has '^gate: 15 comparisons, 0 regressions \(alpha 0.05, margin 0.01\)$'
gate --baseline "$T/base.json" $D/run-b
check "gate: independent rerun passes" rc_is 0
gate --baseline "$T/base0.json" $D/run-b
check "gate: independent rerun passes an --exact-zero baseline" rc_is 0

# ---- injected regression ----
gate --baseline "$T/base.json" $D/run-regress --junit "$T/j.xml" --markdown "$T/g.md"
check "gate: injected regression exits 1" rc_is 1
check "gate: regression named on stdout, first" \
	bash -c "sed -n 2p '$T/out' | grep -qx 'write/file-pageout/file/64/0' && sed -n 3p '$T/out' | grep -qE '^ +REGRESSION +exit '"
check "gate: every line fits 100 columns" fits
check "gate: regression summary" out_has '^gate: 15 comparisons, 2 regressions'
check "gate: JUnit is well-formed XML" xml_ok "$T/j.xml"
check "gate: JUnit names the failing cell" grep -q \
	'<testcase classname="bpfault.write.file-pageout.file.64.0" name="exit">' "$T/j.xml"
check "gate: JUnit failure has counts and p" grep -q \
	'<failure type="REGRESSION" message="failure rate rose: run 60/2000 vs baseline 0/2000, p ' "$T/j.xml"
check "gate: Markdown names the failing cell" grep -q \
	'^| \*\*REGRESSION\*\* | write/file-pageout/file/64/0 | exit |' "$T/g.md"
gate --baseline "$T/base.json" $D/run-regress --margin 0.05
check "gate: a wider --margin lets a 3-point rise pass" rc_is 0

# ---- exact control ----
gate --baseline "$T/base.json" $D/run-resident1
check "gate: resident cell with one failure fails" rc_is 1
check "gate: exact failure named" row write/resident/file/64/0 '^ +REGRESSION +exit\* '

# ---- bad input ----
gate --baseline $D/no-such-baseline.json $D/run-a
check "gate: missing baseline exits 2" rc_is 2
check "gate: missing baseline, one line on stderr" one_line_err
check "gate: missing baseline, nothing on stdout" [ ! -s "$T/out" ]
gate --baseline $D/baseline-garbled.json $D/run-a
check "gate: garbled baseline exits 2" rc_is 2
check "gate: garbled baseline, one line on stderr" one_line_err
gate --baseline "$T/base.json" $D/baseline-garbled.json
check "gate: garbled run exits 2" rc_is 2
gate --baseline "$T/base.json" $D/run-a --margin 2
check "gate: --margin out of range exits 2" rc_is 2
gate $D/run-a
check "gate: no --baseline exits 2" rc_is 2

# ---- matrix and kernel ----
gate --baseline "$T/base.json" $D/run-other-matrix
check "gate: different matrix_id exits 2" rc_is 2
check "gate: different matrix_id names the cells" \
	err_has 'only in the baseline: write/pressure/file/64/0; only in the run: write/pressure/file/4096/0'
gate --baseline "$T/base.json" $D/run-other-matrix --force
check "gate: --force gates a different matrix (missing cell fails)" rc_is 1
check "gate: --force still warns" err_has 'WARNING: matrix_id differs'
# a run whose cells have arms the baseline lacks (extra arm added to a copy): only the
# baseline's arms are gated, the new arm is ignored, and nothing crashes
python3 - $D/run-a/results.json "$T/extra-arm.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
for c in d["cells"]:
    if c["arms"]:
        c["arms"]["sleep"] = dict(c["arms"][next(iter(c["arms"]))])
d["meta"]["matrix_id"] = "ffffffffffffffff"
json.dump(d, open(sys.argv[2], "w"))
PYEOF
gate --baseline "$T/base.json" "$T/extra-arm.json" --force
check "gate: --force with an arm only in the run passes (exit 0, no crash)" rc_is 0
check "gate: the arm only in the run is not gated" sh -c "! grep -q ' sleep ' '$T/out'"
gate --baseline "$T/base.json" $D/run-other-kernel --markdown "$T/k.md"
check "gate: kernel difference still passes" rc_is 0
check "gate: kernel difference warns on stderr" err_has "WARNING: kernel differs: run '6.8.0-45-generic', baseline '6.1.0-18-amd64'"
check "gate: kernel difference warns in Markdown" grep -q '^> \*\*WARNING:\*\* kernel differs' "$T/k.md"

# ---- invalid, missing, incomplete runs ----
gate --baseline "$T/base.json" $D/run-invalid --junit "$T/inv.xml"
check "gate: cell invalid in the run fails" rc_is 1
check "gate: invalid cell named" row write/anon-pageout/pipe/4096/0 '^ +INVALID +enter '
check "gate: JUnit with <&\"' in a status is well-formed" xml_ok "$T/inv.xml"
gate --baseline "$T/base.json" $D/run-missing
check "gate: cell missing from the run fails" rc_is 1
check "gate: missing cell named" row write/pressure/file/64/0 '^ +MISSING '
gate --baseline "$T/base.json" $D/run-incomplete
check "gate: incomplete run fails" rc_is 1
check "gate: incomplete run said" out_has 'incomplete run'

# ---- GitHub step summary ----
printf 'earlier step\n' >"$T/summary.md"
GITHUB_STEP_SUMMARY="$T/summary.md" "$B" gate --baseline "$T/base.json" $D/run-regress \
	--markdown "$T/g2.md" >/dev/null 2>&1
check "gate: \$GITHUB_STEP_SUMMARY appended, not replaced" \
	bash -c "head -1 '$T/summary.md' | grep -qx 'earlier step' && grep -q 'write/file-pageout/file/64/0' '$T/summary.md'"
check "gate: step summary equals the Markdown file" \
	bash -c "tail -n +2 '$T/summary.md' | cmp -s - '$T/g2.md'"

# ---- compare ----
"$B" compare $D/run-a $D/run-regress >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check "compare exits 0" rc_is 0
check "compare shows the significant change" \
	row write/file-pageout/file/64/0 '^ +exit +0\.0% \[0\.0, 0\.19\] +3\.00% \[2\.34, 3\.84\] +\+3\.00pp +[0-9.e-]+ '
check "compare shows ~ for noise" row write/pressure/file/64/0 '^ +enter .* ~ '
check "compare: every line fits 100 columns" fits
check "compare: a one-line summary count" out_has '^compare: 2 of 15 cell x arm rows changed \(2 rates, 0 costs\); 0 only in A, 0 only in B$'
"$B" compare --changed $D/run-a $D/run-regress >"$T/out" 2>"$T/err"
check "compare --changed: only the changed rows, and the count" \
	bash -c "[ \$(grep -c '^  [a-z].*pp ' '$T/out') = 2 ] && grep -q '^compare: 2 of 15' '$T/out' && ! grep -q 'write/resident' '$T/out'"
for cmd in gate compare report baseline; do
	"$B" $cmd --help >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
	check "$cmd --help: usage on stdout, exit 0, lines within 80 columns" \
		bash -c "[ \$(cat '$T/rc') = 0 ] && grep -q '^usage: bpfault $cmd' '$T/out' && [ ! -s '$T/err' ] && awk 'length > 80 {b = 1} END {exit b}' '$T/out'"
	"$B" $cmd --no-such-option x y >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
	check "$cmd with a bad option: one bpfault line, exit 2" \
		bash -c "[ \$(cat '$T/rc') = 2 ] && [ \$(wc -l <'$T/err') = 1 ] && grep -q '^bpfault: $cmd: ' '$T/err'"
done
"$B" compare $D/run-a $D/run-other-matrix >"$T/out" 2>"$T/err"
check "compare lists cells only on one side" \
	bash -c "grep -q '^only in A: write/pressure/file/64/0 enter' '$T/out' && grep -q '^only in B: write/pressure/file/4096/0 enter' '$T/out'"
"$B" compare $D/run-a $D/baseline-garbled.json >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check "compare: bad input exits 2 with one line" bash -c "[ \$(cat '$T/rc') = 2 ] && [ \$(wc -l <'$T/err') = 1 ]"

# ---- the optional per-arm fields: absent-page rates gated, tool arms never exact ----
# the fixture without its invalid cell: a baseline is made only from a valid run
FX=$T/fields.json
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
d["cells"] = [c for c in d["cells"] if not c["status"].startswith("invalid")]
json.dump(d, open(sys.argv[2], "w"))' tests/data/report/fields.json "$FX"
"$B" baseline $FX >"$T/fb.json" 2>"$T/err"
check "baseline: a tool arm of a control cell is not made exact" \
	json_true "$T/fb.json" "'exact' not in [c for c in d['cells'] if c['state'] == 'resident' and c['syscall'] == 'openat'][0]['arms']['tool:opensnoop']"
gate --baseline "$T/fb.json" $FX
check "gate: runs with absent/present counts and a tool arm pass against themselves" rc_is 0
check "gate: where both runs have them, the absent-page rates are gated" \
	row write/anon-pageout/file/64/0 '^ +~ +enter \(absent\) +100\.0% '
check "gate with the new fields: every line fits 100 columns" fits
"$B" compare $FX $FX >"$T/out" 2>"$T/err"
check "compare shows the absent-page rates and a tool's misses under their rows" \
	bash -c "grep -q '^    absent pages: A 100.0% \\[99.8, 100.0\\], B 100.0%' '$T/out' && grep -q '^    tool missing A 50, B 50; truncated A 50, B 50; garbled A 50, B 50' '$T/out'"

# ---- --plots: baseline against run, regressions highlighted ----
png_ok() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] && [ "$(stat -c %s "$1")" -gt 5000 ]; }
# svg_rows SVG: the y labels of the plot, one a line
svg_rows() {
	python3 -c '
import sys, xml.dom.minidom as md
for t in md.parse(sys.argv[1]).getElementsByTagName("text"):
    s = "".join(n.data for n in t.childNodes if n.nodeType == n.TEXT_NODE).strip()
    if s.startswith("write/"): print(s)' "$1"
}
gate --baseline "$T/base.json" $D/run-regress --plots "$T/p1/sub" --markdown "$T/p1.md"
check "gate --plots: the verdict is unchanged (exit 1)" rc_is 1
check "gate --plots: DIR created, compare.png is a PNG" png_ok "$T/p1/sub/compare.png"
check "gate --plots: compare.svg parses as XML" xml_ok "$T/p1/sub/compare.svg"
check "gate --plots: no work directory left" bash -c "[ \$(ls -A '$T/p1/sub' | wc -l) = 2 ]"
check "gate --plots: stdout names the plot" out_has "^gate: plot: $T/p1/sub/compare.svg, $T/p1/sub/compare.png\$"
check "gate --plots: the Markdown names the plot" grep -q "^Plot, baseline against run .*\`$T/p1/sub/compare.png\`" "$T/p1.md"
svg_rows "$T/p1/sub/compare.svg" >"$T/rows"
check "gate --plots: one y label per gated cell x arm" [ "$(wc -l <"$T/rows")" = 15 ]
check "gate --plots: the regressed cell x arm is marked in the SVG" \
	grep -qxF 'write/file-pageout/file/64/0 exit  [REGRESSION +3.00pp]' "$T/rows"
check "gate --plots: exactly the gate's regressions are marked" \
	bash -c "[ \$(grep -c 'REGRESSION' '$T/rows') = 2 ] && grep -qx 'write/file-pageout/file/64/0 retry  \[REGRESSION +3.00pp\]' '$T/rows' && grep -qx 'write/file-pageout/file/64/0 enter' '$T/rows'"
check "gate --plots: the subtitle says the highlight is the gate's verdict" grep -q '2 regressions (gate verdicts: Holm p &lt; 0.05' "$T/p1/sub/compare.svg"
gate --baseline "$T/base.json" $D/run-b --plots "$T/p2"
check "gate --plots: a passing gate still exits 0" rc_is 0
check "gate --plots: a passing run marks nothing" bash -c "$(declare -f svg_rows); ! svg_rows '$T/p2/compare.svg' | grep -q REGRESSION && [ \$(svg_rows '$T/p2/compare.svg' | wc -l) = 15 ]"
gate --baseline "$T/base.json" $D/run-resident1 --plots "$T/p3"
check "gate --plots: an exact arm's single failure is marked" \
	bash -c "$(declare -f svg_rows); svg_rows '$T/p3/compare.svg' | grep -qx 'write/resident/file/64/0 exit  \[REGRESSION +0.05pp\]'"
# a plot that cannot be drawn never hides the verdict
nognuplot "$B" gate --baseline "$T/base.json" $D/run-b --plots "$T/p4" --markdown "$T/p4.md" >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check "gate --plots, no gnuplot, passing gate: exit 99" rc_is 99
check "gate --plots, no gnuplot: one line on stderr, the verdict on stdout" \
	bash -c "[ \$(wc -l <'$T/err') = 1 ] && grep -q '^bpfault: gate: plot not drawn: gnuplot not found' '$T/err' && grep -q '^gate: 15 comparisons, 0 regressions' '$T/out'"
check "gate --plots, no gnuplot: Markdown written, without a plot" \
	bash -c "grep -q '^## bpfault gate: pass' '$T/p4.md' && ! grep -q '^Plot' '$T/p4.md' && [ ! -e '$T/p4/compare.png' ]"
nognuplot "$B" gate --baseline "$T/base.json" $D/run-regress --plots "$T/p5" >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check "gate --plots, no gnuplot, regression: still exit 1" rc_is 1
touch "$T/afile"
gate --baseline "$T/base.json" $D/run-b --plots "$T/afile/sub"
check "gate --plots into a path that cannot be a directory: exit 99, one line" \
	bash -c "[ \$(cat '$T/rc') = 99 ] && [ \$(wc -l <'$T/err') = 1 ] && grep -q 'plot not drawn: cannot create' '$T/err'"
gate --baseline "$T/base.json" $D/run-a --plots ""
check "gate --plots '': exit 2" rc_is 2

"$B" compare $D/run-a $D/run-regress --plots "$T/c1" >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check "compare --plots: exit 0, PNG and SVG written" \
	bash -c "[ \$(cat '$T/rc') = 0 ] && $(declare -f png_ok xml_ok); png_ok '$T/c1/compare.png' && xml_ok '$T/c1/compare.svg'"
check "compare --plots: the table is still printed" row write/file-pageout/file/64/0 '^ +exit +0\.0%'
check "compare --plots: the regressed cell x arm is marked" \
	bash -c "$(declare -f svg_rows); svg_rows '$T/c1/compare.svg' | grep -qxF 'write/file-pageout/file/64/0 exit  [REGRESSION +3.00pp]'"
check "compare --plots: the legend names both runs" \
	bash -c "grep -q 'baseline: tests/data/gate/run-a, kernel 6.1.0-18-amd64' '$T/c1/compare.svg' && grep -q 'current: tests/data/gate/run-regress, kernel' '$T/c1/compare.svg'"
nognuplot "$B" compare $D/run-a $D/run-regress --plots "$T/c2" >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check "compare --plots, no gnuplot: exit 77, one line" \
	bash -c "[ \$(cat '$T/rc') = 77 ] && [ \$(wc -l <'$T/err') = 1 ] && grep -q '^bpfault: compare: plot: gnuplot' '$T/err'"
"$B" compare $D/run-a $D/run-regress --plots "$T/afile/sub" >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check "compare --plots into a path that cannot be a directory: exit 2, one line, no table" \
	bash -c "[ \$(cat '$T/rc') = 2 ] && [ \$(wc -l <'$T/err') = 1 ] && [ ! -s '$T/out' ]"

# ---- kernel sets: per-kernel baselines, gate and compare (tests/data/kernels: the host's
# 6.18 and Debian's 6.1 and 6.12 references, cut; see tests/data/kernels/regen.py) ----
KS=tests/data/kernels
R61=6.1.0-57-amd64
"$B" baseline $KS -o "$T/kb" >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check "baseline of a kernel set: exit 0, one DIR/<release>.json per kernel" \
	bash -c "[ \$(cat '$T/rc') = 0 ] && [ \$(ls '$T/kb' | wc -l) = 3 ] && for r in \$(python3 -c \"import json; print(' '.join(k['release'] for k in json.load(open('$KS/index.json'))['kernels']))\"); do [ -s '$T/kb/'\$r.json ] || exit 1; done"
check "baseline of a kernel set: each file is that kernel's baseline" \
	json_true "$T/kb/$R61.json" 'd["meta"]["baseline"] is True and d["meta"]["kernel"] == "'$R61'"'
"$B" baseline $KS >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check "baseline of a kernel set without -o: exit 2, one line" bash -c "[ \$(cat '$T/rc') = 2 ] && $(declare -f one_line_err); T='$T' one_line_err && grep -q 'needs\|is needed' '$T/err'"
# a set with one incomplete kernel: refused, nothing written
cp -r $KS "$T/kinc"
python3 -c "import json; p='$T/kinc/$R61/results.json'; d=json.load(open(p)); d['meta']['complete']=False; json.dump(d, open(p, 'w'))"
"$B" baseline "$T/kinc" -o "$T/kinc-base" >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check "baseline of a set with an incomplete kernel: exit 2, names it, writes nothing" \
	bash -c "[ \$(cat '$T/rc') = 2 ] && grep -q 'kernel $R61' '$T/err' && [ ! -e '$T/kinc-base' ]"

gate --baseline "$T/kb" $KS --junit "$T/k.xml" --markdown "$T/k.md"
check "gate of a kernel set against its own baselines: exit 0" rc_is 0
check "gate: one verdict line per kernel" bash -c "[ \$(grep -c '^gate: kernel .*: pass (0 regressions of [0-9]* comparisons)$' '$T/out') = 3 ]"
check "gate: JUnit has one testsuite per kernel" bash -c "$(declare -f xml_ok); xml_ok '$T/k.xml' && [ \$(grep -c '<testsuite name=\"bpfault.gate.kernel.' '$T/k.xml') = 3 ]"
# 6.1's exit arm now fails half of its paged-out write buffers
cp -r $KS "$T/kreg"
python3 - "$T/kreg/$R61/results.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for c in d["cells"]:
    if (c["syscall"], c["state"], c["sink"]) == ("write", "file-pageout", "file"):
        a = c["arms"]["exit"]
        n = a["n"]
        a["ok"], a["fault"], a["zeroed"] = n // 2, n - n // 2, n - n // 2
        a["fail_rate"], a["ci95"] = (n - n // 2) / n, [0.45, 0.55]
        if "absent" in a:
            a["absent"]["fails"] = a["absent"]["n"] // 2
            a["absent"]["fail_rate"], a["absent"]["ci95"] = 0.5, [0.45, 0.55]
        a.pop("blocks", None)
json.dump(d, open(sys.argv[1], "w"))
EOF
gate --baseline "$T/kb" "$T/kreg" --junit "$T/kr.xml" --markdown "$T/kr.md"
check "gate: a regression on one kernel: exit 1" rc_is 1
check "gate: the text names the kernel that regressed, the others pass" \
	bash -c "grep -q '^gate: kernel $R61: FAIL (1 regression of ' '$T/out' && [ \$(grep -c '^gate: kernel .*: pass ' '$T/out') = 2 ]"
check "gate: the regression row is under that kernel's section" \
	bash -c "awk '/^== kernel /{k=\$3} /REGRESSION/{print k}' '$T/out' | sort -u | grep -qx '$R61'"
check "gate: JUnit names the kernel in the failing suite and message" \
	python3 -c "
import xml.dom.minidom as m
d = m.parse('$T/kr.xml')
bad = [s.getAttribute('name') for s in d.getElementsByTagName('testsuite') if s.getAttribute('failures') != '0']
f = d.getElementsByTagName('failure')
assert bad == ['bpfault.gate.kernel.$R61'] and len(f) == 1 and f[0].getAttribute('message').startswith('kernel $R61: '), (bad, len(f))"
check "gate: Markdown says which kernel regressed" \
	bash -c "grep -qx '## bpfault gate: FAIL on kernel \`$R61\` (this kernel regressed)' '$T/kr.md' && [ \$(grep -c '^## bpfault gate: pass on kernel' '$T/kr.md') = 2 ]"
# a kernel without a baseline: one line naming it, exit 2 (the others still gated)
mkdir -p "$T/kb2"
cp "$T/kb"/6.1*.json "$T/kb2/"
rm -f "$T/kb2/$R61.json"
gate --baseline "$T/kb2" $KS --junit "$T/kn.xml"
check "gate: a kernel without a baseline: exit 2, one line naming it" \
	bash -c "[ \$(cat '$T/rc') = 2 ] && $(declare -f one_line_err); T='$T' one_line_err && grep -q 'kernel $R61: no baseline' '$T/err'"
check "gate: the kernels that have a baseline are still gated" \
	bash -c "grep -q '^gate: kernel 6.12.117+deb12-amd64: pass ' '$T/out' && grep -q '^gate: kernel $R61: NOT GATED: no baseline' '$T/out' && grep -q 'type=\"NOT_GATED\" message=\"kernel $R61: no baseline' '$T/kn.xml'"
mkdir -p "$T/kb3"
cp "$T/kb"/*.json "$T/kb3/"
rm -f "$T/kb3/6.12.117+deb12-amd64.json"
gate --baseline "$T/kb3" "$T/kreg"
check "gate: a regression (6.1) outranks a missing baseline (6.12): exit 1" \
	bash -c "[ \$(cat '$T/rc') = 1 ] && grep -q 'kernel 6.12.117+deb12-amd64: no baseline' '$T/err'"
# one kernel's run against the baseline directory picks its own baseline
gate --baseline "$T/kb" $KS/$R61
check "gate: one run, a baseline directory: gated against its kernel's file" \
	bash -c "[ \$(cat '$T/rc') = 0 ] && grep -q '^gate: kernel $R61: pass ' '$T/out'"

# a run directory given as --baseline is still one baseline, not a directory of them
gate --baseline $D/run-a $D/run-a
check "gate: a run directory as --baseline is one baseline (no kernel sections)" \
	bash -c "[ \$(cat '$T/rc') = 0 ] && ! grep -q '^== kernel' '$T/out'"

# compare across kernels
"$B" compare results/reference/default results/reference/debian-6.1 >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check "compare of two kernels: exit 0, says it is a kernel difference, not a regression" \
	bash -c "[ \$(cat '$T/rc') = 0 ] && grep -q 'ran on different kernels' '$T/out' && grep -q 'kernel.difference, not a regression' <(tr '\n' ' ' <'$T/out')"
check "compare of two kernels: still cell by cell" row write/file-pageout/file/64/0 '^ +enter '
check "compare of two kernels: TCG costs 'not comparable (tcg)', never a number" \
	bash -c "grep -q 'costs: not comparable (tcg)' '$T/out' && awk '\$1 == \"enter\"' '$T/out' | grep -q 'not comparable (tcg)$' && ! grep -qE ' -> [0-9.]+ (ns|µs)' '$T/out'"
check "compare of two kernels: arms only one kernel can run, with the reason" \
	bash -c "grep -q 'fentry (unsupported in A)' '$T/out' && grep -q \"^A's kernel cannot run fentry:\" '$T/out'"
check "compare of two kernels: every line fits 100 columns" fits
"$B" compare $KS "$T/kreg" --changed >"$T/out" 2>"$T/err"
check "compare of two kernel sets: kernel by kernel, the change under its kernel" \
	bash -c "[ \$(grep -c '^== kernel ' '$T/out') = 3 ] && awk '/^== kernel /{k=\$3} /^compare: [1-9][0-9]* of/{print k}' '$T/out' | grep -qx '$R61' && grep -q '^compare: 3 kernels compared' '$T/out'"

# ---- argument positions: a strategy that starts stopping at the first unreadable argument ----
# run-argv-a is a live execve run (enter reads every position on its own); run-argv-stop is the
# same with the enter arm's later positions lost wherever argv[1] was (as execsnoop reads)
"$B" baseline $D/run-argv-a >"$T/base-argv.json"
gate --baseline "$T/base-argv.json" $D/run-argv-a
check "positions: the run against its own baseline passes, with a row per later position" \
	bash -c "[ \$(cat '$T/rc') = 0 ] && grep -qE '^  PASS +enter argv\[2\]\*' '$T/out' && grep -qE '^  ~ +later envp\[1\] ' '$T/out'"
gate --baseline "$T/base-argv.json" $D/run-argv-stop --junit "$T/argv.xml"
check "positions: argv[1] unchanged, argv[2..4] and envp[0..1] lost: exit 1, five regressions, by position" \
	bash -c "[ \$(cat '$T/rc') = 1 ] && [ \$(grep -cE '^  REGRESSION +enter (argv\[[234]\]|envp\[[01]\]) ' '$T/out') = 5 ] && ! grep -qE '^  REGRESSION +enter +[0-9]' '$T/out' && grep -q '5 regressions' '$T/out'"
check "positions: the JUnit file is XML" xml_ok "$T/argv.xml"
check "positions: the JUnit file names the position that regressed" grep -q 'enter argv\[2\]' "$T/argv.xml"

[ $fails = 0 ] || echo "# $fails check(s) failed"
exit $((fails > 0))
