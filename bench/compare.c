// SPDX-License-Identifier: BSD-2-Clause
/*
 * bpfault compare A B: a benchstat-style side-by-side table of two runs (README "Compare"),
 * grouped by cell within 100 columns; --changed keeps only what changed; --plots DIR draws the
 * same two runs one over the other (DIR/compare.svg and .png).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmds.h"
#include "common.h"
#include "esc.h"
#include "gate.h"
#include "kset.h"
#include "report.h"
#include "results.h"
#include "stats.h"
#include "textable.h"
#include "view.h"

#define COST_NOISE 0.05 /* cost changes under 5% are noise */

struct compare_args {
	double alpha;
	const char *plots;
	bool changed;
	const char *cost_na; /* set per pair of runs: why costs are not compared, or NULL */
};

/* two-sided Fisher p from the two one-sided tails, capped at 1 */
static double two_sided(const struct res_arm *a, const struct res_arm *b)
{
	double g = stats_fisher_greater(b->fails, b->n, a->fails, a->n);
	double l = stats_fisher_greater(a->fails, a->n, b->fails, b->n);

	return fmin(1, 2 * fmin(g, l));
}

/* cost change B vs A: ratio of medians; 0 "~", 1 changed, -1 not comparable */
static int cost_change(const struct res_arm *a, const struct res_arm *b, double alpha,
		       double *ratio)
{
	double x[RES_COST_SAMPLES], y[RES_COST_SAMPLES], p;
	int v;

	if (a->ncost < 8 || b->ncost < 8)
		return -1;
	for (uint32_t i = 0; i < a->ncost; i++)
		x[i] = a->cost_samples[i];
	for (uint32_t i = 0; i < b->ncost; i++)
		y[i] = b->cost_samples[i];
	v = stats_cost_compare(x, a->ncost, y, b->ncost, alpha, COST_NOISE, ratio, &p);
	return v < -1 ? -1 : v != 0;
}

/* "941 -> 950 ns ~", "941 -> 1.2 µs x1.28"; na: the words instead, when a run's costs are not
 * comparable */
static void fmt_cost(char *buf, size_t len, const struct res_arm *a, const struct res_arm *b,
		     int change, double ratio, const char *na)
{
	char ca[32], cb[32], r[32] = "";

	if (na) {
		snprintf(buf, len, "%s", na);
		return;
	}
	if (!isfinite(a->cost_ns) || !isfinite(b->cost_ns)) {
		snprintf(buf, len, "-");
		return;
	}
	fmt_ns(ca, sizeof(ca), a->cost_ns);
	fmt_ns(cb, sizeof(cb), b->cost_ns);
	if (change > 0)
		snprintf(r, sizeof(r), " x%.2f", ratio);
	else if (change == 0)
		snprintf(r, sizeof(r), " ~");
	snprintf(buf, len, "%.20s -> %.20s%.12s", ca, cb, r);
}

/* what both runs recorded beyond the totals: absent/present-page counts, a tool's outcomes */
static void extra_note(char *buf, size_t len, const struct res_arm *a, const struct res_arm *b)
{
	char ra[64], rb[64];
	int n = 0;

	buf[0] = 0;
	if (a->absent.has && b->absent.has && (a->absent.n || b->absent.n))
		n = snprintf(buf, len, "absent pages: A %s, B %s",
			     fmt_rate_kn(ra, sizeof(ra), a->absent.fails, a->absent.n),
			     fmt_rate_kn(rb, sizeof(rb), b->absent.fails, b->absent.n));
	if (n >= 0 && (size_t)n < len && a->is_tool && b->is_tool)
		snprintf(buf + n, len - (size_t)n,
			 "%stool missing A %llu, B %llu; truncated A %llu, B %llu; garbled A %llu, "
			 "B %llu",
			 n ? "; " : "", (unsigned long long)a->tool.missing,
			 (unsigned long long)b->tool.missing, (unsigned long long)a->tool.truncated,
			 (unsigned long long)b->tool.truncated, (unsigned long long)a->tool.garbled,
			 (unsigned long long)b->tool.garbled);
}

/* one row; false (and nothing added) when --changed and nothing changed */
static int compare_row(struct ttable *t, const struct res_match *m, const char *key,
		       const struct compare_args *o, size_t *nrate, size_t *ncost, size_t *nchanged)
{
	const struct res_arm *a = m->aa, *b = m->ba;
	bool ok = res_cell_ok(m->ac) && res_cell_ok(m->bc);
	double pv = ok && a->n && b->n ? two_sided(a, b) : NAN, ratio = NAN;
	int cc = ok && !o->cost_na ? cost_change(a, b, o->alpha, &ratio) : -1;
	bool rate_changed = pv < o->alpha, changed = rate_changed || cc > 0 || !ok;
	struct tt_row *r;

	*nrate += rate_changed;
	*ncost += cc > 0;
	*nchanged += changed;
	if (o->changed && !changed)
		return 0;
	r = tt_add(t, key);
	if (!r)
		return -1;
	snprintf(r->col[0], sizeof(r->col[0]), "%s", a->name);
	fmt_rate_kn(r->col[1], sizeof(r->col[1]), a->fails, a->n);
	fmt_rate_kn(r->col[2], sizeof(r->col[2]), b->fails, b->n);
	if (a->n && b->n)
		snprintf(r->col[3], sizeof(r->col[3]), "%+.2fpp",
			 100 * (b->fail_rate - a->fail_rate));
	else
		snprintf(r->col[3], sizeof(r->col[3]), "-");
	if (!ok)
		snprintf(r->col[4], sizeof(r->col[4]), "(%s not ok)",
			 res_cell_ok(m->ac) ? "B" : "A");
	else if (rate_changed)
		fmt_p(r->col[4], sizeof(r->col[4]), pv);
	else
		snprintf(r->col[4], sizeof(r->col[4]), "~");
	fmt_cost(r->col[5], sizeof(r->col[5]), a, b, cc, ratio, o->cost_na);
	extra_note(r->own, sizeof(r->own), a, b);
	return 0;
}

/* the reasons arms were only in one run because the other's kernel could not run them */
struct unsup_seen {
	const char *side[2 * RES_MAX_ARMS], *arm[2 * RES_MAX_ARMS], *why[2 * RES_MAX_ARMS];
	int n;
};

/* " (unsupported in B)" when cell c of the other run did not run arm (its reason kept once) */
static const char *unsup_in(const struct res_cell *c, const char *arm, const char *side,
			    struct unsup_seen *u)
{
	for (int j = 0; c && j < c->nunsup; j++) {
		int k = 0;

		if (strcmp(c->unsup[j].name, arm))
			continue;
		while (k < u->n && (strcmp(u->arm[k], arm) || strcmp(u->why[k], c->unsup[j].why) ||
				    strcmp(u->side[k], side)))
			k++;
		if (k == u->n && u->n < (int)ARRAY_SIZE(u->arm)) {
			u->side[k] = side;
			u->arm[k] = c->unsup[j].name;
			u->why[k] = c->unsup[j].why;
			u->n++;
		}
		return *side == 'A' ? " (unsupported in A)" : " (unsupported in B)";
	}
	return "";
}

static int print_table(const struct res_run *a, const struct res_run *b, const struct res_match *m,
		       size_t n, const struct compare_args *o)
{
	struct ttable t = {.ncols = 6,
			   .head = {"arm", "A fails [95% CI]", "B fails [95% CI]", "delta", "p",
				    "cost A -> B"}};
	char(*keys)[4 * RES_NAME] = calloc(n + 1, sizeof(*keys));
	size_t both = 0, nrate = 0, ncost = 0, nchanged = 0, only[2] = {0, 0};
	struct unsup_seen u = {.n = 0};

	if (!keys)
		return -1;
	printf("A: kernel %s (%s), matrix %s\nB: kernel %s (%s), matrix %s\n", a->kernel,
	       a->accel[0] ? a->accel : "native", a->matrix_id, b->kernel,
	       b->accel[0] ? b->accel : "native", b->matrix_id);
	if (strcmp(a->kernel, b->kernel))
		printf("A and B ran on different kernels: a difference below is a kernel\n"
		       "difference, not a regression.\n");
	if (o->cost_na)
		printf("costs: %s (%s ran under emulation): not compared.\n", o->cost_na,
		       !a->cost_comparable && !b->cost_comparable ? "both"
		       : !a->cost_comparable			  ? "A"
								  : "B");
	printf("\n");
	for (size_t i = 0; i < n; i++) {
		if (!m[i].aa || !m[i].ba) {
			only[m[i].aa ? 0 : 1]++;
			continue;
		}
		both++;
		res_cell_key(m[i].ac, keys[i], sizeof(keys[i]));
		if (compare_row(&t, &m[i], keys[i], o, &nrate, &ncost, &nchanged)) {
			free(keys);
			tt_free(&t);
			return -1;
		}
	}
	tt_print(&t, stdout);
	tt_free(&t);
	free(keys);
	printf("(p: two-sided Fisher exact, unadjusted, ~ when p >= %g; cost: medians, the\n"
	       " B/A ratio when Mann-Whitney p < %g and the change exceeds %.0f%%, else ~)\n",
	       o->alpha, o->alpha, 100 * COST_NOISE);
	for (size_t i = 0; i < n; i++) {
		char key[4 * RES_NAME];

		if (m[i].aa && m[i].ba)
			continue;
		res_cell_key(m[i].aa ? m[i].ac : m[i].bc, key, sizeof(key));
		printf("only in %s: %s %s%s\n", m[i].aa ? "A" : "B", key,
		       (m[i].aa ? m[i].aa : m[i].ba)->name,
		       unsup_in(m[i].aa ? m[i].bc : m[i].ac, (m[i].aa ? m[i].aa : m[i].ba)->name,
				m[i].aa ? "B" : "A", &u));
	}
	for (int i = 0; i < u.n; i++) {
		struct sbuf w = {0};
		char first[RES_NAME + 40];

		snprintf(first, sizeof(first), "%s's kernel cannot run %s:", u.side[i], u.arm[i]);
		view_wrap(&w, u.why[i], first, 2);
		fputs(w.s ? w.s : "\n", stdout);
		sb_free(&w);
	}
	printf("compare: %zu of %zu cell x arm rows changed (%zu rates, %zu costs); %zu only in "
	       "A, %zu only in B\n",
	       nchanged, both, nrate, ncost, only[0], only[1]);
	return 0;
}

static const char usage_text[] =
	"usage: bpfault compare A B [--changed] [--alpha A] [--plots DIR]\n"
	"  A, B: run directories or results .json files (A is the baseline); a\n"
	"  directory of several kernels' runs (index.json) is compared kernel by\n"
	"  kernel (same release; a single run against each kernel of the other);\n"
	"  runs of different kernels are compared cell by cell and said to be so\n"
	"  --changed    only the rows whose rate or cost changed (and a count)\n"
	"  --alpha A    significance level of the per-row tests (default 0.05)\n"
	"  --plots DIR  also draw B against A: DIR/compare.svg and DIR/compare.png\n"
	"               (DIR is created); rows where B's interval lies above A's\n"
	"               are highlighted\n"
	"  -h, --help   this help\n"
	"exit status: 0 done, 2 bad usage or input, 77 gnuplot missing,\n"
	"99 internal error\n";

static int compare_parse(int argc, char **argv, struct compare_args *o)
{
	static const struct option opts[] = {
		{"alpha", required_argument, NULL, 'a'},
		{"plots", required_argument, NULL, 'p'},
		{"changed", no_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{},
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage_text, stdout);
			return -1;
		} else if (c == 'c') {
			o->changed = true;
		} else if (c == 'p') {
			if (!*optarg)
				return err_msg("compare: --plots needs a directory"), EXIT_USAGE;
			o->plots = optarg;
		} else if (c != 'a') {
			return err_msg("compare: bad option (try 'bpfault compare --help')"),
			       EXIT_USAGE;
		} else if (opt_alpha("compare", optarg, &o->alpha)) {
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 2)
		return err_msg("compare: needs two runs A B (try 'bpfault compare --help')"),
		       EXIT_USAGE;
	return 0;
}

/* B against A in DIR/compare.{svg,png}; an exit status, the error on one line */
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
		printf("plot: %s/compare.svg, %s/compare.png\n", dir, dir);
	return report_exit_status(rc);
}

static int compare_runs(const struct res_run *a, const struct res_run *b, const char *an,
			const char *bn, const struct compare_args *args)
{
	struct compare_args o = *args;
	struct res_match *m;
	size_t n;
	int rc = o.plots ? mkdir_p(o.plots, 0755) : 0;

	if (rc)
		return err_msg("compare: --plots %s: %s", o.plots, strerror(-rc)), EXIT_USAGE;
	if (!a->cost_comparable || !b->cost_comparable)
		o.cost_na = res_cost_na(a->cost_comparable ? b : a);
	if (res_match(a, b, &m, &n))
		return err_msg("compare: out of memory"), EXIT_INTERNAL;
	rc = print_table(a, b, m, n, &o);
	free(m);
	if (rc)
		return err_msg("compare: out of memory"), EXIT_INTERNAL;
	return o.plots ? compare_plot(a, b, an, bn, o.plots) : 0;
}

/* the kernel of B that kernel A's run is compared with: the same release, or B's one run */
static const struct kset_kernel *partner(const struct kset *b, const struct kset_kernel *ka)
{
	if (b->single)
		return &b->k[0];
	return kset_find(b, ka->release);
}

/* A and B kernel by kernel (one of them has an index.json); the worst exit status */
static int compare_sets(const struct kset *a, const struct kset *b, const struct compare_args *o)
{
	const struct kset *outer = a->single ? b : a;
	int rc = 0, n = 0;

	if (o->plots)
		return err_msg("compare: --plots compares two runs, not kernel sets (give one "
			       "kernel's directory)"),
		       EXIT_USAGE;
	printf("compare: kernel by kernel (%s%s%s)\n", a->single ? "" : "A's index",
	       !a->single && !b->single ? " and " : "", b->single ? "" : "B's index");
	for (int i = 0; i < outer->n; i++) {
		const struct kset_kernel *ka = a->single ? &a->k[0] : &a->k[i];
		const struct kset_kernel *kb = a->single ? &b->k[i] : partner(b, ka);
		const char *miss = !kb		 ? "B has no run of it"
				   : !ka->loaded ? ka->why
				   : !kb->loaded ? kb->why
						 : NULL;

		printf("\n== kernel %s ==\n", a->single ? kb->release : ka->release);
		if (miss) {
			printf("not compared: %s\n", miss);
			continue;
		}
		rc = compare_runs(&ka->run, &kb->run, ka->dir, kb->dir, o);
		if (rc)
			return rc;
		n++;
	}
	for (int i = 0; !a->single && !b->single && i < b->n; i++)
		if (!kset_find(a, b->k[i].release))
			printf("\n== kernel %s ==\nnot compared: A has no run of it\n",
			       b->k[i].release);
	printf("\ncompare: %d kernel%s compared\n", n, n == 1 ? "" : "s");
	return EXIT_OK;
}

int cmd_compare(int argc, char **argv)
{
	struct compare_args o = {.alpha = GATE_ALPHA};
	static struct kset a, b;
	char err[768];
	int rc;

	rc = compare_parse(argc, argv, &o);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (kset_load_any(argv[optind], &a, err, sizeof(err)))
		return err_msg("compare: %s", err), EXIT_USAGE;
	if (kset_load_any(argv[optind + 1], &b, err, sizeof(err))) {
		kset_free(&a);
		return err_msg("compare: %s", err), EXIT_USAGE;
	}
	if (a.single && b.single)
		rc = compare_runs(&a.k[0].run, &b.k[0].run, argv[optind], argv[optind + 1], &o);
	else
		rc = compare_sets(&a, &b, &o);
	kset_free(&a);
	kset_free(&b);
	return rc;
}
