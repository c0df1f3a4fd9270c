// SPDX-License-Identifier: BSD-2-Clause
/* The kernel axis (kaxis.h): the answer of every kernel of a kernel set, side by side. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "kaxis.h"

/* a name list: append s if absent; -ENOMEM */
static int add_name(const char ***v, int *n, const char *s)
{
	const char **nv;

	for (int i = 0; i < *n; i++)
		if (!strcmp((*v)[i], s))
			return 0;
	nv = realloc(*v, (size_t)(*n + 1) * sizeof(**v));
	if (!nv)
		return -ENOMEM;
	nv[(*n)++] = s;
	*v = nv;
	return 0;
}

static int find_name(const char **v, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return i;
	return -1;
}

/* the non-control cells of sys x sink in kernel k */
static bool in_group(const struct res_index *x, int cell, const char *sys, const char *sink)
{
	const struct res_cell *c = &x->run->cells[cell];

	return !strcmp(c->syscall, sys) && !strcmp(c->sink, sink) && !x->state_control[x->ct[cell]];
}

/* every arm of the group on some kernel: measured ones in index order, then unsupported ones */
static int group_arms(struct kaxis *kx, struct kx_group *g)
{
	for (int k = 0; k < kx->nk; k++) {
		const struct res_index *x = &kx->x[k];

		for (int a = 0; a < x->narms; a++)
			for (int i = 0; i < x->run->ncells; i++)
				if (in_group(x, i, g->sys, g->sink) &&
				    res_arm_measured(res_index_cell_arm(x, i, a))) {
					if (add_name(&g->arms, &g->narms, x->arms[a]))
						return -ENOMEM;
					break;
				}
	}
	for (int k = 0; k < kx->nk; k++) {
		const struct res_run *r = kx->x[k].run;

		for (int i = 0; i < r->ncells; i++)
			for (int j = 0;
			     in_group(&kx->x[k], i, g->sys, g->sink) && j < r->cells[i].nunsup; j++)
				if (add_name(&g->arms, &g->narms, r->cells[i].unsup[j].name))
					return -ENOMEM;
	}
	return 0;
}

/* why arm did not run in kernel k's cells of the group, or NULL */
static const char *unsup_why(const struct res_index *x, const struct kx_group *g, const char *arm)
{
	const struct res_run *r = x->run;

	for (int i = 0; i < r->ncells; i++) {
		const struct res_cell *c = &r->cells[i];

		if (!in_group(x, i, g->sys, g->sink))
			continue;
		for (int j = 0; j < c->nunsup; j++)
			if (!strcmp(c->unsup[j].name, arm))
				return c->unsup[j].why;
		if (c->status == RS_UNSUPPORTED && !res_find_arm(c, arm) && c->reason[0])
			return c->reason;
	}
	return NULL;
}

static int fill_val(struct kaxis *kx, struct kx_group *g, int a, int k)
{
	const struct res_index *x = &kx->x[k];
	struct kx_val *v = &g->v[(size_t)a * (size_t)kx->nk + (size_t)k];
	int ai = res_index_arm(x, g->arms[a]);
	const char *why;

	v->kind = KX_NOTRUN;
	v->worst = v->lo = v->hi = NAN;
	for (size_t r = 0; ai >= 0 && r < kx->sum[k].n; r++) {
		const struct an_row *row = &kx->sum[k].rows[r];
		const struct an_arm *m = &row->arms[ai];

		if (strcmp(x->sys[row->sys], g->sys) || strcmp(x->sinks[row->sink], g->sink) ||
		    !m->seen)
			continue;
		*v = (struct kx_val){KX_MEASURED, m->worst, m->lo, m->hi, m->safe, -1};
		return 0;
	}
	why = unsup_why(x, g, g->arms[a]);
	if (!why)
		return 0;
	v->kind = KX_UNSUP;
	v->why = find_name(kx->whys, kx->nwhy, why);
	if (v->why < 0) {
		if (add_name(&kx->whys, &kx->nwhy, why))
			return -ENOMEM;
		v->why = kx->nwhy - 1;
	}
	return 0;
}

static int add_group(struct kaxis *kx, const char *sys, const char *sink)
{
	struct kx_group *ng, *g;

	for (int i = 0; i < kx->ngroups; i++)
		if (!strcmp(kx->groups[i].sys, sys) && !strcmp(kx->groups[i].sink, sink))
			return 0;
	ng = realloc(kx->groups, (size_t)(kx->ngroups + 1) * sizeof(*ng));
	if (!ng)
		return -ENOMEM;
	kx->groups = ng;
	g = &ng[kx->ngroups++];
	*g = (struct kx_group){.sys = sys, .sink = sink};
	if (group_arms(kx, g))
		return -ENOMEM;
	g->v = calloc((size_t)g->narms * (size_t)kx->nk + 1, sizeof(*g->v));
	if (!g->v)
		return -ENOMEM;
	for (int a = 0; a < g->narms; a++)
		for (int k = 0; k < kx->nk; k++)
			if (fill_val(kx, g, a, k))
				return -ENOMEM;
	return 0;
}

/* groups: the answer's rows of every kernel, first kernel's order first */
static int build_groups(struct kaxis *kx)
{
	for (int k = 0; k < kx->nk; k++)
		for (size_t r = 0; r < kx->sum[k].n; r++) {
			const struct an_row *row = &kx->sum[k].rows[r];

			if (add_group(kx, kx->x[k].sys[row->sys], kx->x[k].sinks[row->sink]))
				return -ENOMEM;
		}
	return 0;
}

int kx_build(const struct kset *ks, struct kaxis *kx)
{
	memset(kx, 0, sizeof(*kx));
	for (int i = 0; i < ks->n; i++) {
		if (!ks->k[i].loaded)
			continue;
		kx->k[kx->nk] = &ks->k[i];
		if (res_index_build(&ks->k[i].run, &kx->x[kx->nk]))
			goto fail;
		if (an_summary_build(&kx->x[kx->nk], &kx->sum[kx->nk])) {
			res_index_free(&kx->x[kx->nk]);
			goto fail;
		}
		kx->nk++;
	}
	if (!build_groups(kx))
		return 0;
fail:
	kx_free(kx);
	return -ENOMEM;
}

void kx_free(struct kaxis *kx)
{
	for (int k = 0; k < kx->nk; k++) {
		an_summary_free(&kx->sum[k]);
		res_index_free(&kx->x[k]);
	}
	for (int i = 0; i < kx->ngroups; i++) {
		free(kx->groups[i].arms);
		free(kx->groups[i].v);
	}
	free(kx->groups);
	free(kx->whys);
	memset(kx, 0, sizeof(*kx));
}

bool kx_group_ran(const struct kx_group *g, int nk, int k)
{
	for (int a = 0; a < g->narms; a++)
		if (kx_val(g, nk, a, k)->kind == KX_MEASURED)
			return true;
	return false;
}

int kx_safe_everywhere(const struct kaxis *kx, const struct kx_group *g, int *out)
{
	int n = 0;

	for (int a = 0; a < g->narms; a++) {
		bool all = true;

		for (int k = 0; k < kx->nk && all; k++)
			all = !kx_group_ran(g, kx->nk, k) ||
			      (kx_val(g, kx->nk, a, k)->kind == KX_MEASURED &&
			       kx_val(g, kx->nk, a, k)->safe);
		if (all)
			out[n++] = a;
	}
	return n;
}
