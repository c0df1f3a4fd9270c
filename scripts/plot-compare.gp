# Baseline against current, one row per cell x arm: failure rate with 95% intervals; rows where
# the current lower bound lies above the baseline upper bound are shaded as regressions.
# Vars: nrows, nreg, bkernel, ckernel.
# Data: row "label" base lo hi cur lo hi regression(0/1).
load gpdir.'/plot-common.gp'
H = 200 + nrows * 26
do for [f in fmts] {
	eval term(f, 1100, H)
	set output out.'.'.f
	set title title."\n".subtitle
	set xrange [-2:102]
	set yrange [-0.7:nrows - 0.3]
	set xtics 0, 10, 100
	set grid xtics lc rgb '#bbbbbb'
	set xlabel 'failure rate (% of reads, 95% interval)'
	set ytics nomirror
	set tics scale 0.5
	set key below center vertical Left reverse maxcols 1 height 2
	set style fill solid 0.35 noborder
	plot data using (50):(int($9) ? $1 : NaN):(-2):(102):($1 - 0.5):($1 + 0.5) with boxxyerror \
		lc rgb '#D55E00' title 'regression (current above baseline)', \
	     data using 3:($1 + 0.17):4:5:ytic(2) with xerrorbars pt 6 ps 1.3 lw 1.5 lc rgb '#0072B2' \
		title 'baseline: '.bkernel, \
	     data using 6:($1 - 0.17):7:8 with xerrorbars pt 9 ps 1.4 lw 1.5 lc rgb '#000000' \
		title 'current: '.ckernel
	set output
}
