/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The report in Markdown (report.md) and plain text (report.txt): the answer, the arms not
 * run, what it means; for a kernel set, the kernel axis. Appends to a struct sbuf.
 */
#ifndef BPFAULT_REPORT_TEXT_H
#define BPFAULT_REPORT_TEXT_H

#include "analysis.h"
#include "esc.h"
#include "kaxis.h"
#include "plot.h"
#include "view.h"

/* one run's report, f VIEW_MD or VIEW_TEXT */
void text_report(struct sbuf *b, enum view_form f, const struct res_index *x,
		 const struct an_summary *s, const struct an_notes *n);
/* the arms not run, with the reason */
void text_unsup(struct sbuf *b, enum view_form f, const struct res_index *x);
/* a worst rate: "100.0% [99.6, 100.0]", "0% (<=0.4%) safe", "n/m" (worst NAN) */
void text_rate(char *buf, size_t len, double worst, double lo, double hi, bool safe);
/*
 * A kernel set's report body, in any form: the answer across kernels, the kernels, per syscall x
 * sink the arm by kernel table (HTML: with its heatmap from p, which may be NULL), the reasons.
 */
void view_kernels(struct sbuf *b, enum view_form f, const struct kaxis *kx, const struct kset *ks,
		  const struct plotter *p);

/* the whole kernel-set report page in form f (HTML: a complete document) */
void kernels_page(struct sbuf *b, enum view_form f, const struct kaxis *kx, const struct kset *ks,
		  const struct plotter *p);

#endif
