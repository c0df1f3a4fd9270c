# The answer as one figure: each arm's worst failure rate over the non-control page states, one
# row per syscall x sink, one column per arm; safe arms say so, unmeasured ones are hatched grey
# and labelled n/m.
# Vars: nx (arms), ny (rows), tics (a gnuplot file setting xtics and ytics).
# Data: x y worst% "label" measured(0/1) safe(0/1).
load gpdir.'/plot-common.gp'
W = 260 + nx * 92
W = W < 700 ? 700 : W
H = 170 + ny * 30
do for [f in fmts] {
	eval term(f, W, H)
	set output out.'.'.f
	set title title."\n".subtitle
	set palette defined (0 '#ffffe0', 20 '#fee391', 45 '#fe9929', 70 '#cc4c02', 100 '#4d1a00')
	set cbrange [0:100]
	set cblabel 'worst failure %'
	set cbtics 0, 25, 100
	set xrange [-0.5:nx - 0.5]
	set yrange [-0.5:ny - 0.5]
	load tics
	set xtics rotate by 30 right nomirror
	set ytics nomirror
	set tics scale 0
	unset key
	plot data using 1:(int($5) ? $2 : NaN):($1 - 0.5):($1 + 0.5):($2 - 0.5):($2 + 0.5):3 \
		with boxxyerror fs solid 1 noborder lc palette z, \
	     '' using 1:(int($5) ? NaN : $2):($1 - 0.5):($1 + 0.5):($2 - 0.5):($2 + 0.5) \
		with boxxyerror fs pattern 2 lc rgb '#bbbbbb', \
	     '' using 1:2:($3 > 55 ? stringcolumn(4) : '') with labels font ',9' tc rgb 'white', \
	     '' using 1:2:($3 > 55 ? '' : stringcolumn(4)) with labels font ',9' tc rgb 'black'
	set output
}
