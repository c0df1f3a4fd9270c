// SPDX-License-Identifier: BSD-2-Clause
/* The results model: JSON ("bpfault/1") and CSV writers, and a validating loader. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"
#include "results.h"
#include "stats.h"

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
	return o;
}

static json_t *cell_to_json(const struct res_cell *c)
{
	json_t *o, *arms, *paired, *cost, *cost_ci, *cost_s;
	bool any_cost = false;

	o = json_pack("{sssssssisisssIsIsIsIsb}", "syscall", c->syscall, "state", c->state, "sink",
		      c->sink, "size", (int)c->size, "offset", (int)c->offset, "status", c->status,
		      "trials", (json_int_t)c->trials, "nonresident_before",
		      (json_int_t)c->nonresident_before, "swapped_before",
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
				json_array_append_new(sv,
						      json_integer((json_int_t)a->cost_samples[k]));
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

/* the status may contain commas: quote it */
static void csv_quote(char *dst, size_t len, const char *s)
{
	size_t j = 0;

	dst[j++] = '"';
	for (; *s && j + 3 < len; s++) {
		if (*s == '"')
			dst[j++] = '"';
		dst[j++] = *s;
	}
	dst[j++] = '"';
	dst[j] = 0;
}

static char *res_to_csv(const struct res_run *r)
{
	struct sbuf b = {0};

	const char *m_id = json_string_value(json_object_get(r->meta, "run_id"));
	const char *m_host = json_string_value(json_object_get(r->meta, "hostname"));
	char id[2 * RES_TAG + 8], host[2 * RES_TAG + 8];

	sb_printf(&b,
		  "run_id,host,"
		  "syscall,state,sink,size,offset,status,trials,nonresident_before,arm,n,ok,fault,"
		  "zeroed,mismatch,missed,fails,fail_rate,ci95_lo,ci95_hi,upper95_one_sided,cost_"
		  "ns\n");
	for (int i = 0; i < r->ncells; i++) {
		const struct res_cell *c = &r->cells[i];
		char st[600];

		csv_quote(st, sizeof(st), c->status);
		csv_quote(id, sizeof(id), c->run_id[0] ? c->run_id : m_id ? m_id : "");
		csv_quote(host, sizeof(host), c->run_id[0] ? c->host : m_host ? m_host : "");
		for (int j = 0; j < c->narms; j++) {
			const struct res_arm *a = &c->arms[j];
			char fr[32], lo[32], hi[32], up[32], cost[32];

			csv_num(fr, sizeof(fr), a->fail_rate);
			csv_num(lo, sizeof(lo), a->ci95[0]);
			csv_num(hi, sizeof(hi), a->ci95[1]);
			csv_num(up, sizeof(up), a->upper95);
			csv_num(cost, sizeof(cost), a->cost_ns);
			sb_printf(&b,
				  "%s,%s,%s,%s,%s,%u,%u,%s,%llu,%llu,%s,%llu,%llu,%llu,%llu,%llu,%"
				  "llu,%"
				  "llu,%s,%"
				  "s,%s,%s,%s\n",
				  id, host, c->syscall, c->state, c->sink, c->size, c->offset, st,
				  (unsigned long long)c->trials,
				  (unsigned long long)c->nonresident_before, a->name,
				  (unsigned long long)a->n, (unsigned long long)a->ok,
				  (unsigned long long)a->fault, (unsigned long long)a->zeroed,
				  (unsigned long long)a->mismatch, (unsigned long long)a->missed,
				  (unsigned long long)a->fails, fr, lo, hi, up, cost);
		}
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

/* ---- loading ---- */

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
	return -1;
}

static int get_u64(struct ld *l, json_t *o, const char *where, const char *k, uint64_t *out)
{
	json_t *v = json_object_get(o, k);

	if (!v)
		return bad(l, "%s: missing \"%s\"", where, k);
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return bad(l, "%s: \"%s\" must be a non-negative integer", where, k);
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

static int load_arm(struct ld *l, json_t *o, const char *where, struct res_arm *a)
{
	uint64_t cnt[6];
	static const char *const keys[] = {"n", "ok", "fault", "zeroed", "mismatch", "missed"};

	if (!json_is_object(o))
		return bad(l, "%s: must be an object", where);
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (i == 5 && !json_object_get(o, "missed")) {
			cnt[i] = 0;
			continue;
		}
		if (get_u64(l, o, where, keys[i], &cnt[i]))
			return -1;
	}
	a->n = cnt[0];
	a->ok = cnt[1];
	a->fault = cnt[2];
	a->zeroed = cnt[3];
	a->mismatch = cnt[4];
	a->missed = cnt[5];
	if (a->ok > a->n || a->fault > a->n || a->zeroed > a->n || a->mismatch > a->n)
		return bad(l, "%s: a count exceeds n (%llu)", where, (unsigned long long)a->n);
	if (a->ok + a->mismatch > a->n)
		return bad(l, "%s: ok + mismatch exceed n", where);
	a->exact = json_is_true(json_object_get(o, "exact"));
	res_arm_finish(a);
	a->cost_ns = NAN;
	a->cost_ci95[0] = a->cost_ci95[1] = NAN;
	return 0;
}

static int load_cell(struct ld *l, json_t *o, int idx, struct res_cell *c)
{
	char where[64], w2[128];
	uint64_t v;
	json_t *arms, *paired, *cost, *cost_ci, *cost_s, *av;
	const char *name;

	snprintf(where, sizeof(where), "cells[%d]", idx);
	if (!json_is_object(o))
		return bad(l, "%s: must be an object", where);
	if (get_str(l, o, where, "syscall", c->syscall, sizeof(c->syscall)) ||
	    get_str(l, o, where, "state", c->state, sizeof(c->state)) ||
	    get_str(l, o, where, "sink", c->sink, sizeof(c->sink)) ||
	    get_str(l, o, where, "status", c->status, sizeof(c->status)))
		return -1;
	if (get_u64(l, o, where, "size", &v))
		return -1;
	if (v > BPFAULT_RES_MAX_SIZE)
		return bad(l, "%s: size %llu out of range", where, (unsigned long long)v);
	c->size = (uint32_t)v;
	if (get_u64(l, o, where, "offset", &v))
		return -1;
	if (v > BPFAULT_RES_MAX_SIZE)
		return bad(l, "%s: offset %llu out of range", where, (unsigned long long)v);
	c->offset = (uint32_t)v;
	if (get_u64(l, o, where, "trials", &c->trials) ||
	    get_u64(l, o, where, "nonresident_before", &c->nonresident_before))
		return -1;
	if (c->nonresident_before > c->trials)
		return bad(l, "%s: nonresident_before exceeds trials", where);
	json_t *sw = json_object_get(o, "swapped_before"),
	       *ic = json_object_get(o, "incore_before");

	c->swapped_before = json_is_integer(sw) ? (uint64_t)json_integer_value(sw) : 0;
	c->incore_before = json_is_integer(ic) ? (uint64_t)json_integer_value(ic) : 0;
	c->expect_zero = json_is_true(json_object_get(o, "expect_zero"));
	if (json_object_get(o, "run_id") &&
	    (get_str(l, o, where, "run_id", c->run_id, sizeof(c->run_id)) ||
	     get_str(l, o, where, "host", c->host, sizeof(c->host)) ||
	     get_str(l, o, where, "kernel", c->kernel, sizeof(c->kernel))))
		return -1;
	arms = json_object_get(o, "arms");
	if (!json_is_object(arms))
		return bad(l, "%s: missing \"arms\" object", where);
	if (json_object_size(arms) > RES_MAX_ARMS)
		return bad(l, "%s: more than %d arms", where, RES_MAX_ARMS);
	cost = json_object_get(o, "cost_ns");
	cost_ci = json_object_get(o, "cost_ci95");
	cost_s = json_object_get(o, "cost_samples_ns");
	c->narms = 0;
	json_object_foreach(arms, name, av)
	{
		struct res_arm *a = &c->arms[c->narms];

		if (strlen(name) == 0 || strlen(name) >= RES_NAME)
			return bad(l, "%s.arms: bad arm name", where);
		snprintf(a->name, sizeof(a->name), "%s", name);
		snprintf(w2, sizeof(w2), "%s.arms.%s", where, name);
		if (load_arm(l, av, w2, a))
			return -1;
		if (json_is_object(cost))
			a->cost_ns = num_or_nan(json_object_get(cost, name));
		if (json_is_object(cost_ci)) {
			json_t *p = json_object_get(cost_ci, name);

			a->cost_ci95[0] = num_or_nan(json_array_get(p, 0));
			a->cost_ci95[1] = num_or_nan(json_array_get(p, 1));
		}
		if (json_is_object(cost_s)) {
			json_t *sv = json_object_get(cost_s, name), *x;
			size_t k;

			a->ncost = 0;
			json_array_foreach(sv, k, x)
			{
				if (!json_is_number(x) || json_number_value(x) < 0)
					return bad(l, "%s: bad cost sample", w2);
				if (a->ncost < RES_COST_SAMPLES)
					a->cost_samples[a->ncost++] = (float)json_number_value(x);
			}
		}
		c->narms++;
	}
	json_t *unsup = json_object_get(o, "unsupported_arms");

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
	paired = json_object_get(o, "paired");
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
			return -1;
		rp->p = num_or_nan(json_object_get(p, "p"));
		rp->p_mid = num_or_nan(json_object_get(p, "p_mid"));
		c->npairs++;
	}
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
	root = json_load_file(file, JSON_REJECT_DUPLICATES, &je);
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
			return -1;
		}
	}
	json_decref(root);
	return 0;
}

void res_free(struct res_run *r)
{
	json_decref(r->meta);
	free(r->cells);
	r->meta = NULL;
	r->cells = NULL;
	r->ncells = 0;
}
