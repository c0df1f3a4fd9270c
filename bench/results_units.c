// SPDX-License-Identifier: BSD-2-Clause
/*
 * meta.units (UNITS.md): the facts of every unit as the run used them, parsed and validated into
 * struct res_units, and the questions views ask of them (hooks, the control rule).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"
#include "results.h"

struct uld {
	char *err;
	size_t errlen;
};

static int ubad(struct uld *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int ubad(struct uld *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->err, l->errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* a string member into dst; required: missing is an error, else it leaves dst empty */
static int ustr(struct uld *l, json_t *o, const char *where, const char *k, char *dst, size_t len,
		bool required)
{
	json_t *v = json_object_get(o, k);

	dst[0] = 0;
	if (!v || json_is_null(v)) {
		if (required)
			return ubad(l, "%s: missing \"%s\"", where, k);
		return 0;
	}
	/* a name must fit (it is a key); descriptive text is cut to its room */
	if (!json_is_string(v) ||
	    (required && (!json_string_length(v) || json_string_length(v) >= len)))
		return ubad(l, "%s: \"%s\" must be a string shorter than %zu", where, k, len);
	snprintf(dst, len, "%s", json_string_value(v));
	return 0;
}

static bool ubool(json_t *o, const char *k)
{
	return json_is_true(json_object_get(o, k));
}

/* the array units[key] with its element count; NULL array is an empty one */
static int uarray(struct uld *l, json_t *units, const char *key, json_t **arr, int *n, void **out,
		  size_t size)
{
	*arr = json_object_get(units, key);
	*n = 0;
	*out = NULL;
	if (!*arr)
		return 0;
	if (!json_is_array(*arr) || json_array_size(*arr) > 4096)
		return ubad(l, "\"%s\" must be an array", key);
	*out = calloc(json_array_size(*arr) + 1, size);
	if (!*out)
		return ubad(l, "out of memory");
	*n = (int)json_array_size(*arr);
	return 0;
}

static int load_hooks(struct uld *l, json_t *h, const char *where, struct res_uarm *a)
{
	const char *sys;
	json_t *v;

	if (!h)
		return 0;
	if (!json_is_object(h))
		return ubad(l, "%s: \"hooks\" must be an object", where);
	a->hooks = calloc(json_object_size(h) + 1, sizeof(*a->hooks));
	if (!a->hooks)
		return ubad(l, "out of memory");
	json_object_foreach(h, sys, v)
	{
		struct res_hook *k = &a->hooks[a->nhooks];

		if (!json_is_string(v) || strlen(sys) >= sizeof(k->syscall))
			return ubad(l, "%s: bad hook for \"%.40s\"", where, sys);
		snprintf(k->syscall, sizeof(k->syscall), "%s", sys);
		snprintf(k->hook, sizeof(k->hook), "%s", json_string_value(v));
		a->nhooks++;
	}
	return 0;
}

static int load_arms(struct uld *l, json_t *units, struct res_units *u)
{
	json_t *arr, *o;
	void *p;

	if (uarray(l, units, "arms", &arr, &u->narms, &p, sizeof(*u->arms)))
		return -EINVAL;
	u->arms = p;
	for (int i = 0; i < u->narms; i++) {
		struct res_uarm *a = &u->arms[i];
		json_t *st;
		char w[32];

		snprintf(w, sizeof(w), "arms[%d]", i);
		o = json_array_get(arr, (size_t)i);
		if (!json_is_object(o))
			return ubad(l, "%s: must be an object", w);
		if (ustr(l, o, w, "name", a->name, sizeof(a->name), true) ||
		    ustr(l, o, w, "family", a->family, sizeof(a->family), false) ||
		    ustr(l, o, w, "pair", a->pair, sizeof(a->pair), false) ||
		    ustr(l, o, w, "reads", a->reads, sizeof(a->reads), false) ||
		    load_hooks(l, json_object_get(o, "hooks"), w, a))
			return -EINVAL;
		a->at_exit = ubool(o, "at_exit");
		a->perturbing = ubool(o, "perturbing");
		st = json_object_get(o, "style");
		if (st && (!json_is_integer(st) || json_integer_value(st) < 0 ||
			   json_integer_value(st) > 1000))
			return ubad(l, "%s: \"style\" must be an integer in [0, 1000]", w);
		a->style = st ? (int)json_integer_value(st) : i;
	}
	return 0;
}

static int load_rest(struct uld *l, json_t *units, struct res_units *u)
{
	json_t *arr, *o;
	void *p;
	char w[32];

	if (uarray(l, units, "syscalls", &arr, &u->nsys, &p, sizeof(*u->sys)))
		return -EINVAL;
	u->sys = p;
	for (int i = 0; i < u->nsys; i++) {
		struct res_usys *s = &u->sys[i];

		snprintf(w, sizeof(w), "syscalls[%d]", i);
		o = json_array_get(arr, (size_t)i);
		if (!json_is_object(o) || ustr(l, o, w, "name", s->name, sizeof(s->name), true) ||
		    ustr(l, o, w, "buffer", s->buffer, sizeof(s->buffer), false) ||
		    ustr(l, o, w, "kind", s->kind, sizeof(s->kind), false) ||
		    ustr(l, o, w, "help", s->help, sizeof(s->help), false))
			return json_is_object(o) ? -EINVAL : ubad(l, "%s: must be an object", w);
		s->forks = ubool(o, "forks");
		s->replaces_image = ubool(o, "replaces_image");
	}
	if (uarray(l, units, "states", &arr, &u->nstates, &p, sizeof(*u->states)))
		return -EINVAL;
	u->states = p;
	for (int i = 0; i < u->nstates; i++) {
		struct res_ustate *s = &u->states[i];

		snprintf(w, sizeof(w), "states[%d]", i);
		o = json_array_get(arr, (size_t)i);
		if (!json_is_object(o) || ustr(l, o, w, "name", s->name, sizeof(s->name), true) ||
		    ustr(l, o, w, "help", s->help, sizeof(s->help), false))
			return json_is_object(o) ? -EINVAL : ubad(l, "%s: must be an object", w);
		s->control = ubool(o, "control");
		s->absent = ubool(o, "absent");
		s->graded = ubool(o, "graded");
	}
	if (uarray(l, units, "sinks", &arr, &u->nsinks, &p, sizeof(*u->sinks)))
		return -EINVAL;
	u->sinks = p;
	for (int i = 0; i < u->nsinks; i++) {
		struct res_usink *s = &u->sinks[i];

		snprintf(w, sizeof(w), "sinks[%d]", i);
		o = json_array_get(arr, (size_t)i);
		if (!json_is_object(o) || ustr(l, o, w, "name", s->name, sizeof(s->name), true) ||
		    ustr(l, o, w, "help", s->help, sizeof(s->help), false))
			return json_is_object(o) ? -EINVAL : ubad(l, "%s: must be an object", w);
		s->touches_buffer = !json_is_false(json_object_get(o, "touches_buffer"));
	}
	return 0;
}

int res_units_load(struct res_run *r, json_t *units, char *err, size_t errlen)
{
	struct uld l = {err, errlen};
	struct res_units *u = &r->units;

	res_units_free(u);
	if (!json_is_object(units))
		return ubad(&l, "must be an object");
	if (load_arms(&l, units, u) || load_rest(&l, units, u)) {
		res_units_free(u);
		return -EINVAL;
	}
	u->present = true;
	return 0;
}

void res_units_free(struct res_units *u)
{
	for (int i = 0; i < u->narms; i++)
		free(u->arms[i].hooks);
	free(u->arms);
	free(u->sys);
	free(u->states);
	free(u->sinks);
	memset(u, 0, sizeof(*u));
}

#define FIND(arr, n, nm)                                                                           \
	do {                                                                                       \
		for (int i_ = 0; i_ < (n); i_++)                                                   \
			if (!strcmp((arr)[i_].name, (nm)))                                         \
				return &(arr)[i_];                                                 \
		return NULL;                                                                       \
	} while (0)

const struct res_uarm *res_unit_arm(const struct res_run *r, const char *name)
{
	FIND(r->units.arms, r->units.narms, name);
}

const struct res_usys *res_unit_sys(const struct res_run *r, const char *name)
{
	FIND(r->units.sys, r->units.nsys, name);
}

const struct res_ustate *res_unit_state(const struct res_run *r, const char *name)
{
	FIND(r->units.states, r->units.nstates, name);
}

const struct res_usink *res_unit_sink(const struct res_run *r, const char *name)
{
	FIND(r->units.sinks, r->units.nsinks, name);
}

const char *res_arm_hook(const struct res_run *r, const char *arm, const char *sys)
{
	const struct res_uarm *a = res_unit_arm(r, arm);

	for (int i = 0; a && i < a->nhooks; i++)
		if (!strcmp(a->hooks[i].syscall, sys))
			return a->hooks[i].hook;
	return NULL;
}

bool res_control_binds(const struct res_run *r, const struct res_cell *c, const char *arm)
{
	const struct res_uarm *a = res_unit_arm(r, arm);
	const struct res_usys *s = res_unit_sys(r, c->syscall);
	const struct res_arm *ca = res_find_arm(c, arm);

	/* a third-party tool's misses are what is measured about it, never a broken control */
	if (ca && ca->is_tool)
		return false;
	return !(a && s && a->at_exit && s->replaces_image);
}
