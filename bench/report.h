/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bpfault report: the plots (gnuplot, driven through fork/exec with the scripts in scripts/) and
 * DIR/report.html. The plotting entry points here are shared with compare and gate.
 */
#ifndef BPFAULT_REPORT_H
#define BPFAULT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include "results.h"

/*
 * Draw baseline against current: for every cell x arm the two runs share (status "ok" in both),
 * the failure rate with its 95% interval, one row each; rows where the current lower bound lies
 * above the baseline upper bound (or an "exact" baseline arm now fails at all) are highlighted
 * as regressions. Writes OUTDIR/compare.png and OUTDIR/compare.svg (OUTDIR must exist), each
 * renamed into place only once both are drawn.
 * Returns an exit status: EXIT_OK; EXIT_SKIP when gnuplot or the plot scripts are missing;
 * EXIT_USAGE when the runs share no cell x arm; EXIT_INTERNAL when drawing failed. On error,
 * err holds one line.
 */
int report_plot_compare(const struct res_run *base, const struct res_run *cur, const char *outdir,
			char *err, size_t errlen);

/* how report_plot_compare_marked() names the runs and picks the rows it highlights */
struct report_compare_opts {
	const char *base_name, *cur_name; /* legend: "<name>, kernel K"; NULL: baseline, current */
	/*
	 * true when the current run's cell x arm is a regression; NULL: the rule above (current
	 * lower bound above the baseline upper bound, or any failure of an exact baseline arm)
	 */
	bool (*regressed)(const struct res_cell *cur, const char *arm, void *ctx);
	void *ctx;
	const char *rule; /* what a highlight means, for the subtitle; NULL with the default rule */
};

/*
 * report_plot_compare() with names and a caller's regression rule (the gate passes its own
 * verdicts). Each highlighted row is also labelled "<cell> <arm>  [REGRESSION]" on the y axis, in
 * red; opts may be NULL.
 */
int report_plot_compare_marked(const struct res_run *base, const struct res_run *cur,
			       const char *outdir, const struct report_compare_opts *opts,
			       char *err, size_t errlen);

/* "<" ">" "&" "\"" "'" as HTML entities, for tests and other HTML writers; returns dst */
char *report_html_escape(const char *s, char *dst, size_t len);

#endif
