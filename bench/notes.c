// SPDX-License-Identifier: BSD-2-Clause
/*
 * "What this means" as structured notes (analysis.h): the controls, harness errors, cells whose
 * state took only partly, and per syscall x sink a verdict for every arm and what its pair tells.
 * The unit facts come from meta.units; without them (old files) the notes stay generic.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "analysis.h"
#include "stats.h"

static int push(struct an_notes *n, struct an_note v)
{
	if (n->n == n->cap) {
		size_t nc = n->cap ? n->cap * 2 : 32;
		struct an_note *nv = realloc(n->v, nc * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		n->v = nv;
		n->cap = nc;
	}
	n->v[n->n++] = v;
	return 0;
}

static struct an_note note(enum an_note_kind kind)
{
	return (struct an_note){.kind = kind,
				.sys = -1,
				.sink = -1,
				.cell = -1,
				.cell2 = -1,
				.arm = -1,
				.arm2 = -1};
}

uint64_t an_trials_for_one_percent(void)
{
	return (uint64_t)floor(99 * STATS_Z95 * STATS_Z95) + 1;
}

bool an_nonresident(const struct res_index *x, int i)
{
	const struct res_cell *c = &x->run->cells[i];
	const struct res_ustate *u = res_unit_state(x->run, c->state);

	/* with unit facts, only a state that promises an absent page: graded ones mix */
	if (u && !u->absent)
		return false;
	return res_cell_ok(c) && !x->state_control[x->ct[i]] && c->trials > 0 &&
	       (double)c->nonresident_before >= AN_ABSENT_MIN * (double)c->trials;
}

/* an arm of a control cell that failed: a real control failure, or exempt by the control rule */
static int control_arm(const struct res_index *x, int i, int a, struct an_notes *out)
{
	const struct res_run *r = x->run;
	const struct res_arm *ar = res_index_cell_arm(x, i, a);
	struct an_note n;
	bool binds = res_control_binds(r, &r->cells[i], ar->name);

	/* a run without unit facts judged its own controls: an ok cell passed its rule */
	n = note(binds && r->units.present ? AN_CONTROL_FAILED : AN_CONTROL_EXEMPT);
	n.cause = !binds ? AN_CAUSE_IMAGE_REPLACED : AN_CAUSE_UNKNOWN;
	n.cell = i;
	n.arm = a;
	n.k[0] = ar->fails;
	n.k[1] = ar->n;
	return push(out, n);
}

static int cell_notes(const struct res_index *x, int i, struct an_notes *out)
{
	const struct res_cell *c = &x->run->cells[i];
	bool ctl = x->state_control[x->ct[i]];
	struct an_note n;
	int ret = 0;

	if (ctl && c->status == RS_INVALID) {
		n = note(AN_CONTROL_INVALID);
		n.cell = i;
		return push(out, n);
	}
	if (!res_cell_ok(c))
		return 0;
	for (int a = 0; a < x->narms && !ret; a++) {
		const struct res_arm *ar = res_index_cell_arm(x, i, a);

		if (!ar)
			continue;
		if (ctl && ar->fails)
			ret = control_arm(x, i, a, out);
		if (!ret && ar->missed) {
			n = note(AN_MISSED);
			n.cell = i;
			n.arm = a;
			n.k[0] = ar->missed;
			ret = push(out, n);
		}
	}
	if (!ret && !ctl && c->trials &&
	    (double)c->nonresident_before < AN_ABSENT_MIN * (double)c->trials) {
		n = note(AN_PARTIAL);
		n.cell = i;
		n.v[0] = (double)c->nonresident_before / (double)c->trials;
		ret = push(out, n);
	}
	return ret;
}

/* one arm over the non-resident cells of a group */
struct span {
	int seen;
	double rmin, rmax, umax, cost_lo, cost_hi;
	int cmin, cmax;
	uint64_t n, nmin;
};

struct group {
	const struct res_index *x;
	int sys, sink, ncells;
	struct span *s; /* [narms] */
};

static void span_add(struct span *m, const struct res_arm *ar, int cell)
{
	m->seen++;
	if (ar->fail_rate < m->rmin) {
		m->rmin = ar->fail_rate;
		m->cmin = cell;
	}
	if (ar->fail_rate > m->rmax) {
		m->rmax = ar->fail_rate;
		m->cmax = cell;
	}
	m->umax = fmax(m->umax, ar->ci95[1]);
	m->n += ar->n;
	if (ar->n < m->nmin)
		m->nmin = ar->n;
	if (isfinite(ar->cost_ns)) {
		m->cost_lo = fmin(m->cost_lo, ar->cost_ns);
		m->cost_hi = fmax(m->cost_hi, ar->cost_ns);
	}
}

static int group_scan(struct group *g)
{
	const struct res_index *x = g->x;

	g->s = calloc((size_t)x->narms + 1, sizeof(*g->s));
	if (!g->s)
		return -ENOMEM;
	for (int a = 0; a < x->narms; a++) {
		g->s[a] = (struct span){.rmin = INFINITY,
					.rmax = -INFINITY,
					.umax = -INFINITY,
					.cost_lo = INFINITY,
					.cost_hi = -INFINITY,
					.cmin = -1,
					.cmax = -1,
					.nmin = UINT64_MAX};
	}
	for (int i = 0; i < x->run->ncells; i++) {
		if (x->cs[i] != g->sys || x->ck[i] != g->sink || !an_nonresident(x, i))
			continue;
		g->ncells++;
		for (int a = 0; a < x->narms; a++) {
			const struct res_arm *ar = res_index_cell_arm(x, i, a);

			if (res_arm_measured(ar))
				span_add(&g->s[a], ar, i);
		}
	}
	return 0;
}

static int arm_verdict(const struct group *g, int a, struct an_notes *out)
{
	const struct span *m = &g->s[a];
	struct an_note n;

	if (m->umax < AN_SAFE_UPPER) {
		n = note(AN_SAFE);
		n.v[0] = m->umax;
	} else if (m->rmax == 0) {
		n = note(AN_UNBOUNDED);
		n.k[0] = m->n;
		n.k[1] = m->nmin;
		n.k[2] = an_trials_for_one_percent();
		n.v[0] = m->umax;
	} else if (m->rmin >= 0.95) {
		n = note(AN_UNUSABLE);
		n.v[0] = m->rmin;
		n.v[1] = m->rmax;
	} else {
		n = note(AN_UNRELIABLE);
		n.v[0] = m->rmin;
		n.v[1] = m->rmax;
		n.cell = m->cmin;
		n.cell2 = m->cmax;
	}
	n.sys = g->sys;
	n.sink = g->sink;
	n.arm = a;
	n.seen = m->seen;
	n.ncells = g->ncells;
	return push(out, n);
}

/* why arm late fails in the cells where early does: the unit facts say, when the run has them */
static enum an_cause late_cause(const struct group *g, int late)
{
	const struct res_run *r = g->x->run;
	const struct res_usys *s = res_unit_sys(r, g->x->sys[g->sys]);
	const struct res_usink *k = res_unit_sink(r, g->x->sinks[g->sink]);
	const struct res_uarm *a = res_unit_arm(r, g->x->arms[late]);

	if (s && a && s->replaces_image && a->at_exit)
		return AN_CAUSE_IMAGE_REPLACED;
	if (k && !k->touches_buffer)
		return AN_CAUSE_UNTOUCHED;
	return AN_CAUSE_UNKNOWN;
}

/* early and late over the cells where both have a rate */
static int pair_note(const struct group *g, int e, int l, struct an_notes *out)
{
	const struct res_index *x = g->x;
	double e_sum = 0, l_sum = 0;
	bool same = true;
	int nboth = 0;
	struct an_note n;

	for (int i = 0; i < x->run->ncells; i++) {
		const struct res_arm *ea = res_index_cell_arm(x, i, e), *la;

		la = res_index_cell_arm(x, i, l);
		if (x->cs[i] != g->sys || x->ck[i] != g->sink || !an_nonresident(x, i) ||
		    !res_arm_measured(ea) || !res_arm_measured(la))
			continue;
		nboth++;
		e_sum += ea->fail_rate;
		l_sum += la->fail_rate;
		same &= ea->fail_rate >= 0.5 && la->fail_rate >= 0.9 * ea->fail_rate;
	}
	if (!nboth)
		return 0;
	if (same) {
		n = note(AN_SAME_LATE);
		n.cause = late_cause(g, l);
		n.v[0] = l_sum / nboth;
		n.v[1] = e_sum / nboth;
	} else if (g->s[e].rmin >= 0.5 && (g->s[l].umax < AN_SAFE_UPPER || g->s[l].rmax == 0)) {
		n = note(AN_LATE_WORKS);
		n.v[0] = g->s[e].rmin;
		n.v[1] = g->s[e].rmax;
		n.v[2] = g->s[l].rmax;
	} else {
		return 0;
	}
	n.sys = g->sys;
	n.sink = g->sink;
	n.arm = e;
	n.arm2 = l;
	return push(out, n);
}

/* a perturbing arm that never failed where the arm it pairs with did */
static int faults_in_note(const struct group *g, int p, int e, struct an_notes *out)
{
	const struct span *sp = &g->s[p], *se = &g->s[e];
	struct an_note n;

	if (!sp->seen || !se->seen || sp->rmax != 0 || se->rmin < 0.5)
		return 0;
	n = note(AN_FAULTS_IN);
	n.sys = g->sys;
	n.sink = g->sink;
	n.arm = e;
	n.arm2 = p;
	n.k[0] = sp->n;
	n.v[0] = se->rmin;
	n.v[1] = se->rmax;
	n.v[2] = isfinite(sp->cost_lo) ? sp->cost_lo : NAN;
	n.v[3] = isfinite(sp->cost_hi) ? sp->cost_hi : NAN;
	n.v[4] = isfinite(se->cost_lo) ? se->cost_lo : NAN;
	n.v[5] = isfinite(se->cost_hi) ? se->cost_hi : NAN;
	return push(out, n);
}

/* the pairs meta.units names: each (early, late) once, early the arm that does not read at exit */
static int group_pairs(const struct group *g, struct an_notes *out)
{
	const struct res_index *x = g->x;
	int ret = 0;

	for (int a = 0; a < x->narms && !ret; a++) {
		const struct res_uarm *u = res_unit_arm(x->run, x->arms[a]), *pu;
		int b = u && u->pair[0] ? res_index_arm(x, u->pair) : -1;

		if (b < 0 || !g->s[a].seen || !g->s[b].seen)
			continue;
		pu = res_unit_arm(x->run, x->arms[b]);
		if (u->perturbing)
			ret = faults_in_note(g, a, b, out);
		else if (!u->at_exit && pu && pu->at_exit && !pu->perturbing)
			ret = pair_note(g, a, b, out);
	}
	return ret;
}

static int group_notes(const struct res_index *x, int s, int k, struct an_notes *out)
{
	struct group g = {x, s, k, 0, NULL};
	int ret = group_scan(&g);

	for (int a = 0; a < x->narms && !ret && g.ncells; a++)
		if (g.s[a].seen)
			ret = arm_verdict(&g, a, out);
	if (!ret && g.ncells)
		ret = group_pairs(&g, out);
	free(g.s);
	return ret;
}

int an_notes_build(const struct res_index *x, struct an_notes *out)
{
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (!x->run->complete)
		ret = push(out, note(AN_INCOMPLETE));
	for (int i = 0; i < x->run->ncells && !ret; i++)
		ret = cell_notes(x, i, out);
	for (int s = 0; s < x->nsys && !ret; s++)
		for (int k = 0; k < x->nsinks && !ret; k++)
			ret = group_notes(x, s, k, out);
	if (!ret && !out->n)
		ret = push(out, note(AN_NOTHING));
	if (ret)
		an_notes_free(out);
	return ret;
}

void an_notes_free(struct an_notes *n)
{
	free(n->v);
	memset(n, 0, sizeof(*n));
}
