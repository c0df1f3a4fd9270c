// SPDX-License-Identifier: BSD-2-Clause
/*
 * The gate's decision rule (gate.h): one-sided Fisher tests in both directions, Holm-adjusted
 * across every tested row, a margin on the rise; exact arms fail on any failure.
 */
#include <math.h>
#include <stdlib.h>
#include "common.h"
#include "gate.h"
#include "stats.h"

/* ---- decision ---- */

bool gate_failed(enum gate_verdict v)
{
	return v == GATE_REGRESSION || v == GATE_MISSING || v == GATE_INVALID;
}

const char *gate_verdict_name(enum gate_verdict v)
{
	static const char *const names[] = {"~",       "PASS",	  "IMPROVED", "REGRESSION",
					    "MISSING", "INVALID", "SKIP"};

	return (unsigned)v < ARRAY_SIZE(names) ? names[v] : "?";
}

static bool row_tested(const struct gate_row *r)
{
	return r->v == GATE_SAME && !r->exact;
}

static double rate(uint64_t k, uint64_t n)
{
	return n ? (double)k / (double)n : NAN;
}

/* Holm across the tested rows of one direction; which: 0 = p, 1 = p_imp */
static void holm_rows(struct gate_row *rows, size_t n, size_t m, int which)
{
	double *p = calloc(m ? m : 1, sizeof(*p));
	size_t j = 0;

	if (!p) { /* no memory: Bonferroni, which Holm never exceeds */
		for (size_t i = 0; i < n; i++) {
			double *raw = which ? &rows[i].p_imp : &rows[i].p;

			if (row_tested(&rows[i]))
				*(which ? &rows[i].p_imp_adj : &rows[i].p_adj) = fmin(1, *raw * m);
		}
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (row_tested(&rows[i]))
			p[j++] = which ? rows[i].p_imp : rows[i].p;
	stats_holm(p, m, p);
	j = 0;
	for (size_t i = 0; i < n; i++)
		if (row_tested(&rows[i]))
			*(which ? &rows[i].p_imp_adj : &rows[i].p_adj) = p[j++];
	free(p);
}

void gate_decide(struct gate_row *rows, size_t n, double alpha, double margin)
{
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		struct gate_row *r = &rows[i];

		r->p = r->p_adj = r->p_imp = r->p_imp_adj = NAN;
		if (r->v != GATE_SAME)
			continue;
		if (r->exact) {
			r->v = r->k1 ? GATE_REGRESSION : GATE_PASS;
			continue;
		}
		/* Rao-Scott: each side's counts over its design effect (between-block drift) */
		r->p = stats_fisher_greater_deff(r->k1, r->n1, r->deff1, r->k0, r->n0, r->deff0);
		r->p_imp =
			stats_fisher_greater_deff(r->k0, r->n0, r->deff0, r->k1, r->n1, r->deff1);
		m++;
	}
	holm_rows(rows, n, m, 0);
	holm_rows(rows, n, m, 1);
	for (size_t i = 0; i < n; i++) {
		struct gate_row *r = &rows[i];
		double d = rate(r->k1, r->n1) - rate(r->k0, r->n0);

		if (!row_tested(r))
			continue;
		if (r->p_adj < alpha && d > margin)
			r->v = GATE_REGRESSION;
		else if (r->p_imp_adj < alpha && -d > margin)
			r->v = GATE_IMPROVED;
	}
}

static int rank(enum gate_verdict v)
{
	if (gate_failed(v))
		return 0;
	if (v == GATE_IMPROVED)
		return 1;
	return v == GATE_SKIP ? 3 : 2;
}

void gate_sort(struct gate_row *rows, size_t n)
{
	/* insertion sort: stable, and n is a matrix's worth */
	for (size_t i = 1; i < n; i++) {
		struct gate_row t = rows[i];
		size_t j = i;

		for (; j > 0 && rank(rows[j - 1].v) > rank(t.v); j--)
			rows[j] = rows[j - 1];
		rows[j] = t;
	}
}

void gate_count(struct gate_result *g)
{
	g->tested = g->failures = g->skipped = 0;
	for (size_t i = 0; i < g->n; i++) {
		if (g->rows[i].v == GATE_SKIP)
			g->skipped++;
		else
			g->tested++;
		if (gate_failed(g->rows[i].v))
			g->failures++;
	}
}
