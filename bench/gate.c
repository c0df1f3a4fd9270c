// SPDX-License-Identifier: BSD-2-Clause
/*
 * bpfault gate: the CI verdict of a run against a baseline (README "Gate"), and the pieces that
 * compare.c shares: matching cells x arms, the decision rule, escaping and writers.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmds.h"
#include "common.h"
#include "gate.h"
#include "report.h"
#include "results.h"
#include "stats.h"

/* ---- matching ---- */

static int match_push(struct gate_match **v, size_t *n, size_t *cap, struct gate_match m)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct gate_match *nv = realloc(*v, nc * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = m;
	return 0;
}

int gate_match(const struct res_run *a, const struct res_run *b, struct gate_match **out, size_t *n)
{
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	for (int i = 0; i < a->ncells; i++) {
		const struct res_cell *ac = &a->cells[i], *bc = res_find_cell(b, ac);

		for (int j = 0; j < ac->narms; j++) {
			struct gate_match m = {ac, bc, &ac->arms[j], NULL};

			m.ba = bc ? res_find_arm(bc, ac->arms[j].name) : NULL;
			if (match_push(out, n, &cap, m))
				goto oom;
		}
	}
	for (int i = 0; i < b->ncells; i++) {
		const struct res_cell *bc = &b->cells[i], *ac = res_find_cell(a, bc);

		for (int j = 0; j < bc->narms; j++) {
			struct gate_match m = {ac, bc, NULL, &bc->arms[j]};

			if (ac && res_find_arm(ac, bc->arms[j].name))
				continue;
			if (match_push(out, n, &cap, m))
				goto oom;
		}
	}
	return 0;
oom:
	free(*out);
	*out = NULL;
	*n = 0;
	return -ENOMEM;
}

/* ---- decision ---- */

bool gate_failed(enum gate_verdict v)
{
	return v == GATE_REGRESSION || v == GATE_MISSING || v == GATE_INVALID;
}

const char *gate_verdict_name(enum gate_verdict v)
{
	static const char *const names[] = {"~",       "PASS",	  "IMPROVED", "REGRESSION",
					    "MISSING", "INVALID", "SKIP"};

	return (unsigned)v < ARRAY_SIZE(names) ? names[v] : "?";
}

static bool row_tested(const struct gate_row *r)
{
	return r->v == GATE_SAME && !r->exact;
}

static double rate(uint64_t k, uint64_t n)
{
	return n ? (double)k / (double)n : NAN;
}

/* Holm across the tested rows of one direction; which: 0 = p, 1 = p_imp */
static void holm_rows(struct gate_row *rows, size_t n, size_t m, int which)
{
	double *p = calloc(m ? m : 1, sizeof(*p));
	size_t j = 0;

	if (!p) { /* no memory: Bonferroni, which Holm never exceeds */
		for (size_t i = 0; i < n; i++) {
			double *raw = which ? &rows[i].p_imp : &rows[i].p;

			if (row_tested(&rows[i]))
				*(which ? &rows[i].p_imp_adj : &rows[i].p_adj) = fmin(1, *raw * m);
		}
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (row_tested(&rows[i]))
			p[j++] = which ? rows[i].p_imp : rows[i].p;
	stats_holm(p, m, p);
	j = 0;
	for (size_t i = 0; i < n; i++)
		if (row_tested(&rows[i]))
			*(which ? &rows[i].p_imp_adj : &rows[i].p_adj) = p[j++];
	free(p);
}

void gate_decide(struct gate_row *rows, size_t n, double alpha, double margin)
{
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		struct gate_row *r = &rows[i];

		r->p = r->p_adj = r->p_imp = r->p_imp_adj = NAN;
		if (r->v != GATE_SAME)
			continue;
		if (r->exact) {
			r->v = r->k1 ? GATE_REGRESSION : GATE_PASS;
			continue;
		}
		/* Rao-Scott: each side's counts over its design effect (between-block drift) */
		r->p = stats_fisher_greater_deff(r->k1, r->n1, r->deff1, r->k0, r->n0, r->deff0);
		r->p_imp =
			stats_fisher_greater_deff(r->k0, r->n0, r->deff0, r->k1, r->n1, r->deff1);
		m++;
	}
	holm_rows(rows, n, m, 0);
	holm_rows(rows, n, m, 1);
	for (size_t i = 0; i < n; i++) {
		struct gate_row *r = &rows[i];
		double d = rate(r->k1, r->n1) - rate(r->k0, r->n0);

		if (!row_tested(r))
			continue;
		if (r->p_adj < alpha && d > margin)
			r->v = GATE_REGRESSION;
		else if (r->p_imp_adj < alpha && -d > margin)
			r->v = GATE_IMPROVED;
	}
}

static int rank(enum gate_verdict v)
{
	if (gate_failed(v))
		return 0;
	if (v == GATE_IMPROVED)
		return 1;
	return v == GATE_SKIP ? 3 : 2;
}

void gate_sort(struct gate_row *rows, size_t n)
{
	/* insertion sort: stable, and n is a matrix's worth */
	for (size_t i = 1; i < n; i++) {
		struct gate_row t = rows[i];
		size_t j = i;

		for (; j > 0 && rank(rows[j - 1].v) > rank(t.v); j--)
			rows[j] = rows[j - 1];
		rows[j] = t;
	}
}

void gate_count(struct gate_result *g)
{
	g->tested = g->failures = g->skipped = 0;
	for (size_t i = 0; i < g->n; i++) {
		if (g->rows[i].v == GATE_SKIP)
			g->skipped++;
		else
			g->tested++;
		if (gate_failed(g->rows[i].v))
			g->failures++;
	}
}

/* ---- strings ---- */

void sb_xml(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&':
			sb_printf(b, "&amp;");
			break;
		case '<':
			sb_printf(b, "&lt;");
			break;
		case '>':
			sb_printf(b, "&gt;");
			break;
		case '"':
			sb_printf(b, "&quot;");
			break;
		case '\'':
			sb_printf(b, "&apos;");
			break;
		case '\t':
		case '\n':
		case '\r':
			sb_printf(b, "&#%u;", c);
			break;
		default: /* XML 1.0 has no other control characters, not even as references */
			sb_printf(b, "%c", c < 0x20 || c == 0x7f ? '?' : c);
		}
	}
}

void sb_md(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n' || c == '\r' || c == '\t')
			sb_printf(b, " ");
		else if (c < 0x20 || c == 0x7f)
			sb_printf(b, "?");
		else if (strchr("\\`*_[]<>#|~&", c))
			sb_printf(b, "\\%c", c);
		else
			sb_printf(b, "%c", c);
	}
}

void sb_code(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		sb_printf(b, "%c", c < 0x20 || c == 0x7f || c == '`' ? '?' : c);
	}
}

void gate_fmt_rate(char *buf, size_t len, uint64_t k, uint64_t n)
{
	struct stats_ci ci;

	if (!n) {
		snprintf(buf, len, "-");
		return;
	}
	ci = stats_wilson(k, n, STATS_Z95);
	snprintf(buf, len, "%.2f%% [%.2f, %.2f]", 100.0 * (double)k / (double)n, 100 * ci.lo,
		 100 * ci.hi);
}

void gate_fmt_p(char *buf, size_t len, double p)
{
	if (isnan(p))
		snprintf(buf, len, "-");
	else if (p < 1e-300)
		snprintf(buf, len, "<1e-300");
	else
		snprintf(buf, len, "%.2g", p);
}

/* "60/2000 (3.00% [2.34, 3.84])" */
static void fmt_counts(char *buf, size_t len, uint64_t k, uint64_t n)
{
	char r[64];

	gate_fmt_rate(r, sizeof(r), k, n);
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
	gate_fmt_p(pr, sizeof(pr), r->p);
	gate_fmt_p(pa, sizeof(pa), r->p_adj);
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

/* ---- JUnit ---- */

static void junit_case(struct sbuf *b, const struct gate_row *r)
{
	char msg[512];

	/* classname bpfault.<syscall>.<state>.<sink>.<size>.<offset> from the key's slashes */
	sb_printf(b, "    <testcase classname=\"bpfault.");
	for (const char *s = r->cell; *s; s++) {
		char c[2] = {*s == '/' ? '.' : *s, 0};

		sb_xml(b, c);
	}
	sb_printf(b, "\" name=\"");
	sb_xml(b, r->arm);
	sb_printf(b, "\"");
	if (r->v == GATE_SKIP) {
		sb_printf(b, ">\n      <skipped message=\"");
		sb_xml(b, r->why);
		sb_printf(b, "\"/>\n    </testcase>\n");
		return;
	}
	if (!gate_failed(r->v)) {
		sb_printf(b, "/>\n");
		return;
	}
	row_message(msg, sizeof(msg), r);
	sb_printf(b, ">\n      <failure type=\"%s\" message=\"", gate_verdict_name(r->v));
	sb_xml(b, msg);
	sb_printf(b, "\">");
	sb_xml(b, r->cell);
	sb_printf(b, " ");
	sb_xml(b, r->arm);
	sb_printf(b, ": ");
	sb_xml(b, msg);
	sb_printf(b, "</failure>\n    </testcase>\n");
}

void gate_junit(const struct gate_result *g, struct sbuf *b)
{
	char sum[256];

	snprintf(sum, sizeof(sum), summary_fmt, g->tested, g->failures, g->alpha, g->margin);
	sb_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
	sb_printf(b,
		  "  <testsuite name=\"bpfault.gate\" tests=\"%zu\" failures=\"%zu\" "
		  "errors=\"0\" skipped=\"%zu\">\n",
		  g->n + 1, g->failures + g->incomplete, g->skipped);
	sb_printf(b, "    <testcase classname=\"bpfault.run\" name=\"complete\"");
	if (g->incomplete)
		sb_printf(b, ">\n      <failure type=\"INCOMPLETE\" message=\"incomplete run: "
			     "meta.complete is not true\"/>\n    </testcase>\n");
	else
		sb_printf(b, "/>\n");
	for (size_t i = 0; i < g->n; i++)
		junit_case(b, &g->rows[i]);
	sb_printf(b, "    <system-out>");
	sb_xml(b, sum);
	sb_printf(b, "</system-out>\n");
	if (g->nwarn) {
		sb_printf(b, "    <system-err>");
		for (int i = 0; i < g->nwarn; i++) {
			sb_printf(b, "WARNING: ");
			sb_xml(b, g->warnings[i]);
			sb_xml(b, "\n");
		}
		sb_printf(b, "</system-err>\n");
	}
	sb_printf(b, "  </testsuite>\n</testsuites>\n");
}

/* ---- Markdown ---- */

static void md_row(struct sbuf *b, const struct gate_row *r)
{
	char run[320], base[96], d[32], p[32], pa[32];

	fmt_counts(run, sizeof(run), r->k1, r->n1);
	fmt_counts(base, sizeof(base), r->k0, r->n0);
	fmt_delta(d, sizeof(d), r);
	gate_fmt_p(p, sizeof(p), r->p);
	gate_fmt_p(pa, sizeof(pa), r->p_adj);
	if (r->v == GATE_MISSING || r->v == GATE_INVALID || r->v == GATE_SKIP)
		snprintf(run, sizeof(run), "%s", r->why);
	sb_printf(b, "| %s", gate_failed(r->v) ? "**" : "");
	sb_md(b, gate_verdict_name(r->v));
	sb_printf(b, "%s | ", gate_failed(r->v) ? "**" : "");
	sb_md(b, r->cell);
	sb_printf(b, " | ");
	sb_md(b, r->arm);
	sb_printf(b, "%s | ", r->exact ? " (exact)" : "");
	sb_md(b, run);
	sb_printf(b, " | ");
	sb_md(b, base);
	sb_printf(b, " | %s | ", d);
	sb_md(b, p);
	sb_printf(b, " | ");
	sb_md(b, pa);
	sb_printf(b, " |\n");
}

void gate_markdown(const struct gate_result *g, struct sbuf *b)
{
	bool fail = g->failures || g->incomplete;

	sb_printf(b, "## bpfault gate: %s\n\n", fail ? "FAIL" : "pass");
	for (int i = 0; i < g->nwarn; i++) {
		sb_printf(b, "> **WARNING:** ");
		sb_md(b, g->warnings[i]);
		sb_printf(b, "\n\n");
	}
	if (g->incomplete)
		sb_printf(b, "**FAIL: incomplete run** (meta.complete is not true)\n\n");
	sb_printf(b, summary_fmt, g->tested, g->failures, g->alpha, g->margin);
	if (g->skipped)
		sb_printf(b, "; %zu skipped (unsupported on this kernel)", g->skipped);
	if (g->plot_dir) {
		sb_printf(b, "\n\nPlot, baseline against run with the regressions highlighted: `");
		sb_code(b, g->plot_dir);
		sb_printf(b, "/compare.png` (also `");
		sb_code(b, g->plot_dir);
		sb_printf(b, "/compare.svg`)");
	}
	sb_printf(b, "\n\n| verdict | cell | arm | run fails | baseline fails | delta | p | Holm p "
		     "|\n|---|---|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < g->n; i++)
		md_row(b, &g->rows[i]);
}

/* ---- the command ---- */

struct gate_args {
	const char *baseline, *dir, *junit, *markdown, *plots;
	double alpha, margin;
	bool force;
};

static void gate_usage(FILE *f)
{
	fprintf(f,
		"usage: bpfault gate --baseline FILE DIR [--alpha A] [--margin M] "
		"[--junit FILE] [--markdown FILE] [--force] [--plots DIR]\n"
		"  gates the run in DIR (or a results .json) against a baseline made by "
		"'bpfault baseline'\n"
		"  --alpha A     family-wise error rate, Holm-Bonferroni (default 0.05)\n"
		"  --margin M    smallest rise of a failure rate that counts, as a fraction "
		"(default 0.01)\n"
		"  --junit FILE  JUnit XML; --markdown FILE  Markdown (also appended to "
		"$GITHUB_STEP_SUMMARY)\n"
		"  --force       gate even if the matrix differs from the baseline's\n"
		"  --plots DIR   draw the run against the baseline, regressions highlighted: "
		"DIR/compare.png\n"
		"                and DIR/compare.svg (DIR is created; named in the Markdown)\n"
		"exit status: 0 pass, 1 regression, 2 bad input, 77 nothing could run here,\n"
		"99 internal error (also when the gate passed but the plot could not be drawn)\n");
}

static int gate_parse(int argc, char **argv, struct gate_args *a)
{
	static const struct option opts[] = {
		{"baseline", required_argument, NULL, 'b'},
		{"alpha", required_argument, NULL, 'a'},
		{"margin", required_argument, NULL, 'm'},
		{"junit", required_argument, NULL, 'j'},
		{"markdown", required_argument, NULL, 'M'},
		{"force", no_argument, NULL, 'f'},
		{"plots", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{},
	};
	int c;

	*a = (struct gate_args){.alpha = GATE_ALPHA, .margin = GATE_MARGIN};
	optind = 0;
	while ((c = getopt_long(argc, argv, "b:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			a->baseline = optarg;
			break;
		case 'a':
			if (opt_alpha("gate", optarg, &a->alpha))
				return EXIT_USAGE;
			break;
		case 'm':
			if (parse_double(optarg, 0, 1, &a->margin))
				return err_msg("gate: --margin must be a fraction in [0,1], not "
					       "'%s'",
					       optarg),
				       EXIT_USAGE;
			break;
		case 'j':
			a->junit = optarg;
			break;
		case 'M':
			a->markdown = optarg;
			break;
		case 'f':
			a->force = true;
			break;
		case 'p':
			if (!*optarg)
				return err_msg("gate: --plots needs a directory"), EXIT_USAGE;
			a->plots = optarg;
			break;
		case 'h':
			gate_usage(stdout);
			return -1;
		default:
			return err_msg("gate: bad option (try 'bpfault gate --help')"), EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || !a->baseline)
		return err_msg("gate: needs --baseline FILE and one run DIR (try 'bpfault gate "
			       "--help')"),
		       EXIT_USAGE;
	a->dir = argv[optind];
	return 0;
}

/* append "name, name, ... (+N more)" of the cells of a missing from b */
static void list_missing(struct sbuf *b, const struct res_run *a, const struct res_run *other,
			 const char *label)
{
	size_t shown = 0, more = 0;
	char key[128];

	for (int i = 0; i < a->ncells; i++) {
		if (res_find_cell(other, &a->cells[i]))
			continue;
		if (shown == 4) {
			more++;
			continue;
		}
		res_cell_key(&a->cells[i], key, sizeof(key));
		sb_printf(b, "%s%s", shown++ ? ", " : label, key);
	}
	if (more)
		sb_printf(b, " (+%zu more)", more);
}

/* the cells whose arm sets differ, same format */
static void list_arm_diffs(struct sbuf *b, const struct res_run *base, const struct res_run *run)
{
	size_t shown = 0;
	char key[128];

	for (int i = 0; i < base->ncells; i++) {
		const struct res_cell *bc = &base->cells[i], *rc = res_find_cell(run, bc);
		bool same = rc && rc->narms == bc->narms;

		for (int j = 0; same && j < bc->narms; j++)
			same = res_find_arm(rc, bc->arms[j].name) != NULL;
		if (!rc || same || shown == 4)
			continue;
		res_cell_key(bc, key, sizeof(key));
		sb_printf(b, "%s%s", shown++ ? ", " : "; arm sets differ in ", key);
	}
}

/* one line naming the differing cells, for a matrix_id mismatch */
static void matrix_diff(char *out, size_t len, const struct res_run *base,
			const struct res_run *run)
{
	struct sbuf b = {};

	sb_printf(&b, "matrix_id differs: run '%s', baseline '%s'", run->matrix_id,
		  base->matrix_id);
	list_missing(&b, base, run, "; only in the baseline: ");
	list_missing(&b, run, base, "; only in the run: ");
	list_arm_diffs(&b, base, run);
	snprintf(out, len, "%s", b.err ? "matrix_id differs" : b.s);
	sb_free(&b);
}

/* the verdict a baseline row starts with, from the run's side */
static void row_preset(struct gate_row *r, const struct gate_match *m)
{
	r->v = GATE_SAME;
	if (!m->bc) {
		r->v = GATE_MISSING;
		snprintf(r->why, sizeof(r->why), "cell missing from the run");
	} else if (!strncmp(m->bc->status, "unsupported", 11)) {
		r->v = GATE_SKIP;
		snprintf(r->why, sizeof(r->why), "%s", m->bc->status);
	} else if (!res_cell_ok(m->bc)) {
		r->v = GATE_INVALID;
		snprintf(r->why, sizeof(r->why), "run cell is '%s'", m->bc->status);
	} else if (!m->ba || !m->ba->n) {
		r->v = GATE_MISSING;
		snprintf(r->why, sizeof(r->why), "%s",
			 m->ba ? "arm has no reads in the run" : "arm missing from the run");
	}
}

/* rows for every arm of every "ok" baseline cell; -ENOMEM, or the number of rows */
static int build_rows(const struct res_run *base, const struct res_run *run, struct gate_row **out)
{
	struct gate_match *m;
	size_t nm, n = 0;

	if (gate_match(base, run, &m, &nm))
		return -ENOMEM;
	*out = calloc(nm ? nm : 1, sizeof(**out));
	if (!*out) {
		free(m);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nm; i++) {
		struct gate_row *r = &(*out)[n];

		/* only what the baseline has is gated: an arm new in the run has nothing to
		 * compare with */
		if (!m[i].ac || !m[i].aa || !res_cell_ok(m[i].ac))
			continue;
		res_cell_key(m[i].ac, r->cell, sizeof(r->cell));
		snprintf(r->arm, sizeof(r->arm), "%s", m[i].aa->name);
		r->k0 = m[i].aa->fails;
		r->n0 = m[i].aa->n;
		r->deff0 = stats_deff(&m[i].aa->blocks);
		r->exact = m[i].aa->exact;
		if (m[i].ba) {
			r->k1 = m[i].ba->fails;
			r->n1 = m[i].ba->n;
			r->deff1 = stats_deff(&m[i].ba->blocks);
		}
		row_preset(r, &m[i]);
		n++;
	}
	free(m);
	return (int)n;
}

static void print_table(const struct gate_result *g)
{
	int w = 4;

	for (size_t i = 0; i < g->n; i++)
		w = (int)fmax(w, (double)strlen(g->rows[i].cell));
	printf("%-10s  %-*s  %-8s  %-34s  %-34s  %-9s  %-8s  %s\n", "verdict", w, "cell", "arm",
	       "run fails", "baseline fails", "delta", "p", "Holm p");
	for (size_t i = 0; i < g->n; i++) {
		const struct gate_row *r = &g->rows[i];
		char run[320], base[96], d[32], p[32], pa[32], arm[RES_NAME + 8];

		fmt_counts(run, sizeof(run), r->k1, r->n1);
		fmt_counts(base, sizeof(base), r->k0, r->n0);
		fmt_delta(d, sizeof(d), r);
		gate_fmt_p(p, sizeof(p), r->p);
		gate_fmt_p(pa, sizeof(pa), r->p_adj);
		snprintf(arm, sizeof(arm), "%s%s", r->arm, r->exact ? "*" : "");
		if (r->v == GATE_MISSING || r->v == GATE_INVALID || r->v == GATE_SKIP)
			snprintf(run, sizeof(run), "%s", r->why);
		printf("%-10s  %-*s  %-8s  %-34s  %-34s  %-9s  %-8s  %s\n", gate_verdict_name(r->v),
		       w, r->cell, arm, run, base, d, p, pa);
	}
	printf("(* exact arm: any failure fails)\n");
	if (g->skipped)
		printf("gate: %zu skipped (unsupported on this kernel)\n", g->skipped);
	if (g->incomplete)
		printf("gate: FAIL: incomplete run (meta.complete is not true)\n");
	printf(summary_fmt, g->tested, g->failures, g->alpha, g->margin);
	printf("\n");
}

static int write_out(const char *path, const struct sbuf *b, const char *what)
{
	int err = b->err ? b->err : write_file_atomic(path, b->s, b->len);

	if (err)
		err_msg("gate: cannot write %s %s: %s", what, path, strerror(-err));
	return err ? EXIT_INTERNAL : 0;
}

static int append_summary(const struct sbuf *b)
{
	const char *path = getenv("GITHUB_STEP_SUMMARY");
	FILE *f;
	int bad;

	if (!path || !*path || b->err)
		return 0;
	f = fopen(path, "a");
	if (!f) {
		err_msg("gate: cannot append to $GITHUB_STEP_SUMMARY %s: %m", path);
		return EXIT_INTERNAL;
	}
	bad = fwrite(b->s, 1, b->len, f) != b->len;
	bad |= fclose(f) != 0;
	if (bad)
		err_msg("gate: cannot append to $GITHUB_STEP_SUMMARY %s", path);
	return bad ? EXIT_INTERNAL : 0;
}

static int write_reports(const struct gate_args *a, const struct gate_result *g)
{
	struct sbuf j = {}, md = {};
	int rc = 0;

	if (a->junit) {
		gate_junit(g, &j);
		rc = write_out(a->junit, &j, "JUnit");
	}
	if (a->markdown || getenv("GITHUB_STEP_SUMMARY")) {
		gate_markdown(g, &md);
		if (a->markdown && !rc)
			rc = write_out(a->markdown, &md, "Markdown");
		if (!rc)
			rc = append_summary(&md);
	}
	sb_free(&j);
	sb_free(&md);
	return rc;
}

static void warn(struct gate_result *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(struct gate_result *g, const char *fmt, ...)
{
	va_list ap;

	if (g->nwarn == (int)ARRAY_SIZE(g->warnings))
		return;
	va_start(ap, fmt);
	vsnprintf(g->warnings[g->nwarn], sizeof(g->warnings[0]), fmt, ap);
	va_end(ap);
	err_msg("WARNING: %s", g->warnings[g->nwarn++]);
}

/* the checks between the two runs before any row: 0, or an exit status */
static int gate_preflight(const struct gate_args *a, const struct res_run *base,
			  const struct res_run *run, struct gate_result *g)
{
	char why[1024];

	if (strcmp(base->matrix_id, run->matrix_id)) {
		matrix_diff(why, sizeof(why), base, run);
		if (!a->force) {
			err_msg("gate: %s (use --force to gate anyway)", why);
			return EXIT_USAGE;
		}
		warn(g, "%s (gated anyway: --force)", why);
	}
	if (strcmp(base->kernel, run->kernel))
		warn(g,
		     "kernel differs: run '%s', baseline '%s'; rates may differ for that reason "
		     "alone",
		     run->kernel, base->kernel);
	g->incomplete = !run->complete;
	return 0;
}

/* report_compare_opts.regressed: the gate's own REGRESSION verdict for that cell x arm */
static bool plot_regressed(const struct res_cell *c, const char *arm, void *ctx)
{
	const struct gate_result *g = ctx;
	char key[128];

	res_cell_key(c, key, sizeof(key));
	for (size_t i = 0; i < g->n; i++)
		if (g->rows[i].v == GATE_REGRESSION && !strcmp(g->rows[i].cell, key) &&
		    !strcmp(g->rows[i].arm, arm))
			return true;
	return false;
}

/*
 * --plots DIR: baseline against run, the gate's regressions highlighted. Sets g->plot_dir when
 * drawn; else prints the error on one line and returns its status (never fatal by itself).
 */
static int gate_plot(const struct gate_args *a, const struct res_run *base,
		     const struct res_run *run, struct gate_result *g)
{
	char rule[160], err[768] = "";
	struct report_compare_opts o = {
		.base_name = a->baseline,
		.cur_name = a->dir,
		.regressed = plot_regressed,
		.ctx = g,
		.rule = rule,
	};
	int rc = mkdir_p(a->plots, 0755);

	snprintf(rule, sizeof(rule),
		 "gate verdicts: Holm p < %g and a rise > %g pp, or an exact arm failing", g->alpha,
		 100 * g->margin);
	if (rc) {
		snprintf(err, sizeof(err), "cannot create %s: %s", a->plots, strerror(-rc));
		rc = EXIT_USAGE;
	} else {
		rc = report_plot_compare_marked(base, run, a->plots, &o, err, sizeof(err));
	}
	if (rc) {
		err_msg("gate: plot not drawn: %s", err);
		return rc;
	}
	g->plot_dir = a->plots;
	printf("gate: plot: %s/compare.png, %s/compare.svg\n", a->plots, a->plots);
	fflush(stdout);
	return EXIT_OK;
}

static int gate_runs(const struct gate_args *a, const struct res_run *base,
		     const struct res_run *run)
{
	struct gate_result g = {.alpha = a->alpha, .margin = a->margin};
	int n, rc, plot_rc;

	rc = gate_preflight(a, base, run, &g);
	if (rc)
		return rc;
	n = build_rows(base, run, &g.rows);
	if (n < 0)
		return err_msg("gate: out of memory"), EXIT_INTERNAL;
	if (n == 0) {
		free(g.rows);
		return err_msg("gate: baseline %s has no \"ok\" cell to gate", a->baseline),
		       EXIT_USAGE;
	}
	g.n = (size_t)n;
	gate_decide(g.rows, g.n, g.alpha, g.margin);
	gate_sort(g.rows, g.n);
	gate_count(&g);
	print_table(&g);
	fflush(stdout);
	plot_rc = a->plots ? gate_plot(a, base, run, &g) : 0;
	rc = write_reports(a, &g);
	free(g.rows);
	if (rc)
		return rc;
	if (g.failures || g.incomplete)
		return EXIT_FAIL;
	if (!g.tested)
		return err_msg("gate: every baseline cell is unsupported on this kernel"),
		       EXIT_SKIP;
	/* the verdict stands; a pass whose plot is missing is not a clean pass */
	return plot_rc ? EXIT_INTERNAL : EXIT_OK;
}

int cmd_gate(int argc, char **argv)
{
	struct res_run base, run;
	struct gate_args a;
	char err[512];
	int rc;

	rc = gate_parse(argc, argv, &a);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (res_load(a.baseline, &base, err, sizeof(err)))
		return err_msg("gate: baseline %s", err), EXIT_USAGE;
	if (res_load(a.dir, &run, err, sizeof(err))) {
		res_free(&base);
		return err_msg("gate: run %s", err), EXIT_USAGE;
	}
	rc = gate_runs(&a, &base, &run);
	res_free(&base);
	res_free(&run);
	return rc;
}
