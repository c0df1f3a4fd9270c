// SPDX-License-Identifier: BSD-2-Clause
/*
 * The bar plots and the summary figure (plots.h): per syscall x sink, the failure rate and the
 * cost of each arm per page state, laid out alike; and the answer as one heatmap. A 0% bar is
 * labelled "0", an arm not measured in a state "n/m": they never look the same.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "esc.h"
#include "plots.h"

#define MAX_ROWS 64

/* the rows of a syscall x sink: one cell per state at the representative size/offset */
struct rows {
	int cell[MAX_ROWS];
	int n;
	uint32_t size, off;
	int arms[RES_MAX_ARMS * 2];
	int narms;
};

static bool has_arm(const struct rows *r, int a)
{
	for (int i = 0; i < r->narms; i++)
		if (r->arms[i] == a)
			return true;
	return false;
}

/* arms that have a rate in some ok row (want_cost: a cost), in index order */
static void rows_arms(const struct res_index *x, struct rows *r, bool want_cost)
{
	r->narms = 0;
	for (int a = 0; a < x->narms && r->narms < (int)ARRAY_SIZE(r->arms); a++) {
		for (int i = 0; i < r->n; i++) {
			const struct res_arm *ar = res_index_cell_arm(x, r->cell[i], a);

			if (!res_cell_ok(&x->run->cells[r->cell[i]]) || !res_arm_measured(ar) ||
			    (want_cost && !isfinite(ar->cost_ns)) || has_arm(r, a))
				continue;
			r->arms[r->narms++] = a;
		}
	}
}

static int rows_of(const struct res_index *x, int s, int k, struct rows *r)
{
	int best = res_index_combo(x, s, k, &r->size, &r->off);

	r->n = 0;
	for (int st = 0; st < x->nstates && r->n < MAX_ROWS && best > 0; st++) {
		int c = res_index_find(x, s, k, st, r->size, r->off);

		if (c >= 0)
			r->cell[r->n++] = c;
	}
	return best;
}

/* "state" or "state\n(unsupported)" */
static void state_label(FILE *f, const struct res_index *x, int cell, const char *extra)
{
	const struct res_cell *c = &x->run->cells[cell];
	char lab[RES_NAME + 64];

	snprintf(lab, sizeof(lab), "%s%s%s", c->state,
		 res_cell_ok(c)		       ? ""
		 : c->status == RS_UNSUPPORTED ? "\\n(unsupported)"
		 : c->status == RS_INVALID     ? "\\n(invalid)"
					       : "\\n(pending)",
		 extra);
	plot_str(f, lab);
}

/* per arm: rate lo hi "label" label-y, in percent */
static void fail_arm(FILE *f, const struct res_cell *c, const struct res_arm *ar)
{
	char lab[32];

	if (!res_cell_ok(c)) {
		fprintf(f, " NaN NaN NaN \"\" NaN");
		return;
	}
	if (!res_arm_measured(ar)) {
		fprintf(f, " NaN NaN NaN \"n/m\" 2");
		return;
	}
	if (ar->fail_rate == 0)
		snprintf(lab, sizeof(lab), "0");
	else
		fmt_pct(lab, sizeof(lab), ar->fail_rate);
	plot_num(f, 100 * ar->fail_rate);
	plot_num(f, 100 * ar->ci95[0]);
	plot_num(f, 100 * ar->ci95[1]);
	fprintf(f, " \"%s\"", lab);
	plot_num(f, 100 * ar->ci95[1] + 1.5);
}

static int fail_data(struct plotter *p, const struct res_index *x, const struct rows *r, char *path,
		     size_t len)
{
	FILE *f = plot_data_open(p, path, len);

	if (!f)
		return -EIO;
	fprintf(f, "# state nonresident%% then per arm: rate%% lo hi label label-y\n");
	for (int i = 0; i < r->n; i++) {
		const struct res_cell *c = &x->run->cells[r->cell[i]];

		state_label(f, x, r->cell[i], "");
		plot_num(f, res_cell_ok(c) && c->trials
				    ? 100.0 * (double)c->nonresident_before / (double)c->trials
				    : NAN);
		for (int a = 0; a < r->narms; a++)
			fail_arm(f, c, res_index_cell_arm(x, r->cell[i], r->arms[a]));
		fprintf(f, "\n");
	}
	return plot_data_close(p, f, path);
}

static int fail_one(struct plotter *p, const struct res_index *x, int s, int k)
{
	char path[PATH_MAX], name[160], s1[RES_NAME], s2[RES_NAME], title[256], sub[256], cap[400];
	const char *sys = x->sys[s], *sink = x->sinks[k];
	struct rows r;
	struct sbuf v = {0};
	int ret;

	if (rows_of(x, s, k, &r) <= 0)
		return 0;
	rows_arms(x, &r, false);
	if (!r.narms)
		return 0;
	ret = fail_data(p, x, &r, path, sizeof(path));
	if (ret)
		return ret;
	esc_filename(s1, sizeof(s1), sys);
	esc_filename(s2, sizeof(s2), sink);
	snprintf(name, sizeof(name), "fail-%s-%s", s1, s2);
	snprintf(title, sizeof(title), "%s, sink %s: failure rate per arm and page state", sys,
		 sink);
	snprintf(sub, sizeof(sub),
		 "%u-byte buffer at offset %u; whiskers: 95%% Wilson interval; n/m: not measured; "
		 "dashed: measured non-resident fraction",
		 r.size, r.off);
	snprintf(cap, sizeof(cap),
		 "%s into sink %s (%u bytes at offset %u): failure rate of each arm per page "
		 "state, with 95%% intervals and the measured non-resident fraction; n/m marks an "
		 "arm not measured in that state.",
		 sys, sink, r.size, r.off);
	plot_vars(&v, path, title, sub);
	plot_vars_arms(&v, x, r.arms, r.narms);
	sb_printf(&v, "; nrows=%d", r.n);
	ret = plot_add(p, "plot-fail.gp", &v, name, PK_FAIL, cap, s, k);
	sb_free(&v);
	return ret;
}

int plots_fail(struct plotter *p, const struct res_index *x)
{
	for (int s = 0; s < x->nsys; s++)
		for (int k = 0; k < x->nsinks; k++) {
			int ret = fail_one(p, x, s, k);

			if (ret)
				return ret;
		}
	return 0;
}

/* ---- the summary figure ---- */

static int summary_data(struct plotter *p, const struct an_summary *s, const int *arms, int narms,
			char *path, size_t len)
{
	FILE *f = plot_data_open(p, path, len);

	if (!f)
		return -EIO;
	fprintf(f, "# x y worst%% \"label\" measured safe\n");
	for (size_t r = 0; r < s->n; r++) {
		for (int i = 0; i < narms; i++) {
			const struct an_arm *m = &s->rows[r].arms[arms[i]];
			char lab[48], pct[32];

			if (m->seen)
				snprintf(lab, sizeof(lab), "%s%%%s",
					 fmt_pct(pct, sizeof(pct), m->worst),
					 m->safe ? " safe" : "");
			else
				snprintf(lab, sizeof(lab), "n/m");
			fprintf(f, "%d %zu", i, s->n - 1 - r);
			plot_num(f, m->seen ? 100 * m->worst : 0);
			fprintf(f, " \"%s\" %d %d\n", lab, m->seen > 0, m->safe);
		}
	}
	return plot_data_close(p, f, path);
}

static int summary_tics(struct plotter *p, const struct res_index *x, const struct an_summary *s,
			const int *arms, int narms, const char *data, char *path, size_t len)
{
	struct sbuf b = {0};
	int ret;

	snprintf(path, len, "%s.tics", data);
	sb_printf(&b, "set xtics (");
	for (int i = 0; i < narms; i++) {
		sb_printf(&b, "%s", i ? ", " : "");
		esc_gp(&b, x->arms[arms[i]]);
		sb_printf(&b, " %d", i);
	}
	sb_printf(&b, ")\nset ytics (");
	for (size_t r = 0; r < s->n; r++) {
		char lab[2 * RES_NAME + 8];

		snprintf(lab, sizeof(lab), "%s, %s", x->sys[s->rows[r].sys],
			 x->sinks[s->rows[r].sink]);
		sb_printf(&b, "%s", r ? ", " : "");
		esc_gp(&b, lab);
		sb_printf(&b, " %zu", s->n - 1 - r);
	}
	sb_printf(&b, ")\n");
	ret = b.err ? b.err : write_file_atomic(path, b.s, b.len);
	sb_free(&b);
	return ret ? plot_fail(p, ret, "%s: %s", path, strerror(-ret)) : 0;
}

int plots_summary(struct plotter *p, const struct res_index *x, const struct an_summary *s)
{
	char data[PATH_MAX], tics[PATH_MAX + 8];
	int arms[RES_MAX_ARMS * 2], narms = 0, ret;
	struct sbuf v = {0};

	for (int a = 0; a < x->narms && narms < (int)ARRAY_SIZE(arms); a++)
		for (size_t r = 0; r < s->n; r++)
			if (s->rows[r].arms[a].seen) {
				arms[narms++] = a;
				break;
			}
	if (!s->n || !narms)
		return 0;
	ret = summary_data(p, s, arms, narms, data, sizeof(data));
	if (!ret)
		ret = summary_tics(p, x, s, arms, narms, data, tics, sizeof(tics));
	if (ret)
		return ret;
	plot_vars(&v, data,
		  "The answer: each arm's worst failure rate over the non-control page states",
		  "per syscall and sink; safe: upper 95% bound below 1% in every state; n/m: not "
		  "measured");
	sb_printf(&v, "; nx=%d; ny=%zu; tics=", narms, s->n);
	esc_gp(&v, tics);
	ret = plot_add(p, "plot-summary.gp", &v, "summary", PK_SUMMARY,
		       "Worst failure rate of each arm over the page states that are not controls, "
		       "per syscall and sink; arms marked safe never exceeded a 1% upper bound.",
		       -1, -1);
	sb_free(&v);
	return ret;
}
