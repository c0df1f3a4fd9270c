# The kernel axis: one syscall x sink, arm (rows) by kernel (columns), the worst failure rate
# over the non-resident states in each cell. Vars: nx (kernels), ny (arms), tics (a gnuplot file
# setting xtics and ytics). Data: x y rate% "label" kind; kind 0 measured (coloured by rate),
# 1 unsupported on that kernel (blue hatching, labelled with its reason's number), 2 not in
# that kernel's run (pale grey, "not run"). So a 0% cell, an unsupported arm and an arm that was
# not run never look alike.
load gpdir.'/plot-common.gp'
PW = 260 + nx * 210
PH = 130 + ny * 30
do for [f in fmts] {
	eval term(f, PW, PH)
	set output out.'.'.f
	set palette defined (0 '#ffffe0', 20 '#fee391', 45 '#fe9929', 70 '#cc4c02', 100 '#4d1a00')
	set cbrange [0:100]
	set cblabel 'worst failure %'
	set cbtics 0, 25, 100
	set xrange [-0.5:nx - 0.5]
	set yrange [ny - 0.5:-0.5]
	load tics
	set xtics nomirror
	set ytics nomirror
	set tics scale 0
	unset key
	set title title."\n".subtitle
	plot data using 1:(int($5) == 0 ? $2 : NaN):($1 - 0.5):($1 + 0.5):($2 - 0.5):($2 + 0.5):3 \
		with boxxyerror fs solid 1 noborder lc palette z, \
	     '' using 1:(int($5) == 1 ? $2 : NaN):($1 - 0.5):($1 + 0.5):($2 - 0.5):($2 + 0.5) \
		with boxxyerror fs pattern 4 lc rgb '#3b6ea8', \
	     '' using 1:(int($5) == 2 ? $2 : NaN):($1 - 0.5):($1 + 0.5):($2 - 0.5):($2 + 0.5) \
		with boxxyerror fs solid 1 noborder lc rgb '#eeeeee', \
	     '' using 1:2:(int($5) == 0 && $3 > 55 ? stringcolumn(4) : '') with labels tc rgb 'white', \
	     '' using 1:2:(int($5) == 0 && $3 > 55 ? '' : stringcolumn(4)) with labels tc rgb 'black'
	set output
}
