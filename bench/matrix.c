// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "common.h"
#include "matrix.h"
#include "options.h"

void mx_defaults(struct matrix *m)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "command-line");
	m->seed = 1;
	m->max_trials = 2000;
	m->min_trials = 100;
	m->precision = 0;
	m->block = 50;
}

/* split a comma list into at most max tokens, in place; -1: too many, -2: *dup named twice */
static int split(char *s, char **tok, int max, const char **dup)
{
	int n = 0;

	for (char *save = NULL, *t = strtok_r(s, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (n == max)
			return -1;
		for (int i = 0; i < n; i++)
			if (!strcmp(tok[i], t)) { /* one key per cell: gate/compare match by key */
				*dup = t;
				return -2;
			}
		tok[n++] = t;
	}
	return n;
}

static int fail(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

#define MAXTOK 32

struct parsed {
	const struct syscall_desc *sc[MAXTOK];
	const struct state_desc *st[MAXTOK];
	const struct sink_desc *sk[MAXTOK];
	uint32_t arm_mask;
	uint64_t size[MAXTOK], off[MAXTOK];
	int nsc, nst, nsk, nsize, noff;
};

static void names_of(char *buf, size_t len, const char *(*name)(size_t), size_t n)
{
	size_t o = 0;

	buf[0] = 0;
	for (size_t i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? "," : "", name(i));
}

static const char *sc_name(size_t i)
{
	return syscalls[i].name;
}
static const char *st_name(size_t i)
{
	return states[i]->name;
}
static const char *sk_name(size_t i)
{
	return sinks[i]->name;
}
static const char *arm_name(size_t i)
{
	return arms[i].name;
}

static int parse_lists(const struct mx_lists *l, struct parsed *p, char *err, size_t len)
{
	char buf[1024], known[512], *tok[MAXTOK];
	const char *dup = NULL;
	int n;

	memset(p, 0, sizeof(*p));
#define LIST(field, dflt, what)                                                                    \
	snprintf(buf, sizeof(buf), "%s", l->field ? l->field : dflt);                              \
	n = split(buf, tok, MAXTOK, &dup);                                                         \
	if (n == -2)                                                                               \
		return fail(err, len, "%s '%s' is listed twice", what, dup);                       \
	if (n <= 0)                                                                                \
		return fail(err, len, "empty or too long %s list", what);
	LIST(syscalls, "write", "syscall")
	for (int i = 0; i < n; i++) {
		p->sc[p->nsc] = find_syscall(tok[i]);
		if (!p->sc[p->nsc]) {
			names_of(known, sizeof(known), sc_name, nsyscalls);
			return fail(err, len, "unknown syscall '%s' (known: %s)", tok[i], known);
		}
		p->nsc++;
	}
	LIST(states, "resident,untouched,anon-pageout,file-pageout,file-dontneed", "state")
	for (int i = 0; i < n; i++) {
		p->st[p->nst] = find_state(tok[i]);
		if (!p->st[p->nst]) {
			names_of(known, sizeof(known), st_name, nstates);
			return fail(err, len, "unknown page state '%s' (known: %s)", tok[i], known);
		}
		p->nst++;
	}
	LIST(sinks, "file,null,pipe,none", "sink")
	for (int i = 0; i < n; i++) {
		p->sk[p->nsk] = find_sink(tok[i]);
		if (!p->sk[p->nsk]) {
			names_of(known, sizeof(known), sk_name, nsinks);
			return fail(err, len, "unknown sink '%s' (known: %s)", tok[i], known);
		}
		p->nsk++;
	}
	LIST(arms, "enter,exit", "arm")
	for (int i = 0; i < n; i++) {
		const struct arm_desc *a = find_arm(tok[i]);

		if (!a) {
			names_of(known, sizeof(known), arm_name, narms);
			return fail(err, len, "unknown arm '%s' (known: %s)", tok[i], known);
		}
		p->arm_mask |= 1u << a->id;
	}
	LIST(sizes, "64", "size")
	for (int i = 0; i < n; i++) {
		if (parse_u64(tok[i], 8, BPFAULT_MAX_BUF, &p->size[i]) || p->size[i] % 8)
			return fail(err, len, "bad size '%s' (a multiple of 8 from 8 to %u)",
				    tok[i], BPFAULT_MAX_BUF);
		p->nsize++;
	}
	LIST(offsets, "0", "offset")
	for (int i = 0; i < n; i++) {
		if (parse_u64(tok[i], 0, PAGE_SZ - 8, &p->off[i]) || p->off[i] % 8)
			return fail(err, len, "bad offset '%s' (a multiple of 8 from 0 to %u)",
				    tok[i], PAGE_SZ - 8);
		p->noff++;
	}
#undef LIST
	return 0;
}

static void drop(struct matrix *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void drop(struct matrix *m, const char *fmt, ...)
{
	va_list ap;

	if (m->ndropped >= MX_MAX_DROPPED) { /* the list is full: say so in its last line */
		snprintf(m->dropped[MX_MAX_DROPPED - 1], sizeof(m->dropped[0]),
			 "(more combinations dropped: only the first %d are listed)",
			 MX_MAX_DROPPED - 1);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(m->dropped[m->ndropped++], sizeof(m->dropped[0]), fmt, ap);
	va_end(ap);
}

/* one key per cell: gate and compare match cells by key */
static bool has_cell(const struct matrix *m, const struct syscall_desc *sc,
		     const struct state_desc *st, const struct sink_desc *sk, uint64_t size,
		     uint64_t off)
{
	for (int i = 0; i < m->ncells; i++)
		if (m->cells[i].sc == sc && m->cells[i].st == st && m->cells[i].sk == sk &&
		    m->cells[i].size == size && m->cells[i].offset == off)
			return true;
	return false;
}

int mx_add_lists(struct matrix *m, const struct mx_lists *l, char *err, size_t len)
{
	struct parsed p;

	if (parse_lists(l, &p, err, len))
		return -1;
	for (int a = 0; a < p.nsc; a++)
		for (int b = 0; b < p.nst; b++)
			for (int c = 0; c < p.nsk; c++)
				for (int d = 0; d < p.nsize; d++)
					for (int e = 0; e < p.noff; e++) {
						const char *why = p.sc[a]->impl->sink_ok(p.sk[c]);
						struct cellspec *cs;

						if (!why && p.sk[c]->fits)
							why = p.sk[c]->fits((uint32_t)p.size[d],
									    (uint32_t)p.off[e]);
						if (!why && p.st[b]->fits)
							why = p.st[b]->fits(
								(uint32_t)p.size[d],
								(uint32_t)p.off[e],
								kind_is_str(p.sc[a]->kind));

						if (why) {
							drop(m,
							     "%s/%s/%s size %llu offset %llu: %s",
							     p.sc[a]->name, p.st[b]->name,
							     p.sk[c]->name,
							     (unsigned long long)p.size[d],
							     (unsigned long long)p.off[e], why);
							continue;
						}
						if (p.size[d] + p.off[e] +
							    kind_is_str(p.sc[a]->kind) >
						    SLOT_PAGES * PAGE_SZ) {
							drop(m,
							     "%s/%s/%s size %llu at offset %llu: "
							     "crosses more than two pages",
							     p.sc[a]->name, p.st[b]->name,
							     p.sk[c]->name,
							     (unsigned long long)p.size[d],
							     (unsigned long long)p.off[e]);
							continue;
						}
						if (has_cell(m, p.sc[a], p.st[b], p.sk[c],
							     p.size[d], p.off[e]))
							return fail(
								err, len,
								"cell %s/%s/%s/%llu/%llu is listed "
								"twice",
								p.sc[a]->name, p.st[b]->name,
								p.sk[c]->name,
								(unsigned long long)p.size[d],
								(unsigned long long)p.off[e]);
						if (m->ncells >= MX_MAX_CELLS)
							return fail(err, len, "more than %d cells",
								    MX_MAX_CELLS);
						cs = &m->cells[m->ncells++];
						cs->sc = p.sc[a];
						cs->st = p.st[b];
						cs->sk = p.sk[c];
						cs->size = (uint32_t)p.size[d];
						cs->offset = (uint32_t)p.off[e];
						cs->arm_mask = p.arm_mask;
					}
	return 0;
}

/* a JSON list of strings (or numbers) as a comma list */
static int jlist(json_t *o, const char *key, char *buf, size_t len, const char **out, char *err,
		 size_t elen, const char *where)
{
	json_t *v = json_object_get(o, key), *e;
	size_t i, off = 0;

	*out = NULL;
	if (!v)
		return 0;
	if (!json_is_array(v) || json_array_size(v) == 0)
		return fail(err, elen, "%s: \"%s\" must be a non-empty array", where, key);
	buf[0] = 0;
	json_array_foreach(v, i, e)
	{
		int n;

		if (json_is_string(e) && !strchr(json_string_value(e), ','))
			n = snprintf(buf + off, len - off, "%s%s", i ? "," : "",
				     json_string_value(e));
		else if (json_is_integer(e) && json_integer_value(e) >= 0)
			n = snprintf(buf + off, len - off, "%s%lld", i ? "," : "",
				     (long long)json_integer_value(e));
		else
			return fail(err, elen, "%s: \"%s\"[%zu] must be a name or a number", where,
				    key, i);
		if (n < 0 || (size_t)n >= len - off)
			return fail(err, elen, "%s: \"%s\" too long", where, key);
		off += (size_t)n;
	}
	*out = buf;
	return 0;
}

static int known_keys(json_t *o, const char *const *keys, size_t nk, const char *where, char *err,
		      size_t len)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v)
	{
		size_t i;

		(void)v;
		for (i = 0; i < nk; i++)
			if (!strcmp(k, keys[i]))
				break;
		if (i == nk)
			return fail(err, len, "%s: unknown key \"%s\"", where, k);
	}
	return 0;
}

/* the keys of the option table (bench/options.c), bounds and all */
static int file_options(json_t *root, struct matrix *m, char *err, size_t len, const char *file)
{
	char e[160];

	for (size_t i = 0; i < mx_noptions; i++) {
		json_t *v = json_object_get(root, mx_options[i].key);

		if (v && mx_option_json(&mx_options[i], v, m, e, sizeof(e)))
			return fail(err, len, "%s: %s", file, e);
	}
	return 0;
}

static bool top_key(const char *k)
{
	static const char *const top[] = {"name", "description", "groups"};

	for (size_t i = 0; i < ARRAY_SIZE(top); i++)
		if (!strcmp(k, top[i]))
			return true;
	for (size_t i = 0; i < mx_noptions; i++)
		if (!strcmp(k, mx_options[i].key))
			return true;
	return false;
}

int mx_load_file(struct matrix *m, const char *path, char *err, size_t len)
{
	static const char *const grp[] = {"syscalls", "states", "sinks",
					  "arms",     "sizes",	"offsets"};
	json_error_t je;
	json_t *root, *groups, *g, *v;
	const char *k;
	size_t i;
	int rc = -1;

	root = json_load_input(path, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		if (je.line <= 0)
			return fail(err, len, "%s: cannot read: %s", path, je.text);
		return fail(err, len, "%s: line %d: %s", path, je.line, je.text);
	}
	if (!json_is_object(root)) {
		fail(err, len, "%s: top level must be an object", path);
		goto out;
	}
	json_object_foreach(root, k, v)
	{
		if (!top_key(k)) {
			fail(err, len, "%s: unknown key \"%s\"", path, k);
			goto out;
		}
	}
	v = json_object_get(root, "name");
	if (v && !json_is_string(v)) {
		fail(err, len, "%s: \"name\" must be a string", path);
		goto out;
	}
	if (v)
		snprintf(m->name, sizeof(m->name), "%s", json_string_value(v));
	if (file_options(root, m, err, len, path))
		goto out;
	groups = json_object_get(root, "groups");
	if (!json_is_array(groups) || json_array_size(groups) == 0) {
		fail(err, len, "%s: needs a non-empty \"groups\" array", path);
		goto out;
	}
	json_array_foreach(groups, i, g)
	{
		char where[PATH_MAX + 32], b[6][1024], e2[512];
		struct mx_lists l;

		snprintf(where, sizeof(where), "%s: groups[%zu]", path, i);
		if (!json_is_object(g)) {
			fail(err, len, "%s must be an object", where);
			goto out;
		}
		if (known_keys(g, grp, ARRAY_SIZE(grp), where, err, len) ||
		    jlist(g, "syscalls", b[0], sizeof(b[0]), &l.syscalls, err, len, where) ||
		    jlist(g, "states", b[1], sizeof(b[1]), &l.states, err, len, where) ||
		    jlist(g, "sinks", b[2], sizeof(b[2]), &l.sinks, err, len, where) ||
		    jlist(g, "arms", b[3], sizeof(b[3]), &l.arms, err, len, where) ||
		    jlist(g, "sizes", b[4], sizeof(b[4]), &l.sizes, err, len, where) ||
		    jlist(g, "offsets", b[5], sizeof(b[5]), &l.offsets, err, len, where))
			goto out;
		if (mx_add_lists(m, &l, e2, sizeof(e2))) {
			fail(err, len, "%s: %s", where, e2);
			goto out;
		}
	}
	if (m->min_trials > m->max_trials)
		m->min_trials = m->max_trials;
	rc = 0;
out:
	json_decref(root);
	return rc;
}

void mx_id(const struct matrix *m, char *buf, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;
	char key[256];

	for (int i = 0; i < m->ncells; i++) {
		const struct cellspec *c = &m->cells[i];

		snprintf(key, sizeof(key), "%s/%s/%s/%u/%u/%x;", c->sc->name, c->st->name,
			 c->sk->name, c->size, c->offset, c->arm_mask);
		for (char *p = key; *p; p++) {
			h ^= (uint8_t)*p;
			h *= 0x100000001b3ull;
		}
	}
	snprintf(buf, len, "%016llx", (unsigned long long)h);
}

/* the page state whose cells are the controls (the first the registry marks so) */
static const struct state_desc *control_state(void)
{
	for (size_t i = 0; i < nstates; i++)
		if (states[i]->control)
			return states[i];
	return NULL;
}

int mx_add_controls(struct matrix *m)
{
	int n = m->ncells, added = 0;

	if (!control_state())
		return 0;
	for (int i = 0; i < n; i++) {
		const struct cellspec *c = &m->cells[i];
		bool found = false;

		for (int j = 0; j < m->ncells && !found; j++)
			found = m->cells[j].sc == c->sc && m->cells[j].sk == c->sk &&
				m->cells[j].st->control;
		if (found || m->ncells >= MX_MAX_CELLS)
			continue;
		m->cells[m->ncells] = *c;
		m->cells[m->ncells].st = control_state();
		m->ncells++;
		added++;
	}
	return added;
}
