# Cost of a read (median ns per read) per arm across page states for one syscall x sink: clustered
# bars, laid out like the fail-* plot of the same syscall x sink, with the 95% distribution-free
# interval of each median as whiskers and the median written above each bar.
# Vars: narms, arms, ai, nrows, logy (log y axis from ylo), ylo, ytop (top of the y axis).
# Data: "state" then per arm: median lo hi.
load gpdir.'/plot-common.gp'
W = 240 + nrows * (narms * 34 + 40)
W = W < 900 ? 900 : W
do for [f in fmts] {
	eval term(f, W, 560)
	set output out.'.'.f
	set title title."\n".subtitle
	set style data histograms
	set style histogram errorbars gap 1.5 lw 1.5
	set style fill pattern border -1
	set boxwidth 0.9
	if (logy) {
		set logscale y 10
		set yrange [ylo:ytop]
		set ylabel 'ns per read, log scale (median, 95% distribution-free interval)'
	} else {
		unset logscale y
		set yrange [0:ytop]
		set ylabel 'ns per read (median, 95% distribution-free interval)'
	}
	set grid ytics lc rgb '#bbbbbb'
	set xlabel 'page state of the buffer before the call' offset 0,-1
	set xtics nomirror
	set key outside right top vertical Left reverse
	# bar i of a cluster is centred at cluster + dx(i); its value sits above its whisker
	bw = 1.0 / (narms + 1.5)
	dx(i) = (i - (narms + 1) / 2.0) * bw
	lab(v) = v < 10000 ? sprintf('%.0f ns', v) : v < 1e7 ? sprintf('%.1f µs', v / 1e3) : \
		sprintf('%.1f ms', v / 1e6)
	above(m, h) = (h > m ? h : m) * (logy ? 1.12 : 1) + (logy ? 0 : 0.015 * ytop)
	plot for [i=1:narms] data using (column(3*i-1)):(column(3*i)):(column(3*i+1)):xtic(1) \
		title 'arm '.word(arms, i) lc rgb C(slot(i)) \
		fs pattern P(slot(i)) border lc rgb BC(slot(i)), \
	     for [i=1:narms] data using ($0 + dx(i)):(above(column(3*i-1), column(3*i+1))):(lab(column(3*i-1))) \
		with labels rotate by 90 left offset 0.3,0 font ',8' notitle
	set output
}
