// SPDX-License-Identifier: BSD-2-Clause
/* The table bpfault run prints at the end: one row per cell x arm, unsupported arms, pairs. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "run.h"

static void fmt_rate(char *b, size_t l, const struct res_arm *a)
{
	if (a->n == 0)
		snprintf(b, l, "%7s  %-17s", "-", "");
	else
		snprintf(b, l, "%6.2f%%  [%6.2f, %6.2f]", 100 * a->fail_rate, 100 * a->ci95[0],
			 100 * a->ci95[1]);
}

/* the arm's failures among absent-page and present-page trials, and what it adds to the call */
static void fmt_truth(char *b, size_t l, const struct res_arm *a)
{
	char ab[24], pr[24];

	if (!a->absent.has || !a->present.has) {
		snprintf(b, l, "-");
		return;
	}
	snprintf(ab, sizeof(ab), "%llu/%llu", (unsigned long long)a->absent.fails,
		 (unsigned long long)a->absent.n);
	snprintf(pr, sizeof(pr), "%llu/%llu", (unsigned long long)a->present.fails,
		 (unsigned long long)a->present.n);
	if (isfinite(a->extra_call_ns) && a->extra_call_ns != 0)
		snprintf(b, l, "%11s %11s %+.0f", ab, pr, a->extra_call_ns);
	else
		snprintf(b, l, "%11s %11s", ab, pr);
}

void print_table(const struct res_run *r)
{
	char hdr[128];

	snprintf(hdr, sizeof(hdr), "%-11s %-13s %-6s %5s %7s %8s", "syscall", "state", "sink",
		 "size", "trials", "nonres%");
	printf("%-56s  %-16s %-26s %8s  %-23s %s\n", hdr, "arm", "fail%  [95% CI]", "cost ns",
	       "fails/n: absent present", "+call ns");
	for (int i = 0; i < r->ncells; i++) {
		const struct res_cell *c = &r->cells[i];
		char head[256];

		snprintf(head, sizeof(head), "%-11s %-13s %-6s %5u %7llu %7.1f%%", c->syscall,
			 c->state, c->sink, c->size, (unsigned long long)c->trials,
			 c->trials ? 100.0 * (double)c->nonresident_before / (double)c->trials
				   : 0.0);
		for (int j = 0; j < c->narms; j++) {
			char rate[64], cost[32], truth[64];

			fmt_rate(rate, sizeof(rate), &c->arms[j]);
			if (isfinite(c->arms[j].cost_ns))
				snprintf(cost, sizeof(cost), "%.0f", c->arms[j].cost_ns);
			else
				snprintf(cost, sizeof(cost), "-");
			fmt_truth(truth, sizeof(truth), &c->arms[j]);
			printf("%-56s  %-16s %-26s %8s  %s\n", j == 0 ? head : "", c->arms[j].name,
			       rate, cost, truth);
		}
		for (int j = 0; j < c->nunsup; j++)
			printf("%-56s  %-16s unsupported: %s\n",
			       c->narms == 0 && j == 0 ? head : "", c->unsup[j].name,
			       c->unsup[j].why);
		for (int j = 0; j < c->npairs; j++) {
			const struct res_pair *p = &c->pairs[j];

			printf("%-56s  paired %s/%s: %s-only %llu, %s-only %llu, both %llu, "
			       "neither %llu, McNemar p %.3g\n",
			       "", p->a, p->b, p->a, (unsigned long long)p->a_only, p->b,
			       (unsigned long long)p->b_only, (unsigned long long)p->both,
			       (unsigned long long)p->neither, p->p);
		}
		if (!res_cell_ok(c)) {
			char st[RES_WHY + 16];

			printf("%-56s  status: %s\n", "", res_status_str(c, st, sizeof(st)));
		}
	}
}
