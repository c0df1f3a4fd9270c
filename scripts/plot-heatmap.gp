# Heatmap syscall x page state, one panel per arm, values printed in the cells.
# Vars: narms, arms, ai, nx, ny, tics (a gnuplot file setting xtics and ytics).
# Data: one block per arm: x y rate% "label" measured(0/1); unmeasured cells are hatched grey.
load gpdir.'/plot-common.gp'
cols = narms < 2 ? narms : 2
rows = (narms + cols - 1) / cols
PW = 150 + nx * 95
PW = PW < 420 ? 420 : PW
PH = 150 + ny * 48
do for [f in fmts] {
	eval term(f, cols * PW, rows * PH + 60)
	set output out.'.'.f
	# sequential, lightness falls monotonically: reads in greyscale too
	set palette defined (0 '#ffffe0', 20 '#fee391', 45 '#fe9929', 70 '#cc4c02', 100 '#4d1a00')
	set cbrange [0:100]
	set cblabel 'failure %'
	set cbtics 0, 25, 100
	set xrange [-0.5:nx - 0.5]
	set yrange [-0.5:ny - 0.5]
	load tics
	set xtics rotate by 30 right nomirror
	set ytics nomirror
	set tics scale 0
	unset key
	set multiplot layout rows, cols title title."\n".subtitle
	do for [i=1:narms] {
		set title 'arm: '.word(arms, i)
		plot data index i-1 using 1:(int($5) ? $2 : NaN):($1 - 0.5):($1 + 0.5):($2 - 0.5):($2 + 0.5):3 \
			with boxxyerror fs solid 1 noborder lc palette z, \
		     '' index i-1 using 1:(int($5) ? NaN : $2):($1 - 0.5):($1 + 0.5):($2 - 0.5):($2 + 0.5) \
			with boxxyerror fs pattern 2 lc rgb '#bbbbbb', \
		     '' index i-1 using 1:2:($3 > 55 ? stringcolumn(4) : '') with labels tc rgb 'white', \
		     '' index i-1 using 1:2:($3 > 55 ? '' : stringcolumn(4)) with labels tc rgb 'black'
	}
	unset multiplot
	set output
}
