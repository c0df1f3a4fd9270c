// SPDX-License-Identifier: BSD-2-Clause
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "results.h"
#include "stats.h"
#include "truth.h"

void samples_add(struct samples *s, double v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		double *nv = realloc(s->v, cap * sizeof(*nv));

		if (!nv)
			return;
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = v;
}

double samples_median(const struct samples *s)
{
	struct stats_median m;
	double *tmp, r = NAN;

	if (s->n == 0)
		return NAN;
	tmp = malloc(s->n * sizeof(*tmp));
	if (!tmp)
		return NAN;
	memcpy(tmp, s->v, s->n * sizeof(*tmp));
	if (stats_median_ci(tmp, s->n, 0.05, &m) == 0)
		r = m.median;
	free(tmp);
	return r;
}

void samples_free(struct samples *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

void truth_count(struct truth *t, int id, bool absent, bool fail, uint64_t delay_ns)
{
	struct truth_arm *a = &t->arm[id];

	if (absent) {
		a->absent_n++;
		a->absent_fails += fail;
	} else {
		a->present_n++;
		a->present_fails += fail;
	}
	if (delay_ns)
		samples_add(&a->delay, (double)delay_ns);
}

void truth_pos(struct truth_pos *p, uint32_t ok, bool lost, uint32_t absent, bool known)
{
	p->n++;
	p->lost += lost;
	p->known += known;
	for (uint32_t i = 0; i < BPFAULT_NPOS; i++) {
		p->fails[i] += !(ok & (1u << i));
		p->absent[i] += !!(absent & (1u << i));
	}
}

const char *truth_pos_name(uint32_t pos, char *buf, size_t len)
{
	if (pos < BPFAULT_NARGS)
		snprintf(buf, len, "argv[%u]", pos + 1);
	else
		snprintf(buf, len, "envp[%u]", pos - BPFAULT_NARGS);
	return buf;
}

void truth_pos_finish(const struct truth_pos *p, uint32_t npos, bool lost, struct res_arm *a)
{
	a->npos = 0;
	a->lost.has = false;
	if (!p->n)
		return;
	for (uint32_t i = 0; i < npos && i < BPFAULT_NPOS && i < RES_MAX_POS; i++) {
		struct res_pos *r = &a->pos[a->npos++];

		truth_pos_name(i, r->name, sizeof(r->name));
		r->c = (struct res_cond){.has = true, .n = p->n, .fails = p->fails[i]};
		res_cond_finish(&r->c);
		r->has_absent = i == 0 || p->known == p->n; /* else some trials are unknown */
		r->absent_before = p->absent[i];
	}
	if (!lost)
		return;
	a->lost = (struct res_cond){.has = true, .n = p->n, .fails = p->lost};
	res_cond_finish(&a->lost);
}

void truth_call(struct truth *t, uint32_t mask, double call_ns)
{
	if (!mask)
		samples_add(&t->ref_call, call_ns);
	for (int id = 0; id < ARM__COUNT; id++)
		if (mask & (1u << id))
			samples_add(&t->arm[id].call, call_ns);
}

void truth_clear(struct res_arm *a)
{
	a->has_kept = false;
	memset(&a->absent, 0, sizeof(a->absent));
	memset(&a->present, 0, sizeof(a->present));
	a->call_ns = a->extra_call_ns = a->delay_ns = NAN;
	a->npos = 0;
	a->lost.has = false;
}

void truth_finish(const struct truth *t, int id, struct res_arm *a)
{
	const struct truth_arm *ta = &t->arm[id];

	a->has_kept = true;
	a->absent.has = a->present.has = true;
	a->absent.n = ta->absent_n;
	a->absent.fails = ta->absent_fails;
	a->present.n = ta->present_n;
	a->present.fails = ta->present_fails;
	res_cond_finish(&a->absent);
	res_cond_finish(&a->present);
	a->call_ns = samples_median(&ta->call);
	/* NAN without reference trials (a cell with no perturbing arm has none) */
	a->extra_call_ns = a->call_ns - samples_median(&t->ref_call);
	a->delay_ns = samples_median(&ta->delay);
	truth_pos_finish(&ta->pos, BPFAULT_NPOS, true, a);
}

void truth_free(struct truth *t)
{
	for (int id = 0; id < ARM__COUNT; id++) {
		samples_free(&t->arm[id].call);
		samples_free(&t->arm[id].delay);
	}
	samples_free(&t->ref_call);
}
