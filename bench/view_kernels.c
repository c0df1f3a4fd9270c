// SPDX-License-Identifier: BSD-2-Clause
/*
 * The kernel axis in every form (report_text.h, html.h): the answer across kernels first (per
 * syscall x sink, the arms safe on every kernel and those whose verdict depends on the kernel),
 * the kernels, then per syscall x sink the arm by kernel table and its heatmap, and the reasons
 * arms did not run. One writer; the form decides the markup.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "esc.h"
#include "html.h"
#include "report_text.h"

struct vcell {
	char s[160];
	const char *cls; /* HTML class, or NULL */
};

/* a table: row 0 the head; text: columns padded to their widest entry */
static void table(struct sbuf *b, enum view_form f, const struct vcell *c, int nrows, int ncols)
{
	int w[16] = {0};

	if (f == VIEW_HTML)
		sb_printf(b, "<div class=\"scroll\"><table class=\"answer\">\n");
	for (int i = 0; i < nrows * ncols; i++)
		if ((int)strlen(c[i].s) > w[i % ncols])
			w[i % ncols] = (int)strlen(c[i].s);
	for (int r = 0; r < nrows; r++) {
		for (int k = 0; k < ncols; k++) {
			const struct vcell *v = &c[r * ncols + k];

			if (f == VIEW_HTML) {
				sb_printf(b, "<%s", r ? "td" : "th");
				if (v->cls)
					sb_printf(b, " class=\"%s\"", v->cls);
				sb_printf(b, ">");
				esc_html(b, v->s);
				sb_printf(b, "</%s>", r ? "td" : "th");
			} else if (f == VIEW_MD) {
				sb_printf(b, "%s ", k ? "" : "|");
				esc_md(b, v->s);
				sb_printf(b, " |");
			} else {
				sb_printf(b, "%s%-*s", k ? "  " : "  ", k == ncols - 1 ? 0 : w[k],
					  v->s);
			}
		}
		if (f == VIEW_HTML)
			sb_printf(b, "</tr>\n");
		else
			sb_printf(b, "\n");
		if (f == VIEW_MD && r == 0) {
			sb_printf(b, "|");
			for (int k = 0; k < ncols; k++)
				sb_printf(b, "%s|", k ? "---:" : "---");
			sb_printf(b, "\n");
		}
	}
	sb_printf(b, f == VIEW_HTML ? "</table></div>\n" : "\n");
}

static const char *rate_cls(const struct kx_val *v)
{
	if (v->kind == KX_UNSUP)
		return "us";
	if (v->kind == KX_NOTRUN)
		return "nm";
	if (v->hi < 0.01 || v->worst < 0.01)
		return v->safe ? "r0 ok" : "r0";
	return v->worst < 0.5 ? "r1" : v->worst < 0.95 ? "r2" : "r3";
}

static void val_str(char *s, size_t len, const struct kx_val *v)
{
	if (v->kind == KX_UNSUP)
		snprintf(s, len, "unsupported [%d]", v->why + 1);
	else if (v->kind == KX_NOTRUN)
		snprintf(s, len, "not run");
	else
		text_rate(s, len, v->worst, v->lo, v->hi, v->safe);
}

/* the label of kernel k in a table head: K1..Kn in text (its legend says which), else the
 * release */
static void kernel_head(char *s, size_t len, enum view_form f, const struct kaxis *kx, int k)
{
	if (f == VIEW_TEXT)
		snprintf(s, len, "K%d", k + 1);
	else
		snprintf(s, len, "%s", kx->k[k]->release);
}

static void group_table(struct sbuf *b, enum view_form f, const struct kaxis *kx,
			const struct kx_group *g)
{
	int ncols = kx->nk + 1, nrows = g->narms + 1;
	struct vcell *c = calloc((size_t)ncols * (size_t)nrows, sizeof(*c));

	if (!c) {
		b->err = -12;
		return;
	}
	snprintf(c[0].s, sizeof(c[0].s), "arm");
	for (int k = 0; k < kx->nk; k++)
		kernel_head(c[k + 1].s, sizeof(c[k + 1].s), f, kx, k);
	for (int a = 0; a < g->narms; a++) {
		struct vcell *row = &c[(a + 1) * ncols];

		snprintf(row[0].s, sizeof(row[0].s), "%s", g->arms[a]);
		for (int k = 0; k < kx->nk; k++) {
			const struct kx_val *v = kx_val(g, kx->nk, a, k);

			val_str(row[k + 1].s, sizeof(row[k + 1].s), v);
			row[k + 1].cls = rate_cls(v);
		}
	}
	table(b, f, c, nrows, ncols);
	free(c);
}

/* "exit: safe on 6.18, fails 100.0% [..] on 6.1, unsupported [2] on 6.12" (kernels that ran
 * the group) */
static void depends(struct sbuf *b, enum view_form f, const struct kaxis *kx,
		    const struct kx_group *g, int a)
{
	char r[96];
	int n = 0;

	view_strong(b, f, NULL, g->arms[a]);
	sb_printf(b, ":");
	for (int k = 0; k < kx->nk; k++) {
		const struct kx_val *v = kx_val(g, kx->nk, a, k);

		if (!kx_group_ran(g, kx->nk, k))
			continue;
		sb_printf(b, "%s ", n++ ? "," : "");
		if (v->kind == KX_MEASURED && v->safe) {
			sb_printf(b, "safe on ");
		} else if (v->kind == KX_MEASURED && v->worst > 0) {
			text_rate(r, sizeof(r), v->worst, v->lo, v->hi, false);
			sb_printf(b, "fails %s on ", r);
		} else if (v->kind == KX_MEASURED) {
			sb_printf(b, "no failure, too few trials to bound it below 1%% on ");
		} else if (v->kind == KX_UNSUP) {
			sb_printf(b, "unsupported [%d] on ", v->why + 1);
		} else {
			sb_printf(b, "not run on ");
		}
		view_esc(b, f, kx->k[k]->release);
	}
}

/* "measured on 1 of 3 kernels (6.18...): " when some kernels' runs lack the group */
static void ran_on(struct sbuf *b, enum view_form f, const struct kaxis *kx,
		   const struct kx_group *g)
{
	int n = 0;

	for (int k = 0; k < kx->nk; k++)
		n += kx_group_ran(g, kx->nk, k);
	if (n == kx->nk)
		return;
	sb_printf(b, " measured on %d of %d kernels (", n, kx->nk);
	for (int k = 0, j = 0; k < kx->nk; k++)
		if (kx_group_ran(g, kx->nk, k)) {
			sb_printf(b, "%s", j++ ? ", " : "");
			view_esc(b, f, kx->k[k]->release);
		}
	sb_printf(b, ");");
}

/* the answer across kernels, one item per syscall x sink */
static void answer(struct sbuf *b, enum view_form f, const struct kaxis *kx)
{
	struct sbuf it = {0};
	int *safe = calloc(RES_MAX_ARMS * 4 + 1, sizeof(*safe));

	view_heading(b, f, 2, "answer", "The answer across kernels");
	sb_printf(&it,
		  "Per syscall and sink: the arms safe on every kernel (upper 95%% bound below "
		  "1%% in every non-resident page state, on each kernel), then every arm whose "
		  "verdict depends on the kernel. A kernel difference, not a regression.");
	view_para(b, f, &it);
	if (f == VIEW_HTML)
		sb_printf(b, "<ul class=\"notes\">\n");
	for (int i = 0; safe && i < kx->ngroups; i++) {
		const struct kx_group *g = &kx->groups[i];
		int n = g->narms <= RES_MAX_ARMS * 4 ? kx_safe_everywhere(kx, g, safe) : 0;
		char h[2 * RES_NAME + 16];
		bool partial = false;

		sb_free(&it);
		snprintf(h, sizeof(h), "%s, sink %s", g->sys, g->sink);
		view_strong(&it, f, NULL, h);
		sb_printf(&it, ":");
		ran_on(&it, f, kx, g);
		for (int k = 0; k < kx->nk; k++)
			partial |= !kx_group_ran(g, kx->nk, k);
		sb_printf(&it, " %s",
			  n ? (partial ? "safe on each of them: " : "safe on every kernel: ")
			    : "no arm is safe on every kernel");
		for (int j = 0; j < n; j++) {
			sb_printf(&it, "%s", j ? ", " : "");
			view_esc(&it, f, g->arms[safe[j]]);
		}
		sb_printf(&it, ".");
		for (int a = 0; a < g->narms; a++) {
			bool any_safe = false, all_safe = true;

			for (int k = 0; k < kx->nk; k++) {
				const struct kx_val *v = kx_val(g, kx->nk, a, k);
				bool s = v->kind == KX_MEASURED && v->safe;

				if (!kx_group_ran(g, kx->nk, k))
					continue;
				any_safe |= s;
				all_safe &= s;
			}
			if (!any_safe || all_safe)
				continue;
			sb_printf(&it, " ");
			depends(&it, f, kx, g, a);
			sb_printf(&it, ".");
		}
		view_item(b, f, 0, false, &it);
	}
	if (f == VIEW_HTML)
		sb_printf(b, "</ul>\n");
	else
		sb_printf(b, "\n");
	if (!safe || it.err)
		b->err = -12;
	free(safe);
	sb_free(&it);
}

static void kernels(struct sbuf *b, enum view_form f, const struct kset *ks)
{
	struct vcell *c = calloc((size_t)(ks->n + 1) * 6, sizeof(*c));
	static const char *const head[] = {"", "kernel", "release", "ran", "costs", "report"};

	view_heading(b, f, 2, "kernels", "The kernels");
	if (!c) {
		b->err = -12;
		return;
	}
	for (int k = 0; k < 6; k++)
		snprintf(c[k].s, sizeof(c[k].s), "%s", head[k]);
	for (int i = 0, j = 0; i < ks->n; i++) {
		const struct kset_kernel *e = &ks->k[i];
		struct vcell *r = &c[(i + 1) * 6];

		j += e->loaded;
		snprintf(r[0].s, sizeof(r[0].s), e->loaded ? "K%d" : "-", j);
		snprintf(r[1].s, sizeof(r[1].s), "%s", e->spec);
		snprintf(r[2].s, sizeof(r[2].s), "%s", e->release);
		if (e->loaded)
			snprintf(r[3].s, sizeof(r[3].s), "%s, %d cells%s",
				 e->run.accel[0] ? e->run.accel : "native", e->run.ncells,
				 e->run.complete ? "" : ", INCOMPLETE");
		else
			snprintf(r[3].s, sizeof(r[3].s), "no results: %.80s", e->why);
		snprintf(r[4].s, sizeof(r[4].s), "%s",
			 !e->loaded		  ? "-"
			 : e->run.cost_comparable ? "comparable"
						  : res_cost_na(&e->run));
		snprintf(r[5].s, sizeof(r[5].s), "%s",
			 e->loaded ? e->dir + strlen(ks->dir) + 1 : "-");
		if (e->loaded)
			strncat(r[5].s, "/report.html", sizeof(r[5].s) - strlen(r[5].s) - 1);
		r[3].cls = e->loaded && e->run.complete ? NULL : "warn";
	}
	/* text: the reports' paths are the kernels' directories, said once below the table */
	if (f == VIEW_TEXT)
		for (int i = 0; i <= ks->n; i++)
			memmove(&c[i * 5], &c[i * 6], 5 * sizeof(*c));
	table(b, f, c, ks->n + 1, f == VIEW_TEXT ? 5 : 6);
	if (f == VIEW_TEXT)
		sb_printf(
			b,
			"Each kernel's own report: DIR/<release>/report.txt (and .md, .html).\n\n");
	free(c);
}

static void reasons(struct sbuf *b, enum view_form f, const struct kaxis *kx)
{
	struct sbuf it = {0};

	if (!kx->nwhy)
		return;
	view_heading(b, f, 3, "why", "Why an arm did not run");
	if (f == VIEW_HTML)
		sb_printf(b, "<ul class=\"notes\">\n");
	for (int i = 0; i < kx->nwhy; i++) {
		sb_free(&it);
		sb_printf(&it, "[%d] ", i + 1);
		view_esc(&it, f, kx->whys[i]);
		view_item(b, f, 0, false, &it);
	}
	sb_printf(b, f == VIEW_HTML ? "</ul>\n" : "\n");
	if (it.err)
		b->err = it.err;
	sb_free(&it);
}

static const struct plot *group_plot(const struct plotter *p, int g)
{
	for (int i = 0; p && i < p->nlist; i++)
		if (p->list[i].kind == PK_KERNELS && p->list[i].sys == g)
			return &p->list[i];
	return NULL;
}

void view_kernels(struct sbuf *b, enum view_form f, const struct kaxis *kx, const struct kset *ks,
		  const struct plotter *p)
{
	struct sbuf it = {0};

	answer(b, f, kx);
	kernels(b, f, ks);
	view_heading(b, f, 2, "axis", "Each arm on each kernel");
	sb_printf(&it,
		  "Per syscall and sink: each arm's worst failure rate over the non-resident "
		  "page states, with its 95%% interval, on each kernel%s; \"unsupported [n]\": "
		  "the kernel cannot run the arm (reason [n] below), which is not a 0%% rate; "
		  "\"not run\": that kernel's run did not ask for it.",
		  f == VIEW_TEXT ? " (K1.. as in the table above)" : "");
	view_para(b, f, &it);
	sb_free(&it);
	for (int g = 0; g < kx->ngroups; g++) {
		char h[2 * RES_NAME + 16];

		snprintf(h, sizeof(h), "%s, sink %s", kx->groups[g].sys, kx->groups[g].sink);
		view_heading(b, f, 3, NULL, h);
		if (f == VIEW_HTML)
			html_figure(b, p, group_plot(p, g));
		group_table(b, f, kx, &kx->groups[g]);
	}
	reasons(b, f, kx);
}

void kernels_page(struct sbuf *b, enum view_form f, const struct kaxis *kx, const struct kset *ks,
		  const struct plotter *p)
{
	struct sbuf t = {0};
	int bad = 0;

	sb_printf(&t, "bpfault report: %d kernels", ks->n);
	for (int i = 0; i < ks->n; i++)
		bad += !ks->k[i].loaded || !ks->k[i].run.complete;
	if (f == VIEW_HTML) {
		html_head(b, t.s ? t.s : "");
		sb_printf(b, "<h1>");
		esc_html(b, t.s ? t.s : "");
		sb_printf(b, "</h1>\n<div class=\"banner %s\">", bad ? "incomplete" : "complete");
	} else if (f == VIEW_MD) {
		sb_printf(b, "# %s\n\n", t.s ? t.s : "");
	} else {
		view_heading(b, f, 2, NULL, t.s ? t.s : "");
	}
	sb_free(&t);
	if (bad)
		sb_printf(&t, "%d of %d kernels have no complete run: see the kernels below.", bad,
			  ks->n);
	else
		sb_printf(&t, "Every kernel's run is complete.");
	sb_printf(&t, " Each kernel's own report is in its directory.");
	if (f == VIEW_HTML)
		sb_printf(b, "%s</div>\n", t.s ? t.s : "");
	else
		view_para(b, f, &t);
	sb_free(&t);
	view_kernels(b, f, kx, ks, p);
	if (f == VIEW_HTML)
		sb_printf(b, "<p style=\"margin-top:30px;font-size:12px;color:#444\">Made by "
			     "<code>bpfault report</code> from <code>index.json</code> and each "
			     "kernel's <code>results.json</code>.</p>\n</body>\n</html>\n");
}
