# Failure rate (%) per arm across page states for one syscall x sink: clustered bars with 95%
# intervals and values, and the ground-truth non-resident fraction as a dashed line across
# each cluster.
# Vars: narms, arms, ai, nrows. Data: "state" nonres% then per arm: rate% lo% hi% "label" label-y.
# The label is the rate ("0" for a measured 0%) or "n/m" for an arm not measured in that state,
# so a 0% bar and a missing one never look alike.
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
	set yrange [0:110]
	set ytics 0, 10, 100
	set grid ytics lc rgb '#bbbbbb'
	set ylabel 'failure rate (% of reads)'
	set xlabel 'page state of the buffer before the call' offset 0,-1
	set xtics nomirror
	set key outside right top vertical Left reverse
	# bar i of a cluster is centred at cluster + dx(i); the ground truth spans the cluster
	bw = 1.0 / (narms + 1.5)
	dx(i) = (i - (narms + 1) / 2.0) * bw
	plot for [i=1:narms] data using (column(5*i-2)):(column(5*i-1)):(column(5*i)):xtic(1) \
		title 'arm '.word(arms, i) lc rgb C(slot(i)) \
		fs pattern P(slot(i)) border lc rgb BC(slot(i)), \
	     for [i=1:narms] data using ($0 + dx(i) - 0.2 * bw):(column(5*i+2)):(stringcolumn(5*i+1)) \
		with labels rotate by 90 left font ',8' notitle, \
	     data using 0:2:($0 - narms * bw / 2):($0 + narms * bw / 2) with xerrorbars \
		pt 0 lw 2.5 dt 2 lc rgb 'black' title 'non-resident before call (%)'
	set output
}
