/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The HTML view: report.html from the results index, the answer, the notes and the drawn plots
 * (inlined, so the file alone shows them). Appends to a struct sbuf; b->err tells of failure.
 */
#ifndef BPFAULT_HTML_H
#define BPFAULT_HTML_H

#include "analysis.h"
#include "common.h"
#include "plot.h"
#include "results.h"

struct html_in {
	const struct res_index *x;
	const struct an_summary *sum;
	const struct an_notes *notes;
	const struct plotter *plots; /* drawn; their SVG is read from plots->plots */
};

void html_page(struct sbuf *b, const struct html_in *in);
/* the page's head, its style, and <body> */
void html_head(struct sbuf *b, const char *title);
/* a drawn plot, inlined as SVG (PNG: linked) with its caption; pl may be NULL */
void html_figure(struct sbuf *b, const struct plotter *p, const struct plot *pl);
/* pieces, for the page and for tests */
void html_meta(struct sbuf *b, const struct res_run *run);
void html_answer(struct sbuf *b, const struct html_in *in);
void html_notes(struct sbuf *b, const struct res_index *x, const struct an_notes *n);
/* execve-like cells: each arm's failures per argument position (html_pos.c); nothing without */
void html_positions(struct sbuf *b, const struct res_run *run);
/* a <td> with a rate and its interval, coloured by rate; close: and the </td> */
void rate_td(struct sbuf *b, double rate, double lo, double hi, const char *title, bool close);
/* an arm for a sentence: its name, and its hook for that syscall when the run recorded it */
void html_arm(struct sbuf *b, const struct res_index *x, int arm, int sys);

#endif
