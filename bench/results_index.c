// SPDX-License-Identifier: BSD-2-Clause
/*
 * The results index (results.h): syscall x sink x state x arm, built once per run, in the
 * canonical order of meta.units (order of appearance for what it does not name, or for old
 * files); and cell x arm matching between two runs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"
#include "results.h"

struct axis {
	const char **v;
	int n, cap;
};

static int axis_find(const struct axis *a, const char *s)
{
	for (int i = 0; i < a->n; i++)
		if (!strcmp(a->v[i], s))
			return i;
	return -1;
}

static int axis_add(struct axis *a, const char *s)
{
	int i = axis_find(a, s);

	if (i >= 0)
		return i;
	if (a->n == a->cap) {
		int nc = a->cap ? a->cap * 2 : 16;
		const char **nv = realloc(a->v, (size_t)nc * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		a->v = nv;
		a->cap = nc;
	}
	a->v[a->n] = s;
	return a->n++;
}

/* drop the unit names no cell uses, keeping the order */
static void axis_prune(struct axis *a, int nunits, const bool *used)
{
	int w = 0;

	for (int i = 0; i < a->n; i++)
		if (i >= nunits || used[i])
			a->v[w++] = a->v[i];
	a->n = w;
}

/* one axis: the unit names first, then whatever the cells name; only names in use are kept */
static int build_axis(struct axis *a, const struct res_run *r, int nunits, size_t stride,
		      const char *units, size_t field)
{
	bool *used = calloc((size_t)nunits + 1, sizeof(*used));
	int ret = used ? 0 : -ENOMEM;

	for (int i = 0; i < nunits && !ret; i++)
		ret = axis_add(a, units + (size_t)i * stride) < 0 ? -ENOMEM : 0;
	for (int i = 0; i < r->ncells && !ret; i++) {
		const struct res_cell *c = &r->cells[i];
		int k;

		if (field == (size_t)-1) { /* arms */
			for (int j = 0; j < c->narms && !ret; j++) {
				k = axis_add(a, c->arms[j].name);
				ret = k < 0 ? -ENOMEM : 0;
				if (k >= 0 && k < nunits)
					used[k] = true;
			}
			continue;
		}
		k = axis_add(a, (const char *)c + field);
		ret = k < 0 ? -ENOMEM : 0;
		if (k >= 0 && k < nunits)
			used[k] = true;
	}
	if (!ret)
		axis_prune(a, nunits, used);
	free(used);
	return ret;
}

/* states: a control per meta.units; for old files, a state no cell found non-resident */
static void mark_controls(struct res_index *x)
{
	const struct res_run *r = x->run;

	for (int s = 0; s < x->nstates; s++) {
		const struct res_ustate *u = res_unit_state(r, x->states[s]);
		bool ctl = true, any = false;

		if (u) {
			x->state_control[s] = u->control;
			continue;
		}
		for (int i = 0; i < r->ncells; i++) {
			if (x->ct[i] != s || !r->cells[i].trials)
				continue;
			any = true;
			ctl &= r->cells[i].nonresident_before == 0;
		}
		x->state_control[s] = !r->units.present && any && ctl;
	}
}

/* styles: the unit's slot; arms it does not name take the slots after the highest */
static void set_styles(struct res_index *x)
{
	int top = -1, extra = 0;

	for (int a = 0; a < x->narms; a++) {
		const struct res_uarm *u = res_unit_arm(x->run, x->arms[a]);

		x->arm_style[a] = u ? u->style : -1;
		if (u && u->style > top)
			top = u->style;
	}
	for (int a = 0; a < x->narms; a++)
		if (x->arm_style[a] < 0)
			x->arm_style[a] = top + 1 + extra++;
}

static int collect_unsup(struct res_index *x)
{
	const struct res_run *r = x->run;

	for (int i = 0; i < r->ncells; i++) {
		const struct res_cell *c = &r->cells[i];

		for (int j = 0; j < c->nunsup; j++) {
			int k = 0;

			while (k < x->nunsup && (strcmp(x->unsup[k].arm, c->unsup[j].name) ||
						 strcmp(x->unsup[k].why, c->unsup[j].why)))
				k++;
			if (k == x->nunsup) {
				void *nv = realloc(x->unsup, (size_t)(k + 1) * sizeof(*x->unsup));

				if (!nv)
					return -ENOMEM;
				x->unsup = nv;
				x->unsup[k] =
					(struct res_unsup){c->unsup[j].name, c->unsup[j].why, 0};
				x->nunsup++;
			}
			x->unsup[k].ncells++;
		}
	}
	return 0;
}

static int fill_cells(struct res_index *x)
{
	const struct res_run *r = x->run;
	size_t nc = (size_t)r->ncells + 1;

	x->cs = calloc(nc, sizeof(int));
	x->ck = calloc(nc, sizeof(int));
	x->ct = calloc(nc, sizeof(int));
	x->ca = calloc(nc * (size_t)(x->narms + 1), sizeof(*x->ca));
	x->arm_style = calloc((size_t)x->narms + 1, sizeof(int));
	x->state_control = calloc((size_t)x->nstates + 1, sizeof(bool));
	if (!x->cs || !x->ck || !x->ct || !x->ca || !x->arm_style || !x->state_control)
		return -ENOMEM;
	for (int i = 0; i < r->ncells; i++) {
		const struct res_cell *c = &r->cells[i];
		struct axis s = {x->sys, x->nsys, x->nsys}, k = {x->sinks, x->nsinks, x->nsinks},
			    t = {x->states, x->nstates, x->nstates},
			    a = {x->arms, x->narms, x->narms};

		x->cs[i] = axis_find(&s, c->syscall);
		x->ck[i] = axis_find(&k, c->sink);
		x->ct[i] = axis_find(&t, c->state);
		for (int j = 0; j < c->narms; j++)
			x->ca[(size_t)i * (size_t)x->narms +
			      (size_t)axis_find(&a, c->arms[j].name)] = &c->arms[j];
	}
	return 0;
}

int res_index_build(const struct res_run *r, struct res_index *x)
{
	const struct res_units *u = &r->units;
	struct axis ax[4] = {0};
	int ret;

	memset(x, 0, sizeof(*x));
	x->run = r;
	ret = build_axis(&ax[0], r, u->nsys, sizeof(*u->sys), (const char *)u->sys,
			 offsetof(struct res_cell, syscall));
	if (!ret)
		ret = build_axis(&ax[1], r, u->nsinks, sizeof(*u->sinks), (const char *)u->sinks,
				 offsetof(struct res_cell, sink));
	if (!ret)
		ret = build_axis(&ax[2], r, u->nstates, sizeof(*u->states), (const char *)u->states,
				 offsetof(struct res_cell, state));
	if (!ret)
		ret = build_axis(&ax[3], r, u->narms, sizeof(*u->arms), (const char *)u->arms,
				 (size_t)-1);
	x->sys = ax[0].v, x->nsys = ax[0].n;
	x->sinks = ax[1].v, x->nsinks = ax[1].n;
	x->states = ax[2].v, x->nstates = ax[2].n;
	x->arms = ax[3].v, x->narms = ax[3].n;
	if (!ret)
		ret = fill_cells(x);
	if (!ret)
		ret = collect_unsup(x);
	if (ret) {
		res_index_free(x);
		return ret;
	}
	mark_controls(x);
	set_styles(x);
	return 0;
}

void res_index_free(struct res_index *x)
{
	free(x->sys);
	free(x->sinks);
	free(x->states);
	free(x->arms);
	free(x->arm_style);
	free(x->state_control);
	free(x->cs);
	free(x->ck);
	free(x->ct);
	free(x->ca);
	free(x->unsup);
	memset(x, 0, sizeof(*x));
}

int res_index_arm(const struct res_index *x, const char *name)
{
	for (int i = 0; i < x->narms; i++)
		if (!strcmp(x->arms[i], name))
			return i;
	return -1;
}

int res_index_state(const struct res_index *x, const char *name)
{
	for (int i = 0; i < x->nstates; i++)
		if (!strcmp(x->states[i], name))
			return i;
	return -1;
}

int res_index_combo(const struct res_index *x, int sys, int sink, uint32_t *size, uint32_t *off)
{
	const struct res_run *r = x->run;
	int best = -1;

	for (int i = 0; i < r->ncells; i++) {
		const struct res_cell *c = &r->cells[i];
		int cnt = 0;

		if (x->cs[i] != sys || x->ck[i] != sink)
			continue;
		for (int j = 0; j < r->ncells; j++)
			cnt += x->cs[j] == sys && x->ck[j] == sink && r->cells[j].size == c->size &&
			       r->cells[j].offset == c->offset && res_cell_ok(&r->cells[j]);
		if (cnt > best) {
			best = cnt;
			*size = c->size;
			*off = c->offset;
		}
	}
	return best;
}

int res_index_find(const struct res_index *x, int sys, int sink, int state, uint32_t size,
		   uint32_t off)
{
	for (int i = 0; i < x->run->ncells; i++)
		if (x->cs[i] == sys && x->ck[i] == sink && x->ct[i] == state &&
		    x->run->cells[i].size == size && x->run->cells[i].offset == off)
			return i;
	return -1;
}

/* ---- matching ---- */

static int match_push(struct res_match **v, size_t *n, size_t *cap, struct res_match m)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct res_match *nv = realloc(*v, nc * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = m;
	return 0;
}

int res_match(const struct res_run *a, const struct res_run *b, struct res_match **out, size_t *n)
{
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	for (int i = 0; i < a->ncells; i++) {
		const struct res_cell *ac = &a->cells[i], *bc = res_find_cell(b, ac);

		for (int j = 0; j < ac->narms; j++) {
			struct res_match m = {ac, bc, &ac->arms[j], NULL};

			m.ba = bc ? res_find_arm(bc, ac->arms[j].name) : NULL;
			if (match_push(out, n, &cap, m))
				goto oom;
		}
	}
	for (int i = 0; i < b->ncells; i++) {
		const struct res_cell *bc = &b->cells[i], *ac = res_find_cell(a, bc);

		for (int j = 0; j < bc->narms; j++) {
			struct res_match m = {ac, bc, NULL, &bc->arms[j]};

			if (ac && res_find_arm(ac, bc->arms[j].name))
				continue;
			if (match_push(out, n, &cap, m))
				goto oom;
		}
	}
	return 0;
oom:
	free(*out);
	*out = NULL;
	*n = 0;
	return -ENOMEM;
}
