// SPDX-License-Identifier: BSD-2-Clause
/*
 * The answer (analysis.h): per syscall x sink, each arm's worst failure rate over the states
 * that are not controls, which arms are safe there, and the cheapest safe one.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "analysis.h"

/* the rate that stands for an arm in a cell: among absent-page trials when the run has them */
static void arm_rate(const struct res_arm *a, double *r, double *lo, double *hi, bool *absent)
{
	*absent = a->absent.has && a->absent.n > 0;
	*r = *absent ? a->absent.fail_rate : a->fail_rate;
	*lo = *absent ? a->absent.ci95[0] : a->ci95[0];
	*hi = *absent ? a->absent.ci95[1] : a->ci95[1];
}

/* what an agent pays per event: the read, and the extra time of the call when it perturbs */
static double arm_cost(const struct res_arm *a)
{
	if (!isfinite(a->cost_ns))
		return NAN;
	return a->cost_ns +
	       (isfinite(a->extra_call_ns) && a->extra_call_ns > 0 ? a->extra_call_ns : 0);
}

static void add_cell(struct an_row *row, const struct res_index *x, int cell)
{
	row->ncells++;
	for (int a = 0; a < x->narms; a++) {
		const struct res_arm *ar = res_index_cell_arm(x, cell, a);
		struct an_arm *m = &row->arms[a];
		double r, lo, hi, cost;
		bool absent;

		if (!res_arm_measured(ar))
			continue;
		arm_rate(ar, &r, &lo, &hi, &absent);
		m->seen++;
		if (!(m->worst >= r)) {
			m->worst = r;
			m->lo = lo;
			m->hi = hi;
			m->worst_cell = cell;
			m->absent_based = absent;
		}
		m->upper = fmax(m->upper, hi);
		cost = arm_cost(ar);
		if (isfinite(cost))
			m->cost_ns = isfinite(m->cost_ns) ? fmax(m->cost_ns, cost) : cost;
	}
}

static void finish_row(struct an_row *row, int narms)
{
	row->cheapest = -1;
	for (int a = 0; a < narms; a++) {
		struct an_arm *m = &row->arms[a];

		m->safe = m->seen == row->ncells && m->upper < AN_SAFE_UPPER;
		if (!m->safe)
			continue;
		row->nsafe++;
		if (isfinite(m->cost_ns) &&
		    (row->cheapest < 0 || m->cost_ns < row->arms[row->cheapest].cost_ns))
			row->cheapest = a;
	}
}

static int build_row(const struct res_index *x, int s, int k, struct an_row *row)
{
	memset(row, 0, sizeof(*row));
	row->sys = s;
	row->sink = k;
	row->arms = calloc((size_t)x->narms + 1, sizeof(*row->arms));
	if (!row->arms)
		return -ENOMEM;
	for (int a = 0; a < x->narms; a++) {
		row->arms[a].worst = row->arms[a].lo = row->arms[a].hi = NAN;
		row->arms[a].cost_ns = NAN;
		row->arms[a].upper = -INFINITY;
		row->arms[a].worst_cell = -1;
	}
	for (int i = 0; i < x->run->ncells; i++)
		if (x->cs[i] == s && x->ck[i] == k && res_cell_ok(&x->run->cells[i]) &&
		    !x->state_control[x->ct[i]])
			add_cell(row, x, i);
	finish_row(row, x->narms);
	return 0;
}

int an_summary_build(const struct res_index *x, struct an_summary *s)
{
	s->n = 0;
	s->rows = calloc((size_t)x->nsys * (size_t)x->nsinks + 1, sizeof(*s->rows));
	if (!s->rows)
		return -ENOMEM;
	for (int si = 0; si < x->nsys; si++) {
		for (int ki = 0; ki < x->nsinks; ki++) {
			struct an_row *row = &s->rows[s->n];

			if (build_row(x, si, ki, row)) {
				an_summary_free(s);
				return -ENOMEM;
			}
			if (!row->ncells) {
				free(row->arms);
				continue;
			}
			s->n++;
		}
	}
	return 0;
}

void an_summary_free(struct an_summary *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->rows[i].arms);
	free(s->rows);
	s->rows = NULL;
	s->n = 0;
}
