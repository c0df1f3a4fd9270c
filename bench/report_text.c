// SPDX-License-Identifier: BSD-2-Clause
/*
 * report.md and report.txt (report_text.h): the answer, the arms not run and what it means, in
 * Markdown and in plain text (lines within 100 columns), from the same data as report.html.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "report_text.h"

void text_rate(char *buf, size_t len, double worst, double lo, double hi, bool safe)
{
	char p[32], l[32], h[32];

	if (!isfinite(worst))
		snprintf(buf, len, "n/m");
	else if (worst == 0)
		snprintf(buf, len, "0%% (<=%s%%)%s", fmt_pct(h, sizeof(h), hi),
			 safe ? " safe" : "");
	else
		snprintf(buf, len, "%s%% [%s, %s]%s", fmt_pct(p, sizeof(p), worst),
			 fmt_pct(l, sizeof(l), lo), fmt_pct(h, sizeof(h), hi), safe ? " safe" : "");
}

static void title(struct sbuf *b, enum view_form f, const struct res_run *run)
{
	json_t *host = json_object_get(run->meta, "hostname");
	struct sbuf t = {0};

	sb_printf(&t, "bpfault report: %s", run->kernel[0] ? run->kernel : "unknown kernel");
	if (json_is_string(host))
		sb_printf(&t, " on %s", json_string_value(host));
	if (f == VIEW_MD) {
		sb_printf(b, "# ");
		view_esc(b, f, t.s ? t.s : "");
		sb_printf(b, "\n\n");
	} else {
		view_heading(b, f, 2, NULL, t.s ? t.s : "");
	}
	sb_free(&t);
}

static void status(struct sbuf *b, enum view_form f, const struct res_run *run)
{
	struct sbuf p = {0};
	int ninv = 0;

	for (int i = 0; i < run->ncells; i++)
		ninv += run->cells[i].status == RS_INVALID;
	if (!run->complete)
		view_strong(&p, f, NULL,
			    "INCOMPLETE run: it was interrupted or failed before "
			    "the end; treat the numbers as partial.");
	else if (ninv)
		sb_printf(&p, "Complete run with %d invalid cell%s.", ninv, ninv == 1 ? "" : "s");
	else
		sb_printf(&p, "Complete run: every planned cell finished.");
	sb_printf(&p, " Kernel %s, %s.", run->kernel, run->accel[0] ? run->accel : "native");
	if (!run->cost_comparable)
		sb_printf(&p, " Costs: %s (measured on an emulated CPU), so none are shown.",
			  res_cost_na(run));
	view_para(b, f, &p);
	sb_free(&p);
}

static void use_of(struct sbuf *b, enum view_form f, const struct res_index *x,
		   const struct an_row *row)
{
	char c[32];

	if (row->cheapest < 0) {
		sb_printf(b, "%s", row->nsafe ? "a safe one (no cost measured)" : "none safe");
		return;
	}
	view_esc(b, f, x->arms[row->cheapest]);
	if (x->run->cost_comparable)
		sb_printf(b, " (%s)", fmt_ns(c, sizeof(c), row->arms[row->cheapest].cost_ns));
	else
		sb_printf(b, " (cost %s)", res_cost_na(x->run));
}

static void answer_md(struct sbuf *b, const struct res_index *x, const struct an_summary *s)
{
	char r[96];

	sb_printf(b, "| syscall | sink | use | safe |");
	for (int a = 0; a < x->narms; a++) {
		sb_printf(b, " ");
		esc_md(b, x->arms[a]);
		sb_printf(b, " |");
	}
	sb_printf(b, "\n|---|---|---|---:|");
	for (int a = 0; a < x->narms; a++)
		sb_printf(b, "---:|");
	sb_printf(b, "\n");
	for (size_t i = 0; i < s->n; i++) {
		const struct an_row *row = &s->rows[i];
		int nseen = 0;

		for (int a = 0; a < x->narms; a++)
			nseen += row->arms[a].seen > 0;
		sb_printf(b, "| ");
		esc_md(b, x->sys[row->sys]);
		sb_printf(b, " | ");
		esc_md(b, x->sinks[row->sink]);
		sb_printf(b, " | ");
		use_of(b, VIEW_MD, x, row);
		sb_printf(b, " | %d of %d |", row->nsafe, nseen);
		for (int a = 0; a < x->narms; a++) {
			const struct an_arm *m = &row->arms[a];

			text_rate(r, sizeof(r), m->seen ? m->worst : NAN, m->lo, m->hi, m->safe);
			sb_printf(b, " %s |", r);
		}
		sb_printf(b, "\n");
	}
	sb_printf(b, "\n");
}

static void answer_text(struct sbuf *b, const struct res_index *x, const struct an_summary *s)
{
	struct sbuf it = {0};
	char r[96];

	for (size_t i = 0; i < s->n; i++) {
		const struct an_row *row = &s->rows[i];

		sb_free(&it);
		view_esc(&it, VIEW_TEXT, x->sys[row->sys]);
		sb_printf(&it, ", sink ");
		view_esc(&it, VIEW_TEXT, x->sinks[row->sink]);
		sb_printf(&it, row->cheapest >= 0 ? ": use " : ": ");
		use_of(&it, VIEW_TEXT, x, row);
		sb_printf(&it, "; %d safe; worst:", row->nsafe);
		for (int a = 0; a < x->narms; a++) {
			const struct an_arm *m = &row->arms[a];

			if (!m->seen)
				continue;
			text_rate(r, sizeof(r), m->worst, m->lo, m->hi, m->safe);
			sb_printf(&it, " %s %s,", x->arms[a], r);
		}
		if (it.s && it.len && it.s[it.len - 1] == ',')
			it.s[--it.len] = 0;
		view_item(b, VIEW_TEXT, 0, false, &it);
	}
	if (b->err == 0 && it.err)
		b->err = it.err;
	sb_free(&it);
	sb_printf(b, "\n");
}

void text_unsup(struct sbuf *b, enum view_form f, const struct res_index *x)
{
	struct sbuf it = {0};

	if (!x->nunsup)
		return;
	sb_printf(&it, "Arms not run, with the reason:");
	view_para(b, f, &it);
	for (int i = 0; i < x->nunsup; i++) {
		sb_free(&it);
		view_strong(&it, f, NULL, x->unsup[i].arm);
		sb_printf(&it, ": ");
		view_esc(&it, f, x->unsup[i].why);
		sb_printf(&it, " (%d cell%s)", x->unsup[i].ncells,
			  x->unsup[i].ncells == 1 ? "" : "s");
		view_item(b, f, 0, false, &it);
	}
	sb_printf(b, "\n");
	sb_free(&it);
}

void text_report(struct sbuf *b, enum view_form f, const struct res_index *x,
		 const struct an_summary *s, const struct an_notes *n)
{
	struct sbuf p = {0};

	title(b, f, x->run);
	status(b, f, x->run);
	view_heading(b, f, 2, NULL, "The answer: which arm to use");
	sb_printf(&p, "Per syscall and sink: the cheapest safe arm (upper 95%% bound below 1%% in "
		      "every page state that is not a control), how many arms are safe, and each "
		      "arm's worst failure rate over those states with its 95%% interval. n/m: not "
		      "measured.");
	view_para(b, f, &p);
	sb_free(&p);
	if (!s->n) {
		sb_printf(&p, "No cell outside the control states was measured.");
		view_para(b, f, &p);
		sb_free(&p);
	} else if (f == VIEW_MD) {
		answer_md(b, x, s);
	} else {
		answer_text(b, x, s);
	}
	text_unsup(b, f, x);
	view_notes(b, f, x, n);
}
