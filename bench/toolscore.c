// SPDX-License-Identifier: BSD-2-Clause
/*
 * Scoring a tool's output against the trials. An event line's value is matched to a trial by the
 * nonce it carries ("bf-" and 16 hex digits); a value without one (empty, or cut before the
 * nonce's end, or starting with the string's fixed prefix but carrying a wrong nonce) is
 * attributed to the next trial of the event's pid that has no event yet, after the last trial
 * matched by nonce. Anything else is another program's event and is ignored. Per trial:
 *   ok         the whole expected string (followed by the end of the value or a space)
 *   truncated  a proper prefix of it, then the value ends
 *   garbled    attributable, but other bytes
 *   empty      attributable, and the value is empty
 *   missing    no event at all (dropped by the tool, or never emitted)
 * When a trial has several events (a tool that prints a call twice), the best one counts.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "tool.h"

#define PREFIX	   "/nonexistent/bf-"
#define PREFIX_LEN 16u
#define HEX_LEN	   16u

const char *const tool_outcome_names[TO__COUNT] = {"ok", "empty", "truncated", "garbled",
						   "missing"};

/* lower is better: ok, truncated, garbled, empty, missing */
static const int rank[TO__COUNT] = {0, 3, 1, 2, 4};

void tool_expect(char *out, uint32_t size, uint64_t nonce)
{
	for (uint32_t i = 0; i < size; i++)
		out[i] = (char)bpfault_str_byte(nonce, i);
	out[size] = '\0';
}

struct ev {
	long pid; /* -1: the event has none */
	char *v;  /* the value, trimmed; points into the line copy */
};

static char *trim(char *s, char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	*end = '\0';
	return s;
}

static long parse_pid(const char *s, size_t n)
{
	char buf[24], *end;
	long v;

	if (!n || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	v = strtol(buf, &end, 10);
	return *end || v < 0 ? -1 : v;
}

/* a JSON member by a dotted name */
static json_t *member(json_t *o, const char *name)
{
	char key[128], *save = NULL;

	snprintf(key, sizeof(key), "%s", name);
	for (char *k = strtok_r(key, ".", &save); k && o; k = strtok_r(NULL, ".", &save))
		o = json_is_object(o) ? json_object_get(o, k) : NULL;
	return o;
}

/* extract the event of one line (modified in place); false if it is not an event */
static bool extract(const struct tool_def *d, char *line, struct ev *e)
{
	regmatch_t m[10];
	json_t *j, *v, *p;

	e->pid = -1;
	if (d->has_event_re) {
		regoff_t so, eo;

		if (regexec(&d->event_re, line, 10, m, 0))
			return false;
		if (d->pid_group && m[d->pid_group].rm_so >= 0)
			e->pid = parse_pid(line + m[d->pid_group].rm_so,
					   (size_t)(m[d->pid_group].rm_eo - m[d->pid_group].rm_so));
		so = m[d->value_group].rm_so;
		eo = m[d->value_group].rm_eo;
		e->v = so < 0 ? trim(line, line) : trim(line + so, line + eo);
		return true;
	}
	j = json_loads(line, 0, NULL);
	v = j ? member(j, d->json_value) : NULL;
	if (!v || !json_is_string(v)) {
		json_decref(j);
		return false;
	}
	p = d->json_pid ? member(j, d->json_pid) : NULL;
	if (p && json_is_integer(p))
		e->pid = (long)json_integer_value(p);
	/* the value replaces the line (it is never longer than its JSON text) */
	memmove(line, json_string_value(v), strlen(json_string_value(v)) + 1);
	json_decref(j);
	e->v = trim(line, line + strlen(line));
	return true;
}

struct nkey {
	uint64_t nonce;
	size_t idx;
};

struct scorer {
	struct tool_trial *tr;
	size_t n;
	bool by_pid;	    /* events carry a pid */
	struct nkey *keys;  /* by nonce */
	size_t *order, *at; /* trial indices by (pid, index); at[i]: i's position in order */
	size_t *cursor;	    /* per group (indexed by its first position): last matched position */
	size_t *gstart;	    /* per position in order: its group's first position */
	char *expect;
};

static int cmp_key(const void *a, const void *b)
{
	const struct nkey *x = a, *y = b;

	return x->nonce < y->nonce ? -1 : x->nonce > y->nonce;
}

static const struct tool_trial *sort_trials;
static bool sort_by_pid;

static int cmp_order(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	if (sort_by_pid && sort_trials[x].pid != sort_trials[y].pid)
		return sort_trials[x].pid < sort_trials[y].pid ? -1 : 1;
	return x < y ? -1 : x > y;
}

static bool same_group(const struct scorer *s, size_t a, size_t b)
{
	return !s->by_pid || s->tr[a].pid == s->tr[b].pid;
}

/* the first position of the group of trial idx */
static size_t group_start(const struct scorer *s, size_t idx)
{
	return s->gstart[s->at[idx]];
}

static void set(struct scorer *s, size_t idx, enum tool_outcome o)
{
	size_t g = group_start(s, idx);

	if (rank[o] < rank[s->tr[idx].outcome])
		s->tr[idx].outcome = (uint8_t)o;
	if (s->cursor[g] == (size_t)-1 || s->at[idx] > s->cursor[g])
		s->cursor[g] = s->at[idx];
}

static bool is_hex(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

/* the 16 hex digits at p (after a "bf-") as a nonce; false if they are not there */
static bool hex_nonce(const char *p, uint64_t *nonce)
{
	if (strnlen(p, HEX_LEN) < HEX_LEN || !is_hex(p, HEX_LEN))
		return false;
	*nonce = 0;
	for (unsigned i = 0; i < HEX_LEN; i++)
		*nonce = *nonce << 4 | (uint64_t)(p[i] <= '9' ? p[i] - '0' : p[i] - 'a' + 10);
	return true;
}

/* the trial whose nonce the value carries, and where its string starts in v */
static bool find_nonce(const struct scorer *s, const char *v, size_t *idx, const char **start)
{
	for (const char *p = strstr(v, "bf-"); p; p = strstr(p + 1, "bf-")) {
		struct nkey k = {0}, *hit;

		if (!hex_nonce(p + 3, &k.nonce))
			continue;
		hit = bsearch(&k, s->keys, s->n, sizeof(k), cmp_key);
		if (hit) {
			*idx = hit->idx;
			*start = p + 3 - PREFIX_LEN >= v ? p + 3 - PREFIX_LEN : NULL;
			return true;
		}
	}
	return false;
}

static enum tool_outcome compare(const char *v, const char *expect, uint32_t size)
{
	uint32_t l = 0;

	while (l < size && v[l] == expect[l])
		l++;
	if (v[l] == '\0' || v[l] == ' ')
		return l == size ? TO_OK : TO_TRUNCATED;
	return TO_GARBLED;
}

/* what a value without a known nonce says, or TO_MISSING if it is not ours */
static enum tool_outcome unanchored(const char *v)
{
	size_t n = strlen(v);

	if (!n)
		return TO_EMPTY;
	if (n <= PREFIX_LEN)
		return strncmp(v, PREFIX, n) ? TO_MISSING : TO_TRUNCATED;
	if (strncmp(v, PREFIX, PREFIX_LEN))
		return TO_MISSING;
	return n < PREFIX_LEN + HEX_LEN && is_hex(v + PREFIX_LEN, n - PREFIX_LEN) ? TO_TRUNCATED
										  : TO_GARBLED;
}

/* the next trial of the event's group without an event, after the group's cursor */
static void attribute(struct scorer *s, const struct ev *e, enum tool_outcome o)
{
	size_t p = 0, g;

	if (s->by_pid) { /* the first position of the pid's group: order is sorted by pid */
		size_t lo = 0, hi = s->n;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (s->tr[s->order[mid]].pid < e->pid)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == s->n || s->tr[s->order[lo]].pid != e->pid)
			return;
		p = lo;
	}
	g = p;
	p = s->cursor[g] == (size_t)-1 ? g : s->cursor[g] + 1;
	for (; p < s->n && same_group(s, s->order[p], s->order[g]); p++)
		if (s->tr[s->order[p]].outcome == TO_MISSING) {
			set(s, s->order[p], o);
			return;
		}
}

/*
 * execve's later arguments (argv[2..], probe.h): each whole string "/nonexistent/bf-<its nonce>"
 * the value shows sets its position's bit in its trial's pos_seen, whatever became of argv[1]
 * (found by the trial's nonce, which the position's nonce is derived from)
 */
static void score_positions(struct scorer *s, const char *v)
{
	for (const char *p = strstr(v, "bf-"); p; p = strstr(p + 1, "bf-")) {
		uint64_t h;

		if ((size_t)(p - v) + 3 < PREFIX_LEN || !hex_nonce(p + 3, &h))
			continue;
		for (uint32_t pos = 1; pos < BPFAULT_NARGS; pos++) {
			/* the derivation is its own inverse: the trial's nonce from the position's
			 */
			struct nkey k = {bpfault_pos_nonce(h, pos), 0}, *hit;

			hit = bsearch(&k, s->keys, s->n, sizeof(k), cmp_key);
			if (!hit)
				continue;
			tool_expect(s->expect, BPFAULT_POS_SIZE, h);
			if (compare(p + 3 - PREFIX_LEN, s->expect, BPFAULT_POS_SIZE) == TO_OK)
				s->tr[hit->idx].pos_seen |= (uint8_t)(1u << pos);
		}
	}
}

static void score_event(struct scorer *s, const struct ev *e)
{
	const char *start;
	size_t idx;

	score_positions(s, e->v);
	if (find_nonce(s, e->v, &idx, &start)) {
		if (!start) {
			set(s, idx, TO_GARBLED);
			return;
		}
		if (s->tr[idx].size > BPFAULT_MAX_BUF) {
			set(s, idx, TO_GARBLED); /* cannot be: no string is longer */
			return;
		}
		tool_expect(s->expect, s->tr[idx].size, s->tr[idx].nonce);
		set(s, idx, compare(start, s->expect, s->tr[idx].size));
		return;
	}
	enum tool_outcome o = unanchored(e->v);

	if (o != TO_MISSING && (!s->by_pid || e->pid >= 0))
		attribute(s, e, o);
}

static int scorer_init(struct scorer *s, const struct tool_def *d, struct tool_trial *tr, size_t n)
{
	*s = (struct scorer){.tr = tr, .n = n, .by_pid = d->pid_group || d->json_pid};
	s->keys = calloc(n + 1, sizeof(*s->keys));
	s->order = calloc(n + 1, sizeof(size_t));
	s->at = calloc(n + 1, sizeof(size_t));
	s->cursor = malloc((n + 1) * sizeof(size_t));
	s->gstart = malloc((n + 1) * sizeof(size_t));
	s->expect = malloc(BPFAULT_MAX_BUF + 1);
	if (!s->keys || !s->order || !s->at || !s->cursor || !s->gstart || !s->expect)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		tr[i].outcome = TO_MISSING;
		tr[i].pos_seen = 0;
		s->keys[i] = (struct nkey){tr[i].nonce, i};
		s->order[i] = i;
		s->cursor[i] = (size_t)-1;
	}
	qsort(s->keys, n, sizeof(*s->keys), cmp_key);
	sort_trials = tr;
	sort_by_pid = s->by_pid;
	qsort(s->order, n, sizeof(size_t), cmp_order);
	for (size_t i = 0; i < n; i++) {
		s->at[s->order[i]] = i;
		s->gstart[i] =
			i && same_group(s, s->order[i - 1], s->order[i]) ? s->gstart[i - 1] : i;
	}
	return 0;
}

static void scorer_free(struct scorer *s)
{
	free(s->keys);
	free(s->order);
	free(s->at);
	free(s->cursor);
	free(s->gstart);
	free(s->expect);
}

/* for each line of text: events (if ev) and drop counts */
static int scan(struct scorer *sc, const struct tool_def *d, const char *text, bool ev,
		struct tool_score *s)
{
	char *copy = strdup(text ? text : ""), *save = NULL;
	regmatch_t m[10];

	if (!copy)
		return -ENOMEM;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct ev e;

		if (d->has_drops_re && !regexec(&d->drops_re, l, 10, m, 0) &&
		    m[d->drops_group].rm_so >= 0) {
			s->drops += strtoull(l + m[d->drops_group].rm_so, NULL, 10);
			continue;
		}
		if (ev && extract(d, l, &e)) {
			s->events++;
			score_event(sc, &e);
		}
	}
	free(copy);
	return 0;
}

int tool_score_text(const struct tool_def *d, const char *ev, const char *other,
		    struct tool_trial *trials, size_t n, struct tool_score *s)
{
	struct scorer sc;
	int err;

	memset(s, 0, sizeof(*s));
	err = scorer_init(&sc, d, trials, n);
	if (!err)
		err = scan(&sc, d, ev, true, s);
	if (!err)
		err = scan(&sc, d, other, false, s);
	scorer_free(&sc);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++)
		if (trials[i].counted)
			s->n[trials[i].outcome]++;
	return 0;
}

int tool_score(const struct tool_def *d, const struct tool_proc *t, struct tool_trial *trials,
	       size_t n, struct tool_score *s)
{
	int ev = d->stream == 2 ? 1 : 0;

	return tool_score_text(d, t->out[ev].s, t->out[1 - ev].s, trials, n, s);
}
