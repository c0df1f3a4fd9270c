// SPDX-License-Identifier: BSD-2-Clause
/* The validating loader of "bpfault/1" results: every error is one line naming the field. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"
#include "results.h"

struct ld {
	char *err;
	size_t errlen;
	const char *file;
};

static int bad(struct ld *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int bad(struct ld *l, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(l->err, l->errlen, "%s: ", l->file);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < l->errlen)
		vsnprintf(l->err + n, l->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int get_u64(struct ld *l, json_t *o, const char *where, const char *k, uint64_t *out)
{
	json_t *v = json_object_get(o, k);

	if (!v)
		return bad(l, "%s: missing \"%s\"", where, k);
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return bad(l, "%s: \"%s\" must be a non-negative integer", where, k);
	if (json_integer_value(v) > (json_int_t)RES_MAX_COUNT)
		return bad(l, "%s: \"%s\" is above the maximum count 2^40", where, k);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int get_str(struct ld *l, json_t *o, const char *where, const char *k, char *dst, size_t len)
{
	json_t *v = json_object_get(o, k);

	if (!v)
		return bad(l, "%s: missing \"%s\"", where, k);
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) >= len)
		return bad(l, "%s: \"%s\" must be a non-empty string shorter than %zu", where, k,
			   len);
	memcpy(dst, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

static double num_or_nan(json_t *v)
{
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* an optional non-negative integer: 0 when absent, -EINVAL when malformed */
static int opt_u64(struct ld *l, json_t *o, const char *where, const char *k, uint64_t *out,
		   bool *has)
{
	if (has)
		*has = json_object_get(o, k) != NULL;
	*out = 0;
	return json_object_get(o, k) ? get_u64(l, o, where, k, out) : 0;
}

static int cond_from(struct ld *l, json_t *v, const char *w, struct res_cond *c);

/* "levels": {msghdr, iovec, data}, faults by level: they sum to the arm's fault */
static int load_levels(struct ld *l, json_t *o, const char *where, struct res_arm *a)
{
	json_t *v = json_object_get(o, "levels");
	struct res_levels *lv = &a->levels;
	char w[160];

	a->has_levels = v != NULL;
	memset(lv, 0, sizeof(*lv));
	if (!v)
		return 0;
	snprintf(w, sizeof(w), "%s.levels", where);
	if (!json_is_object(v))
		return bad(l, "%s: must be an object", w);
	if (get_u64(l, v, w, "msghdr", &lv->msghdr) || get_u64(l, v, w, "iovec", &lv->iovec) ||
	    get_u64(l, v, w, "data", &lv->data))
		return -EINVAL;
	if (lv->msghdr > a->fault || lv->iovec > a->fault - lv->msghdr ||
	    lv->data != a->fault - lv->msghdr - lv->iovec)
		return bad(l, "%s: msghdr + iovec + data must equal fault", w);
	return 0;
}

/* "absent" / "present": {n, fails, ...}; rates and intervals are recomputed from the counts */
static int load_cond(struct ld *l, json_t *o, const char *where, const char *k, struct res_cond *c)
{
	json_t *v = json_object_get(o, k);
	char w[160];

	memset(c, 0, sizeof(*c));
	c->fail_rate = c->ci95[0] = c->ci95[1] = NAN;
	if (!v)
		return 0;
	snprintf(w, sizeof(w), "%s.%s", where, k);
	return cond_from(l, v, w, c);
}

static int cond_from(struct ld *l, json_t *v, const char *w, struct res_cond *c)
{
	if (!json_is_object(v))
		return bad(l, "%s: must be an object", w);
	if (get_u64(l, v, w, "n", &c->n) || get_u64(l, v, w, "fails", &c->fails))
		return -EINVAL;
	if (c->fails > c->n)
		return bad(l, "%s: fails exceed n", w);
	c->has = true;
	res_cond_finish(c);
	return 0;
}

/* "positions" and "lost_by_stop_at_first" (optional, UNITS.md): counts within the arm's n */
static int load_positions(struct ld *l, json_t *o, const char *where, struct res_arm *a)
{
	json_t *v = json_object_get(o, "positions"), *e;
	char w[160];
	size_t i;

	a->npos = 0;
	if (load_cond(l, o, where, "lost_by_stop_at_first", &a->lost))
		return -EINVAL;
	if (a->lost.has && a->lost.n > a->n)
		return bad(l, "%s.lost_by_stop_at_first: n exceeds the arm's n", where);
	if (!v)
		return 0;
	if (!json_is_array(v) || json_array_size(v) > RES_MAX_POS)
		return bad(l, "%s.positions: must be an array of at most %d", where, RES_MAX_POS);
	json_array_foreach(v, i, e)
	{
		struct res_pos *p = &a->pos[i];

		snprintf(w, sizeof(w), "%s.positions[%zu]", where, i);
		memset(p, 0, sizeof(*p));
		if (cond_from(l, e, w, &p->c) ||
		    get_str(l, e, w, "pos", p->name, sizeof(p->name)) ||
		    opt_u64(l, e, w, "absent_before", &p->absent_before, &p->has_absent))
			return -EINVAL;
		if (strspn(p->name, "abcdefghijklmnopqrstuvwxyz0123456789[]") != strlen(p->name))
			return bad(l, "%s: \"pos\" must be a name such as argv[1]", w);
		if (p->c.n > a->n || p->absent_before > p->c.n)
			return bad(l, "%s: counts exceed the arm's n", w);
		a->npos++;
	}
	return 0;
}

static double opt_real(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* a tool arm: n and the tool's outcomes; ok is the tool's ok */
static int load_tool(struct ld *l, json_t *o, const char *where, struct res_arm *a)
{
	static const char *const keys[] = {"ok", "empty", "truncated", "garbled", "missing"};
	uint64_t *dst[] = {&a->tool.ok, &a->tool.empty, &a->tool.truncated, &a->tool.garbled,
			   &a->tool.missing};
	json_t *t = json_object_get(o, "tool");
	char w[160];

	snprintf(w, sizeof(w), "%s.tool", where);
	if (!json_is_object(t))
		return bad(l, "%s: must be an object", w);
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (opt_u64(l, t, w, keys[i], dst[i], NULL))
			return -EINVAL;
	if (get_u64(l, o, where, "n", &a->n))
		return -EINVAL;
	if (a->tool.ok > a->n)
		return bad(l, "%s: ok exceeds n", w);
	a->is_tool = true;
	a->ok = a->tool.ok;
	return 0;
}

static int load_counts(struct ld *l, json_t *o, const char *where, struct res_arm *a)
{
	uint64_t *dst[] = {&a->n, &a->ok, &a->fault, &a->zeroed, &a->mismatch};
	static const char *const keys[] = {"n", "ok", "fault", "zeroed", "mismatch"};

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (get_u64(l, o, where, keys[i], dst[i]))
			return -EINVAL;
	if (a->ok > a->n || a->fault > a->n || a->zeroed > a->n || a->mismatch > a->n)
		return bad(l, "%s: a count exceeds n (%llu)", where, (unsigned long long)a->n);
	if (a->ok + a->mismatch > a->n)
		return bad(l, "%s: ok + mismatch exceed n", where);
	return 0;
}

/* "blocks": optional; sums consistent with 0 <= k_b <= n_b */
static int load_blocks(struct ld *l, json_t *o, const char *where, struct res_arm *a)
{
	struct stats_blocks *b = &a->blocks;
	uint64_t cnt[3];
	static const char *const keys[] = {"count", "n", "fails"};
	static const char *const sums[] = {"sum_n2", "sum_k2", "sum_kn"};
	double *dst[] = {&b->sn2, &b->sk2, &b->skn};

	if (!json_is_object(o))
		return bad(l, "%s.blocks: must be an object", where);
	for (size_t i = 0; i < 3; i++)
		if (get_u64(l, o, where, keys[i], &cnt[i]))
			return -1;
	for (size_t i = 0; i < 3; i++) {
		json_t *v = json_object_get(o, sums[i]);

		if (!json_is_number(v) || !(json_number_value(v) >= 0) ||
		    json_number_value(v) > 1e30)
			return bad(l, "%s.blocks: \"%s\" must be a number in [0, 1e30]", where,
				   sums[i]);
		*dst[i] = json_number_value(v);
	}
	b->count = cnt[0];
	b->n = cnt[1];
	b->k = cnt[2];
	if (b->k > b->n || b->n > a->n || b->count > b->n || b->sk2 > b->skn * (1 + 1e-12) ||
	    b->skn > b->sn2 * (1 + 1e-12))
		return bad(l, "%s.blocks: inconsistent block sums", where);
	return 0;
}

static int load_arm(struct ld *l, json_t *o, const char *where, struct res_arm *a)
{
	if (!json_is_object(o))
		return bad(l, "%s: must be an object", where);
	if (json_object_get(o, "tool") ? load_tool(l, o, where, a) : load_counts(l, o, where, a))
		return -EINVAL;
	if (opt_u64(l, o, where, "missed", &a->missed, NULL) ||
	    opt_u64(l, o, where, "kept", &a->kept, &a->has_kept) || load_levels(l, o, where, a) ||
	    load_cond(l, o, where, "absent", &a->absent) ||
	    load_cond(l, o, where, "present", &a->present) || load_positions(l, o, where, a))
		return -EINVAL;
	if (a->absent.has && a->present.has && a->absent.n + a->present.n != a->n)
		return bad(l, "%s: absent.n + present.n must equal n", where);
	a->exact = json_is_true(json_object_get(o, "exact"));
	if (json_object_get(o, "blocks") && load_blocks(l, json_object_get(o, "blocks"), where, a))
		return -EINVAL;
	res_arm_finish(a);
	a->call_ns = opt_real(o, "call_ns");
	a->extra_call_ns = opt_real(o, "extra_call_ns");
	a->delay_ns = opt_real(o, "delay_ns");
	a->cost_ns = NAN;
	a->cost_ci95[0] = a->cost_ci95[1] = NAN;
	return 0;
}

/* an arm's cost figures from the cell's cost_ns, cost_ci95 and cost_samples_ns */
static int load_cost(struct ld *l, json_t *o, const char *w2, struct res_arm *a)
{
	json_t *cost = json_object_get(o, "cost_ns"), *cost_ci = json_object_get(o, "cost_ci95"),
	       *cost_s = json_object_get(o, "cost_samples_ns"), *sv, *x;
	size_t k;

	if (json_is_object(cost))
		a->cost_ns = num_or_nan(json_object_get(cost, a->name));
	if (json_is_object(cost_ci)) {
		json_t *p = json_object_get(cost_ci, a->name);

		a->cost_ci95[0] = num_or_nan(json_array_get(p, 0));
		a->cost_ci95[1] = num_or_nan(json_array_get(p, 1));
	}
	if (fabs(a->cost_ns) > RES_MAX_COST_NS || fabs(a->cost_ci95[0]) > RES_MAX_COST_NS ||
	    fabs(a->cost_ci95[1]) > RES_MAX_COST_NS)
		return bad(l, "%s: a cost above the maximum 1e15 ns", w2);
	if (!json_is_object(cost_s))
		return 0;
	sv = json_object_get(cost_s, a->name);
	a->ncost = 0;
	json_array_foreach(sv, k, x)
	{
		if (!json_is_number(x) || json_number_value(x) < 0 ||
		    json_number_value(x) > RES_MAX_COST_NS)
			return bad(l, "%s: bad cost sample", w2);
		if (a->ncost < RES_COST_SAMPLES)
			a->cost_samples[a->ncost++] = (float)json_number_value(x);
	}
	return 0;
}

static int load_arms(struct ld *l, json_t *o, const char *where, struct res_cell *c)
{
	json_t *arms = json_object_get(o, "arms"), *av;
	const char *name;
	char w2[128];

	if (!json_is_object(arms))
		return bad(l, "%s: missing \"arms\" object", where);
	if (json_object_size(arms) > RES_MAX_ARMS)
		return bad(l, "%s: more than %d arms", where, RES_MAX_ARMS);
	c->narms = 0;
	json_object_foreach(arms, name, av)
	{
		struct res_arm *a = &c->arms[c->narms];

		if (strlen(name) == 0 || strlen(name) >= RES_NAME)
			return bad(l, "%s.arms: bad arm name", where);
		snprintf(a->name, sizeof(a->name), "%s", name);
		snprintf(w2, sizeof(w2), "%s.arms.%s", where, name);
		if (load_arm(l, av, w2, a) || load_cost(l, o, w2, a))
			return -EINVAL;
		c->narms++;
	}
	return 0;
}

static int load_unsup(struct ld *l, json_t *o, const char *where, struct res_cell *c)
{
	json_t *unsup = json_object_get(o, "unsupported_arms"), *av;
	const char *name;

	c->nunsup = 0;
	if (unsup && !json_is_object(unsup))
		return bad(l, "%s: \"unsupported_arms\" must be an object", where);
	json_object_foreach(unsup, name, av)
	{
		if (c->nunsup >= RES_MAX_ARMS || !json_is_string(av))
			return bad(l, "%s: bad \"unsupported_arms\"", where);
		snprintf(c->unsup[c->nunsup].name, RES_NAME, "%.*s", RES_NAME - 1, name);
		snprintf(c->unsup[c->nunsup].why, sizeof(c->unsup[0].why), "%s",
			 json_string_value(av));
		c->nunsup++;
	}
	return 0;
}

static int load_pairs(struct ld *l, json_t *o, const char *where, struct res_cell *c)
{
	json_t *paired = json_object_get(o, "paired");
	char w2[128];

	c->npairs = 0;
	if (paired && !json_is_array(paired))
		return bad(l, "%s: \"paired\" must be an array", where);
	if (json_array_size(paired) > RES_MAX_PAIRS)
		return bad(l, "%s: too many pairs", where);
	for (size_t i = 0; i < json_array_size(paired); i++) {
		json_t *p = json_array_get(paired, i);
		struct res_pair *rp = &c->pairs[c->npairs];

		snprintf(w2, sizeof(w2), "%s.paired[%zu]", where, i);
		if (!json_is_object(p))
			return bad(l, "%s: must be an object", w2);
		if (get_str(l, p, w2, "a", rp->a, sizeof(rp->a)) ||
		    get_str(l, p, w2, "b", rp->b, sizeof(rp->b)) ||
		    get_u64(l, p, w2, "a_only", &rp->a_only) ||
		    get_u64(l, p, w2, "b_only", &rp->b_only) ||
		    get_u64(l, p, w2, "both", &rp->both) ||
		    get_u64(l, p, w2, "neither", &rp->neither))
			return -EINVAL;
		rp->p = num_or_nan(json_object_get(p, "p"));
		rp->p_mid = num_or_nan(json_object_get(p, "p_mid"));
		c->npairs++;
	}
	return 0;
}

/* size and offset: bounded non-negative integers */
static int load_extent(struct ld *l, json_t *o, const char *where, const char *k, uint32_t *out)
{
	uint64_t v;

	if (get_u64(l, o, where, k, &v))
		return -EINVAL;
	if (v > BPFAULT_RES_MAX_SIZE)
		return bad(l, "%s: %s %llu out of range", where, k, (unsigned long long)v);
	*out = (uint32_t)v;
	return 0;
}

static int load_cell(struct ld *l, json_t *o, int idx, struct res_cell *c)
{
	char where[64], st[RES_WHY + 16];
	json_t *sw, *ic;

	snprintf(where, sizeof(where), "cells[%d]", idx);
	if (!json_is_object(o))
		return bad(l, "%s: must be an object", where);
	if (get_str(l, o, where, "syscall", c->syscall, sizeof(c->syscall)) ||
	    get_str(l, o, where, "state", c->state, sizeof(c->state)) ||
	    get_str(l, o, where, "sink", c->sink, sizeof(c->sink)) ||
	    get_str(l, o, where, "status", st, sizeof(st)))
		return -EINVAL;
	if (res_status_parse(st, &c->status, c->reason, sizeof(c->reason)))
		return bad(l,
			   "%s: \"status\" must be ok, pending, \"unsupported: why\" or "
			   "\"invalid: why\"",
			   where);
	if (load_extent(l, o, where, "size", &c->size) ||
	    load_extent(l, o, where, "offset", &c->offset) ||
	    get_u64(l, o, where, "trials", &c->trials) ||
	    get_u64(l, o, where, "nonresident_before", &c->nonresident_before))
		return -EINVAL;
	if (c->nonresident_before > c->trials)
		return bad(l, "%s: nonresident_before exceeds trials", where);
	sw = json_object_get(o, "swapped_before");
	ic = json_object_get(o, "incore_before");
	c->swapped_before = json_is_integer(sw) ? (uint64_t)json_integer_value(sw) : 0;
	c->incore_before = json_is_integer(ic) ? (uint64_t)json_integer_value(ic) : 0;
	c->expect_zero = json_is_true(json_object_get(o, "expect_zero"));
	if (json_object_get(o, "run_id") && /* a merged cell: where it comes from */
	    (get_str(l, o, where, "run_id", c->run_id, sizeof(c->run_id)) ||
	     get_str(l, o, where, "host", c->host, sizeof(c->host)) ||
	     get_str(l, o, where, "kernel", c->kernel, sizeof(c->kernel))))
		return -EINVAL;
	if (load_arms(l, o, where, c) || load_unsup(l, o, where, c) || load_pairs(l, o, where, c))
		return -EINVAL;
	return 0;
}

int res_load(const char *path, struct res_run *r, char *err, size_t errlen)
{
	char file[PATH_MAX];
	struct ld l = {err, errlen, file};
	json_error_t je;
	json_t *root, *meta, *cells, *v;
	size_t plen = strlen(path);

	memset(r, 0, sizeof(*r));
	if (plen > 5 && !strcmp(path + plen - 5, ".json"))
		snprintf(file, sizeof(file), "%s", path);
	else
		snprintf(file, sizeof(file), "%s/results.json", path);
	root = json_load_input(file, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		if (je.line <= 0)
			return bad(&l, "cannot read: %s", je.text);
		return bad(&l, "line %d: %s", je.line, je.text);
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return bad(&l, "top level must be an object");
	}
	v = json_object_get(root, "schema");
	if (!json_is_string(v) || strcmp(json_string_value(v), RES_SCHEMA)) {
		json_decref(root);
		return bad(&l, "\"schema\" must be \"%s\"", RES_SCHEMA);
	}
	meta = json_object_get(root, "meta");
	cells = json_object_get(root, "cells");
	if (!json_is_object(meta) || !json_is_array(cells)) {
		json_decref(root);
		return bad(&l, "needs a \"meta\" object and a \"cells\" array");
	}
	r->meta = json_incref(meta);
	r->complete = json_is_true(json_object_get(meta, "complete"));
	v = json_object_get(meta, "matrix_id");
	snprintf(r->matrix_id, sizeof(r->matrix_id), "%s",
		 json_is_string(v) ? json_string_value(v) : "");
	v = json_object_get(meta, "kernel");
	snprintf(r->kernel, sizeof(r->kernel), "%s", json_is_string(v) ? json_string_value(v) : "");
	v = json_object_get(meta, "accel");
	snprintf(r->accel, sizeof(r->accel), "%s", json_is_string(v) ? json_string_value(v) : "");
	r->cost_comparable = !json_is_false(json_object_get(meta, "cost_comparable"));
	r->ncells = (int)json_array_size(cells);
	r->cells = calloc(r->ncells ? (size_t)r->ncells : 1, sizeof(*r->cells));
	if (!r->cells) {
		json_decref(root);
		res_free(r);
		return bad(&l, "out of memory");
	}
	for (int i = 0; i < r->ncells; i++) {
		if (load_cell(&l, json_array_get(cells, (size_t)i), i, &r->cells[i])) {
			json_decref(root);
			res_free(r);
			return -EINVAL;
		}
	}
	json_decref(root);
	v = json_object_get(r->meta, "units");
	if (v && res_units_load(r, v, err, errlen)) {
		char why[512];

		snprintf(why, sizeof(why), "%s", err);
		res_free(r);
		return bad(&l, "meta.units: %s", why);
	}
	return 0;
}

void res_free(struct res_run *r)
{
	res_units_free(&r->units);
	json_decref(r->meta);
	free(r->cells);
	r->meta = NULL;
	r->cells = NULL;
	r->ncells = 0;
}
