// SPDX-License-Identifier: BSD-2-Clause
/*
 * The forms of a view (view.h), and "What this means" in each of them: every structured note
 * (analysis.h) as one sentence, built once for HTML, Markdown and text.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "esc.h"
#include "html.h"
#include "view.h"

/* ---- the forms ---- */

static void esc_text(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		sb_printf(b, "%c", c == '\t' || c == '\n' ? ' ' : c < 0x20 || c == 0x7f ? '?' : c);
	}
}

void view_esc(struct sbuf *b, enum view_form f, const char *s)
{
	if (f == VIEW_HTML)
		esc_html(b, s);
	else if (f == VIEW_MD)
		esc_md(b, s);
	else
		esc_text(b, s);
}

void view_code(struct sbuf *b, enum view_form f, const char *s)
{
	if (f == VIEW_HTML) {
		sb_printf(b, "<code>");
		esc_html(b, s);
		sb_printf(b, "</code>");
	} else if (f == VIEW_MD) {
		sb_printf(b, "`");
		esc_md_code(b, s);
		sb_printf(b, "`");
	} else {
		esc_text(b, s);
	}
}

void view_strong(struct sbuf *b, enum view_form f, const char *cls, const char *s)
{
	if (f == VIEW_HTML)
		sb_printf(b, cls ? "<span class=\"%s\">" : "<b>", cls);
	else if (f == VIEW_MD)
		sb_printf(b, "**");
	view_esc(b, f, s);
	if (f == VIEW_HTML)
		sb_printf(b, cls ? "</span>" : "</b>");
	else if (f == VIEW_MD)
		sb_printf(b, "**");
}

void view_heading(struct sbuf *b, enum view_form f, int level, const char *id, const char *s)
{
	size_t n = strlen(s);

	if (f == VIEW_HTML) {
		sb_printf(b, "<h%d", level);
		if (id)
			sb_printf(b, " id=\"%s\"", id);
		sb_printf(b, ">");
		esc_html(b, s);
		sb_printf(b, "</h%d>\n", level);
	} else if (f == VIEW_MD) {
		sb_printf(b, "%s ", level <= 2 ? "##" : "###");
		esc_md(b, s);
		sb_printf(b, "\n\n");
	} else {
		esc_text(b, s);
		sb_printf(b, "\n");
		while (n--)
			sb_printf(b, "%c", level <= 2 ? '=' : '-');
		sb_printf(b, "\n\n");
	}
}

/* s wrapped to VIEW_TEXT_COLS: the first line after first, the others after indent spaces */
void view_wrap(struct sbuf *b, const char *s, const char *first, int indent)
{
	int col = (int)strlen(first);

	sb_printf(b, "%s", first);
	while (*s) {
		size_t w = strcspn(s, " ");

		if (col > indent && col + 1 + (int)w > VIEW_TEXT_COLS) {
			sb_printf(b, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			sb_printf(b, " ");
			col++;
		}
		sb_printf(b, "%.*s", (int)w, s);
		col += (int)w;
		s += w;
		s += strspn(s, " ");
	}
	sb_printf(b, "\n");
}

void view_item(struct sbuf *b, enum view_form f, int depth, bool warn, const struct sbuf *item)
{
	const char *s = item->s ? item->s : "";

	if (f == VIEW_HTML)
		sb_printf(b, "<li%s>%s</li>\n", warn ? " class=\"warn\"" : "", s);
	else if (f == VIEW_MD)
		sb_printf(b, "%s- %s%s\n", depth ? "  " : "", warn ? "**Warning:** " : "", s);
	else if (warn)
		view_wrap(b, s, depth ? "    - WARNING: " : "- WARNING: ", depth ? 6 : 2);
	else
		view_wrap(b, s, depth ? "    - " : "- ", depth ? 6 : 2);
}

void view_para(struct sbuf *b, enum view_form f, const struct sbuf *para)
{
	const char *s = para->s ? para->s : "";

	if (f == VIEW_HTML)
		sb_printf(b, "<p>%s</p>\n", s);
	else if (f == VIEW_MD)
		sb_printf(b, "%s\n\n", s);
	else {
		view_wrap(b, s, "", 0);
		sb_printf(b, "\n");
	}
}

void view_arm(struct sbuf *b, enum view_form f, const struct res_index *x, int arm, int sys)
{
	const char *hook = sys >= 0 ? res_arm_hook(x->run, x->arms[arm], x->sys[sys]) : NULL;

	view_esc(b, f, x->arms[arm]);
	if (hook) {
		sb_printf(b, " (");
		view_esc(b, f, hook);
		sb_printf(b, ")");
	}
}

void html_arm(struct sbuf *b, const struct res_index *x, int arm, int sys)
{
	view_arm(b, VIEW_HTML, x, arm, sys);
}

/* ---- the notes ---- */

/* what a note sentence is written with */
struct nw {
	struct sbuf *b;
	enum view_form f;
	const struct res_index *x;
};

static void key(const struct nw *w, int cell)
{
	char k[4 * RES_NAME];

	res_cell_key(&w->x->run->cells[cell], k, sizeof(k));
	view_code(w->b, w->f, k);
}

static void txt(const struct nw *w, const char *s)
{
	view_esc(w->b, w->f, s);
}

static void arm_of(const struct nw *w, int arm, int sys)
{
	view_arm(w->b, w->f, w->x, arm, sys);
}

/* "55.0% to 100.0%", or "100.0%" when both ends print the same */
static void range(struct sbuf *b, double lo, double hi, const char *(*f)(char *, size_t, double))
{
	char p1[32], p2[32];

	f(p1, sizeof(p1), lo);
	f(p2, sizeof(p2), hi);
	if (strcmp(p1, p2))
		sb_printf(b, "%s to %s", p1, p2);
	else
		sb_printf(b, "%s", p1);
}

static const char *pct(char *buf, size_t len, double v)
{
	char p[32];

	snprintf(buf, len, "%s%%", fmt_pct(p, sizeof(p), v));
	return buf;
}

static const char *ns(char *buf, size_t len, double v)
{
	return fmt_ns(buf, len, v);
}

/* a run-wide note; returns true when it is a warning */
static bool run_note(const struct nw *w, const struct an_note *n)
{
	char why[RES_WHY + 16];
	struct sbuf *b = w->b;

	switch (n->kind) {
	case AN_INCOMPLETE:
		sb_printf(b, "The run is incomplete: cells may be missing and some may have fewer "
			     "trials than planned.");
		return true;
	case AN_CONTROL_INVALID:
		sb_printf(b, "Control failed: ");
		key(w, n->cell);
		sb_printf(b, " is ");
		txt(w, res_status_str(&w->x->run->cells[n->cell], why, sizeof(why)));
		sb_printf(b, "; the run is invalid.");
		return true;
	case AN_CONTROL_FAILED:
		sb_printf(b, "Control failed: in ");
		key(w, n->cell);
		sb_printf(b, " the page was present in every trial, yet arm ");
		txt(w, w->x->arms[n->arm]);
		sb_printf(b, " failed %llu of %llu reads: the run is invalid.",
			  (unsigned long long)n->k[0], (unsigned long long)n->k[1]);
		return true;
	case AN_CONTROL_EXEMPT:
		sb_printf(b, "In the control ");
		key(w, n->cell);
		sb_printf(b, ", arm ");
		txt(w, w->x->arms[n->arm]);
		sb_printf(b, " failed %llu of %llu reads %s.", (unsigned long long)n->k[0],
			  (unsigned long long)n->k[1],
			  n->cause == AN_CAUSE_IMAGE_REPLACED
				  ? "because the call replaced the image: at exit the old pages "
				    "are gone; that is the finding, not a broken control"
				  : "and the run accepted the cell (its own control rule exempts "
				    "this arm)");
		return false;
	case AN_MISSED:
		sb_printf(b, "Harness error: arm ");
		txt(w, w->x->arms[n->arm]);
		sb_printf(b, " never fired in %llu trials of ", (unsigned long long)n->k[0]);
		key(w, n->cell);
		sb_printf(b, ".");
		return true;
	case AN_NOTHING:
		sb_printf(b, "No non-resident cells were measured, so nothing can be said about "
			     "failures yet.");
		return false;
	default:
		return false;
	}
}

static void verdict(const struct nw *w, const struct an_note *n)
{
	struct sbuf *b = w->b;
	char p1[32];

	arm_of(w, n->arm, n->sys);
	switch (n->kind) {
	case AN_SAFE:
		sb_printf(b, ": ");
		view_strong(b, w->f, "safe", "safe on this kernel");
		sb_printf(b, "; upper 95%% bound below %s in every non-resident state",
			  pct(p1, sizeof(p1), n->v[0]));
		break;
	case AN_UNBOUNDED:
		sb_printf(b, ": no failure in %llu trial%s", (unsigned long long)n->k[0],
			  n->k[0] == 1 ? "" : "s");
		if (n->seen > 1 && n->k[1] * (uint64_t)n->seen == n->k[0])
			sb_printf(b, " (%llu per cell)", (unsigned long long)n->k[1]);
		else if (n->seen > 1)
			sb_printf(b, " (%llu in the cell with the fewest)",
				  (unsigned long long)n->k[1]);
		sb_printf(b,
			  ", but too few trials to bound the rate below 1%%: upper 95%% bound %s; "
			  "%llu trials per cell would",
			  pct(p1, sizeof(p1), n->v[0]), (unsigned long long)n->k[2]);
		break;
	case AN_UNUSABLE:
		sb_printf(b, ": ");
		view_strong(b, w->f, "unusable", "unusable");
		sb_printf(b, "; fails in ");
		range(b, n->v[0], n->v[1], pct);
		sb_printf(b, " of reads when the page is not resident");
		break;
	default: /* AN_UNRELIABLE */
		sb_printf(b, ": %s; fails in %s (", n->v[1] < 0.05 ? "rarely fails" : "unreliable",
			  pct(p1, sizeof(p1), n->v[0]));
		key(w, n->cell);
		sb_printf(b, ") to %s (", pct(p1, sizeof(p1), n->v[1]));
		key(w, n->cell2);
		sb_printf(b, ") of reads when the page is not resident");
	}
	if (n->seen < n->ncells)
		sb_printf(b, " (measured in %d of %d)", n->seen, n->ncells);
	sb_printf(b, ".");
}

static void same_late(const struct nw *w, const struct an_note *n)
{
	struct sbuf *b = w->b;
	char p1[32], p2[32];

	arm_of(w, n->arm2, n->sys);
	sb_printf(b, " fails as often as ");
	arm_of(w, n->arm, n->sys);
	sb_printf(b, " (%s against %s on average): ", pct(p1, sizeof(p1), n->v[0]),
		  pct(p2, sizeof(p2), n->v[1]));
	if (n->cause == AN_CAUSE_IMAGE_REPLACED) {
		txt(w, w->x->sys[n->sys]);
		sb_printf(b, " replaced the image, so at exit the pointer names memory of an "
			     "address space that is gone; read before the call, or from the new "
			     "image.");
	} else if (n->cause == AN_CAUSE_UNTOUCHED) {
		sb_printf(b, "the kernel never touched the buffer for sink ");
		txt(w, w->x->sinks[n->sink]);
		sb_printf(b, ", so the page was still absent when ");
		txt(w, w->x->arms[n->arm2]);
		sb_printf(b, " read; reading later does not help, only a read that faults the page "
			     "in does.");
	} else {
		sb_printf(b, "the page was still absent when ");
		txt(w, w->x->arms[n->arm2]);
		sb_printf(b, " read; reading later does not help here.");
	}
}

static void pair_note(const struct nw *w, const struct an_note *n)
{
	struct sbuf *b = w->b;
	char p1[32];

	if (n->kind == AN_SAME_LATE) {
		same_late(w, n);
		return;
	}
	arm_of(w, n->arm2, n->sys);
	if (n->kind == AN_LATE_WORKS) {
		sb_printf(b, " works where ");
		arm_of(w, n->arm, n->sys);
		sb_printf(b, " fails: ");
		txt(w, w->x->arms[n->arm]);
		sb_printf(b, " failed ");
		range(b, n->v[0], n->v[1], pct);
		sb_printf(b, " of reads, ");
		txt(w, w->x->arms[n->arm2]);
		sb_printf(b, " at most %s; the call brought the page in before it read.",
			  pct(p1, sizeof(p1), n->v[2]));
		return;
	}
	sb_printf(b,
		  " faults the page in instead of failing: no failure in %llu trials, in the "
		  "cells where ",
		  (unsigned long long)n->k[0]);
	arm_of(w, n->arm, n->sys);
	sb_printf(b, " failed ");
	range(b, n->v[0], n->v[1], pct);
	sb_printf(b, " of reads");
	if (!w->x->run->cost_comparable) {
		sb_printf(b, "; its cost: %s", res_cost_na(w->x->run));
	} else if (isfinite(n->v[2]) && isfinite(n->v[4])) {
		sb_printf(b, "; its median cost per read was ");
		range(b, n->v[2], n->v[3], ns);
		sb_printf(b, ", against ");
		range(b, n->v[4], n->v[5], ns);
		sb_printf(b, " for ");
		txt(w, w->x->arms[n->arm]);
	}
	sb_printf(b, ".");
}

/* consecutive notes about cells that took only partly: one sentence */
static size_t partial(const struct nw *w, const struct an_notes *n, size_t i)
{
	size_t j = i;
	char p[32];

	sb_printf(w->b, "The page was absent in fewer than 90%% of trials in ");
	for (; j < n->n && n->v[j].kind == AN_PARTIAL; j++) {
		sb_printf(w->b, "%s", j > i ? ", " : "");
		key(w, n->v[j].cell);
		sb_printf(w->b, " (%s)", pct(p, sizeof(p), n->v[j].v[0]));
	}
	sb_printf(w->b, ": their rates mix present and absent pages, so they are left out of the "
			"verdicts below (for a graded state such as pressure, that is expected).");
	return j;
}

/* one syscall x sink: its head, then its notes one level down */
static size_t group(struct sbuf *out, enum view_form f, const struct res_index *x,
		    const struct an_notes *n, size_t i)
{
	const struct an_note *h = &n->v[i];
	struct sbuf it = {0}, head = {0};
	struct nw w = {&it, f, x};
	size_t j = i;

	/* the strong head names the syscall and the sink together */
	sb_printf(&head, "%s", f == VIEW_HTML ? "<b>" : f == VIEW_MD ? "**" : "");
	view_esc(&head, f, x->sys[h->sys]);
	sb_printf(&head, ", sink ");
	view_esc(&head, f, x->sinks[h->sink]);
	sb_printf(&head, "%s", f == VIEW_HTML ? "</b>" : f == VIEW_MD ? "**" : "");
	sb_printf(&head, " (%d non-resident cell%s):", h->ncells, h->ncells == 1 ? "" : "s");
	if (f == VIEW_HTML)
		sb_printf(out, "<li>%s<ul>\n", head.s ? head.s : "");
	else
		view_item(out, f, 0, false, &head);
	for (; j < n->n && n->v[j].sys == h->sys && n->v[j].sink == h->sink; j++) {
		sb_free(&it);
		sb_printf(&it, "%s", "");
		if (n->v[j].kind >= AN_SAFE && n->v[j].kind <= AN_UNRELIABLE)
			verdict(&w, &n->v[j]);
		else
			pair_note(&w, &n->v[j]);
		view_item(out, f, 1, false, &it);
	}
	if (f == VIEW_HTML)
		sb_printf(out, "</ul></li>\n");
	out->err = out->err ? out->err : it.err ? it.err : head.err;
	sb_free(&it);
	sb_free(&head);
	return j;
}

void view_notes(struct sbuf *b, enum view_form f, const struct res_index *x,
		const struct an_notes *n)
{
	struct sbuf it = {0};
	struct nw w = {&it, f, x};

	view_heading(b, f, 2, "meaning", "What this means");
	sb_printf(&it,
		  "Derived from the numbers. %s cells are those not in a control state whose "
		  "page was absent just before the call in at least 90%% of the trials (ground "
		  "truth from pagemap).",
		  f == VIEW_HTML ? "&ldquo;Non-resident&rdquo;" : "\"Non-resident\"");
	view_para(b, f, &it);
	if (f == VIEW_HTML)
		sb_printf(b, "<ul class=\"notes\">\n");
	for (size_t i = 0; i < n->n;) {
		const struct an_note *v = &n->v[i];
		bool warn = false;

		if (v->sys >= 0 && v->kind != AN_PARTIAL) {
			i = group(b, f, x, n, i);
			continue;
		}
		sb_free(&it);
		sb_printf(&it, "%s", "");
		if (v->kind == AN_PARTIAL) {
			i = partial(&w, n, i);
		} else {
			warn = run_note(&w, v);
			i++;
		}
		view_item(b, f, 0, warn, &it);
	}
	if (f == VIEW_HTML)
		sb_printf(b, "</ul>\n");
	else
		sb_printf(b, "\n");
	if (it.err)
		b->err = it.err;
	sb_free(&it);
}

void html_notes(struct sbuf *b, const struct res_index *x, const struct an_notes *n)
{
	view_notes(b, VIEW_HTML, x, n);
}
