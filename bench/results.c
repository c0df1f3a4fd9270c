// SPDX-License-Identifier: BSD-2-Clause
/* The results model: status, JSON ("bpfault/1") and CSV writers (the loader: results_load.c). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"
#include "esc.h"
#include "results.h"
#include "stats.h"

const char *res_status_name(enum res_status s)
{
	static const char *const names[] = {"pending", "ok", "unsupported", "invalid"};

	return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "pending";
}

char *res_status_str(const struct res_cell *c, char *buf, size_t len)
{
	if (c->status == RS_UNSUPPORTED || c->status == RS_INVALID)
		snprintf(buf, len, "%s: %s", res_status_name(c->status),
			 c->reason[0] ? c->reason : "no reason given");
	else
		snprintf(buf, len, "%s", res_status_name(c->status));
	return buf;
}

int res_status_parse(const char *s, enum res_status *st, char *reason, size_t len)
{
	static const enum res_status all[] = {RS_PENDING, RS_OK, RS_UNSUPPORTED, RS_INVALID};

	reason[0] = 0;
	for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
		const char *name = res_status_name(all[i]);
		size_t n = strlen(name);

		if (strncmp(s, name, n))
			continue;
		if (!s[n]) {
			*st = all[i];
			return 0;
		}
		if (s[n] != ':' || all[i] == RS_OK || all[i] == RS_PENDING)
			continue;
		*st = all[i];
		s += n + 1;
		s += strspn(s, " ");
		snprintf(reason, len, "%s", s);
		return 0;
	}
	return -EINVAL;
}

void res_set_status(struct res_cell *c, enum res_status st, const char *fmt, ...)
{
	va_list ap;

	c->status = st;
	c->reason[0] = 0;
	if (!fmt)
		return;
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
}

void res_cond_finish(struct res_cond *c)
{
	struct stats_ci ci;

	if (c->n == 0) {
		c->fail_rate = c->ci95[0] = c->ci95[1] = NAN;
		return;
	}
	c->fail_rate = (double)c->fails / (double)c->n;
	ci = stats_wilson(c->fails, c->n, STATS_Z95);
	c->ci95[0] = ci.lo;
	c->ci95[1] = ci.hi;
}

void res_arm_finish(struct res_arm *a)
{
	struct stats_ci ci;

	a->fails = a->n - a->ok;
	if (a->n == 0) {
		a->fail_rate = NAN;
		a->ci95[0] = a->ci95[1] = NAN;
		a->upper95 = NAN;
		return;
	}
	a->fail_rate = (double)a->fails / (double)a->n;
	ci = stats_wilson(a->fails, a->n, STATS_Z95);
	a->ci95[0] = ci.lo;
	a->ci95[1] = ci.hi;
	a->upper95 = a->fails == 0 ? stats_zero_upper(a->n, 0.05) : NAN;
}

void res_cell_key(const struct res_cell *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s/%s/%u/%u", c->syscall, c->state, c->sink, c->size, c->offset);
}

const struct res_arm *res_find_arm(const struct res_cell *c, const char *name)
{
	for (int i = 0; i < c->narms; i++)
		if (!strcmp(c->arms[i].name, name))
			return &c->arms[i];
	return NULL;
}

const struct res_cell *res_find_cell(const struct res_run *r, const struct res_cell *like)
{
	for (int i = 0; i < r->ncells; i++) {
		const struct res_cell *c = &r->cells[i];

		if (!strcmp(c->syscall, like->syscall) && !strcmp(c->state, like->state) &&
		    !strcmp(c->sink, like->sink) && c->size == like->size &&
		    c->offset == like->offset)
			return c;
	}
	return NULL;
}

/* a real, or null for NAN (JSON has no NaN) */
static json_t *jreal(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *jpair(double a, double b)
{
	return json_pack("[oo]", jreal(a), jreal(b));
}

static json_t *cond_json(const struct res_cond *c)
{
	return json_pack("{sIsIsoso}", "n", (json_int_t)c->n, "fails", (json_int_t)c->fails,
			 "fail_rate", jreal(c->fail_rate), "ci95", jpair(c->ci95[0], c->ci95[1]));
}

/* "positions": [{"pos": "argv[1]", n, fails, fail_rate, ci95, absent_before}, ...] */
static json_t *positions_json(const struct res_arm *a)
{
	json_t *v = json_array();

	for (int i = 0; v && i < a->npos; i++) {
		json_t *e = cond_json(&a->pos[i].c);

		if (!e)
			continue;
		json_object_set_new(e, "pos", json_string(a->pos[i].name));
		if (a->pos[i].has_absent)
			json_object_set_new(e, "absent_before",
					    json_integer((json_int_t)a->pos[i].absent_before));
		json_array_append_new(v, e);
	}
	return v;
}

static json_t *arm_to_json(const struct res_arm *a)
{
	json_t *o = json_pack("{sIsIsIsIsIsIsIsoso}", "n", (json_int_t)a->n, "ok",
			      (json_int_t)a->ok, "fault", (json_int_t)a->fault, "zeroed",
			      (json_int_t)a->zeroed, "mismatch", (json_int_t)a->mismatch, "missed",
			      (json_int_t)a->missed, "fails", (json_int_t)a->fails, "fail_rate",
			      jreal(a->fail_rate), "ci95", jpair(a->ci95[0], a->ci95[1]));

	if (!o)
		return NULL;
	if (a->fails == 0 && a->n > 0)
		json_object_set_new(o, "upper95_one_sided", jreal(a->upper95));
	if (a->exact)
		json_object_set_new(o, "exact", json_true());
	if (a->has_kept)
		json_object_set_new(o, "kept", json_integer((json_int_t)a->kept));
	if (a->has_levels)
		json_object_set_new(o, "levels",
				    json_pack("{sIsIsI}", "msghdr", (json_int_t)a->levels.msghdr,
					      "iovec", (json_int_t)a->levels.iovec, "data",
					      (json_int_t)a->levels.data));
	for (int k = 0; k < 2; k++) {
		const struct res_cond *c = k ? &a->present : &a->absent;

		if (c->has)
			json_object_set_new(o, k ? "present" : "absent", cond_json(c));
	}
	/* 0 (a zeroed arm) or NAN: not measured */
	if (isfinite(a->call_ns) && a->call_ns > 0)
		json_object_set_new(o, "call_ns", json_real(a->call_ns));
	if (isfinite(a->call_ns) && a->call_ns > 0 && isfinite(a->extra_call_ns))
		json_object_set_new(o, "extra_call_ns", json_real(a->extra_call_ns));
	if (isfinite(a->delay_ns) && a->delay_ns > 0)
		json_object_set_new(o, "delay_ns", json_real(a->delay_ns));
	if (a->is_tool)
		json_object_set_new(o, "tool",
				    json_pack("{sIsIsIsIsI}", "ok", (json_int_t)a->tool.ok, "empty",
					      (json_int_t)a->tool.empty, "truncated",
					      (json_int_t)a->tool.truncated, "garbled",
					      (json_int_t)a->tool.garbled, "missing",
					      (json_int_t)a->tool.missing));
	if (a->npos)
		json_object_set_new(o, "positions", positions_json(a));
	if (a->lost.has)
		json_object_set_new(o, "lost_by_stop_at_first", cond_json(&a->lost));
	if (a->blocks.count) /* the sufficient statistics of its per-block counts (stats.h) */
		json_object_set_new(o, "blocks",
				    json_pack("{sIsIsIsfsfsf}", "count",
					      (json_int_t)a->blocks.count, "n",
					      (json_int_t)a->blocks.n, "fails",
					      (json_int_t)a->blocks.k, "sum_n2", a->blocks.sn2,
					      "sum_k2", a->blocks.sk2, "sum_kn", a->blocks.skn));
	return o;
}

/* a cost sample as an integer ns, range-checked (a float cast out of range is undefined) */
static json_t *cost_sample_json(float x)
{
	if (!(x >= 0))
		return json_integer(0);
	if (x > RES_MAX_COST_NS)
		return json_integer((json_int_t)RES_MAX_COST_NS);
	return json_integer((json_int_t)x);
}

static json_t *cell_to_json(const struct res_cell *c)
{
	json_t *o, *arms, *paired, *cost, *cost_ci, *cost_s;
	bool any_cost = false;
	char st[RES_WHY + 16];

	o = json_pack("{sssssssisisssIsIsIsIsb}", "syscall", c->syscall, "state", c->state, "sink",
		      c->sink, "size", (int)c->size, "offset", (int)c->offset, "status",
		      res_status_str(c, st, sizeof(st)), "trials", (json_int_t)c->trials,
		      "nonresident_before", (json_int_t)c->nonresident_before, "swapped_before",
		      (json_int_t)c->swapped_before, "incore_before", (json_int_t)c->incore_before,
		      "expect_zero", c->expect_zero);
	if (!o)
		return NULL;
	arms = json_object();
	cost = json_object();
	cost_ci = json_object();
	cost_s = json_object();
	for (int i = 0; i < c->narms; i++) {
		const struct res_arm *a = &c->arms[i];

		json_object_set_new(arms, a->name, arm_to_json(a));
		if (isfinite(a->cost_ns)) {
			json_t *sv = json_array();

			any_cost = true;
			json_object_set_new(cost, a->name, json_real(a->cost_ns));
			json_object_set_new(cost_ci, a->name,
					    jpair(a->cost_ci95[0], a->cost_ci95[1]));
			for (uint32_t k = 0; k < a->ncost && k < RES_COST_SAMPLES; k++)
				json_array_append_new(sv, cost_sample_json(a->cost_samples[k]));
			json_object_set_new(cost_s, a->name, sv);
		}
	}
	json_object_set_new(o, "arms", arms);
	if (c->run_id[0]) { /* a merged cell: where it comes from */
		json_t *tag = json_pack("{ssssss}", "run_id", c->run_id, "host", c->host, "kernel",
					c->kernel);

		json_object_update(o, tag);
		json_decref(tag);
	}
	paired = json_array();
	for (int i = 0; i < c->npairs; i++) {
		const struct res_pair *p = &c->pairs[i];

		json_array_append_new(paired,
				      json_pack("{sssssIsIsIsIsoso}", "a", p->a, "b", p->b,
						"a_only", (json_int_t)p->a_only, "b_only",
						(json_int_t)p->b_only, "both", (json_int_t)p->both,
						"neither", (json_int_t)p->neither, "p", jreal(p->p),
						"p_mid", jreal(p->p_mid)));
	}
	json_object_set_new(o, "paired", paired);
	if (c->nunsup) {
		json_t *u = json_object();

		for (int i = 0; i < c->nunsup; i++)
			json_object_set_new(u, c->unsup[i].name, json_string(c->unsup[i].why));
		json_object_set_new(o, "unsupported_arms", u);
	}
	if (any_cost) {
		json_object_set_new(o, "cost_ns", cost);
		json_object_set_new(o, "cost_ci95", cost_ci);
		json_object_set_new(o, "cost_samples_ns", cost_s);
	} else {
		json_decref(cost);
		json_decref(cost_ci);
		json_decref(cost_s);
	}
	return o;
}

json_t *res_to_json(const struct res_run *r)
{
	json_t *root, *cells;

	cells = json_array();
	for (int i = 0; i < r->ncells; i++)
		json_array_append_new(cells, cell_to_json(&r->cells[i]));
	root = json_pack("{sssOso}", "schema", RES_SCHEMA, "meta",
			 r->meta ? r->meta : json_object(), "cells", cells);
	return root;
}

static void csv_num(char *b, size_t l, double v)
{
	if (isfinite(v))
		snprintf(b, l, "%.6g", v);
	else
		b[0] = 0;
}

/* a count that may be missing from the file: empty when it is */
static void csv_cond(char *b, size_t l, const struct res_cond *c, bool fails)
{
	if (c->has)
		snprintf(b, l, "%llu", (unsigned long long)(fails ? c->fails : c->n));
	else
		b[0] = 0;
}

static void csv_arm(struct sbuf *b, const char *tag, const struct res_cell *c, const char *status,
		    const struct res_arm *a)
{
	char v[11][32];

	csv_num(v[0], sizeof(v[0]), a->fail_rate);
	csv_num(v[1], sizeof(v[1]), a->ci95[0]);
	csv_num(v[2], sizeof(v[2]), a->ci95[1]);
	csv_num(v[3], sizeof(v[3]), a->upper95);
	csv_num(v[4], sizeof(v[4]), a->cost_ns);
	csv_cond(v[5], sizeof(v[5]), &a->absent, false);
	csv_cond(v[6], sizeof(v[6]), &a->absent, true);
	csv_cond(v[7], sizeof(v[7]), &a->present, false);
	csv_cond(v[8], sizeof(v[8]), &a->present, true);
	csv_num(v[9], sizeof(v[9]), a->call_ns);
	csv_num(v[10], sizeof(v[10]), a->extra_call_ns);
	sb_printf(b, "%s", tag); /* run_id,host, */
	esc_csv(b, c->syscall);
	sb_printf(b, ",");
	esc_csv(b, c->state);
	sb_printf(b, ",");
	esc_csv(b, c->sink);
	sb_printf(b, ",%u,%u,%s,%llu,%llu,", c->size, c->offset, status,
		  (unsigned long long)c->trials, (unsigned long long)c->nonresident_before);
	esc_csv(b, a->name);
	sb_printf(b, ",%llu,%llu,%llu,%llu,%llu,%llu,%llu", (unsigned long long)a->n,
		  (unsigned long long)a->ok, (unsigned long long)a->fault,
		  (unsigned long long)a->zeroed, (unsigned long long)a->mismatch,
		  (unsigned long long)a->missed, (unsigned long long)a->fails);
	for (size_t k = 0; k < ARRAY_SIZE(v); k++)
		sb_printf(b, ",%s", v[k]);
	csv_num(v[0], sizeof(v[0]), a->delay_ns);
	sb_printf(b, ",%s\n", v[0]);
}

static char *res_to_csv(const struct res_run *r)
{
	struct sbuf b = {0};

	const char *m_id = json_string_value(json_object_get(r->meta, "run_id"));
	const char *m_host = json_string_value(json_object_get(r->meta, "hostname"));

	sb_printf(&b, "run_id,host,syscall,state,sink,size,offset,status,trials,nonresident_before,"
		      "arm,n,ok,fault,zeroed,mismatch,missed,fails,fail_rate,ci95_lo,ci95_hi,"
		      "upper95_one_sided,cost_ns,absent_n,absent_fails,present_n,present_fails,"
		      "call_ns,extra_call_ns,delay_ns\n");
	for (int i = 0; i < r->ncells; i++) {
		const struct res_cell *c = &r->cells[i];
		char st[RES_WHY + 16];
		struct sbuf q = {0};

		struct sbuf t = {0};

		esc_csv(&t, c->run_id[0] ? c->run_id : m_id ? m_id : "");
		sb_printf(&t, ",");
		esc_csv(&t, c->run_id[0] ? c->host : m_host ? m_host : "");
		sb_printf(&t, ",");
		esc_csv(&q, res_status_str(c, st, sizeof(st)));
		for (int j = 0; j < c->narms; j++)
			csv_arm(&b, t.s ? t.s : ",,", c, q.s ? q.s : "", &c->arms[j]);
		b.err = b.err ? b.err : q.err ? q.err : t.err;
		sb_free(&q);
		sb_free(&t);
	}
	if (b.err) {
		sb_free(&b);
		return NULL;
	}
	return b.s;
}

/* put arrays of numbers on one line (cost samples, intervals), in place: still valid JSON */
static void fold_number_arrays(char *s)
{
	bool in_str = false;
	char *w = s;

	while (*s) {
		char *end = s + 1;

		if (in_str || *s != '[') {
			if (*s == '"')
				in_str = !in_str;
			else if (in_str && *s == '\\' && s[1]) /* an escape: copy both */
				*w++ = *s++;
			*w++ = *s++;
			continue;
		}
		while (*end && strchr("0123456789.eE+-, \n\tnul", *end))
			end++;
		if (*end != ']') {
			*w++ = *s++;
			continue;
		}
		/* [ ... ]: copy without line breaks and indentation */
		for (bool space = false; s <= end; s++) {
			if (*s == '\n' || *s == ' ' || *s == '\t') {
				space = true;
				continue;
			}
			if (space && w[-1] == ',')
				*w++ = ' ';
			space = false;
			*w++ = *s;
		}
	}
	*w = 0;
}

int res_write_dir(const struct res_run *r, const char *dir)
{
	char path[PATH_MAX];
	json_t *root;
	char *s;
	int err;

	root = res_to_json(r);
	if (!root)
		return -ENOMEM;
	s = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	json_decref(root);
	if (!s)
		return -ENOMEM;
	fold_number_arrays(s);
	snprintf(path, sizeof(path), "%s/results.json", dir);
	err = write_file_atomic(path, s, strlen(s));
	free(s);
	if (err)
		return err;
	s = res_to_csv(r);
	if (!s)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/cells.csv", dir);
	err = write_file_atomic(path, s, strlen(s));
	free(s);
	return err;
}
