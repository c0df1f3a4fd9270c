// SPDX-License-Identifier: BSD-2-Clause
/* The gate's writers (gate.h): the text table, JUnit XML and Markdown. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "common.h"
#include "esc.h"
#include "gate.h"
#include "textable.h"

static double rate(uint64_t k, uint64_t n)
{
	return n ? (double)k / (double)n : NAN;
}

/* "60/2000 (3.00% [2.34, 3.84])" */
static void fmt_counts(char *buf, size_t len, uint64_t k, uint64_t n)
{
	char r[64];

	fmt_rate_kn(r, sizeof(r), k, n);
	snprintf(buf, len, "%llu/%llu (%s)", (unsigned long long)k, (unsigned long long)n, r);
}

static void fmt_delta(char *buf, size_t len, const struct gate_row *r)
{
	if (!r->n0 || !r->n1 || r->v == GATE_MISSING || r->v == GATE_INVALID || r->v == GATE_SKIP)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%+.2fpp", 100 * (rate(r->k1, r->n1) - rate(r->k0, r->n0)));
}

/* the one-line explanation of a failing row */
static void row_message(char *buf, size_t len, const struct gate_row *r)
{
	char pr[32], pa[32];

	if (r->v == GATE_MISSING || r->v == GATE_INVALID) {
		snprintf(buf, len, "%s", r->why);
		return;
	}
	fmt_p(pr, sizeof(pr), r->p);
	fmt_p(pa, sizeof(pa), r->p_adj);
	if (r->exact)
		snprintf(buf, len, "exact arm failed: run %llu/%llu failures vs baseline %llu/%llu",
			 (unsigned long long)r->k1, (unsigned long long)r->n1,
			 (unsigned long long)r->k0, (unsigned long long)r->n0);
	else
		snprintf(buf, len,
			 "failure rate rose: run %llu/%llu vs baseline %llu/%llu, p %s, Holm p %s",
			 (unsigned long long)r->k1, (unsigned long long)r->n1,
			 (unsigned long long)r->k0, (unsigned long long)r->n0, pr, pa);
}

static const char *summary_fmt = "gate: %zu comparisons, %zu regressions (alpha %g, margin %g)";

/* ---- the text table: grouped by cell, within 100 columns ---- */

static int text_row(struct ttable *t, const struct gate_row *r)
{
	struct tt_row *tr = tt_add(t, r->cell);

	if (!tr)
		return -ENOMEM;
	snprintf(tr->col[0], sizeof(tr->col[0]), "%s", gate_verdict_name(r->v));
	snprintf(tr->col[1], sizeof(tr->col[1]), "%s%s%s", r->arm, r->exact ? "*" : "",
		 r->absent ? " (absent)" : "");
	if (r->v == GATE_MISSING || r->v == GATE_INVALID || r->v == GATE_SKIP) {
		fmt_rate_kn(tr->col[3], sizeof(tr->col[3]), r->k0, r->n0);
		snprintf(tr->col[2], sizeof(tr->col[2]), "-");
		tr->note = r->why;
	} else {
		fmt_rate_kn(tr->col[2], sizeof(tr->col[2]), r->k1, r->n1);
		fmt_rate_kn(tr->col[3], sizeof(tr->col[3]), r->k0, r->n0);
	}
	fmt_delta(tr->col[4], sizeof(tr->col[4]), r);
	fmt_p(tr->col[5], sizeof(tr->col[5]), r->p_adj);
	return 0;
}

int gate_text(const struct gate_result *g, FILE *f)
{
	struct ttable t = {.ncols = 6,
			   .head = {"verdict", "arm", "run fails [95% CI]", "baseline fails",
				    "delta", "Holm p"}};

	for (size_t i = 0; i < g->n; i++)
		if (text_row(&t, &g->rows[i])) {
			tt_free(&t);
			return -ENOMEM;
		}
	tt_print(&t, f);
	tt_free(&t);
	fprintf(f, "(* exact arm: any failure fails; (absent): among absent-page trials)\n");
	if (g->skipped)
		fprintf(f, "gate: %zu skipped (unsupported on this kernel)\n", g->skipped);
	if (g->incomplete)
		fprintf(f, "gate: FAIL: incomplete run (meta.complete is not true)\n");
	fprintf(f, summary_fmt, g->tested, g->failures, g->alpha, g->margin);
	if (g->kernel)
		fprintf(f, " on kernel %s", g->kernel);
	fprintf(f, "\n");
	return 0;
}

/* ---- JUnit ---- */

static void junit_case(struct sbuf *b, const struct gate_row *r, const char *kernel)
{
	char msg[512];

	/* classname bpfault.<syscall>.<state>.<sink>.<size>.<offset> from the key's slashes */
	sb_printf(b, "    <testcase classname=\"bpfault.");
	for (const char *s = r->cell; *s; s++) {
		char c[2] = {*s == '/' ? '.' : *s, 0};

		esc_xml(b, c);
	}
	sb_printf(b, "\" name=\"");
	esc_xml(b, r->arm);
	sb_printf(b, "\"");
	if (r->v == GATE_SKIP) {
		sb_printf(b, ">\n      <skipped message=\"");
		esc_xml(b, r->why);
		sb_printf(b, "\"/>\n    </testcase>\n");
		return;
	}
	if (!gate_failed(r->v)) {
		sb_printf(b, "/>\n");
		return;
	}
	row_message(msg, sizeof(msg), r);
	sb_printf(b, ">\n      <failure type=\"%s\" message=\"", gate_verdict_name(r->v));
	if (kernel) {
		esc_xml(b, "kernel ");
		esc_xml(b, kernel);
		esc_xml(b, ": ");
	}
	esc_xml(b, msg);
	sb_printf(b, "\">");
	if (kernel) {
		esc_xml(b, "kernel ");
		esc_xml(b, kernel);
		esc_xml(b, ": ");
	}
	esc_xml(b, r->cell);
	sb_printf(b, " ");
	esc_xml(b, r->arm);
	sb_printf(b, ": ");
	esc_xml(b, msg);
	sb_printf(b, "</failure>\n    </testcase>\n");
}

/* one <testsuite>: "bpfault.gate", or "bpfault.gate.kernel.<release>" for a kernel's gate */
static void junit_suite(const struct gate_result *g, struct sbuf *b)
{
	char sum[256];

	snprintf(sum, sizeof(sum), summary_fmt, g->tested, g->failures, g->alpha, g->margin);
	sb_printf(b, "  <testsuite name=\"bpfault.gate");
	if (g->kernel) {
		sb_printf(b, ".kernel.");
		esc_xml(b, g->kernel);
	}
	sb_printf(b, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%d\" skipped=\"%zu\">\n", g->n + 1,
		  g->failures + g->incomplete, g->error != NULL, g->skipped);
	if (g->kernel) {
		sb_printf(b, "    <properties><property name=\"kernel\" value=\"");
		esc_xml(b, g->kernel);
		sb_printf(b, "\"/></properties>\n");
	}
	sb_printf(b, "    <testcase classname=\"bpfault.run\" name=\"complete\"");
	if (g->error) {
		sb_printf(b, ">\n      <error type=\"NOT_GATED\" message=\"");
		if (g->kernel) {
			esc_xml(b, "kernel ");
			esc_xml(b, g->kernel);
			esc_xml(b, ": ");
		}
		esc_xml(b, g->error);
		sb_printf(b, "\"/>\n    </testcase>\n  </testsuite>\n");
		return;
	}
	if (g->incomplete)
		sb_printf(b, ">\n      <failure type=\"INCOMPLETE\" message=\"incomplete run: "
			     "meta.complete is not true\"/>\n    </testcase>\n");
	else
		sb_printf(b, "/>\n");
	for (size_t i = 0; i < g->n; i++)
		junit_case(b, &g->rows[i], g->kernel);
	sb_printf(b, "    <system-out>");
	if (g->kernel) {
		esc_xml(b, "kernel ");
		esc_xml(b, g->kernel);
		esc_xml(b, ": ");
	}
	esc_xml(b, sum);
	sb_printf(b, "</system-out>\n");
	if (g->nwarn) {
		sb_printf(b, "    <system-err>");
		for (int i = 0; i < g->nwarn; i++) {
			sb_printf(b, "WARNING: ");
			esc_xml(b, g->warnings[i]);
			esc_xml(b, "\n");
		}
		sb_printf(b, "</system-err>\n");
	}
	sb_printf(b, "  </testsuite>\n");
}

void gate_junit_many(const struct gate_result *g, size_t n, struct sbuf *b)
{
	sb_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
	for (size_t i = 0; i < n; i++)
		junit_suite(&g[i], b);
	sb_printf(b, "</testsuites>\n");
}

void gate_junit(const struct gate_result *g, struct sbuf *b)
{
	gate_junit_many(g, 1, b);
}

/* ---- Markdown ---- */

static void md_row(struct sbuf *b, const struct gate_row *r)
{
	char run[320], base[96], d[32], p[32], pa[32];

	fmt_counts(run, sizeof(run), r->k1, r->n1);
	fmt_counts(base, sizeof(base), r->k0, r->n0);
	fmt_delta(d, sizeof(d), r);
	fmt_p(p, sizeof(p), r->p);
	fmt_p(pa, sizeof(pa), r->p_adj);
	if (r->v == GATE_MISSING || r->v == GATE_INVALID || r->v == GATE_SKIP)
		snprintf(run, sizeof(run), "%s", r->why);
	sb_printf(b, "| %s", gate_failed(r->v) ? "**" : "");
	esc_md(b, gate_verdict_name(r->v));
	sb_printf(b, "%s | ", gate_failed(r->v) ? "**" : "");
	esc_md(b, r->cell);
	sb_printf(b, " | ");
	esc_md(b, r->arm);
	sb_printf(b, "%s%s | ", r->exact ? " (exact)" : "", r->absent ? " (absent pages)" : "");
	esc_md(b, run);
	sb_printf(b, " | ");
	esc_md(b, base);
	sb_printf(b, " | %s | ", d);
	esc_md(b, p);
	sb_printf(b, " | ");
	esc_md(b, pa);
	sb_printf(b, " |\n");
}

void gate_markdown(const struct gate_result *g, struct sbuf *b)
{
	bool fail = g->failures || g->incomplete;

	if (g->error) {
		sb_printf(b, "## bpfault gate: NOT GATED on kernel `");
		esc_md_code(b, g->kernel ? g->kernel : "?");
		sb_printf(b, "`\n\n");
		esc_md(b, g->error);
		sb_printf(b, "\n\n");
		return;
	}
	sb_printf(b, "## bpfault gate: %s", fail ? "FAIL" : "pass");
	if (g->kernel) {
		sb_printf(b, " on kernel `");
		esc_md_code(b, g->kernel);
		sb_printf(b, "`%s", fail ? " (this kernel regressed)" : "");
	}
	sb_printf(b, "\n\n");
	for (int i = 0; i < g->nwarn; i++) {
		sb_printf(b, "> **WARNING:** ");
		esc_md(b, g->warnings[i]);
		sb_printf(b, "\n\n");
	}
	if (g->incomplete)
		sb_printf(b, "**FAIL: incomplete run** (meta.complete is not true)\n\n");
	sb_printf(b, summary_fmt, g->tested, g->failures, g->alpha, g->margin);
	if (g->skipped)
		sb_printf(b, "; %zu skipped (unsupported on this kernel)", g->skipped);
	if (g->plot_dir) {
		sb_printf(b, "\n\nPlot, baseline against run with the regressions highlighted: `");
		esc_md_code(b, g->plot_dir);
		sb_printf(b, "/compare.png` (also `");
		esc_md_code(b, g->plot_dir);
		sb_printf(b, "/compare.svg`)");
	}
	sb_printf(b, "\n\n| verdict | cell | arm | run fails | baseline fails | delta | p | Holm p "
		     "|\n|---|---|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < g->n; i++)
		md_row(b, &g->rows[i]);
	if (g->kernel)
		sb_printf(b, "\n");
}
