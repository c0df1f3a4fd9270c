// SPDX-License-Identifier: BSD-2-Clause
/*
 * The report's per-position table: for the cells whose arms recorded "positions" (execve and the
 * calls that share its argv, UNITS.md), each arm's failure rate at argv[1], argv[2], ..., envp[0],
 * ... and what a reader that stops at the first failed position loses. One small table; a run
 * without such cells gets nothing.
 */
#include <stdio.h>
#include <string.h>
#include "esc.h"
#include "html.h"

/* the arm of a measured cell with the most positions (the columns), or NULL */
static const struct res_arm *widest_pos_arm(const struct res_run *run)
{
	const struct res_arm *w = NULL;

	for (int i = 0; i < run->ncells; i++)
		for (int a = 0; res_cell_ok(&run->cells[i]) && a < run->cells[i].narms; a++)
			if (run->cells[i].arms[a].npos > (w ? w->npos : 0))
				w = &run->cells[i].arms[a];
	return w;
}

static void pos_header(struct sbuf *b, const struct res_arm *a)
{
	sb_printf(b, "<tr><th>syscall</th><th>state</th><th>size</th><th>arm</th>");
	for (int p = 0; p < a->npos; p++) {
		sb_printf(b, "<th>");
		esc_html(b, a->pos[p].name);
		sb_printf(b, "</th>");
	}
	sb_printf(b, "<th>stop-at-first loses</th></tr>\n");
}

static void pos_row(struct sbuf *b, const struct res_cell *c, const struct res_arm *a, int ncols)
{
	sb_printf(b, "<tr><td>");
	esc_html(b, c->syscall);
	sb_printf(b, "</td><td>");
	esc_html(b, c->state);
	sb_printf(b, "</td><td class=\"num\">%u</td><td>", c->size);
	esc_html(b, a->name);
	sb_printf(b, "</td>");
	for (int p = 0; p < ncols; p++) {
		const struct res_cond *r = p < a->npos ? &a->pos[p].c : NULL;
		char title[96];

		if (!r || !r->n) {
			sb_printf(b, "<td class=\"nm\">n/m</td>");
			continue;
		}
		snprintf(title, sizeof(title),
			 "%llu/%llu failed; page absent before the call in %llu",
			 (unsigned long long)r->fails, (unsigned long long)r->n,
			 (unsigned long long)a->pos[p].absent_before);
		rate_td(b, r->fail_rate, r->ci95[0], r->ci95[1], title, true);
	}
	if (a->lost.has && a->lost.n)
		rate_td(b, a->lost.fail_rate, a->lost.ci95[0], a->lost.ci95[1],
			"reads in which a readable position follows the first failed one", true);
	else
		sb_printf(b, "<td class=\"nm\">n/m</td>");
	sb_printf(b, "</tr>\n");
}

void html_positions(struct sbuf *b, const struct res_run *run)
{
	const struct res_arm *head = widest_pos_arm(run);

	if (!head)
		return;
	sb_printf(b,
		  "<h2 id=\"positions\">By argument position</h2>\n"
		  "<p>Each position of the call&rsquo;s argv and envp read on its own (none "
		  "skipped after a failed one): its failure rate and 95%% interval. argv[1] is "
		  "the page state&rsquo;s buffer; the later strings and the pointer arrays are on "
		  "a resident page. <i>Stop-at-first loses</i>: the reads in which a tool that "
		  "stops at the first unreadable argument would lose a readable later one.</p>\n");
	sb_printf(b, "<div class=\"scroll\"><table class=\"cells\">\n");
	pos_header(b, head);
	for (int i = 0; i < run->ncells; i++) {
		const struct res_cell *c = &run->cells[i];

		if (!res_cell_ok(c))
			continue;
		for (int a = 0; a < c->narms; a++)
			if (c->arms[a].npos)
				pos_row(b, c, &c->arms[a], head->npos);
	}
	sb_printf(b, "</table></div>\n");
}
