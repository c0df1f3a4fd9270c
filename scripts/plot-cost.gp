# Median cost of each arm's read (ns per event), per cell, with 95% intervals of the median.
# Vars: narms, arms, ai, nrows, logy (log y axis from ylo). Data: "cell" then per arm: median lo hi.
load gpdir.'/plot-common.gp'
W = 260 + nrows * (narms * 22 + 40)
W = W < 900 ? 900 : W
do for [f in fmts] {
	eval term(f, W, 660)
	set output out.'.'.f
	set title title."\n".subtitle
	set style data histograms
	set style histogram errorbars gap 1.5 lw 1.5
	set style fill pattern border -1
	set boxwidth 0.9
	if (logy) { set logscale y 10; set yrange [ylo:*] } else { unset logscale y; set yrange [0:*] }
	set grid ytics lc rgb '#bbbbbb'
	set ylabel 'median cost of the read (ns per event)'
	set xlabel 'cell: syscall, page state, sink' offset 0,-3.5
	set xtics nomirror
	set bmargin 9
	set key outside right top vertical Left reverse
	plot for [i=1:narms] data using (column(3*i-1)):(column(3*i)):(column(3*i+1)):xtic(1) \
		title 'arm '.word(arms, i) lc rgb C[slot(i)] \
		fs pattern P[slot(i)] border lc rgb BC[slot(i)]
	set output
}
