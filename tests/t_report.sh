#!/bin/bash
# End-to-end test of 'bpfault report' on the hand-made runs in tests/data/report/ (no kernel,
# no BPF, no root needed). Run from the repo root after 'make'; BPFAULT=path overrides ./bpfault.
# Needs gnuplot, python3 and chromium; a missing one is "not ok" (never a silent skip).
# Prints "ok - name" / "not ok - name"; exits 1 if any check failed.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
B=$(realpath "$B")
D=$(realpath tests/data/report)
tmpdir
chmod 755 "$T"

ok() { pass "$1"; } # this test's names for lib.sh's pass and fail
notok() { fail "$@"; }
# newdir NAME FIXTURE: a fresh results directory holding FIXTURE as results.json
newdir() {
	rm -rf "${T:?}/$1"
	mkdir -p "$T/$1"
	cp "$D/$2" "$T/$1/results.json"
	echo "$T/$1"
}
# report DIR [ARGS]: run it, keep stdout/stderr/status in $T/out, $T/err, $T/rc
report() {
	local dir=$1
	shift
	"$B" report "$dir" "$@" >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
}
# nothing_left DIR: no report, no plots, no work directory
nothing_left() {
	[ ! -e "$1/report.html" ] && [ ! -e "$1/plots" ] && ! ls -d "$1"/.report.tmp.* >/dev/null 2>&1
}
one_line() { [ "$(wc -l <"$1")" -eq 1 ] && grep -q '^bpfault: report: ' "$1"; }

for tool in gnuplot python3 chromium; do
	if command -v "$tool" >/dev/null; then ok "$tool installed"; else notok "$tool installed" "run scripts/install-deps"; fi
done
[ -x "$B" ] && ok "bpfault built" || {
	notok "bpfault built" "run make first"
	exit 1
}

# ---- the complete fixture ----
R=$(newdir full complete.json)
report "$R" --format svg,png
check "report exits 0" test "$(cat "$T/rc")" = 0
check "report prints the page's path" grep -qx "$R/report.html" "$T/out"
check "report writes nothing on stderr" test ! -s "$T/err"
check "report.html and plots/ exist, no work directory left" \
	bash -c "[ -s '$R/report.html' ] && [ -d '$R/plots' ] && ! ls -d '$R'/.report.tmp.* 2>/dev/null"

# Expected plots and series, computed here from the fixture, independently of the C code.
python3 - "$R/results.json" >"$T/expect" <<'EOF'
import json, sys
cells = json.load(open(sys.argv[1]))["cells"]
ok = [c for c in cells if c["status"] == "ok"]
has = lambda a: a["n"] > 0
def first_order(xs):
    out = []
    [out.append(x) for x in xs if x not in out]
    return out
exp = {"summary": (set(), None)}  # plot name -> (arms expected in its legend, svg series groups)
for sc in first_order(c["syscall"] for c in ok):
    for sk in first_order(c["sink"] for c in ok if c["syscall"] == sc):
        mine = [c for c in ok if c["syscall"] == sc and c["sink"] == sk]
        combos = first_order((c["size"], c["offset"]) for c in cells if c["syscall"] == sc and c["sink"] == sk)
        best = max(combos, key=lambda so: sum(1 for c in mine if (c["size"], c["offset"]) == so))
        arms = {a for c in mine if (c["size"], c["offset"]) == best for a, v in c["arms"].items() if has(v)}
        exp[f"fail-{sc}-{sk}"] = (arms, 2 * len(arms) + 1)  # bars, value labels, ground truth
for sk in first_order(c["sink"] for c in ok):
    arms = {a for c in ok if c["sink"] == sk for a, v in c["arms"].items() if has(v)}
    exp[f"heat-{sk}"] = (arms, None)  # one panel per arm
for fac, other, tag in (("size", "offset", "o"), ("offset", "size", "s")):
    groups = {}
    for c in ok:
        groups.setdefault((c["syscall"], c["state"], c["sink"], c[other]), []).append(c)
    for (sc, st, sk, ov), g in groups.items():
        if len({c[fac] for c in g}) >= 2:
            arms = {a for c in g for a, v in c["arms"].items() if has(v)}
            exp[f"{fac}-{sc}-{st}-{sk}-{tag}{ov}"] = (arms, 2 * len(arms) + 1)  # bands, lines, truth
# cost: one plot per syscall x sink with cost; per state, the cell at the fail plot's size/offset
# when it has cost, else the one with cost and the most trials (the first on ties)
costed = lambda c: c["status"] == "ok" and any(v is not None for v in c.get("cost_ns", {}).values())
for sc in first_order(c["syscall"] for c in cells):
    for sk in first_order(c["sink"] for c in cells if c["syscall"] == sc):
        mine = [c for c in cells if c["syscall"] == sc and c["sink"] == sk]
        combos = first_order((c["size"], c["offset"]) for c in mine)
        best = max(combos, key=lambda so: sum(1 for c in mine if (c["size"], c["offset"]) == so and c["status"] == "ok"))
        arms = set()
        for st in first_order(c["state"] for c in mine):
            cand = [c for c in mine if c["state"] == st and costed(c)]
            at = [c for c in cand if (c["size"], c["offset"]) == best]
            pick = at[0] if at else max(cand, key=lambda c: c["trials"]) if cand else None
            if pick:
                arms |= {a for a, v in pick["cost_ns"].items() if v is not None}
        if arms:
            exp[f"cost-{sc}-{sk}"] = (arms, 2 * len(arms))  # bars, value labels
for name, (arms, groups) in sorted(exp.items()):
    print(name, groups if groups is not None else "-", " ".join(sorted(arms)))
EOF
expected=$(awk '{print $1 ".png"; print $1 ".svg"}' "$T/expect" | sort)
actual=$(ls "$R/plots" | sort)
if [ "$expected" = "$actual" ] && [ "$(wc -l <"$T/expect")" -ge 7 ]; then
	ok "every expected plot exists as PNG and SVG, and no other ($(wc -l <"$T/expect") plots)"
else
	notok "every expected plot exists as PNG and SVG, and no other" \
		"missing: $(comm -23 <(echo "$expected") <(echo "$actual") | tr '\n' ' ') extra: $(comm -13 <(echo "$expected") <(echo "$actual") | tr '\n' ' ')"
fi

bad=""
for f in "$R"/plots/*.png; do
	[ "$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] && [ "$(stat -c %s "$f")" -gt 5000 ] || bad="$bad $(basename "$f")"
done
[ -z "$bad" ] && ok "PNG files have the PNG signature and content" || notok "PNG files have the PNG signature and content" "$bad"

python3 - "$R/plots" "$T/expect" >"$T/svgcheck" 2>&1 <<'EOF'
import re, sys, xml.dom.minidom as md
plots, expect = sys.argv[1], sys.argv[2]
bad = []
for line in open(expect):
    name, groups, *arms = line.split()
    if name == "summary":
        continue
    path = f"{plots}/{name}.svg"
    try:
        dom = md.parse(path)
    except Exception as e:
        bad.append(f"{name}: not XML: {e}"); continue
    ids = [g.getAttribute("id") for g in dom.getElementsByTagName("g") if g.getAttribute("id").startswith("gnuplot_plot_")]
    texts = ["".join(n.data for n in t.getElementsByTagName("tspan") and
                     [c for s in t.getElementsByTagName("tspan") for c in s.childNodes if c.nodeType == c.TEXT_NODE]
                     or [c for c in t.childNodes if c.nodeType == c.TEXT_NODE]).strip()
             for t in dom.getElementsByTagName("text")]
    if name.startswith("heat-"):
        panels = {re.sub(r"^gnuplot_plot_\d+", "", i) for i in ids}
        legend = {t[len("arm: "):] for t in texts if t.startswith("arm: ")}
        if len(panels) != len(arms):
            bad.append(f"{name}: {len(panels)} panels, expected {len(arms)}")
    else:
        legend = {t[len("arm "):] for t in texts if t.startswith("arm ")}
        if len(ids) != int(groups):
            bad.append(f"{name}: {len(ids)} series, expected {groups}")
    if legend != set(arms):
        bad.append(f"{name}: arms {sorted(legend)}, expected {sorted(arms)}")
print("\n".join(bad) if bad else "all svg ok")
sys.exit(1 if bad else 0)
EOF
[ $? -eq 0 ] && ok "SVG files parse as XML, with one series per arm (+ ground truth) and the right arm names" ||
	notok "SVG files parse as XML, with one series per arm (+ ground truth) and the right arm names" "$(tr '\n' ';' <"$T/svgcheck")"

check "cost plots: no single all-cells cost plot; titles and axis say ns per read and the 95% distribution-free interval" \
	bash -c "[ ! -e '$R/plots/cost.png' ] && for f in '$R'/plots/cost-*.svg; do grep -q 'cost of a read per arm and page state' \"\$f\" && grep -q 'ns per read' \"\$f\" && grep -q '95% distribution-free interval' \"\$f\" && grep -q 'page state of the buffer before the call' \"\$f\" || { echo \"\$f\"; exit 1; }; done"
# pngwidths DIR: "name width" per PNG, from the IHDR chunk
pngwidths() { for f in "$1"/*.png; do echo "$(basename "$f") $(od -An -tu1 -j16 -N4 "$f" | awk '{print $1*16777216+$2*65536+$3*256+$4}')"; done; }
pngwidths "$R/plots" >"$T/widths"
check "every PNG is at most 2800 px wide" awk '$2 > 2800 {print; bad=1} END {exit bad}' "$T/widths"
H="$R/report.html"
check "html: a complete run with an invalid cell says so in its banner, no INCOMPLETE" bash -c "grep -q 'banner incomplete\">Complete run with 1 invalid cell' '$H' && ! grep -q INCOMPLETE '$H'"
check "html: meta shown with labels (kernel, CPU, cores, memory, swap as found and used, seed, command line, start, end)" \
	bash -c "for k in host kernel 'machine (architecture)' CPU cores memory 'swap (as found)' 'swap (used)' libbpf tool 'git revision' 'command line' matrix 'matrix file' 'dropped from the matrix' seed 'trials per cell, at least' 'trials per cell, at most' precision block 'pinned to' 'trial order' 'start (UTC)' 'end (UTC)' elapsed 'peak memory of bpfault (RSS)' status; do grep -q \"<th>\$k</th>\" '$H' || { echo \"no <th>\$k</th>\"; exit 1; }; done; grep -q '1234567' '$H' && grep -q '2025-11-24T19:42:17Z (42 min 17 s after the start)' '$H'"
check "html: no meta key shown under its raw name, nothing 'not recorded'" \
	bash -c "! grep -qE '<th>(swap_found|swap_used|memory_bytes|git_rev|matrix_id|start_utc|end_utc|trials_min|trials_max|cpu_pinned|dropped|matrix_file|trial_order|complete|elapsed_s|max_rss_kib)</th>' '$H' && ! grep -q 'not recorded' '$H' && grep -q '<th>elapsed</th><td>2537.4 s</td>' '$H' && grep -q '119.8 MiB (122684 KiB)' '$H'"
check "html: matrix name beside matrix_id" grep -q '<th>matrix</th><td>command-line (matrix_id <code>3f2a9c0d1e2b4a5c</code>)</td>' "$H"
check "html: dropped combinations as a list, escaped" \
	grep -q '2 combinations that cannot run:<ul class="dropped"><li>openat/resident/file: openat takes a path &lt;string&gt;, sink none only</li><li>write/resident/null size 4096' "$H"
check "html: command line from the argv array, shell-quoted, escaped" \
	grep -q "<code>bpfault run -s write,openat -p all -k file,null -n 2000 --seed 1234567 -o &#39;results/&lt;x&gt; y&#39;</code>" "$H"
check "html: precision 0 and a null matrix file said in words" \
	bash -c "grep -q '<th>precision</th><td>0: off' '$H' && grep -q '<th>matrix file</th><td>none: the matrix came from the command line' '$H'"
check "fixtures complete.json, regressed.json, twelve.json and default-units.json validate against the schema" python3 -c "
import json, jsonschema
s = json.load(open('bench/schema/bpfault-1.schema.json'))
for f in ('complete', 'regressed', 'twelve', 'default-units'):
    jsonschema.validate(json.load(open('$D/' + f + '.json')), s)"
check "html: strings from the JSON are escaped" \
	bash -c "grep -q '6.18.0-bpfault &lt;test&gt;' '$H' && grep -q '&lt;tmpfs&gt; &amp; &quot;overlay&quot;' '$H' && ! grep -q '<tmpfs>' '$H' && ! grep -q '<test>' '$H'"
check "html: unsupported and invalid cells with their reasons" \
	bash -c "grep -q 'Unsupported cells: 1' '$H' && grep -q 'Invalid cells: 1' '$H' && grep -q 'page-out did not take (3 of 2000 trials non-resident)' '$H'"
check "html: summary has a column per arm and McNemar p" \
	bash -c "for a in enter exit retry sleep; do grep -q \"<th>\$a fail%</th>\" '$H' || exit 1; done; grep -q 'enter/exit 1996/0 p&lt;0.0001' '$H'"
check "html: notes derived from the numbers" \
	bash -c "grep -q 'exit (tracepoint/syscalls/sys_exit_write (pointer saved at enter)): <span class=\"safe\">safe on this kernel' '$H' && grep -q 'exit (tracepoint/syscalls/sys_exit_write (pointer saved at enter)): <span class=\"unusable\">unusable' '$H' && grep -q 'saved at enter)) fails as often as enter' '$H' && grep -q 'never touched the buffer for sink null' '$H' && grep -q 'fewer than 90% of trials' '$H'"
python3 - "$H" "$R" >"$T/imgs" <<'EOF'
import base64, os, re, sys
html, root = open(sys.argv[1]).read(), sys.argv[2]
figs = re.findall(r'<figure id="fig-([^"]+)"><img alt="[^"]*" src="data:image/svg\+xml;base64,([^"]+)"', html)
svgs = sorted(f[:-4] for f in os.listdir(root + "/plots") if f.endswith(".svg"))
bad = [n for n, b in figs if base64.b64decode(b) != open(f"{root}/plots/{n}.svg", "rb").read()]
print(len(figs), len(svgs), bad)
sys.exit(0 if figs and sorted(n for n, _ in figs) == svgs and not bad else 1)
EOF
[ $? -eq 0 ] && ok "html: every plot inline, once, as the SVG file's own bytes (self-contained)" || notok "html: every plot inline, once, as the SVG file's own bytes (self-contained)" "$(cat "$T/imgs")"

python3 - "$H" >"$T/pairs" <<'EOF'
import re, sys
srcs = re.findall(r'<figure id="fig-([^"]+)"', open(sys.argv[1]).read())
bad = [s for i, s in enumerate(srcs) if s.startswith("cost-") and ("fail-" + s[5:] in srcs) and (i == 0 or srcs[i - 1] != "fail-" + s[5:])]
costs = [s for s in srcs if s.startswith("cost-")]
print(len(costs), "cost plots;", "misplaced:", bad, "first:", srcs[:1])
sys.exit(0 if costs and not bad and srcs[0] == "summary" else 1)
EOF
[ $? -eq 0 ] && ok "html: the summary figure first; each cost plot right after the fail plot of its syscall and sink" ||
	notok "html: the summary figure first; each cost plot right after the fail plot of its syscall and sink" "$(cat "$T/pairs")"

# ---- the reference run of the default matrix: one readable cost plot per syscall x sink ----
if [ -s results/reference/default/results.json ]; then
	F=$(mktemp -d "$T/refdefault.XXXXXX")
	cp results/reference/default/results.json "$F/"
	report "$F" --format png
	pngwidths "$F/plots" >"$T/refwidths"
	want=$(python3 -c "
import json, sys
cells = json.load(open(sys.argv[1]))['cells']
print(len({(c['syscall'], c['sink']) for c in cells if c['status'] == 'ok' and any(v is not None for v in c.get('cost_ns', {}).values())}))" "$F/results.json")
	got=$(grep -c '^cost-' "$T/refwidths")
	check "reference default run: $want cost plots (one per syscall x sink with cost), each PNG at most 2800 px wide" \
		bash -c "[ \"\$(cat '$T/rc')\" = 0 ] && [ '$got' = '$want' ] && [ '$want' -gt 1 ] && awk '\$2 > 2800 {print; bad=1} END {exit bad}' '$T/refwidths'"
else
	notok "reference default run present" "results/reference/default/results.json missing"
fi

# ---- Chromium: loads the page without console errors, renders the plots, is not blank ----
chrome() { # chrome OUTPREFIX URL ARGS...: headless Chromium, its stderr log in OUTPREFIX.log
	local out=$1 url=$2
	shift 2
	local u
	u=$(mktemp -d "$T/chrome.XXXXXX")
	timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$u" --enable-logging=stderr --v=0 "$@" "$url" >"$out.stdout" 2>"$out.log"
}
console_errors() { grep -E 'CONSOLE|Uncaught|ERROR:CONSOLE' "$1"; }
# png_colours FILE: distinct colours and the share of non-white pixels, decoded with zlib
cat >"$T/pngstat.py" <<'EOF'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        bpp = {2: 3, 6: 4}[ctype]
        assert depth == 8
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw, stride = zlib.decompress(idat), w * bpp
prev, colours, nonwhite, total = bytearray(stride), set(), 0, 0
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    if y % 4 == 0:
        for x in range(0, w, 2):
            px = bytes(line[x * bpp:x * bpp + 3])
            colours.add(px); total += 1; nonwhite += px != b"\xff\xff\xff"
    prev = line
print(len(colours), round(100.0 * nonwhite / total, 2))
EOF

if command -v chromium >/dev/null; then
	chrome "$T/dom" "file://$H" --dump-dom
	if grep -q '<h1>bpfault report' "$T/dom.stdout" && grep -q 'id="summary"' "$T/dom.stdout" &&
		[ "$(grep -o '<img ' "$T/dom.stdout" | wc -l)" -eq "$(ls "$R"/plots/*.svg | wc -l)" ] &&
		! grep -q '<tmpfs>' "$T/dom.stdout"; then
		ok "chromium: DOM of report.html has the title, the summary and every plot"
	else
		notok "chromium: DOM of report.html has the title, the summary and every plot" "$(head -c 300 "$T/dom.log")"
	fi
	if console_errors "$T/dom.log" >/dev/null; then
		notok "chromium: no console errors" "$(console_errors "$T/dom.log" | head -3 | tr '\n' ' ')"
	else
		ok "chromium: no console errors"
	fi
	# the console check is real: a page with an error is caught the same way
	printf '<!DOCTYPE html><p>x</p><script>undefined_function_canary();</script>\n' >"$T/canary.html"
	chrome "$T/canary" "file://$T/canary.html" --dump-dom
	console_errors "$T/canary.log" | grep -q undefined_function_canary &&
		ok "chromium: console-error detection catches a canary error" ||
		notok "chromium: console-error detection catches a canary error" "log: $(tail -c 300 "$T/canary.log")"
	# every plot decodes in the browser (naturalWidth > 0), checked from a probe page beside it
	{
		echo '<!DOCTYPE html><body>'
		for f in "$R"/plots/*.svg "$R"/plots/*.png; do
			n=${f#"$R/"}
			echo "<img src=\"$n\" onload=\"console.log('IMG-OK $n '+this.naturalWidth)\" onerror=\"console.log('IMG-BAD $n')\">"
		done
		echo '</body>'
	} >"$R/imgprobe.html"
	chrome "$T/probe" "file://$R/imgprobe.html" --dump-dom --virtual-time-budget=5000
	rm -f "$R/imgprobe.html"
	nimg=$(ls "$R"/plots/*.svg "$R"/plots/*.png | wc -l)
	nok=$(grep -c "IMG-OK plots/.* [1-9]" "$T/probe.log")
	[ "$nok" -eq "$nimg" ] && ! grep -q IMG-BAD "$T/probe.log" &&
		ok "chromium: all $nimg plot files decode as images" ||
		notok "chromium: all plot files decode as images" "$nok of $nimg; $(grep IMG-BAD "$T/probe.log" | head -2)"
	chrome "$T/shot" "file://$H" --window-size=1280,2400 --hide-scrollbars --screenshot="$T/shot.png"
	if [ -s "$T/shot.png" ] && read -r ncol share < <(python3 "$T/pngstat.py" "$T/shot.png") &&
		[ "$ncol" -gt 100 ] && python3 -c "import sys; sys.exit(not 3 < $share < 90)"; then
		ok "chromium: screenshot is not blank ($ncol colours, $share% non-white)"
	else
		notok "chromium: screenshot is not blank" "colours=${ncol:-?} nonwhite=${share:-?}% $(tail -c 200 "$T/shot.log")"
	fi
	# the blank check is real: an empty page fails it
	printf '<!DOCTYPE html><html><body></body></html>\n' >"$T/blank.html"
	chrome "$T/blank" "file://$T/blank.html" --window-size=400,300 --screenshot="$T/blank.png"
	read -r bcol bshare < <(python3 "$T/pngstat.py" "$T/blank.png")
	[ "${bcol:-0}" -le 2 ] && ok "chromium: an empty page counts as blank ($bcol colour)" ||
		notok "chromium: an empty page counts as blank" "$bcol colours, $bshare%"
else
	notok "chromium: report.html loads and renders" "chromium is not installed"
fi

# ---- the answer first, from meta.units (the reference default run with its units) ----
U=$(newdir units default-units.json)
t0=$(date +%s.%N)
report "$U"
t1=$(date +%s.%N)
UH="$U/report.html"
check "default run with meta.units: report exits 0 in $(echo "$t1 - $t0" | bc | cut -c1-4) s (target 1.5 s; checked <= 3 s)" \
	bash -c "[ \"\$(cat '$T/rc')\" = 0 ] && [ \$(echo '$t1 - $t0 <= 3' | bc) = 1 ]"
check "default run: the answer table comes before any detail, one row per syscall x sink" \
	python3 -c "
import json, re, sys
h = open('$UH').read()
a, m = h.find('<table class=\"answer\">'), h.find('id=\"meaning\"')
rows = h[a:h.find('</table>', a)].count('<tr>') - 1
cells = json.load(open('$U/results.json'))['cells']
want = len({(c['syscall'], c['sink']) for c in cells if c['state'] != 'resident'})
sys.exit(0 if 0 < a < m and rows == want else 'answer at %d, notes at %d, %d rows of %d' % (a, m, rows, want))"
check "default run: openat's answer names the cheapest safe arm with its cost" \
	grep -qE '<tr><td>openat</td><td>none</td><td class="use">[a-z-]+ \([0-9.]+ (ns|µs)\)</td>' "$UH"
check "default run: unsupported arms appear with their reasons" \
	bash -c "grep -q '<li><b>fentry</b>: load failed: Operation not permitted' '$UH' && grep -q '<li><b>kprobe</b>: attach kprobe/vfs_write failed' '$UH'"
check "default run: a valid run has no 'Control failed'; execve's exit failures are the replaced image" \
	bash -c "grep -q 'banner complete' '$UH' && ! grep -q 'Control failed' '$UH' && grep -q 'because the call replaced the image' '$UH' && grep -q 'execve replaced the image' '$UH' && ! grep -q 'never touched the buffer for sink none' '$UH'"
check "default run: execve's later is sched_process_exec, io_uring's is io_uring_complete" \
	python3 -c "
import re, sys
h = open('$UH').read()
ex = h[h.index('<b>execve, sink none</b>'):]
ex = ex[:ex.index('</ul></li>')]
ur = h[h.index('<b>uring-write, sink file</b>'):]
ur = ur[:ur.index('</ul></li>')]
sys.exit(0 if 'later (tracepoint/sched/sched_process_exec' in ex and 'io_uring_complete' not in ex and 'later (tracepoint/io_uring/io_uring_complete)' in ur else 1)"
O=$(newdir old default-units.json)
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); del d['meta']['units']; json.dump(d,open(sys.argv[1],'w'))" "$O/results.json"
report "$O"
check "the same run without meta.units (an old file) still renders: the answer, generic notes, no false alarm" \
	bash -c "[ \"\$(cat '$T/rc')\" = 0 ] && grep -q '<table class=\"answer\">' '$O/report.html' && ! grep -q 'Control failed' '$O/report.html' && grep -q 'the run accepted the cell' '$O/report.html'"
# a 0% bar and an unmeasured one look different: drop retry from one state of write/file
Z=$(newdir zero complete.json)
python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
for c in d['cells']:
    if (c['syscall'], c['state'], c['sink'], c['size']) == ('write', 'anon-pageout', 'file', 64):
        del c['arms']['retry']
json.dump(d, open(sys.argv[1], 'w'))" "$Z/results.json"
report "$Z"
check "bar plot: a 0% arm is labelled 0, an unmeasured one n/m" python3 -c "
import sys, xml.dom.minidom as md
texts = [''.join(n.data for n in t.childNodes if n.nodeType == n.TEXT_NODE).strip() for t in md.parse('$Z/plots/fail-write-file.svg').getElementsByTagName('text')]
sys.exit(0 if texts.count('n/m') == 1 and texts.count('0') >= 3 else 'n/m %d, 0 %d' % (texts.count('n/m'), texts.count('0')))"
check "html: an unmeasured arm says n/m, a 0% arm says 0%" \
	bash -c "grep -q '<td class=\"nm\">n/m</td>' '$Z/report.html' && grep -q '>0% <span class=\"ci\">&le;' '$Z/report.html'"
if command -v chromium >/dev/null; then
	# the first screen (1280 x 800) shows the answer table, its first rows included
	{ cat "$UH"; echo "<script>const t = document.querySelector('table.answer'), r = t.rows[2].getBoundingClientRect(); console.log('ANSWER-ROW ' + Math.round(r.bottom) + ' ' + window.innerHeight + ' ' + t.rows.length);</script>"; } >"$U/first.html"
	chrome "$T/first" "file://$U/first.html" --window-size=1280,800 --dump-dom --virtual-time-budget=3000
	read -r bottom height nrows < <(grep -o 'ANSWER-ROW [0-9]* [0-9]* [0-9]*' "$T/first.log" | head -1 | cut -d' ' -f2-)
	[ -n "${bottom:-}" ] && [ "$bottom" -le "$height" ] && [ "$nrows" -gt 3 ] &&
		ok "chromium: the first screen (1280x800) shows the answer table (second row ends at ${bottom}px)" ||
		notok "chromium: the first screen shows the answer table" "bottom=${bottom:-?} height=${height:-?} $(tail -c 200 "$T/first.log")"
fi

# ---- the optional per-arm fields (UNITS.md): conditional counts, cost of the call, tool arms ----
F=$(newdir fields fields.json)
report "$F"
check "fields: fixture validates against the schema" python3 -c "
import json, jsonschema
jsonschema.validate(json.load(open('$D/fields.json')), json.load(open('bench/schema/bpfault-1.schema.json')))"
check "fields: report shows absent/present counts, the extra call time and a tool's outcomes" \
	bash -c "[ \"\$(cat '$T/rc')\" = 0 ] && grep -q 'absent 2000/2000, present 0/0' '$F/report.html' && grep -q 'call +48.0 µs' '$F/report.html' && grep -q 'ok 1800, empty 50, truncated 50, garbled 50, missing 50' '$F/report.html' && grep -q '<th>tool:opensnoop fail%</th>' '$F/report.html'"
check "fields: the answer uses the absent-page rate and a tool's misses do not fail a control" \
	bash -c "grep -q 'title=\"write/[a-z-]*/file/64/0 (absent-page trials)\"' '$F/report.html' && ! grep -q 'Control failed' '$F/report.html'"
check "schema: every property has a description" python3 -c "
import json, sys
bad = []
def walk(o, path):
    if isinstance(o, dict):
        for k, v in o.get('properties', {}).items():
            if 'description' not in v:
                bad.append(path + '.' + k)
        for k, v in o.items():
            walk(v, path + '.' + k)
    elif isinstance(o, list):
        for i, v in enumerate(o):
            walk(v, path + '[%d]' % i)
walk(json.load(open('bench/schema/bpfault-1.schema.json')), '')
sys.exit(', '.join(bad[:5]) if bad else 0)"

# ---- a second run replaces the report; an incomplete run says so ----
report "$R"
check "report runs again over an existing report" bash -c "[ \"\$(cat '$T/rc')\" = 0 ] && [ -d '$R/plots' ] && ! ls -d '$R'/.report.tmp.* '$R'/plots/plots* 2>/dev/null"
I=$(newdir incomplete complete.json)
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d['meta']['complete']=False; json.dump(d,open(sys.argv[1],'w'))" "$I/results.json"
report "$I" --format svg
check "incomplete run: INCOMPLETE banner, --format svg draws SVG only" \
	bash -c "[ \"\$(cat '$T/rc')\" = 0 ] && grep -q 'INCOMPLETE run' '$I/report.html' && ls '$I'/plots/*.svg >/dev/null && ! ls '$I'/plots/*.png 2>/dev/null"

# ---- meta: optional keys left out, unknown keys under their own name ----
M=$(newdir meta complete.json)
python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
for k in ('swap_found', 'swap_used', 'machine', 'dropped', 'matrix'):
    del d['meta'][k]
d['meta']['some_new_key'] = 'x<y'
json.dump(d, open(sys.argv[1], 'w'))" "$M/results.json"
report "$M" --format svg
check "meta: no swap row when the run recorded none (no 'not recorded')" \
	bash -c "[ \"\$(cat '$T/rc')\" = 0 ] && ! grep -q '<th>swap' '$M/report.html' && ! grep -q 'not recorded' '$M/report.html' && ! grep -q '<th>dropped' '$M/report.html'"
check "meta: matrix_id alone when there is no name; unknown keys under their own name" \
	bash -c "grep -q '<th>matrix</th><td>matrix_id <code>3f2a9c0d1e2b4a5c</code>' '$M/report.html' && grep -q '<th>some_new_key</th><td>x&lt;y</td>' '$M/report.html'"

# ---- twelve arms: every arm its own style, io_uring and sleep notes ----
W=$(newdir twelve twelve.json)
report "$W"
check "twelve arms: report exits 0" test "$(cat "$T/rc")" = 0
# style ARM-SVG...: per plot, each arm's legend sample as "arm colour greyscale-signature"
cat >"$T/styles.py" <<'PYEOF'
import re, sys, xml.dom.minidom as md
def rgb(s):
    m = re.search(r"rgb\(\s*(\d+),\s*(\d+),\s*(\d+)\)", s)
    return tuple(int(x) for x in m.groups()) if m else (0, 0, 0) if "black" in s else (-1, -1, -1)
def luma(c):
    return round((0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]) / 2.55)
for path in sys.argv[1:]:
    for g in md.parse(path).getElementsByTagName("g"):
        if not g.getAttribute("id").startswith("gnuplot_plot_"):
            continue
        texts = ["".join(n.data for n in t.childNodes if n.nodeType == n.TEXT_NODE) for t in g.getElementsByTagName("text")]
        arms = [t[4:] for t in texts if t.startswith("arm ")]
        pats = g.getElementsByTagName("pattern")
        if not arms or not pats:
            continue
        shapes = pats[0].getElementsByTagName("path")
        if not shapes:  # outline: no fill, the border carries the colour
            border = [p for p in g.getElementsByTagName("path") if p.getAttribute("stroke")]
            colour, grey = rgb(border[0].getAttribute("stroke")), "outline"
        else:
            style, d = shapes[0].getAttribute("style"), shapes[0].getAttribute("d")
            colour = rgb(style)
            grey = "solid-%d" % luma(colour) if "fill:rgb" in style else "hatch-" + d.replace(" ", "")
        print(path.rsplit("/", 1)[-1], arms[0], "#%02x%02x%02x" % colour if min(colour) >= 0 else "unknown", grey)
PYEOF
python3 "$T/styles.py" "$W/plots/cost-write-file.svg" "$W/plots/cost-uring-write-file.svg" >"$T/styles"
python3 - "$T/styles" >"$T/stylecheck" <<'PYEOF'
import sys
rows = [l.split() for l in open(sys.argv[1])]
bad = []
if len(rows) != 12:
    bad.append("%d arms in the cost plots, expected 12" % len(rows))
cols = [tuple(int(r[2][i:i + 2], 16) for i in (1, 3, 5)) if r[2] != "unknown" else (-999,) * 3 for r in rows]
for i in range(len(rows)):
    for j in range(i):
        dist = sum((a - b) ** 2 for a, b in zip(cols[i], cols[j])) ** 0.5
        if dist < 60:
            bad.append("colours of %s and %s too close (%.0f)" % (rows[i][1], rows[j][1], dist))
greys = [r[3] for r in rows]
if len(set(greys)) != len(greys):
    bad.append("greyscale styles repeat: %s" % greys)
solids = sorted(int(g[6:]) for g in greys if g.startswith("solid-"))
if any(b - a < 14 for a, b in zip(solids, solids[1:])):
    bad.append("solid grey levels too close: %s" % solids)
print("; ".join(bad) if bad else "ok")
sys.exit(1 if bad else 0)
PYEOF
[ $? -eq 0 ] && ok "twelve arms: 12 distinct colours and 12 distinct greyscale fills in the cost plots of write and uring-write" ||
	notok "twelve arms: 12 distinct colours and 12 distinct greyscale fills in the cost plots of write and uring-write" "$(cat "$T/stylecheck")"
python3 "$T/styles.py" "$W/plots/fail-write-file.svg" "$W/plots/fail-uring-write-file.svg" >>"$T/styles"
check "twelve arms: each arm has the same style in every plot (10 + 2 bar series checked)" python3 -c "
import sys
seen, n = {}, 0
for l in open('$T/styles'):
    plot, arm, col, grey = l.split()
    n += not plot.startswith('cost-')
    if seen.setdefault(arm, (col, grey)) != (col, grey):
        sys.exit(arm + ' differs in ' + plot)
sys.exit(0 if n == 12 else 'only %d bar series' % n)"
check "twelve arms: submit and later do not take enter's and exit's styles" \
	bash -c "grep -q '^fail-uring-write-file.svg submit #d6e4f5 solid-89' '$T/styles' && grep -q '^fail-uring-write-file.svg later #aa3377 outline' '$T/styles'"
WH="$W/report.html"
check "notes: 'too few trials' says how many trials" \
	grep -q '<li>exit (tracepoint/syscalls/sys_exit_write (pointer saved at enter)): no failure in 400 trials (200 per cell), but too few trials to bound the rate below 1%: upper 95% bound 1.88%; 381 trials per cell would.</li>' "$WH"
check "notes: io_uring arms named with their tracepoints (from meta.units)" \
	bash -c "grep -q '<li>later (tracepoint/io_uring/io_uring_complete): no failure in 400 trials' '$WH' && grep -q '<li>submit (tracepoint/io_uring/io_uring_submit_req): <span class=\"unusable\">' '$WH'"
check "notes: later against submit, as exit against enter" \
	bash -c "grep -q '<li>later (tracepoint/io_uring/io_uring_complete) works where submit (tracepoint/io_uring/io_uring_submit_req) fails: submit failed 100.0% of reads, later at most 0.0%; the call brought the page in before it read.</li>' '$WH' && grep -q '<li>later (tracepoint/io_uring/io_uring_complete) fails as often as submit (tracepoint/io_uring/io_uring_submit_req) (100.0% against 100.0% on average): the kernel never touched the buffer for sink null, so the page was still absent when later read' '$WH'"
check "notes: sleep faults the page in, with its cost against enter's" \
	grep -q '<li>sleep (uprobe.s on the workload&#39;s call site) faults the page in instead of failing: no failure in 400 trials, in the cells where enter (tracepoint/syscalls/sys_enter_write) failed 100.0% of reads; its median cost per read was 52.1 µs, against 950 ns for enter.</li>' "$WH"
check "notes: one arm's rate is said once when the range is a point" \
	bash -c "grep -q 'fentry (fentry/vfs_write): <span class=\"unusable\">unusable</span>; fails in 100.0% of reads when' '$WH' && ! grep -q '100.0% to 100.0%' '$WH'"
check "cost plot: log scale when medians differ 30-fold, linear otherwise" \
	bash -c "grep -q 'log scale' '$W/plots/cost-write-file.svg' && ! grep -q 'log scale' '$W/plots/cost-uring-write-file.svg'"

# ---- a 13th arm: its style is derived from its slot, distinct from the twelve ----
W13=$(newdir thirteen twelve.json)
python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
d['meta']['units']['arms'].append({'name': 'deferred', 'family': 'task_work', 'at_exit': False, 'perturbing': True, 'pair': 'enter', 'style': 12, 'hooks': {'write': 'tracepoint/syscalls/sys_enter_write, then task_work'}})
for c in d['cells']:
    if c['syscall'] == 'write' and 'enter' in c['arms']:
        c['arms']['deferred'] = dict(c['arms']['enter'])
        c.setdefault('cost_ns', {})['deferred'] = c['cost_ns'].get('enter', 1000) * 3
json.dump(d, open(sys.argv[1], 'w'))" "$W13/results.json"
report "$W13"
python3 "$T/styles.py" "$W13/plots/cost-write-file.svg" "$W13/plots/fail-write-file.svg" >"$T/styles13"
check "13 arms: report exits 0; the 13th arm has a colour of its own, the same in every plot" python3 -c "
import sys
rows = [l.split() for l in open('$T/styles13')]
cost = {r[1]: r[2] for r in rows if r[0].startswith('cost-')}
fail = {r[1]: r[2] for r in rows if r[0].startswith('fail-')}
ok = open('$T/rc').read().strip() == '0' and 'deferred' in cost and cost['deferred'] != 'unknown'
ok = ok and list(cost.values()).count(cost['deferred']) == 1 and fail.get('deferred') == cost['deferred']
sys.exit(0 if ok else 'styles: %s' % rows)"

# ---- bad input: exit 2, one line, nothing written ----
for fx in garbled.json truncated.json bad-schema.json; do
	X=$(newdir "bad-$fx" "$fx")
	report "$X"
	check "$fx: exit 2, one line on stderr, nothing written" \
		bash -c "[ \"\$(cat '$T/rc')\" = 2 ] && $(declare -f one_line nothing_left); one_line '$T/err' && nothing_left '$X' && [ ! -s '$T/out' ]"
done
report "$T/does-not-exist"
check "missing directory: exit 2, one line" bash -c "[ \"\$(cat '$T/rc')\" = 2 ] && $(declare -f one_line); one_line '$T/err'"
report "$R" --format gif
check "bad --format: exit 2" test "$(cat "$T/rc")" = 2

# ---- environment and drawing failures: nothing written, an old report kept ----
# nognuplot CMD...: CMD where /usr/bin/gnuplot cannot be executed (a private mount namespace)
nognuplot() { unshare -m sh -c 'mount --bind /dev/null "$(readlink -f /usr/bin/gnuplot)" && exec "$@"' sh "$@"; }
X=$(newdir nognuplot complete.json)
if [ "$(id -u)" -eq 0 ]; then
	nognuplot "$B" report "$X" >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
	check "no gnuplot in /usr/bin or /bin (PATH is not searched): exit 77, one line, nothing written" \
		bash -c "[ \"\$(cat '$T/rc')\" = 77 ] && $(declare -f one_line nothing_left); one_line '$T/err' && grep -q gnuplot '$T/err' && nothing_left '$X'"
else
	ok "no gnuplot: exit 77 # SKIP needs root for a mount namespace"
fi
# the scripts come from beside the binary's real path: a copy of the binary with broken ones
mkdir -p "$T/bin/scripts"
cp "$B" "$T/bin/bpfault"
cp scripts/plot-*.gp "$T/bin/scripts/"
echo 'plot undefined_variable_xyz' >>"$T/bin/scripts/plot-cost.gp"
X=$(newdir brokenplot complete.json)
"$T/bin/bpfault" report "$X" >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check "gnuplot failing late: exit 99, one line naming the plot, nothing written" \
	bash -c "[ \"\$(cat '$T/rc')\" = 99 ] && $(declare -f one_line nothing_left); one_line '$T/err' && grep -q 'drawing cost-' '$T/err' && nothing_left '$X'"
cp -r "$R/plots" "$R/report.html" "$X/"
"$T/bin/bpfault" report "$X" >/dev/null 2>&1
check "gnuplot failing late: the previous report is left as it was" \
	bash -c "cmp -s '$R/report.html' '$X/report.html' && diff -r '$R/plots' '$X/plots' && ! ls -d '$X'/.report.tmp.* 2>/dev/null"
# a relocated install: the scripts in ../share/bpfault beside the binary's real path
mkdir -p "$T/inst/sbin" "$T/inst/share/bpfault"
cp "$B" "$T/inst/sbin/bpfault"
cp scripts/plot-*.gp "$T/inst/share/bpfault/"
X=$(newdir relocated complete.json)
(cd "$T" && "$T/inst/sbin/bpfault" report "$X") >"$T/out" 2>"$T/err"
check "a relocated install finds its scripts in ../share/bpfault beside its real path" \
	bash -c "[ \"\$(grep -c . '$T/err')\" = 0 ] && [ -s '$X/report.html' ]"
# no scripts beside the binary: ./scripts (here, the repository's) is never used
rm -rf "$T/bin/scripts"
X=$(newdir noscripts complete.json)
"$T/bin/bpfault" report "$X" >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check "no scripts beside the binary: ./scripts is never used (exit 77 unless installed)" \
	bash -c "if [ -r /usr/local/share/bpfault/plot-common.gp ]; then [ \"\$(cat '$T/rc')\" = 0 ]; else [ \"\$(cat '$T/rc')\" = 77 ] && grep -q 'plot scripts not found' '$T/err'; fi"

# ---- no root needed ----
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	N="$T/nonroot"
	mkdir -p "$N"
	chmod 1777 "$N"
	cp "$D/complete.json" "$N/results.json"
	chmod 644 "$N/results.json"
	setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/nonexistent "$B" report "$N" >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc -eq 0 ] && [ "$(stat -c %u "$N/report.html")" = 65534 ] && [ "$(ls "$N/plots" | wc -l)" -eq "$(ls "$R/plots" | wc -l)" ]; then
		ok "runs as an unprivileged user (uid 65534)"
	else
		notok "runs as an unprivileged user (uid 65534)" "rc=$rc $(head -c 300 "$T/err")"
	fi
elif [ "$(id -u)" -ne 0 ]; then
	report "$(newdir user complete.json)"
	check "runs as an unprivileged user (uid $(id -u))" test "$(cat "$T/rc")" = 0
else
	notok "runs as an unprivileged user" "setpriv missing"
fi

# ---- the kernel axis: a directory of several kernels' runs (index.json) ----
# tests/data/kernels: the host's 6.18 reference and Debian's 6.1 and 6.12 references (qemu
# TCG), cut to four syscall x sink groups (tests/data/kernels/regen.py); no guest is booted.
K="$T/kernels"
cp -r "$(realpath tests/data/kernels)" "$K"
"$B" report "$K" >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check "kernels: report exits 0, quietly" bash -c "[ \$(cat '$T/rc') = 0 ] && [ ! -s '$T/err' ]"
check "kernels: each kernel's report, then the kernel axis, each path printed" \
	bash -c "[ \$(wc -l <'$T/out') = 4 ] && tail -1 '$T/out' | grep -qx '$K/report.html' && for d in '$K'/6.*/; do [ -s \"\$d/report.html\" ] && [ -s \"\$d/report.md\" ] && [ -s \"\$d/report.txt\" ] || exit 1; done"
check "kernels: report.html, report.md, report.txt and plots/ in DIR, no work directory left" \
	bash -c "[ -s '$K/report.html' ] && [ -s '$K/report.md' ] && [ -s '$K/report.txt' ] && [ -d '$K/plots' ] && ! ls -d '$K'/.report.tmp.* 2>/dev/null"
# the expected arm x kernel values, computed here from the fixture, independently of the C code:
# per syscall x sink x arm x kernel the worst failure rate (among absent-page trials where the
# run has them) over the ok cells of states that promise an absent page, are not controls or
# graded, and whose page was absent in >= 90% of trials; else "unsupported" where a cell lists
# the arm as unsupported
python3 - "$K" >"$T/kexpect" <<'EOF'
import json, sys
K = sys.argv[1]
idx = json.load(open(f"{K}/index.json"))["kernels"]
for ki, e in enumerate(idx):
    r = json.load(open(f"{K}/{e['dir']}/results.json"))
    # a run without meta.units (older runs): resident is the control, every other state absent
    st = {s["name"]: s for s in r["meta"].get("units", {}).get("states", [])}
    for c in r["cells"]:
        st.setdefault(c["state"], {"control": c["state"] == "resident", "absent": True, "graded": False})
    worst, unsup = {}, {}
    for c in r["cells"]:
        s = st[c["state"]]
        if s["control"]:
            continue
        g = (c["syscall"], c["sink"])
        for a in (c.get("unsupported_arms") or {}):
            unsup[g + (a,)] = True
        if c["status"] != "ok" or not s["absent"] or s["graded"] or c["nonresident_before"] < 0.9 * c["trials"]:
            continue
        for a, v in c["arms"].items():
            if v["n"] == 0:
                continue
            ab = v.get("absent")
            rate = ab["fail_rate"] if ab and ab["n"] else v["fail_rate"]
            worst[g + (a,)] = max(worst.get(g + (a,), -1), rate)
    for k in sorted(set(worst) | set(unsup)):
        print(ki, *k, "%.4f" % worst[k] if k in worst else "unsupported")
EOF
# the same read back from report.md's tables ("### SYS, sink SINK", then "| arm | K.. |" rows)
python3 - "$K/report.md" >"$T/kgot" <<'EOF'
import re, sys
sys_, sink = None, None
for line in open(sys.argv[1]):
    m = re.match(r"### (\S+), sink (\S+)$", line.strip())
    if m:
        sys_, sink = m.group(1).replace("\\", ""), m.group(2).replace("\\", "")
        continue
    if sys_ and line.startswith("| ") and not line.startswith("| arm"):
        cells = [x.strip() for x in line.strip().strip("|").split("|")]
        arm = cells[0].replace("\\", "")
        for ki, v in enumerate(cells[1:]):
            if v.startswith("unsupported"):
                print(ki, sys_, sink, arm, "unsupported")
            elif v != "not run":
                print(ki, sys_, sink, arm, "%.4f" % (float(v.split("%")[0]) / 100))
EOF
check "kernels: every arm x kernel value of report.md is the worst rate computed from the fixture" \
	python3 -c "
e = {tuple(l.split()[:4]): l.split()[4] for l in open('$T/kexpect')}
g = {tuple(l.split()[:4]): l.split()[4] for l in open('$T/kgot')}
num = lambda v: v != 'unsupported'
bad = [k for k in e if k not in g or (e[k] != g[k] and not (num(e[k]) and num(g[k]) and abs(float(e[k]) - float(g[k])) <= 0.0006))]
bad += [k for k in g if k not in e]
assert len(e) > 40 and not bad, (len(e), bad[:5])"
check "kernels: fentry unsupported on the host with its reason, measured on 6.1 and 6.12" \
	bash -c "grep -qE '^  fentry +unsupported \[[0-9]\] +100\.0% .* +100\.0% ' '$K/report.txt' && grep -q 'function tracing is locked down' '$K/report.txt'"
check "kernels: the answer across kernels comes first" \
	python3 -c "
s = open('$K/report.html').read()
a, k, x = s.find('The answer across kernels'), s.find('The kernels'), s.find('Each arm on each kernel')
assert 0 < a < k < x, (a, k, x)"
check "kernels: one inline SVG heatmap per syscall x sink" \
	bash -c "[ \$(grep -o 'id=\"fig-kernels-[a-z-]*\"><img alt=\"[^\"]*\" src=\"data:image/svg+xml;base64,' '$K/report.html' | wc -l) = 4 ]"
check "kernels: the heatmap labels unsupported cells apart from 0% cells" \
	python3 -c "
import base64, re
s = open('$K/report.html').read()
m = re.search(r'id=\"fig-kernels-write-file\"><img alt=\"[^\"]*\" src=\"data:image/svg\+xml;base64,([^\"]+)\"', s)
svg = base64.b64decode(m.group(1)).decode()
assert svg.count('unsupported [') == 2 and '>0%<' in svg, svg.count('unsupported [')"
check "kernels: the kernels table says which costs are not comparable" \
	bash -c "grep -qE '^  K2 +debian-6.1 +6.1.0-57-amd64 +tcg, [0-9]+ cells +not comparable \(tcg\)' '$K/report.txt'"
check "kernels: every line of report.txt fits 100 columns" \
	bash -c "! awk 'length > 100' '$K/report.txt' '$K'/6.*/report.txt | grep -q ."
# costs: a TCG run shows none, the host's run does
G61="$K/6.1.0-57-amd64"
check "tcg run: no cost plot, costs labelled 'not comparable (tcg)'" \
	bash -c "! ls '$G61/plots' | grep -q '^cost-' && grep -q 'cost not comparable (tcg)' '$G61/report.html' && grep -q 'not comparable (tcg)' '$G61/report.txt' && ! grep -qE '[0-9] (ns|µs)' '$G61/report.txt'"
check "native run: cost plots and costs in ns" \
	bash -c "ls '$K/6.18.44-fc-v1045/plots' | grep -q '^cost-' && grep -qE '\([0-9.]+ (ns|µs)\)' '$K/6.18.44-fc-v1045/report.txt'"
# the notes (issue 11) in Markdown and text too
check "notes in report.md and report.txt" \
	bash -c "grep -q '^## What this means' '$G61/report.md' && grep -q '^What this means$' '$G61/report.txt' && grep -q '^- \*\*write, sink file\*\* (' '$G61/report.md' && grep -q '^- write, sink file (' '$G61/report.txt'"
# a hostile index: a kernel's dir leaving the directory is bad input, one line, nothing written
H="$T/hostile"
mkdir -p "$H"
echo '{"format": "bpfault-kernels/1", "kernels": [{"release": "x", "dir": "../kernels"}]}' >"$H/index.json"
"$B" report "$H" >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check "kernels: an index whose dir leaves DIR: exit 2, one line, nothing written" \
	bash -c "[ \$(cat '$T/rc') = 2 ] && [ \$(wc -l <'$T/err') = 1 ] && grep -q '^bpfault: report: .*plain path component' '$T/err' && [ ! -e '$H/report.html' ]"

# a kernel directory planted as a symlink: never written through; shown as no results
L="$T/ksym"
cp -r "$(realpath tests/data/kernels)" "$L"
mv "$L/6.12.117+deb12-amd64" "$T/ksym-away"
ln -s "$T/ksym-away" "$L/6.12.117+deb12-amd64"
"$B" report "$L" >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check "kernels: a symlinked kernel directory is not written through, the others are reported" \
	bash -c "[ \$(cat '$T/rc') = 0 ] && [ ! -e '$T/ksym-away/report.html' ] && grep -q 'not a directory (or a symlink)' '$L/report.txt' && grep -q 'WARNING: kernel 6.12.117+deb12-amd64: no results' '$T/err' && [ -s '$L/6.1.0-57-amd64/report.html' ]"

if command -v chromium >/dev/null; then
	chrome "$T/kdom" "file://$K/report.html" --dump-dom
	if grep -q 'id="answer">The answer across kernels' "$T/kdom.stdout" &&
		[ "$(grep -o '<img ' "$T/kdom.stdout" | wc -l)" -eq 4 ] && ! console_errors "$T/kdom.log" >/dev/null; then
		ok "chromium: the kernel page loads, answer first, its 4 heatmaps, no console errors"
	else
		notok "chromium: the kernel page loads, answer first, its 4 heatmaps, no console errors" "$(head -c 300 "$T/kdom.log")"
	fi
fi

[ "$fails" -eq 0 ] || exit 1
