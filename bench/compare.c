// SPDX-License-Identifier: BSD-2-Clause
/*
 * bpfault compare A B: a benchstat-style side-by-side table of two runs (README "Compare"), and
 * with --plots DIR the same two runs drawn one over the other (DIR/compare.png and .svg).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmds.h"
#include "common.h"
#include "gate.h"
#include "report.h"
#include "results.h"
#include "stats.h"

#define COST_NOISE 0.05 /* cost changes under 5% are noise */

/* two-sided Fisher p from the two one-sided tails, capped at 1 */
static double two_sided(const struct res_arm *a, const struct res_arm *b)
{
	double g = stats_fisher_greater(b->fails, b->n, a->fails, a->n);
	double l = stats_fisher_greater(a->fails, a->n, b->fails, b->n);

	return fmin(1, 2 * fmin(g, l));
}

static void fmt_cost(char *buf, size_t len, double ns)
{
	if (isfinite(ns))
		snprintf(buf, len, "%.0f", ns);
	else
		snprintf(buf, len, "-");
}

/* cost change B vs A: ratio of medians, "~" unless Mann–Whitney and the noise threshold agree */
static void fmt_cost_change(char *buf, size_t len, const struct res_arm *a, const struct res_arm *b,
			    double alpha)
{
	double x[RES_COST_SAMPLES], y[RES_COST_SAMPLES], ratio, p;
	int v;

	buf[0] = 0;
	if (a->ncost < 8 || b->ncost < 8)
		return;
	for (uint32_t i = 0; i < a->ncost; i++)
		x[i] = a->cost_samples[i];
	for (uint32_t i = 0; i < b->ncost; i++)
		y[i] = b->cost_samples[i];
	v = stats_cost_compare(x, a->ncost, y, b->ncost, alpha, COST_NOISE, &ratio, &p);
	if (v < -1)
		return;
	if (v == 0)
		snprintf(buf, len, "~");
	else
		snprintf(buf, len, "x%.2f", ratio);
}

static void print_row(const struct res_match *m, int w, double alpha)
{
	char key[128], ra[64], rb[64], d[32], p[48], ca[32], cb[32], cc[32];
	const struct res_arm *a = m->aa, *b = m->ba;

	res_cell_key(m->ac, key, sizeof(key));
	gate_fmt_rate(ra, sizeof(ra), a->fails, a->n);
	gate_fmt_rate(rb, sizeof(rb), b->fails, b->n);
	if (a->n && b->n)
		snprintf(d, sizeof(d), "%+.2fpp", 100 * (b->fail_rate - a->fail_rate));
	else
		snprintf(d, sizeof(d), "-");
	if (!res_cell_ok(m->ac) || !res_cell_ok(m->bc)) {
		snprintf(p, sizeof(p), "(not ok: %s)", res_cell_ok(m->ac) ? "B" : "A");
	} else {
		double pv = two_sided(a, b);

		if (pv < alpha)
			gate_fmt_p(p, sizeof(p), pv);
		else
			snprintf(p, sizeof(p), "~");
	}
	fmt_cost(ca, sizeof(ca), a->cost_ns);
	fmt_cost(cb, sizeof(cb), b->cost_ns);
	if (!isfinite(a->cost_ns) || !isfinite(b->cost_ns))
		ca[0] = cb[0] = 0;
	fmt_cost_change(cc, sizeof(cc), a, b, alpha);
	printf("%-*s  %-8s  %-24s  %-24s  %-9s  %-12s  %8s  %8s  %s\n", w, key, a->name, ra, rb, d,
	       p, ca, cb, cc);
}

static void print_only(const struct res_match *m, size_t n)
{
	char key[128];

	for (size_t i = 0; i < n; i++) {
		const struct res_cell *c = m[i].aa ? m[i].ac : m[i].bc;
		const struct res_arm *arm = m[i].aa ? m[i].aa : m[i].ba;

		if (m[i].aa && m[i].ba)
			continue;
		res_cell_key(c, key, sizeof(key));
		printf("only in %s: %s %s\n", m[i].aa ? "A" : "B", key, arm->name);
	}
}

static void print_table(const struct res_run *a, const struct res_run *b, const struct res_match *m,
			size_t n, double alpha)
{
	int w = 4;
	char key[128];

	for (size_t i = 0; i < n; i++) {
		if (m[i].aa && m[i].ba) {
			res_cell_key(m[i].ac, key, sizeof(key));
			w = (int)fmax(w, (double)strlen(key));
		}
	}
	printf("A: kernel %s, matrix %s\nB: kernel %s, matrix %s\n\n", a->kernel, a->matrix_id,
	       b->kernel, b->matrix_id);
	printf("%-*s  %-8s  %-24s  %-24s  %-9s  %-12s  %8s  %8s  %s\n", w, "cell", "arm",
	       "A fails [95% CI]", "B fails [95% CI]", "delta", "p", "A ns", "B ns", "cost");
	for (size_t i = 0; i < n; i++)
		if (m[i].aa && m[i].ba)
			print_row(&m[i], w, alpha);
	printf("(p: two-sided Fisher exact, unadjusted; ~ when p >= %g. cost: B/A median ratio "
	       "when "
	       "Mann-Whitney p < %g and the change exceeds %.0f%%, else ~)\n",
	       alpha, alpha, 100 * COST_NOISE);
	print_only(m, n);
}

static int compare_parse(int argc, char **argv, double *alpha, const char **plots)
{
	static const struct option opts[] = {
		{"alpha", required_argument, NULL, 'a'},
		{"plots", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{},
	};
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			printf("usage: bpfault compare A B [--alpha A] [--plots DIR]\n"
			       "  A, B: run directories or results .json files (A is the "
			       "baseline)\n"
			       "  --plots DIR  also draw B against A: DIR/compare.png and "
			       "DIR/compare.svg (DIR is\n"
			       "               created); rows where B's 95%% interval lies above "
			       "A's are highlighted\n"
			       "exit status: 0 done, 2 bad usage or input, 77 gnuplot missing, "
			       "99 internal error\n");
			return -1;
		}
		if (c == 'p') {
			if (!*optarg)
				return err_msg("compare: --plots needs a directory"), EXIT_USAGE;
			*plots = optarg;
			continue;
		}
		if (c != 'a')
			return err_msg("compare: bad option (try 'bpfault compare --help')"),
			       EXIT_USAGE;
		if (opt_alpha("compare", optarg, alpha))
			return EXIT_USAGE;
	}
	if (optind != argc - 2)
		return err_msg("compare: needs two runs A B (try 'bpfault compare --help')"),
		       EXIT_USAGE;
	return 0;
}

/* B against A in DIR/compare.{png,svg}; an exit status, the error on one line */
static int compare_plot(const struct res_run *a, const struct res_run *b, const char *an,
			const char *bn, const char *dir)
{
	struct report_compare_opts o = {.base_name = an, .cur_name = bn};
	char err[768] = "";
	int rc;

	fflush(stdout);
	rc = report_plot_compare_marked(a, b, dir, &o, err, sizeof(err));
	if (rc)
		err_msg("compare: plot: %s", err);
	else
		printf("plot: %s/compare.png, %s/compare.svg\n", dir, dir);
	return rc;
}

int cmd_compare(int argc, char **argv)
{
	struct res_run a, b;
	struct res_match *m;
	double alpha = GATE_ALPHA;
	const char *plots = NULL;
	char err[512];
	size_t n;
	int rc;

	rc = compare_parse(argc, argv, &alpha, &plots);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (res_load(argv[optind], &a, err, sizeof(err)))
		return err_msg("compare: %s", err), EXIT_USAGE;
	if (res_load(argv[optind + 1], &b, err, sizeof(err))) {
		res_free(&a);
		return err_msg("compare: %s", err), EXIT_USAGE;
	}
	rc = plots ? mkdir_p(plots, 0755) : 0;
	if (rc) {
		err_msg("compare: --plots %s: %s", plots, strerror(-rc));
		rc = EXIT_USAGE;
	} else if (res_match(&a, &b, &m, &n)) {
		err_msg("compare: out of memory");
		rc = EXIT_INTERNAL;
	} else {
		print_table(&a, &b, m, n, alpha);
		free(m);
		if (plots)
			rc = compare_plot(&a, &b, argv[optind], argv[optind + 1], plots);
	}
	res_free(&a);
	res_free(&b);
	return rc;
}
