// SPDX-License-Identifier: BSD-2-Clause
/*
 * The grid plots (plots.h): per sink a heatmap syscall x page state with one panel per arm, and
 * the failure rate against buffer size and against offset where a run varied them.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "esc.h"
#include "plots.h"

/* ---- heatmaps ---- */

struct heat {
	int k;
	bool ys[256], xs[256], arms[RES_MAX_ARMS * 2], several;
	int ny, nx, narm, ymap[256], xmap[256], arml[RES_MAX_ARMS * 2];
};

static void heat_scan(const struct res_index *x, struct heat *h)
{
	const struct res_run *r = x->run;

	for (int i = 0; i < r->ncells; i++) {
		if (x->ck[i] != h->k || !res_cell_ok(&r->cells[i]) || x->cs[i] >= 256 ||
		    x->ct[i] >= 256)
			continue;
		h->ys[x->cs[i]] = h->xs[x->ct[i]] = true;
		for (int a = 0; a < x->narms && a < (int)ARRAY_SIZE(h->arms); a++)
			h->arms[a] |= res_arm_measured(res_index_cell_arm(x, i, a));
		for (int j = 0; j < i; j++)
			h->several |= res_cell_ok(&r->cells[j]) && x->ck[j] == h->k &&
				      x->cs[j] == x->cs[i] && x->ct[j] == x->ct[i];
	}
	for (int s = 0; s < x->nsys && s < 256; s++)
		if (h->ys[s])
			h->ymap[h->ny++] = s;
	for (int t = 0; t < x->nstates && t < 256; t++)
		if (h->xs[t])
			h->xmap[h->nx++] = t;
	for (int a = 0; a < x->narms && a < (int)ARRAY_SIZE(h->arms); a++)
		if (h->arms[a])
			h->arml[h->narm++] = a;
}

/* the highest rate of arm a over the ok cells of sys s x state t x the sink; NAN if none */
static double heat_value(const struct res_index *x, const struct heat *h, int s, int t, int a)
{
	double v = NAN;

	for (int i = 0; i < x->run->ncells; i++) {
		const struct res_arm *ar = res_index_cell_arm(x, i, a);

		if (x->ck[i] == h->k && x->cs[i] == s && x->ct[i] == t &&
		    res_cell_ok(&x->run->cells[i]) && res_arm_measured(ar) &&
		    !(v >= 100 * ar->fail_rate))
			v = 100 * ar->fail_rate;
	}
	return v;
}

static int heat_data(struct plotter *p, const struct res_index *x, const struct heat *h, char *path,
		     size_t len)
{
	FILE *f = plot_data_open(p, path, len);

	if (!f)
		return -EIO;
	for (int a = 0; a < h->narm; a++) {
		fprintf(f, "# arm %s: x y fail%% label measured\n", x->arms[h->arml[a]]);
		for (int y = 0; y < h->ny; y++) {
			for (int xi = 0; xi < h->nx; xi++) {
				double v = heat_value(x, h, h->ymap[y], h->xmap[xi], h->arml[a]);
				char lab[32] = "n/m";

				if (isfinite(v)) {
					fmt_pct(lab, sizeof(lab) - 1, v / 100);
					if (v >= 10 && strchr(lab, '.'))
						*strchr(lab, '.') = 0;
					strcat(lab, "%");
				}
				fprintf(f, "%d %d", xi, y);
				plot_num(f, isfinite(v) ? v : 0);
				fprintf(f, " \"%s\" %d\n", lab, isfinite(v));
			}
			fprintf(f, "\n");
		}
		fprintf(f, "\n\n");
	}
	return plot_data_close(p, f, path);
}

static int heat_tics(struct plotter *p, const struct res_index *x, const struct heat *h,
		     const char *data, char *path, size_t len)
{
	struct sbuf b = {0};
	int ret;

	snprintf(path, len, "%s.tics", data);
	sb_printf(&b, "set xtics (");
	for (int i = 0; i < h->nx; i++) {
		sb_printf(&b, "%s", i ? ", " : "");
		esc_gp(&b, x->states[h->xmap[i]]);
		sb_printf(&b, " %d", i);
	}
	sb_printf(&b, ")\nset ytics (");
	for (int i = 0; i < h->ny; i++) {
		sb_printf(&b, "%s", i ? ", " : "");
		esc_gp(&b, x->sys[h->ymap[i]]);
		sb_printf(&b, " %d", i);
	}
	sb_printf(&b, ")\n");
	ret = b.err ? b.err : write_file_atomic(path, b.s, b.len);
	sb_free(&b);
	return ret ? plot_fail(p, ret, "%s: %s", path, strerror(-ret)) : 0;
}

static int heat_one(struct plotter *p, const struct res_index *x, int k)
{
	char path[PATH_MAX], tics[PATH_MAX + 8], name[160], s2[RES_NAME], title[256], sub[256],
		cap[400];
	struct heat *h = calloc(1, sizeof(*h));
	struct sbuf v = {0};
	int ret;

	if (!h)
		return plot_fail(p, -ENOMEM, "out of memory");
	h->k = k;
	heat_scan(x, h);
	ret = h->narm ? heat_data(p, x, h, path, sizeof(path)) : 0;
	if (!ret && h->narm)
		ret = heat_tics(p, x, h, path, tics, sizeof(tics));
	if (ret || !h->narm) {
		free(h);
		return ret;
	}
	esc_filename(s2, sizeof(s2), x->sinks[k]);
	snprintf(name, sizeof(name), "heat-%s", s2);
	snprintf(title, sizeof(title), "Failure rate (%%) by syscall and page state, sink %s",
		 x->sinks[k]);
	snprintf(sub, sizeof(sub),
		 "one panel per arm%s; darker = fails more often; n/m: not measured",
		 h->several ? "; max over buffer sizes and offsets" : "");
	snprintf(cap, sizeof(cap),
		 "Sink %s: failure rate of every syscall in every page state, one panel per arm%s.",
		 x->sinks[k],
		 h->several ? " (the highest over the buffer sizes and offsets measured)" : "");
	plot_vars(&v, path, title, sub);
	plot_vars_arms(&v, x, h->arml, h->narm);
	sb_printf(&v, "; nx=%d; ny=%d; tics=", h->nx, h->ny);
	esc_gp(&v, tics);
	ret = plot_add(p, "plot-heatmap.gp", &v, name, PK_HEAT, cap, -1, k);
	sb_free(&v);
	free(h);
	return ret;
}

int plots_heat(struct plotter *p, const struct res_index *x)
{
	for (int k = 0; k < x->nsinks; k++) {
		int ret = heat_one(p, x, k);

		if (ret)
			return ret;
	}
	return 0;
}

/* ---- graded factors: size and offset ---- */

static uint32_t factor_val(const struct res_cell *c, int fac)
{
	return fac == 0 ? c->size : c->offset;
}

struct factor {
	int fac, n, grp[256], arms[RES_MAX_ARMS * 2], narms;
};

/* the cells like cell i apart from the factor, sorted by it; marks them done */
static void factor_group(const struct res_index *x, int i, struct factor *g, bool *done)
{
	const struct res_cell *c = &x->run->cells[i];
	bool seen[RES_MAX_ARMS * 2] = {0};

	g->n = g->narms = 0;
	for (int j = i; j < x->run->ncells && g->n < 256; j++) {
		const struct res_cell *d = &x->run->cells[j];

		if (done[j] || !res_cell_ok(d) || x->cs[j] != x->cs[i] || x->ct[j] != x->ct[i] ||
		    x->ck[j] != x->ck[i] || factor_val(d, !g->fac) != factor_val(c, !g->fac))
			continue;
		done[j] = true;
		int k = g->n++;

		for (; k > 0 &&
		       factor_val(&x->run->cells[g->grp[k - 1]], g->fac) > factor_val(d, g->fac);
		     k--)
			g->grp[k] = g->grp[k - 1];
		g->grp[k] = j;
		for (int a = 0; a < x->narms && a < (int)ARRAY_SIZE(seen); a++)
			seen[a] |= res_arm_measured(res_index_cell_arm(x, j, a));
	}
	for (int a = 0; a < x->narms && a < (int)ARRAY_SIZE(seen); a++)
		if (seen[a])
			g->arms[g->narms++] = a;
}

static int factor_data(struct plotter *p, const struct res_index *x, const struct factor *g,
		       char *path, size_t len)
{
	static const char *const fname[] = {"size", "offset"};
	FILE *f = plot_data_open(p, path, len);

	if (!f)
		return -EIO;
	for (int a = 0; a < g->narms; a++) {
		fprintf(f, "# arm %s: %s fail%% lo hi\n", x->arms[g->arms[a]], fname[g->fac]);
		for (int k = 0; k < g->n; k++) {
			const struct res_arm *ar = res_index_cell_arm(x, g->grp[k], g->arms[a]);

			if (!res_arm_measured(ar))
				continue;
			fprintf(f, "%u", factor_val(&x->run->cells[g->grp[k]], g->fac));
			plot_num(f, 100 * ar->fail_rate);
			plot_num(f, 100 * ar->ci95[0]);
			plot_num(f, 100 * ar->ci95[1]);
			fprintf(f, "\n");
		}
		fprintf(f, "\n\n");
	}
	fprintf(f, "# ground truth: %s nonresident%%\n", fname[g->fac]);
	for (int k = 0; k < g->n; k++) {
		const struct res_cell *c = &x->run->cells[g->grp[k]];

		fprintf(f, "%u", factor_val(c, g->fac));
		plot_num(f, c->trials ? 100.0 * (double)c->nonresident_before / (double)c->trials
				      : NAN);
		fprintf(f, "\n");
	}
	return plot_data_close(p, f, path);
}

static int factor_one(struct plotter *p, const struct res_index *x, const struct factor *g)
{
	const struct res_cell *c = &x->run->cells[g->grp[0]];
	uint32_t lo = factor_val(c, g->fac),
		 hi = factor_val(&x->run->cells[g->grp[g->n - 1]], g->fac);
	bool logx = !g->fac && lo > 0 && hi / lo >= 16;
	char path[PATH_MAX], name[200], s1[RES_NAME], s2[RES_NAME], s3[RES_NAME], title[256],
		sub[256], cap[400], xl[64];
	struct sbuf v = {0};
	int ret = factor_data(p, x, g, path, sizeof(path));

	if (ret)
		return ret;
	esc_filename(s1, sizeof(s1), c->syscall);
	esc_filename(s2, sizeof(s2), c->state);
	esc_filename(s3, sizeof(s3), c->sink);
	snprintf(name, sizeof(name), "%s-%s-%s-%s-%s%u", g->fac ? "offset" : "size", s1, s2, s3,
		 g->fac ? "s" : "o", factor_val(c, !g->fac));
	snprintf(title, sizeof(title), "%s, %s, sink %s: failure rate against %s", c->syscall,
		 c->state, c->sink, g->fac ? "offset in the page" : "buffer size");
	snprintf(sub, sizeof(sub), "%s %u bytes; bands: 95%% Wilson interval",
		 g->fac ? "buffer size" : "offset", factor_val(c, !g->fac));
	snprintf(xl, sizeof(xl), "%s (bytes%s)", g->fac ? "offset" : "buffer size",
		 logx ? ", log scale" : "");
	snprintf(cap, sizeof(cap),
		 "%s in state %s into sink %s: failure rate of each arm against the %s (%u to %u "
		 "bytes), with 95%% interval bands and the measured non-resident fraction.",
		 c->syscall, c->state, c->sink, g->fac ? "offset" : "buffer size", lo, hi);
	plot_vars(&v, path, title, sub);
	plot_vars_arms(&v, x, g->arms, g->narms);
	sb_printf(&v, "; xlab=");
	esc_gp(&v, xl);
	sb_printf(&v, "; logx=%d", logx);
	ret = plot_add(p, "plot-factor.gp", &v, name, PK_FACTOR, cap, -1, -1);
	sb_free(&v);
	return ret;
}

int plots_factor(struct plotter *p, const struct res_index *x)
{
	bool *done = calloc((size_t)x->run->ncells + 1, sizeof(bool));
	struct factor g;
	int ret = done ? 0 : plot_fail(p, -ENOMEM, "out of memory");

	for (int fac = 0; fac < 2 && !ret; fac++) {
		memset(done, 0, (size_t)x->run->ncells * sizeof(bool));
		g.fac = fac;
		for (int i = 0; i < x->run->ncells && !ret; i++) {
			if (done[i] || !res_cell_ok(&x->run->cells[i]))
				continue;
			factor_group(x, i, &g, done);
			if (g.n >= 2 && g.narms)
				ret = factor_one(p, x, &g);
		}
	}
	free(done);
	return ret;
}
