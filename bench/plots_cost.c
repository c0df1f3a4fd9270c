// SPDX-License-Identifier: BSD-2-Clause
/*
 * The cost plots (plots.h): per syscall x sink, the median cost of each arm's read per page
 * state, laid out like the failure plot of the same syscall x sink.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "esc.h"
#include "plots.h"

#define MAX_ROWS 64

static bool has_cost(const struct res_index *x, int cell)
{
	if (!res_cell_ok(&x->run->cells[cell]))
		return false;
	for (int a = 0; a < x->narms; a++) {
		const struct res_arm *ar = res_index_cell_arm(x, cell, a);

		if (ar && isfinite(ar->cost_ns))
			return true;
	}
	return false;
}

/* the cell with cost for sys/state/sink: the one at size/off, else the one with most trials */
static int cost_cell(const struct res_index *x, int s, int k, int st, uint32_t size, uint32_t off)
{
	int best = -1;

	for (int i = 0; i < x->run->ncells; i++) {
		const struct res_cell *c = &x->run->cells[i];

		if (x->cs[i] != s || x->ck[i] != k || x->ct[i] != st || !has_cost(x, i))
			continue;
		if (c->size == size && c->offset == off)
			return i;
		if (best < 0 || c->trials > x->run->cells[best].trials)
			best = i;
	}
	return best >= 0 ? best : res_index_find(x, s, k, st, size, off);
}

struct cost_rows {
	int cell[MAX_ROWS], n, ncost, arms[RES_MAX_ARMS * 2], narms;
	uint32_t size, off;
	bool other; /* some row is at another size/offset */
	double lo, hi, ylo, ymax;
};

static void cost_arms(const struct res_index *x, struct cost_rows *r)
{
	for (int a = 0; a < x->narms; a++) {
		for (int i = 0; i < r->n; i++) {
			const struct res_arm *ar = res_index_cell_arm(x, r->cell[i], a);

			if (has_cost(x, r->cell[i]) && ar && isfinite(ar->cost_ns)) {
				r->arms[r->narms++] = a;
				break;
			}
		}
	}
}

static void cost_arm(FILE *f, struct cost_rows *r, const struct res_arm *ar)
{
	double m, l, h;

	if (!ar || !isfinite(ar->cost_ns)) {
		fprintf(f, " NaN NaN NaN");
		return;
	}
	m = ar->cost_ns;
	l = isfinite(ar->cost_ci95[0]) ? ar->cost_ci95[0] : m;
	h = isfinite(ar->cost_ci95[1]) ? ar->cost_ci95[1] : m;
	if (m > 0) {
		r->lo = fmin(r->lo, m);
		r->hi = fmax(r->hi, m);
	}
	r->ylo = fmin(r->ylo, l > 0 ? l : m > 0 ? m : INFINITY);
	r->ymax = fmax(r->ymax, fmax(h, m));
	plot_num(f, m);
	plot_num(f, l);
	plot_num(f, h);
}

static int cost_data(struct plotter *p, const struct res_index *x, struct cost_rows *r, char *path,
		     size_t len)
{
	FILE *f = plot_data_open(p, path, len);

	if (!f)
		return -EIO;
	fprintf(f, "# state then per arm: median_ns lo hi\n");
	for (int i = 0; i < r->n; i++) {
		const struct res_cell *c = &x->run->cells[r->cell[i]];
		bool hc = has_cost(x, r->cell[i]);
		char lab[RES_NAME + 64];

		if (hc && (c->size != r->size || c->offset != r->off))
			snprintf(lab, sizeof(lab), "%s\\n(%u B @ %u)", c->state, c->size,
				 c->offset);
		else
			snprintf(lab, sizeof(lab), "%s%s", c->state,
				 hc			       ? ""
				 : c->status == RS_UNSUPPORTED ? "\\n(unsupported)"
				 : !res_cell_ok(c)	       ? "\\n(invalid)"
							       : "\\n(no cost measured)");
		plot_str(f, lab);
		for (int a = 0; a < r->narms; a++)
			cost_arm(f, r, hc ? res_index_cell_arm(x, r->cell[i], r->arms[a]) : NULL);
		fprintf(f, "\n");
	}
	return plot_data_close(p, f, path);
}

static void cost_vars(struct sbuf *v, const struct res_index *x, const struct cost_rows *r,
		      const char *path, int s, int k, char *cap, size_t caplen)
{
	/* medians 30 times apart or more (a sleepable read against a failing one): log scale */
	bool logy = isfinite(r->lo) && r->hi / r->lo >= 30;
	double y0 = logy ? pow(10, floor(log10(r->ylo))) : 0.0, ymax = r->ymax > 0 ? r->ymax : 1;
	double ytop =
		logy ? pow(10, log10(ymax) + 0.2 * (log10(ymax) - log10(y0)) + 0.05) : ymax * 1.2;
	char title[256], sub[400];

	snprintf(title, sizeof(title), "%s, sink %s: cost of a read per arm and page state",
		 x->sys[s], x->sinks[k]);
	snprintf(sub, sizeof(sub),
		 "%u-byte buffer at offset %u%s; bars: median ns per read; whiskers: its 95%% "
		 "distribution-free interval%s",
		 r->size, r->off, r->other ? " (others as labelled)" : "",
		 logy ? "; log scale" : "");
	snprintf(cap, caplen,
		 "%s into sink %s (%u bytes at offset %u%s): median cost of each arm's read, in ns "
		 "per read, per page state, with 95%% distribution-free intervals of the median%s.",
		 x->sys[s], x->sinks[k], r->size, r->off,
		 r->other ? ", other sizes as labelled" : "", logy ? " (log scale)" : "");
	plot_vars(v, path, title, sub);
	plot_vars_arms(v, x, r->arms, r->narms);
	sb_printf(v, "; nrows=%d; logy=%d; ylo=%g; ytop=%g", r->n, logy, y0, ytop);
}

static int cost_one(struct plotter *p, const struct res_index *x, int s, int k)
{
	struct cost_rows r = {.lo = INFINITY, .ylo = INFINITY};
	char path[PATH_MAX], name[160], s1[RES_NAME], s2[RES_NAME], cap[400];
	struct sbuf v = {0};
	int ret;

	if (res_index_combo(x, s, k, &r.size, &r.off) < 0)
		return 0;
	for (int st = 0; st < x->nstates && r.n < MAX_ROWS; st++) {
		int c = cost_cell(x, s, k, st, r.size, r.off);

		if (c < 0)
			continue;
		r.cell[r.n++] = c;
		if (has_cost(x, c)) {
			r.ncost++;
			r.other |=
				x->run->cells[c].size != r.size || x->run->cells[c].offset != r.off;
		}
	}
	cost_arms(x, &r);
	if (!r.ncost || !r.narms)
		return 0;
	ret = cost_data(p, x, &r, path, sizeof(path));
	if (ret)
		return ret;
	esc_filename(s1, sizeof(s1), x->sys[s]);
	esc_filename(s2, sizeof(s2), x->sinks[k]);
	snprintf(name, sizeof(name), "cost-%s-%s", s1, s2);
	cost_vars(&v, x, &r, path, s, k, cap, sizeof(cap));
	ret = plot_add(p, "plot-cost.gp", &v, name, PK_COST, cap, s, k);
	sb_free(&v);
	return ret;
}

int plots_cost(struct plotter *p, const struct res_index *x)
{
	/* costs measured under emulation (meta.cost_comparable false) are not drawn */
	if (!x->run->cost_comparable)
		return 0;
	for (int s = 0; s < x->nsys; s++)
		for (int k = 0; k < x->nsinks; k++) {
			int ret = cost_one(p, x, s, k);

			if (ret)
				return ret;
		}
	return 0;
}
