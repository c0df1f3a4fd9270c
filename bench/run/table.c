// SPDX-License-Identifier: BSD-2-Clause
/*
 * The table bpfault run prints at the end: one row per cell x arm, then the pairs and the status
 * of a cell, indented under it; the arms this kernel cannot run are said once, in a footer. Every
 * line fits RUN_WIDTH columns: long text is wrapped with an indent.
 */
#include <math.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "common.h"
#include "run.h"

void print_wrapped(FILE *f, const char *prefix, int indent, const char *text)
{
	int col = fprintf(f, "%s", prefix);
	bool words = false; /* the line has a word of text already */

	text += strspn(text, " ");
	while (*text) {
		int w = (int)strcspn(text, " ");

		if (words && col + 1 + w > RUN_WIDTH) {
			fprintf(f, "\n%*s", indent, "");
			col = indent, words = false;
		}
		if (words)
			col += fprintf(f, " ");
		while (w > RUN_WIDTH - col) { /* a word longer than a line: cut it */
			int cut = RUN_WIDTH - col > 1 ? RUN_WIDTH - col : 1;

			fprintf(f, "%.*s\n%*s", cut, text, indent, "");
			text += cut, w -= cut, col = indent;
		}
		col += fprintf(f, "%.*s", w, text);
		words = true;
		text += w;
		text += strspn(text, " ");
	}
	fputc('\n', f);
}

void wrap_info(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (g_quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	print_wrapped(stderr, "", 4, buf);
}

static void fmt_rate(char *b, size_t l, const struct res_arm *a)
{
	if (a->n == 0)
		snprintf(b, l, "%7s", "-");
	else
		snprintf(b, l, "%6.2f%% [%.2f,%.2f]", 100 * a->fail_rate, 100 * a->ci95[0],
			 100 * a->ci95[1]);
}

/* a median cost in 5 columns: ns, or thousands of ns ("114k") */
static void fmt_cost(char *b, size_t l, double ns)
{
	if (!isfinite(ns))
		snprintf(b, l, "-");
	else if (ns < 99999.5)
		snprintf(b, l, "%.0f", ns);
	else
		snprintf(b, l, "%.0fk", ns / 1000);
}

/* the arm's failures by the trial's ground truth, where they say more than the totals (some
 * trials absent, some present) or the strategy slows the call by 5 us or more; 0 if nothing */
static int fmt_truth(char *b, size_t l, const struct res_arm *a)
{
	int n = 0;

	b[0] = 0;
	if (a->absent.has && a->present.has && a->absent.n && a->present.n)
		n = snprintf(b, l, "by truth: absent %llu/%llu failed, present %llu/%llu failed",
			     (unsigned long long)a->absent.fails, (unsigned long long)a->absent.n,
			     (unsigned long long)a->present.fails,
			     (unsigned long long)a->present.n);
	/* sendmsg: which level's read failed (msghdr, its iovec array, the data) */
	if (a->has_levels && a->fault && n >= 0 && (size_t)n < l)
		n += snprintf(
			b + n, l - (size_t)n, "%sfailed at: msghdr %llu, iovec %llu, data %llu",
			n ? "; " : "", (unsigned long long)a->levels.msghdr,
			(unsigned long long)a->levels.iovec, (unsigned long long)a->levels.data);
	/* what a strategy costs the workload, where it is more than noise */
	if (isfinite(a->extra_call_ns) && fabs(a->extra_call_ns) >= 5000 && n >= 0 && (size_t)n < l)
		n += snprintf(b + n, l - (size_t)n, "%sthe call took %+.1f us more", n ? "; " : "",
			      a->extra_call_ns / 1000);
	return n;
}

/* execve-like cells: the arm's failure rate at each argument position, and what a reader that
 * stops at the first failed position loses; 0 if the arm has no positions */
static int fmt_positions(char *b, size_t l, const struct res_arm *a)
{
	int n = snprintf(b, l, "fail%% by position:");

	for (int i = 0; i < a->npos && n >= 0 && (size_t)n < l; i++)
		n += snprintf(b + n, l - (size_t)n, " %s %.3g", a->pos[i].name,
			      a->pos[i].c.n ? 100 * a->pos[i].c.fail_rate : 0.0);
	if (a->lost.has && a->lost.n && n >= 0 && (size_t)n < l)
		n += snprintf(b + n, l - (size_t)n, "; stop-at-first loses %.3g",
			      100 * a->lost.fail_rate);
	return a->npos ? n : 0;
}

/* the row's head: 54 columns; the arm (16), the rate (22) and the cost (5) bring a row to 100 */
#define HEAD_FMT "%-11s %-13s %-6s %5s %7s %7s"
#define ROW_FMT	 "%-54s %-16s %-22s %5s\n"

static void print_cell(const struct res_cell *c, bool costs)
{
	char head[160], line[512];

	snprintf(head, sizeof(head), "%-11.11s %-13.13s %-6.6s %5u %7llu %6.1f%%", c->syscall,
		 c->state, c->sink, c->size, (unsigned long long)c->trials,
		 c->trials ? 100.0 * (double)c->nonresident_before / (double)c->trials : 0.0);
	for (int j = 0; j < c->narms; j++) {
		char rate[64], cost[32], truth[160];

		fmt_rate(rate, sizeof(rate), &c->arms[j]);
		fmt_cost(cost, sizeof(cost), costs ? c->arms[j].cost_ns : NAN);
		printf(ROW_FMT, j == 0 ? head : "", c->arms[j].name, rate, cost);
		if (fmt_truth(truth, sizeof(truth), &c->arms[j]) > 0)
			print_wrapped(stdout, "      ", 8, truth);
		if (fmt_positions(line, sizeof(line), &c->arms[j]) > 0)
			print_wrapped(stdout, "      ", 8, line);
	}
	if (c->narms == 0)
		printf("%s\n", head);
	for (int j = 0; j < c->npairs; j++) {
		const struct res_pair *p = &c->pairs[j];

		snprintf(line, sizeof(line),
			 "paired %s/%s: %s-only %llu, %s-only %llu, both %llu, neither %llu, "
			 "McNemar p %.3g",
			 p->a, p->b, p->a, (unsigned long long)p->a_only, p->b,
			 (unsigned long long)p->b_only, (unsigned long long)p->both,
			 (unsigned long long)p->neither, p->p);
		print_wrapped(stdout, "    ", 6, line);
	}
	if (!res_cell_ok(c)) {
		char st[RES_WHY + 16];

		snprintf(line, sizeof(line), "status: %s", res_status_str(c, st, sizeof(st)));
		print_wrapped(stdout, "    ", 6, line);
	}
}

/* the distinct reasons of the unsupported arms: the arms that had each, in how many cells */
struct unsup_seen {
	const char *why;
	char arms[128]; /* "fentry, kprobe" */
	int ncells, last;
};

static bool has_name(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; (p = strstr(p, name)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ',' || p[n] == 0))
			return true;
	return false;
}

static void add_unsup(struct unsup_seen *u, int cell, const char *name)
{
	size_t len = strlen(u->arms);

	if (!has_name(u->arms, name))
		snprintf(u->arms + len, sizeof(u->arms) - len, "%s%s", len ? ", " : "", name);
	if (u->last != cell)
		u->ncells++, u->last = cell;
}

static int collect_unsup(const struct res_run *r, struct unsup_seen *u, int max)
{
	int n = 0;

	for (int i = 0; i < r->ncells; i++)
		for (int j = 0; j < r->cells[i].nunsup; j++) {
			const char *why = r->cells[i].unsup[j].why;
			int k = 0;

			while (k < n && strcmp(u[k].why, why))
				k++;
			if (k == n && n == max)
				continue;
			if (k == n)
				u[n++] = (struct unsup_seen){.why = why, .last = -1};
			add_unsup(&u[k], i, r->cells[i].unsup[j].name);
		}
	return n;
}

void print_table(const struct res_run *r)
{
	struct unsup_seen u[64];
	int nu = collect_unsup(r, u, (int)ARRAY_SIZE(u));
	char hdr[128], line[512];
	/* costs measured under emulation (meta.cost_comparable false) are not shown */
	bool costs = !json_is_false(json_object_get(r->meta, "cost_comparable"));

	snprintf(hdr, sizeof(hdr), HEAD_FMT, "syscall", "state", "sink", "size", "trials",
		 "nonres%");
	printf(ROW_FMT, hdr, "arm", "fail%   [95% CI]", "ns");
	for (int i = 0; i < r->ncells; i++)
		print_cell(&r->cells[i], costs);
	if (!costs)
		printf("ns: not comparable (tcg): measured on an emulated CPU, so not shown\n");
	if (nu)
		printf("unsupported here (arms asked for but not run; not in the table):\n");
	for (int k = 0; k < nu; k++) {
		snprintf(line, sizeof(line), "%s (%d cell%s): %s", u[k].arms, u[k].ncells,
			 u[k].ncells == 1 ? "" : "s", u[k].why);
		print_wrapped(stdout, "  ", 4, line);
	}
}
