// SPDX-License-Identifier: BSD-2-Clause
/* "What this means" in HTML: each structured note (analysis.h) as one sentence. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "esc.h"
#include "html.h"

void html_arm(struct sbuf *b, const struct res_index *x, int arm, int sys)
{
	const char *hook = sys >= 0 ? res_arm_hook(x->run, x->arms[arm], x->sys[sys]) : NULL;

	esc_html(b, x->arms[arm]);
	if (hook) {
		sb_printf(b, " (");
		esc_html(b, hook);
		sb_printf(b, ")");
	}
}

static void key(struct sbuf *b, const struct res_index *x, int cell)
{
	char k[4 * RES_NAME];

	res_cell_key(&x->run->cells[cell], k, sizeof(k));
	sb_printf(b, "<code>");
	esc_html(b, k);
	sb_printf(b, "</code>");
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

static void run_note(struct sbuf *b, const struct res_index *x, const struct an_note *n)
{
	char why[RES_WHY + 16];

	switch (n->kind) {
	case AN_INCOMPLETE:
		sb_printf(b, "<li class=\"warn\">The run is incomplete: cells may be missing and "
			     "some may have fewer trials than planned.</li>\n");
		break;
	case AN_CONTROL_INVALID:
		sb_printf(b, "<li class=\"warn\">Control failed: ");
		key(b, x, n->cell);
		sb_printf(b, " is ");
		esc_html(b, res_status_str(&x->run->cells[n->cell], why, sizeof(why)));
		sb_printf(b, "; the run is invalid.</li>\n");
		break;
	case AN_CONTROL_FAILED:
		sb_printf(b, "<li class=\"warn\">Control failed: in ");
		key(b, x, n->cell);
		sb_printf(b, " the page was present in every trial, yet arm ");
		esc_html(b, x->arms[n->arm]);
		sb_printf(b, " failed %llu of %llu reads: the run is invalid.</li>\n",
			  (unsigned long long)n->k[0], (unsigned long long)n->k[1]);
		break;
	case AN_CONTROL_EXEMPT:
		sb_printf(b, "<li>In the control ");
		key(b, x, n->cell);
		sb_printf(b, ", arm ");
		esc_html(b, x->arms[n->arm]);
		sb_printf(
			b, " failed %llu of %llu reads %s.</li>\n", (unsigned long long)n->k[0],
			(unsigned long long)n->k[1],
			n->cause == AN_CAUSE_IMAGE_REPLACED
				? "because the call replaced the image: at exit the old pages are "
				  "gone; that is the finding, not a broken control"
				: "and the run accepted the cell (its own control rule exempts "
				  "this "
				  "arm)");
		break;
	case AN_MISSED:
		sb_printf(b, "<li class=\"warn\">Harness error: arm ");
		esc_html(b, x->arms[n->arm]);
		sb_printf(b, " never fired in %llu trials of ", (unsigned long long)n->k[0]);
		key(b, x, n->cell);
		sb_printf(b, ".</li>\n");
		break;
	default:
		break;
	}
}

static void verdict(struct sbuf *b, const struct res_index *x, const struct an_note *n)
{
	char p1[32];

	sb_printf(b, "<li>");
	html_arm(b, x, n->arm, n->sys);
	switch (n->kind) {
	case AN_SAFE:
		sb_printf(b,
			  ": <span class=\"safe\">safe on this kernel</span>; upper 95%% bound "
			  "below %s in every non-resident state",
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
		sb_printf(b, ": <span class=\"unusable\">unusable</span>; fails in ");
		range(b, n->v[0], n->v[1], pct);
		sb_printf(b, " of reads when the page is not resident");
		break;
	default: /* AN_UNRELIABLE */
		sb_printf(b, ": %s; fails in %s (", n->v[1] < 0.05 ? "rarely fails" : "unreliable",
			  pct(p1, sizeof(p1), n->v[0]));
		key(b, x, n->cell);
		sb_printf(b, ") to %s (", pct(p1, sizeof(p1), n->v[1]));
		key(b, x, n->cell2);
		sb_printf(b, ") of reads when the page is not resident");
	}
	if (n->seen < n->ncells)
		sb_printf(b, " (measured in %d of %d)", n->seen, n->ncells);
	sb_printf(b, ".</li>\n");
}

static void same_late(struct sbuf *b, const struct res_index *x, const struct an_note *n)
{
	char p1[32], p2[32];

	sb_printf(b, "<li>");
	html_arm(b, x, n->arm2, n->sys);
	sb_printf(b, " fails as often as ");
	html_arm(b, x, n->arm, n->sys);
	sb_printf(b, " (%s against %s on average): ", pct(p1, sizeof(p1), n->v[0]),
		  pct(p2, sizeof(p2), n->v[1]));
	if (n->cause == AN_CAUSE_IMAGE_REPLACED) {
		esc_html(b, x->sys[n->sys]);
		sb_printf(b, " replaced the image, so at exit the pointer names memory of an "
			     "address space that is gone; read before the call, or from the new "
			     "image.</li>\n");
	} else if (n->cause == AN_CAUSE_UNTOUCHED) {
		sb_printf(b, "the kernel never touched the buffer for sink ");
		esc_html(b, x->sinks[n->sink]);
		sb_printf(b, ", so the page was still absent when ");
		esc_html(b, x->arms[n->arm2]);
		sb_printf(b, " read; reading later does not help, only a read that faults the page "
			     "in does.</li>\n");
	} else {
		sb_printf(b, "the page was still absent when ");
		esc_html(b, x->arms[n->arm2]);
		sb_printf(b, " read; reading later does not help here.</li>\n");
	}
}

static void pair_notes(struct sbuf *b, const struct res_index *x, const struct an_note *n)
{
	char p1[32], c1[32];

	if (n->kind == AN_SAME_LATE) {
		same_late(b, x, n);
		return;
	}
	sb_printf(b, "<li>");
	html_arm(b, x, n->arm2, n->sys);
	if (n->kind == AN_LATE_WORKS) {
		sb_printf(b, " works where ");
		html_arm(b, x, n->arm, n->sys);
		sb_printf(b, " fails: ");
		esc_html(b, x->arms[n->arm]);
		sb_printf(b, " failed ");
		range(b, n->v[0], n->v[1], pct);
		sb_printf(b, " of reads, ");
		esc_html(b, x->arms[n->arm2]);
		sb_printf(b, " at most %s; the call brought the page in before it read.</li>\n",
			  pct(p1, sizeof(p1), n->v[2]));
		return;
	}
	sb_printf(b,
		  " faults the page in instead of failing: no failure in %llu trials, in the "
		  "cells where ",
		  (unsigned long long)n->k[0]);
	html_arm(b, x, n->arm, n->sys);
	sb_printf(b, " failed ");
	range(b, n->v[0], n->v[1], pct);
	sb_printf(b, " of reads");
	if (isfinite(n->v[2]) && isfinite(n->v[4])) {
		sb_printf(b, "; its median cost per read was ");
		range(b, n->v[2], n->v[3], ns);
		sb_printf(b, ", against ");
		range(b, n->v[4], n->v[5], ns);
		sb_printf(b, " for ");
		esc_html(b, x->arms[n->arm]);
		(void)c1;
	}
	sb_printf(b, ".</li>\n");
}

/* consecutive notes about cells that took only partly: one sentence */
static size_t partial(struct sbuf *b, const struct res_index *x, const struct an_notes *n, size_t i)
{
	size_t j = i;
	char p[32];

	sb_printf(b, "<li>The page was absent in fewer than 90%% of trials in ");
	for (; j < n->n && n->v[j].kind == AN_PARTIAL; j++) {
		sb_printf(b, "%s", j > i ? ", " : "");
		key(b, x, n->v[j].cell);
		sb_printf(b, " (%s)", pct(p, sizeof(p), n->v[j].v[0]));
	}
	sb_printf(b,
		  ": their rates mix present and absent pages, so they are left out of the "
		  "verdicts below (for a graded state such as pressure, that is expected).</li>\n");
	return j;
}

static size_t group(struct sbuf *b, const struct res_index *x, const struct an_notes *n, size_t i)
{
	const struct an_note *h = &n->v[i];
	size_t j = i;

	sb_printf(b, "<li><b>");
	esc_html(b, x->sys[h->sys]);
	sb_printf(b, ", sink ");
	esc_html(b, x->sinks[h->sink]);
	sb_printf(b, "</b> (%d non-resident cell%s):<ul>\n", h->ncells, h->ncells == 1 ? "" : "s");
	for (; j < n->n && n->v[j].sys == h->sys && n->v[j].sink == h->sink; j++) {
		if (n->v[j].kind >= AN_SAFE && n->v[j].kind <= AN_UNRELIABLE)
			verdict(b, x, &n->v[j]);
		else
			pair_notes(b, x, &n->v[j]);
	}
	sb_printf(b, "</ul></li>\n");
	return j;
}

void html_notes(struct sbuf *b, const struct res_index *x, const struct an_notes *n)
{
	sb_printf(b, "<h2 id=\"meaning\">What this means</h2>\n<p>Derived from the numbers. "
		     "&ldquo;Non-resident&rdquo; cells are those not in a control state whose page "
		     "was absent just before the call in at least 90%% of the trials (ground truth "
		     "from pagemap).</p>\n<ul class=\"notes\">\n");
	for (size_t i = 0; i < n->n;) {
		const struct an_note *v = &n->v[i];

		if (v->kind == AN_PARTIAL) {
			i = partial(b, x, n, i);
		} else if (v->sys >= 0) {
			i = group(b, x, n, i);
		} else if (v->kind == AN_NOTHING) {
			sb_printf(b, "<li>No non-resident cells were measured, so nothing can be "
				     "said about failures yet.</li>\n");
			i++;
		} else {
			run_note(b, x, v);
			i++;
		}
	}
	sb_printf(b, "</ul>\n");
}
