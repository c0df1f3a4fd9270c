# Failure rate (%) against a graded factor (buffer size, offset): one line per arm with a 95%
# interval band, and the ground-truth non-resident fraction.
# Vars: narms, arms, ai, xlab, logx. Data: one block per arm: x rate% lo% hi%; then x nonres%.
load gpdir.'/plot-common.gp'
do for [f in fmts] {
	eval term(f, 980, 560)
	set output out.'.'.f
	set title title."\n".subtitle
	if (logx) { set logscale x 2 } else { unset logscale x }
	set offsets graph 0.03, graph 0.03, 0, 0
	set yrange [0:110]
	set ytics 0, 10, 100
	set grid xtics ytics lc rgb '#bbbbbb'
	set xlabel xlab
	set ylabel 'failure rate (% of reads)'
	set key outside right top vertical Left reverse
	plot for [i=1:narms] data index i-1 using 1:3:4 with filledcurves \
		fs transparent solid 0.22 noborder lc rgb C(slot(i)) notitle, \
	     for [i=1:narms] data index i-1 using 1:2 with linespoints lw 2.5 \
		dt DT(slot(i)) pt PT(slot(i)) ps 1.4 lc rgb C(slot(i)) title 'arm '.word(arms, i), \
	     data index narms using 1:2 with linespoints lw 1.5 dt 3 pt 13 ps 1.6 lc rgb 'black' \
		title 'non-resident before call (%)'
	set output
}
