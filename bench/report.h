/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The comparison plot that bpfault report shares with compare and gate: baseline against
 * current, one row per cell x arm. Returns 0 or -errno (err holds one line): -ENOENT gnuplot or
 * the plot scripts are missing, -EINVAL the runs share no measured cell x arm, other -errno
 * drawing failed. report_exit_status() maps that to the exit status the commands give.
 */
#ifndef BPFAULT_REPORT_H
#define BPFAULT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include "results.h"

/* how report_plot_compare_marked() names the runs and picks the rows it highlights */
struct report_compare_opts {
	const char *base_name, *cur_name; /* legend: "<name>, kernel K"; NULL: baseline, current */
	/*
	 * true when the current run's cell x arm is a regression; NULL: the default rule (current
	 * lower bound above the baseline upper bound, or any failure of an exact baseline arm)
	 */
	bool (*regressed)(const struct res_cell *cur, const char *arm, void *ctx);
	void *ctx;
	const char *rule; /* what a highlight means, for the subtitle; NULL with the default rule */
};

/*
 * Draw baseline against current for every cell x arm both runs measured (status ok in both):
 * OUTDIR/compare.svg and OUTDIR/compare.png (OUTDIR must exist), renamed into place only once
 * both are drawn. Highlighted rows are labelled "<cell> <arm>  [REGRESSION +Npp]". opts may be
 * NULL.
 */
int report_plot_compare_marked(const struct res_run *base, const struct res_run *cur,
			       const char *outdir, const struct report_compare_opts *opts,
			       char *err, size_t errlen);
int report_plot_compare(const struct res_run *base, const struct res_run *cur, const char *outdir,
			char *err, size_t errlen);

/* the exit status for a plotting error: 0, EXIT_SKIP, EXIT_USAGE or EXIT_INTERNAL */
int report_exit_status(int err);

#endif
