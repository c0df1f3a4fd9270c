/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The gate: its rows, the decision rule (gate_rule.c) and the writers (gate_out.c: text table,
 * JUnit, Markdown). Matching two runs is the results layer's (res_match()).
 */
#ifndef BPFAULT_GATE_H
#define BPFAULT_GATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "common.h"
#include "results.h"

#define GATE_ALPHA  0.05
#define GATE_MARGIN 0.01 /* a regression must raise the failure rate by more than 1 point */

enum gate_verdict {
	GATE_SAME,	 /* "~": no significant change beyond the margin */
	GATE_PASS,	 /* exact arm with no failure */
	GATE_IMPROVED,	 /* significantly fewer failures, by more than the margin */
	GATE_REGRESSION, /* significantly more failures (or any, on an exact arm) */
	GATE_MISSING,	 /* in the baseline, not in the run */
	GATE_INVALID,	 /* "ok" in the baseline, not "ok" in the run */
	GATE_SKIP,	 /* unsupported on the run's kernel: not gated */
};

struct gate_row {
	char cell[128]; /* res_cell_key() */
	char arm[RES_NAME];
	uint64_t k0, n0;     /* baseline: failures, reads */
	uint64_t k1, n1;     /* run */
	bool exact;	     /* baseline marks the arm: any failure in the run fails */
	bool absent;	     /* the counts are among absent-page trials (both runs have them) */
	enum gate_verdict v; /* preset MISSING/INVALID/SKIP, else SAME; gate_decide() sets it */
	double p, p_adj;     /* one-sided Fisher run > baseline, raw and Holm; NAN if untested */
	double p_imp, p_imp_adj; /* the same for run < baseline */
	double deff0, deff1;	 /* design effects of the block counts (stats_deff); 0 or 1: none */
	char why[320];		 /* reason for a preset verdict */
};

/*
 * The decision rule. Rows preset to MISSING/INVALID/SKIP are kept. Exact rows: REGRESSION on any
 * failure, else PASS (no test). Every other row is tested (one-sided Fisher, both directions),
 * Holm-adjusted across all tested rows: REGRESSION when p_adj < alpha and the rate rose by more
 * than margin; IMPROVED likewise the other way; SAME otherwise.
 */
void gate_decide(struct gate_row *rows, size_t n, double alpha, double margin);
bool gate_failed(enum gate_verdict v);
const char *gate_verdict_name(enum gate_verdict v);
/* sort: failures first, then improvements, then the rest, skips last; stable */
void gate_sort(struct gate_row *rows, size_t n);

/* everything the writers need */
struct gate_result {
	struct gate_row *rows;
	size_t n;
	double alpha, margin;
	bool incomplete;       /* run's meta.complete is not true */
	char warnings[4][512]; /* "kernel differs ..." etc., without "WARNING: " */
	int nwarn;
	size_t tested, failures, skipped;
	const char *plot_dir; /* --plots DIR once DIR/compare.{png,svg} are drawn, else NULL */
	const char *kernel;   /* the kernel release, gating a kernel set; NULL for one run */
	const char *error;    /* not gated (no baseline for the kernel, no results): why */
};

void gate_count(struct gate_result *g);
void gate_junit(const struct gate_result *g, struct sbuf *b);
/* one document, one <testsuite> per kernel's gate (named by g[i].kernel) */
void gate_junit_many(const struct gate_result *g, size_t n, struct sbuf *b);
void gate_markdown(const struct gate_result *g, struct sbuf *b);
/* the table on f, grouped by cell, within 100 columns; 0 or -ENOMEM */
int gate_text(const struct gate_result *g, FILE *f);

#endif
