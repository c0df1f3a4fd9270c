# Baseline against current, one row per cell x arm: failure rate with 95% intervals; regressions
# (by the caller's rule, named in the subtitle) are shaded and their y label ends in
# "[REGRESSION +Npp]".
# Vars: nrows, nreg, blabel, clabel (legend entries of the two runs).
# Data: row "label" base lo hi cur lo hi regression(0/1).
load gpdir.'/plot-common.gp'
RH = nrows > 60 ? 18 : 26
H = 220 + nrows * RH
do for [f in fmts] {
	eval term(f, 1200, H)
	set output out.'.'.f
	set title title."\n".subtitle offset 0,1
	set tmargin 6
	set xrange [-2:102]
	set yrange [-0.7:nrows - 0.3]
	set xtics 0, 10, 100
	set x2tics 0, 10, 100
	set link x2
	set grid xtics lc rgb '#bbbbbb'
	set xlabel 'failure rate (% of reads, 95% interval)'
	set ytics nomirror
	set tics scale 0.5
	set key below center vertical Left reverse maxcols 1 height 2
	set style fill solid 0.35 noborder
	plot data using (50):(int($9) ? $1 : NaN):(-2):(102):($1 - 0.5):($1 + 0.5) with boxxyerror \
		lc rgb '#D55E00' title sprintf('regression (%d): shaded, and marked in its label', nreg), \
	     data using 3:($1 + 0.17):4:5:ytic(2) with xerrorbars pt 6 ps 1.3 lw 1.5 lc rgb '#0072B2' \
		title blabel, \
	     data using 6:($1 - 0.17):7:8 with xerrorbars pt 9 ps 1.4 lw 1.5 lc rgb '#000000' \
		title clabel
	set output
}
