// SPDX-License-Identifier: BSD-2-Clause
/*
 * Tools as arms of a run (bpfault run --tool NAME_OR_FILE): each tool is one process for the
 * whole run, started after the cells are set up and before the first trial, drained and stopped
 * after the last. The engine reports every trial (its real nonce, the calling pid, the ground
 * truth, which of bpfault's arms failed); the trials of all cells go into one list per tool, in
 * the order they ran, because the scorer attributes events without a nonce by pid and order.
 * After the run each cell the tool serves gets the arm tool:<name> (only its main-group trials
 * count; the trials of perturbing arms only anchor the order) and a McNemar pair with bpfault's
 * own arm at the same read point. A tool that cannot start or dies makes its cells invalid with
 * the reason; the other cells go on.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "engine.h"
#include "tool.h"
#include "toolarm.h"

_Static_assert(ARM__COUNT + TOOL_MAX_ARMS <= RES_MAX_ARMS,
	       "results.h: RES_MAX_ARMS must hold the registry's arms and the tools'");

/* the arm name of a tool */
static void arm_name(const struct tool_def *d, char *buf, size_t len)
{
	snprintf(buf, len, "tool:%s", d->name);
}

int toolset_add(struct toolset *s, const char *arg, char *why, size_t len)
{
	struct tool_run *t;
	int err;

	if (s->n >= TOOL_MAX_ARMS) {
		snprintf(why, len, "at most %d --tool options", TOOL_MAX_ARMS);
		return -E2BIG;
	}
	t = &s->t[s->n];
	memset(t, 0, sizeof(*t));
	err = tool_def_load(arg, &t->def, why, len);
	if (err)
		return err == -ENOENT ? -ENOENT : -EINVAL; /* no such definition: bad usage */
	if (strlen(t->def.name) + sizeof("tool:") > RES_NAME) {
		snprintf(why, len, "%s: \"name\" '%s' is too long for an arm (at most %zu chars)",
			 t->def.file, t->def.name, RES_NAME - sizeof("tool:"));
		tool_def_free(&t->def);
		return -EINVAL;
	}
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->t[i].def.name, t->def.name)) {
			snprintf(why, len, "--tool %s given twice", t->def.name);
			tool_def_free(&t->def);
			return -EINVAL;
		}
	if (tool_def_installed(&t->def, why, len)) {
		tool_def_free(&t->def);
		return -ENOEXEC; /* the command layer: 77 */
	}
	s->n++;
	return 0;
}

static void add_unsup(struct res_cell *r, const char *name, const char *why)
{
	if (r->nunsup >= RES_MAX_ARMS)
		return;
	snprintf(r->unsup[r->nunsup].name, sizeof(r->unsup[0].name), "%s", name);
	snprintf(r->unsup[r->nunsup].why, sizeof(r->unsup[0].why), "%s", why);
	r->nunsup++;
}

static void record(struct tool_run *t, int cell, const struct trial_rec *tr)
{
	struct tool_trial *n;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 4096;

		n = realloc(t->tr, cap * sizeof(*n));
		if (!n) {
			snprintf(t->why, sizeof(t->why), "tool %s: out of memory for trial records",
				 t->def.name);
			t->dead = true;
			return;
		}
		t->tr = n;
		t->cap = cap;
	}
	t->tr[t->n++] =
		(struct tool_trial){.nonce = tr->nonce,
				    .t_ns = tr->t_ns,
				    .pid = tr->pid,
				    .absent = tr->absent,
				    .pos_absent = (uint8_t)(tr->absent | (tr->pos_absent & ~1u)),
				    .pos_known = tr->has_pos_truth,
				    .counted = tr->primary,
				    .cell = cell,
				    .size = tr->size,
				    .arm_fail = tr->fail};
}

/* after each trial of a cell that has tool arms: record it, read the tools' output */
static void on_trial(struct cellacc *c, const struct trial_rec *tr)
{
	struct tool_cellctx *x = c->on_trial_ctx;
	struct toolset *s = x->set;

	for (int i = 0; i < s->n; i++) {
		struct tool_run *t = &s->t[i];

		if (!(x->tools & (1u << i)))
			continue;
		if (!t->dead) {
			record(t, x->cell, tr);
			if (tool_pump(&t->proc, t->why, sizeof(t->why)))
				t->dead = true;
		}
		if (t->dead && !c->err[0])
			snprintf(c->err, sizeof(c->err), "%s", t->why);
	}
}

int toolset_cells(struct toolset *s, struct cellacc *cells, int ncells)
{
	s->ctx = calloc((size_t)ncells + 1, sizeof(*s->ctx));
	if (!s->ctx)
		return -ENOMEM;
	for (int i = 0; i < ncells; i++) {
		struct cellacc *c = &cells[i];
		char name[RES_NAME], why[160];

		s->ctx[i] = (struct tool_cellctx){.set = s, .cell = i};
		for (int k = 0; k < s->n; k++) {
			const struct tool_def *d = &s->t[k].def;

			arm_name(d, name, sizeof(name));
			if (!tool_serves(d, c->spec.sc->name)) {
				snprintf(why, sizeof(why), "the tool serves %s%s%s, not %s",
					 d->syscalls[0], d->nsyscalls > 1 ? " and " : "",
					 d->nsyscalls > 1 ? d->syscalls[1] : "", c->spec.sc->name);
				add_unsup(&c->res, name, why);
			} else if (c->spec.size < TOOL_MIN_SIZE) {
				snprintf(why, sizeof(why),
					 "a %u-byte string cannot carry the nonce (%u bytes at "
					 "least)",
					 c->spec.size, TOOL_MIN_SIZE);
				add_unsup(&c->res, name, why);
			} else {
				s->ctx[i].tools |= 1u << k;
			}
		}
		if (s->ctx[i].tools) {
			c->on_trial = on_trial;
			c->on_trial_ctx = &s->ctx[i];
		}
	}
	return 0;
}

void toolset_start(struct toolset *s, pid_t target)
{
	for (int i = 0; i < s->n; i++) {
		struct tool_run *t = &s->t[i];

		if (tool_start(&t->proc, &t->def, target, t->why, sizeof(t->why)))
			t->dead = true;
		else
			info("tool %s is ready (pid %d)", t->def.name, (int)t->proc.pid);
	}
}

/* bpfault's own arm at the tool's read point (exit or enter), if the cell has it */
static int partner(const struct tool_def *d, const struct cellacc *c)
{
	const struct arm_desc *a = d->reads == TR_EXIT	  ? find_arm("exit")
				   : d->reads == TR_ENTER ? find_arm("enter")
							  : NULL;

	return a && c->idx[a->id] >= 0 ? a->id : -1;
}

/* execve-like cells of a tool that prints every argument: the argv positions it printed whole
 * (envp is not scored: no shipped tool prints it) */
static void cell_positions(const struct tool_run *t, const struct cellacc *c, int ci,
			   struct res_arm *a)
{
	struct truth_pos p = {0};

	if (c->spec.sc->kind != KIND_ARGV || !t->def.all_args)
		return;
	for (size_t i = 0; i < t->n; i++) {
		const struct tool_trial *tr = &t->tr[i];

		if (tr->cell != ci || !tr->counted)
			continue;
		/* argv[1] by its outcome, the later arguments by the strings the tool printed */
		truth_pos(&p, (tr->outcome == TO_OK) | (tr->pos_seen & ~1u), false, tr->pos_absent,
			  tr->pos_known);
	}
	truth_pos_finish(&p, BPFAULT_NARGS, false, a);
}

/* the arm tool:<name> of cell ci from the scored trials */
static void cell_arm(const struct tool_run *t, struct cellacc *c, int ci)
{
	struct res_cell *r = &c->res;
	uint64_t n = 0, k[TO__COUNT] = {0}, abs_n = 0, abs_f = 0;
	int p = partner(&t->def, c);
	struct res_pair *pr = NULL;
	struct res_arm *a;

	if (r->narms >= RES_MAX_ARMS)
		return;
	a = &r->arms[r->narms++];
	memset(a, 0, sizeof(*a));
	arm_name(&t->def, a->name, sizeof(a->name));
	a->cost_ns = a->call_ns = a->extra_call_ns = a->delay_ns = NAN;
	a->cost_ci95[0] = a->cost_ci95[1] = NAN;
	if (p >= 0 && r->npairs < RES_MAX_PAIRS) {
		pr = &r->pairs[r->npairs++];
		memset(pr, 0, sizeof(*pr));
		snprintf(pr->a, sizeof(pr->a), "%s", arms[p].name);
		arm_name(&t->def, pr->b, sizeof(pr->b));
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct tool_trial *tr = &t->tr[i];
		bool fa, fb;

		if (tr->cell != ci || !tr->counted)
			continue;
		n++;
		k[tr->outcome]++;
		fb = tr->outcome != TO_OK;
		abs_n += tr->absent;
		abs_f += tr->absent && fb;
		if (!pr)
			continue;
		fa = tr->arm_fail & (1u << p);
		pr->both += fa && fb;
		pr->a_only += fa && !fb;
		pr->b_only += !fa && fb;
		pr->neither += !fa && !fb;
	}
	a->is_tool = true;
	a->n = n;
	a->ok = a->tool.ok = k[TO_OK];
	a->tool.empty = k[TO_EMPTY];
	a->tool.truncated = k[TO_TRUNCATED];
	a->tool.garbled = k[TO_GARBLED];
	a->tool.missing = k[TO_MISSING];
	a->absent = (struct res_cond){.has = true, .n = abs_n, .fails = abs_f};
	a->present = (struct res_cond){.has = true, .n = n - abs_n, .fails = n - k[TO_OK] - abs_f};
	res_cond_finish(&a->absent);
	res_cond_finish(&a->present);
	res_arm_finish(a);
	cell_positions(t, c, ci, a);
}

void toolset_finish(struct toolset *s, struct cellacc *cells, int ncells)
{
	for (int i = 0; i < s->n; i++) {
		struct tool_run *t = &s->t[i];

		if (!t->dead && tool_finish(&t->proc, t->why, sizeof(t->why)))
			t->dead = true;
		if (!t->dead && tool_score(&t->def, &t->proc, t->tr, t->n, &t->score)) {
			snprintf(t->why, sizeof(t->why), "tool %s: out of memory scoring",
				 t->def.name);
			t->dead = true;
		}
		for (int c = 0; c < ncells; c++) {
			if (!(s->ctx[c].tools & (1u << i)) || cells[c].unsup[0])
				continue; /* not served, or the cell could not run here */
			if (t->dead) {
				if (!cells[c].err[0])
					snprintf(cells[c].err, sizeof(cells[c].err), "%s", t->why);
				continue;
			}
			cell_arm(t, &cells[c], c);
		}
		tool_proc_free(&t->proc);
	}
}

json_t *toolset_units(const struct toolset *s, const struct cellacc *cells, int ncells)
{
	json_t *a = json_array();

	for (int i = 0; i < s->n; i++) {
		const struct tool_def *d = &s->t[i].def;
		json_t *hooks = json_object();
		struct sbuf cmd = {0};
		char name[RES_NAME];

		for (int k = 0; k < d->argc; k++)
			sb_printf(&cmd, "%s%s", k ? " " : "", d->argv[k]);
		for (int c = 0; c < ncells; c++)
			if (tool_serves(d, cells[c].spec.sc->name))
				json_object_set_new(hooks, cells[c].spec.sc->name,
						    json_string(cmd.s ? cmd.s : ""));
		sb_free(&cmd);
		arm_name(d, name, sizeof(name));
		json_array_append_new(a, json_pack("{ss ss sb sb so si ss so}", "name", name,
						   "family", "tool", "at_exit", d->reads == TR_EXIT,
						   "perturbing", false, "pair",
						   d->reads == TR_EXIT	  ? json_string("exit")
						   : d->reads == TR_ENTER ? json_string("enter")
									  : json_null(),
						   "style", (int)ARM__COUNT + i, "reads",
						   "the tool's own", "hooks", hooks));
	}
	return a;
}

json_t *toolset_meta(const struct toolset *s)
{
	json_t *a = json_array();

	for (int i = 0; i < s->n; i++) {
		const struct tool_run *t = &s->t[i];

		json_array_append_new(a, json_pack("{ss ss ss sI sI sI so}", "name", t->def.name,
						   "definition", t->def.file, "description",
						   t->def.description ? t->def.description : "",
						   "trials", (json_int_t)t->n, "events",
						   (json_int_t)t->score.events, "drops",
						   (json_int_t)t->score.drops, "error",
						   t->dead ? json_string(t->why) : json_null()));
	}
	return a;
}

void toolset_free(struct toolset *s)
{
	for (int i = 0; i < s->n; i++) {
		tool_proc_free(&s->t[i].proc);
		tool_def_free(&s->t[i].def);
		free(s->t[i].tr);
	}
	free(s->ctx);
	memset(s, 0, sizeof(*s));
}
