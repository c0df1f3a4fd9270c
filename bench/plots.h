/* SPDX-License-Identifier: BSD-2-Clause */
/* The report's plots, queued on a plotter (plot.h) from the results index. 0 or -errno. */
#ifndef BPFAULT_PLOTS_H
#define BPFAULT_PLOTS_H

#include "analysis.h"
#include "plot.h"
#include "kaxis.h"

/* the answer as a figure: worst failure rate per syscall x sink (rows) and arm (columns) */
int plots_summary(struct plotter *p, const struct res_index *x, const struct an_summary *s);
/* per syscall x sink: failure rate, and cost, per arm and page state */
int plots_fail(struct plotter *p, const struct res_index *x);
int plots_cost(struct plotter *p, const struct res_index *x);
/* per sink: syscall x state, one panel per arm */
int plots_heat(struct plotter *p, const struct res_index *x);
/* failure rate against size and against offset, where a run varied them */
int plots_factor(struct plotter *p, const struct res_index *x);

/* the kernel axis: per syscall x sink, arm by kernel (sys of each plot: its group index) */
int plots_kernels(struct plotter *p, const struct kaxis *kx);

#endif
