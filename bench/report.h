/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bpfault report: the plots (gnuplot, driven through fork/exec with the scripts in scripts/) and
 * DIR/report.html. The plotting entry points here are shared with compare and gate.
 */
#ifndef BPFAULT_REPORT_H
#define BPFAULT_REPORT_H

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

/* "<" ">" "&" "\"" "'" as HTML entities, for tests and other HTML writers; returns dst */
char *report_html_escape(const char *s, char *dst, size_t len);

#endif
