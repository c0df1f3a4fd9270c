// SPDX-License-Identifier: BSD-2-Clause
/*
 * report.html (html.h): the answer first (table and figure), then what it means, the run, every
 * cell, the cells that did not run, and the plots inlined as SVG.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "esc.h"
#include "html.h"

static const char css[] =
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;"
	"max-width:1500px;padding:0 20px 40px;color:#111;background:#fff}"
	"h1{font-size:24px;margin:20px 0 8px}h2{font-size:19px;margin:30px 0 8px;"
	"border-bottom:2px solid #333}h3{font-size:16px;margin:18px 0 6px}"
	".banner{padding:8px 14px;font-weight:bold;border:3px solid;margin:10px 0}"
	".incomplete{background:#fde0dc;border-color:#b00020;color:#6d0015}"
	".complete{background:#e6f2e6;border-color:#2e6b2e;color:#1b451b}"
	"table{border-collapse:collapse;margin:6px 0;font-size:13px}"
	"th,td{border:1px solid #999;padding:2px 6px;text-align:left;vertical-align:top}"
	"th{background:#e8e8e8}td.num{text-align:right;font-variant-numeric:tabular-nums;"
	"white-space:nowrap}table.meta th{width:170px}"
	".r0{background:#fff}.r1{background:#f0f0f0}.r2{background:#d0d0d0}"
	".r3{background:#a8a8a8;font-weight:bold}.nm{color:#777;font-style:italic}"
	".ci{color:#333;font-size:11px;white-space:nowrap}"
	"ul.notes li{margin:4px 0}.warn{color:#8a0000;font-weight:bold}"
	".safe{font-weight:bold}.unusable{font-weight:bold;text-decoration:underline}"
	"td.use{font-weight:bold;white-space:nowrap}td.none{color:#8a0000;font-weight:bold}"
	"table.answer td{white-space:nowrap;padding:1px 5px}td.ok{font-weight:bold;color:#1b451b}"
	"figure{margin:16px 0;border:1px solid #ccc;padding:8px}figure img{max-width:100%;"
	"height:auto;display:block}figcaption{font-size:13px;color:#333;margin-top:4px}"
	"div.scroll{overflow-x:auto}code{font-family:ui-monospace,monospace;font-size:13px}"
	"ul.dropped{margin:2px 0;padding-left:18px}"
	"div.pair{border-left:4px solid #999;padding-left:8px;margin:16px 0}"
	"div.pair figure{margin:6px 0}"
	".us{background:repeating-linear-gradient(45deg,#dbe6f3 0 4px,#fff 4px 8px);color:#1d3f66}"
	".legend span{display:inline-block;padding:1px 8px;border:1px solid #999;margin-right:4px}";

static int rate_class(double rate, double hi)
{
	if (hi < 0.01 || rate < 0.01)
		return 0;
	if (rate < 0.5)
		return 1;
	return rate < 0.95 ? 2 : 3;
}

/* "12.3%" and its interval on one line */
void rate_td(struct sbuf *b, double rate, double lo, double hi, const char *title, bool close)
{
	char p[32], l[32], h[32];

	sb_printf(b, "<td class=\"num r%d\"", rate_class(rate, hi));
	if (title) {
		sb_printf(b, " title=\"");
		esc_html(b, title);
		sb_printf(b, "\"");
	}
	sb_printf(b, ">%s%% <span class=\"ci\">[%s, %s]</span>%s", fmt_pct(p, sizeof(p), rate),
		  fmt_pct(l, sizeof(l), lo), fmt_pct(h, sizeof(h), hi), close ? "</td>" : "");
}

/* an arm's worst rate, compact: "100.0% [99.0, 100.0]", "0% ≤0.95 ✓" */
static void answer_td(struct sbuf *b, const struct res_index *x, const struct an_arm *m)
{
	char p[32], l[32], h[32], title[4 * RES_NAME + 64];

	if (!m->seen) {
		sb_printf(b, "<td class=\"nm\">n/m</td>");
		return;
	}
	res_cell_key(&x->run->cells[m->worst_cell], title, sizeof(title));
	strncat(title, m->absent_based ? " (absent-page trials)" : "",
		sizeof(title) - strlen(title) - 1);
	sb_printf(b, "<td class=\"num r%d%s\" title=\"", rate_class(m->worst, m->hi),
		  m->safe ? " ok" : "");
	esc_html(b, title);
	if (m->worst == 0)
		sb_printf(b, "\">0%% <span class=\"ci\">&le;%s</span>",
			  fmt_pct(h, sizeof(h), m->hi));
	else
		sb_printf(b, "\">%s%% <span class=\"ci\">[%s, %s]</span>",
			  fmt_pct(p, sizeof(p), m->worst), fmt_pct(l, sizeof(l), m->lo),
			  fmt_pct(h, sizeof(h), m->hi));
	sb_printf(b, "%s</td>", m->safe ? " &#10003;" : "");
}

static void answer_row(struct sbuf *b, const struct html_in *in, const struct an_row *row)
{
	const struct res_index *x = in->x;
	int nseen = 0;
	char c[32];

	for (int a = 0; a < x->narms; a++)
		nseen += row->arms[a].seen > 0;
	sb_printf(b, "<tr><td>");
	esc_html(b, x->sys[row->sys]);
	sb_printf(b, "</td><td>");
	esc_html(b, x->sinks[row->sink]);
	if (row->cheapest >= 0) {
		sb_printf(b, "</td><td class=\"use\">");
		esc_html(b, x->arms[row->cheapest]);
		if (x->run->cost_comparable)
			sb_printf(b, " (%s)",
				  fmt_ns(c, sizeof(c), row->arms[row->cheapest].cost_ns));
		else
			sb_printf(b, " (cost %s)", res_cost_na(x->run));
	} else {
		sb_printf(b, "</td><td class=\"%s\">%s", row->nsafe ? "use" : "none",
			  row->nsafe ? "a safe one (no cost measured)" : "none safe");
	}
	sb_printf(b, "</td><td class=\"num\">%d of %d</td>", row->nsafe, nseen);
	for (int a = 0; a < x->narms; a++)
		answer_td(b, x, &row->arms[a]);
	sb_printf(b, "</tr>\n");
}

static void answer_unsup(struct sbuf *b, const struct res_index *x)
{
	if (!x->nunsup)
		return;
	sb_printf(b, "<p>Arms not run, with the reason:</p><ul class=\"dropped\">");
	for (int i = 0; i < x->nunsup; i++) {
		sb_printf(b, "<li><b>");
		esc_html(b, x->unsup[i].arm);
		sb_printf(b, "</b>: ");
		esc_html(b, x->unsup[i].why);
		sb_printf(b, " (%d cell%s)</li>", x->unsup[i].ncells,
			  x->unsup[i].ncells == 1 ? "" : "s");
	}
	sb_printf(b, "</ul>\n");
}

static const struct plot *find_plot(const struct plotter *p, enum plot_kind kind, int sys, int sink)
{
	for (int i = 0; p && i < p->nlist; i++)
		if (p->list[i].kind == kind && p->list[i].sys == sys && p->list[i].sink == sink)
			return &p->list[i];
	return NULL;
}

static void figure(struct sbuf *b, const struct plotter *p, const struct plot *pl);

void html_figure(struct sbuf *b, const struct plotter *p, const struct plot *pl)
{
	figure(b, p, pl);
}

void html_answer(struct sbuf *b, const struct html_in *in)
{
	const struct res_index *x = in->x;

	sb_printf(b, "<h2 id=\"answer\">The answer: which arm to use</h2>\n");
	if (!in->sum->n) {
		sb_printf(b, "<p>No cell outside the control states was measured.</p>\n");
		answer_unsup(b, x);
		return;
	}
	sb_printf(b, "<p>Per syscall and sink: the cheapest <b>safe</b> arm (upper 95%% bound "
		     "below 1%% in every page state that is not a control) with its cost per "
		     "event, how many arms are safe (&#10003;), and each arm&rsquo;s <b>worst</b> "
		     "failure rate over "
		     "those states with its 95%% interval (hover: the cell). n/m: not "
		     "measured.</p>\n<div class=\"scroll\"><table class=\"answer\">\n<tr><th>"
		     "syscall</th><th>sink</th><th>use</th><th>safe</th>");
	for (int a = 0; a < x->narms; a++) {
		sb_printf(b, "<th>");
		esc_html(b, x->arms[a]);
		sb_printf(b, "</th>");
	}
	sb_printf(b, "</tr>\n");
	for (size_t r = 0; r < in->sum->n; r++)
		answer_row(b, in, &in->sum->rows[r]);
	sb_printf(b, "</table></div>\n");
	answer_unsup(b, x);
	figure(b, in->plots, find_plot(in->plots, PK_SUMMARY, -1, -1));
}

/* ---- every cell ---- */

#define CELL_TH                                                                                    \
	"<tr><th>syscall</th><th>state</th><th>sink</th><th>size</th><th>offset</th>"              \
	"<th>trials</th><th>non-resident before</th>"

static void cell_tds(struct sbuf *b, const struct res_cell *c)
{
	sb_printf(b, "<tr><td>");
	esc_html(b, c->syscall);
	sb_printf(b, "</td><td>");
	esc_html(b, c->state);
	sb_printf(b, "</td><td>");
	esc_html(b, c->sink);
	sb_printf(b,
		  "</td><td class=\"num\">%u</td><td class=\"num\">%u</td>"
		  "<td class=\"num\">%llu</td>",
		  c->size, c->offset, (unsigned long long)c->trials);
}

/* an arm's cell: rate, failures/reads, cost, and what the run has beyond that */
static void arm_td(struct sbuf *b, const struct res_run *run, const struct res_arm *a)
{
	char p[32], c[32];

	rate_td(b, a->fail_rate, a->ci95[0], a->ci95[1], NULL, false);
	if (a->fails == 0 && isfinite(a->upper95))
		sb_printf(b, "<br><span class=\"ci\">&le;%s%% one-sided</span>",
			  fmt_pct(p, sizeof(p), a->upper95));
	sb_printf(b, "<br>%llu/%llu", (unsigned long long)a->fails, (unsigned long long)a->n);
	if (isfinite(a->cost_ns) && run->cost_comparable)
		sb_printf(b, " &middot; %s", fmt_ns(c, sizeof(c), a->cost_ns));
	else if (isfinite(a->cost_ns))
		sb_printf(b, " &middot; cost %s", res_cost_na(run));
	if (a->absent.has || a->present.has)
		sb_printf(b, "<br><span class=\"ci\">absent %llu/%llu, present %llu/%llu</span>",
			  (unsigned long long)a->absent.fails, (unsigned long long)a->absent.n,
			  (unsigned long long)a->present.fails, (unsigned long long)a->present.n);
	if (a->has_kept && a->kept)
		sb_printf(b, "<br><span class=\"ci\">%llu kept</span>",
			  (unsigned long long)a->kept);
	if (isfinite(a->extra_call_ns) && run->cost_comparable)
		sb_printf(b, "<br><span class=\"ci\">call +%s</span>",
			  fmt_ns(c, sizeof(c), a->extra_call_ns));
	if (isfinite(a->delay_ns) && run->cost_comparable)
		sb_printf(b, "<br><span class=\"ci\">delay %s</span>",
			  fmt_ns(c, sizeof(c), a->delay_ns));
	if (a->is_tool)
		sb_printf(b,
			  "<br><span class=\"ci\">ok %llu, empty %llu, truncated %llu, garbled "
			  "%llu, missing %llu</span>",
			  (unsigned long long)a->tool.ok, (unsigned long long)a->tool.empty,
			  (unsigned long long)a->tool.truncated,
			  (unsigned long long)a->tool.garbled, (unsigned long long)a->tool.missing);
	if (a->missed)
		sb_printf(b, "<br><span class=\"warn\">%llu missed</span>",
			  (unsigned long long)a->missed);
	sb_printf(b, "</td>");
}

/* the pairs meta.units names (old files: the first pair), never all of them */
static void pairs_td(struct sbuf *b, const struct res_index *x, const struct res_cell *c)
{
	int shown = 0;

	sb_printf(b, "<td class=\"num\">");
	for (int p = 0; p < c->npairs; p++) {
		const struct res_pair *pr = &c->pairs[p];
		const struct res_uarm *u = res_unit_arm(x->run, pr->a);
		char pv[32];

		if (x->run->units.present ? !(u && !strcmp(u->pair, pr->b)) : shown)
			continue;
		sb_printf(b, "%s", shown++ ? "<br>" : "");
		esc_html(b, pr->a);
		sb_printf(b, "/");
		esc_html(b, pr->b);
		sb_printf(b, " %llu/%llu p%s%s", (unsigned long long)pr->a_only,
			  (unsigned long long)pr->b_only, pr->p < 1e-4 ? "&lt;" : "=",
			  pr->p < 1e-4 ? "0.0001" : fmt_p(pv, sizeof(pv), pr->p));
	}
	sb_printf(b, "%s</td></tr>\n", shown ? "" : "&mdash;");
}

static void cells_table(struct sbuf *b, const struct res_index *x)
{
	const struct res_run *run = x->run;
	int nok = 0;

	for (int i = 0; i < run->ncells; i++)
		nok += res_cell_ok(&run->cells[i]);
	sb_printf(b, "<h2 id=\"summary\">Every cell: %d measured</h2>\n", nok);
	sb_printf(b,
		  "<p>Each arm: failure rate with its 95%% Wilson interval, failures/reads, the "
		  "median cost of the read. <span class=\"legend\"><span class=\"r0\">&lt;1%%"
		  "</span><span class=\"r1\">&lt;50%%</span><span class=\"r2\">&lt;95%%</span>"
		  "<span class=\"r3\">&ge;95%%</span></span> Paired: the pairs the run names, "
		  "<i>a only</i>/<i>b only</i> trials where only that arm failed, McNemar&rsquo;s "
		  "exact p (all pairs: results.json).</p>\n");
	sb_printf(b, "<div class=\"scroll\"><table class=\"cells\">\n" CELL_TH);
	for (int a = 0; a < x->narms; a++) {
		sb_printf(b, "<th>");
		esc_html(b, x->arms[a]);
		sb_printf(b, " fail%%</th>");
	}
	sb_printf(b, "<th>paired</th></tr>\n");
	for (int i = 0; i < run->ncells; i++) {
		const struct res_cell *c = &run->cells[i];

		if (!res_cell_ok(c))
			continue;
		cell_tds(b, c);
		sb_printf(b, "<td class=\"num\">%llu (%.1f%%)</td>",
			  (unsigned long long)c->nonresident_before,
			  c->trials ? 100.0 * (double)c->nonresident_before / (double)c->trials
				    : 0.0);
		for (int a = 0; a < x->narms; a++) {
			const struct res_arm *ar = res_index_cell_arm(x, i, a);

			if (res_arm_measured(ar))
				arm_td(b, run, ar);
			else
				sb_printf(b, "<td class=\"nm\">n/m</td>");
		}
		pairs_td(b, x, c);
	}
	sb_printf(b, "</table></div>\n");
}

static void notok(struct sbuf *b, const struct res_run *run)
{
	static const enum res_status kinds[] = {RS_UNSUPPORTED, RS_INVALID, RS_PENDING};
	static const char *const heads[] = {"Unsupported", "Invalid", "Pending"};

	sb_printf(b, "<h2 id=\"other\">Unsupported and invalid cells</h2>\n");
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		int n = 0;

		for (int i = 0; i < run->ncells; i++)
			n += run->cells[i].status == kinds[k];
		if (kinds[k] == RS_PENDING && !n)
			continue;
		sb_printf(b, "<h3>%s cells: %d</h3>\n", heads[k], n);
		if (!n)
			continue;
		sb_printf(b, "<table>" CELL_TH "<th>reason</th></tr>\n");
		for (int i = 0; i < run->ncells; i++) {
			const struct res_cell *c = &run->cells[i];

			if (c->status != kinds[k])
				continue;
			cell_tds(b, c);
			sb_printf(b, "<td class=\"num\">%llu</td><td>",
				  (unsigned long long)c->nonresident_before);
			esc_html(b, c->reason[0] ? c->reason : "(no reason given)");
			sb_printf(b, "</td></tr>\n");
		}
		sb_printf(b, "</table>\n");
	}
}

/* ---- figures, inline ---- */

static void figure(struct sbuf *b, const struct plotter *p, const struct plot *pl)
{
	char path[PATH_MAX + 200], *svg = NULL;
	size_t len = 0;

	if (!pl)
		return;
	snprintf(path, sizeof(path), "%s/%s.svg", p->plots, pl->name);
	sb_printf(b, "<figure id=\"fig-");
	esc_html(b, pl->name);
	sb_printf(b, "\">");
	if (p->svg && !read_file(path, &svg, &len)) {
		sb_printf(b, "<img alt=\"");
		esc_html(b, pl->caption);
		sb_printf(b, "\" src=\"data:image/svg+xml;base64,");
		esc_base64(b, svg, len);
		sb_printf(b, "\">");
		free(svg);
	} else {
		sb_printf(b, "<img alt=\"");
		esc_html(b, pl->caption);
		sb_printf(b, "\" src=\"plots/");
		esc_html(b, pl->name);
		sb_printf(b, ".png\">");
	}
	sb_printf(b, "<figcaption>");
	esc_html(b, pl->caption);
	sb_printf(b, " File: <a href=\"plots/");
	esc_html(b, pl->name);
	sb_printf(b, ".%s\">%s</a></figcaption></figure>\n", p->svg ? "svg" : "png",
		  p->svg ? "SVG" : "PNG");
}

static void plots(struct sbuf *b, const struct plotter *p, const struct res_run *run)
{
	static const char *const heads[PK_N] = {
		NULL,
		"Failure rate and cost per arm and page state, per syscall and sink",
		NULL,
		"Heatmaps: syscall by page state",
		"Graded factors",
		"Baseline against current"};

	sb_printf(b, "<h2 id=\"plots\">Plots</h2>\n");
	if (!run->cost_comparable)
		sb_printf(b, "<p>Cost plots: %s; this run's costs were not drawn.</p>\n",
			  res_cost_na(run));
	if (!p || p->nlist <= 1)
		sb_printf(b, "<p>Nothing more to plot.</p>\n");
	for (int k = PK_FAIL; p && k < PK_N; k++) {
		bool any = false;

		for (int i = 0; i < p->nlist; i++) {
			const struct plot *pl = &p->list[i];

			if (pl->kind != (enum plot_kind)k || !heads[k])
				continue;
			if (!any)
				sb_printf(b, "<h3>%s</h3>\n", heads[k]);
			any = true;
			if (k != PK_FAIL) {
				figure(b, p, pl);
				continue;
			}
			/* a cost plot follows the fail plot of its syscall x sink */
			sb_printf(b, "<div class=\"pair\">\n");
			figure(b, p, pl);
			figure(b, p, find_plot(p, PK_COST, pl->sys, pl->sink));
			sb_printf(b, "</div>\n");
		}
	}
	/* cost plots without a fail plot */
	for (int i = 0; p && i < p->nlist; i++)
		if (p->list[i].kind == PK_COST &&
		    !find_plot(p, PK_FAIL, p->list[i].sys, p->list[i].sink))
			figure(b, p, &p->list[i]);
}

static void banner(struct sbuf *b, const struct res_run *run)
{
	int ninv = 0;

	for (int i = 0; i < run->ncells; i++)
		ninv += run->cells[i].status == RS_INVALID;
	if (!run->complete)
		sb_printf(b, "<div class=\"banner incomplete\">INCOMPLETE run: it was interrupted "
			     "or failed before the end; treat the numbers as partial.</div>\n");
	else if (ninv)
		sb_printf(b,
			  "<div class=\"banner incomplete\">Complete run with %d invalid "
			  "cell%s: see below.</div>\n",
			  ninv, ninv == 1 ? "" : "s");
	else
		sb_printf(b, "<div class=\"banner complete\">Complete run: every planned cell "
			     "finished.</div>\n");
}

void html_head(struct sbuf *b, const char *title)
{
	sb_printf(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		     "<title>bpfault report: ");
	esc_html(b, title);
	sb_printf(b, "</title>\n<style>%s</style>\n</head>\n<body>\n", css);
}

void html_page(struct sbuf *b, const struct html_in *in)
{
	const struct res_run *run = in->x->run;
	json_t *host = json_object_get(run->meta, "hostname");

	html_head(b, run->kernel[0] ? run->kernel : "unknown kernel");
	sb_printf(b, "<h1>bpfault report: ");
	esc_html(b, run->kernel[0] ? run->kernel : "unknown kernel");
	if (json_is_string(host)) {
		sb_printf(b, " on ");
		esc_html(b, json_string_value(host));
	}
	sb_printf(b, "</h1>\n");
	banner(b, run);
	html_answer(b, in);
	sb_printf(b, "<p>Further: <a href=\"#meaning\">what this means</a>, <a href=\"#run\">the "
		     "run</a>, <a href=\"#summary\">every cell</a>, <a href=\"#other\">unsupported "
		     "and invalid cells</a>, <a href=\"#plots\">plots</a>.</p>\n");
	html_notes(b, in->x, in->notes);
	html_meta(b, run);
	cells_table(b, in->x);
	html_positions(b, run);
	notok(b, run);
	plots(b, in->plots, run);
	sb_printf(b, "<p style=\"margin-top:30px;font-size:12px;color:#444\">Made by "
		     "<code>bpfault report</code> from <code>results.json</code>.</p>\n"
		     "</body>\n</html>\n");
}
