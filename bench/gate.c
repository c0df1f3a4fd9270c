// SPDX-License-Identifier: BSD-2-Clause
/*
 * bpfault gate: the CI verdict of a run against a baseline (README "Gate"): the command, the
 * checks between the two runs and the rows to gate (the rule: gate_rule.c; writers: gate_out.c).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cmds.h"
#include "common.h"
#include "esc.h"
#include "gate.h"
#include "kset.h"
#include "report.h"
#include "results.h"
#include "stats.h"

/* ---- the command ---- */

struct gate_args {
	const char *baseline, *dir, *junit, *markdown, *plots;
	double alpha, margin;
	bool force;
};

static void gate_usage(FILE *f)
{
	fputs("usage: bpfault gate --baseline FILE DIR [options]\n"
	      "Gates the run in DIR (or a results .json) against a baseline made by\n"
	      "'bpfault baseline'. A DIR of several kernels (index.json) gates each\n"
	      "kernel against its own baseline: --baseline BDIR holding <release>.json\n"
	      "per kernel (bpfault baseline DIR -o BDIR); a kernel without one is not\n"
	      "gated: one line, exit 2 (1 if another kernel regressed).\n\n"
	      "  -b, --baseline FILE  the baseline (or BDIR, one file per kernel)\n"
	      "  --alpha A            family-wise error rate, Holm (default 0.05)\n"
	      "  --margin M           smallest rise of a failure rate that counts, as a\n"
	      "                       fraction (default 0.01)\n"
	      "  --junit FILE         JUnit XML\n"
	      "  --markdown FILE      Markdown (also appended to $GITHUB_STEP_SUMMARY)\n"
	      "  --force              gate even if the matrix differs from the baseline's\n"
	      "  --plots DIR          draw the run against the baseline, regressions\n"
	      "                       highlighted: DIR/compare.svg and DIR/compare.png\n"
	      "  -h, --help           this help\n\n"
	      "Where both runs recorded failures among absent-page trials, those are gated.\n"
	      "exit status: 0 pass, 1 regression, 2 bad input, 77 nothing could run here,\n"
	      "99 internal error (also when the gate passed but the plot was not drawn)\n",
	      f);
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
	opterr = 0;
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
static void row_preset(struct gate_row *r, const struct res_match *m)
{
	r->v = GATE_SAME;
	if (!m->bc) {
		r->v = GATE_MISSING;
		snprintf(r->why, sizeof(r->why), "cell missing from the run");
	} else if (m->bc->status == RS_UNSUPPORTED) {
		r->v = GATE_SKIP;
		snprintf(r->why, sizeof(r->why), "unsupported: %s", m->bc->reason);
	} else if (!res_cell_ok(m->bc)) {
		char st[RES_WHY + 16];

		r->v = GATE_INVALID;
		snprintf(r->why, sizeof(r->why), "run cell is '%s'",
			 res_status_str(m->bc, st, sizeof(st)));
	} else if (!m->ba || !m->ba->n) {
		r->v = GATE_MISSING;
		snprintf(r->why, sizeof(r->why), "%s",
			 m->ba ? "arm has no reads in the run" : "arm missing from the run");
	}
}

/*
 * execve-like arms: one row more for each later argument position both runs read (position 0,
 * argv[1], is the arm's own row), named "<arm> <position>", gated like the arm (its exact flag,
 * its preset verdict): a tool or strategy that starts losing argv[2..] while argv[1] stays as it
 * was (stopping at the first unreadable argument) fails the gate. At most RES_MAX_POS - 1 rows.
 */
static size_t pos_rows(struct gate_row *out, const struct gate_row *arm, const struct res_match *m)
{
	const struct res_arm *b = m->aa, *r = m->ba;
	size_t n = 0;

	for (int p = 1; p < b->npos && p < RES_MAX_POS; p++) {
		const struct res_pos *rp = NULL;

		for (int q = 0; r && q < r->npos; q++)
			if (!strcmp(r->pos[q].name, b->pos[p].name))
				rp = &r->pos[q];
		if (!b->pos[p].c.has || !b->pos[p].c.n || (arm->v == GATE_SAME && !rp))
			continue; /* nothing to compare: the run has no such position */
		out[n] = *arm;
		snprintf(out[n].arm, sizeof(out[n].arm), "%.31s %.15s", arm->arm, b->pos[p].name);
		out[n].absent = false;
		out[n].k0 = b->pos[p].c.fails;
		out[n].n0 = b->pos[p].c.n;
		out[n].k1 = rp ? rp->c.fails : 0;
		out[n].n1 = rp ? rp->c.n : 0;
		out[n].deff0 = out[n].deff1 = 0; /* positions keep no block counts */
		if (out[n].v == GATE_SAME && !out[n].n1) {
			out[n].v = GATE_MISSING;
			snprintf(out[n].why, sizeof(out[n].why),
				 "position has no reads in the run");
		}
		n++;
	}
	return n;
}

/* rows for every arm of every "ok" baseline cell; -ENOMEM, or the number of rows */
static int build_rows(const struct res_run *base, const struct res_run *run, struct gate_row **out)
{
	struct res_match *m;
	size_t nm, n = 0;

	if (res_match(base, run, &m, &nm))
		return -ENOMEM;
	*out = calloc(nm ? nm * RES_MAX_POS : 1, sizeof(**out)); /* an arm, its later positions */
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
		/* both runs know which trials had their page absent: gate the rate that transfers
		 */
		if (m[i].ba && !r->exact && m[i].aa->absent.has && m[i].ba->absent.has &&
		    m[i].aa->absent.n && m[i].ba->absent.n) {
			r->absent = true;
			r->k0 = m[i].aa->absent.fails;
			r->n0 = m[i].aa->absent.n;
			r->k1 = m[i].ba->absent.fails;
			r->n1 = m[i].ba->absent.n;
		}
		row_preset(r, &m[i]);
		n++;
		n += pos_rows(&(*out)[n], r, &m[i]);
	}
	free(m);
	return (int)n;
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

static int write_reports(const struct gate_args *a, const struct gate_result *g, size_t n)
{
	struct sbuf j = {}, md = {};
	int rc = 0;

	if (a->junit) {
		gate_junit_many(g, n, &j);
		rc = write_out(a->junit, &j, "JUnit");
	}
	if (a->markdown || getenv("GITHUB_STEP_SUMMARY")) {
		for (size_t i = 0; i < n; i++)
			gate_markdown(&g[i], &md);
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
static int gate_plot(const struct gate_args *a, const char *dir, const struct res_run *base,
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
	int rc = mkdir_p(dir, 0755);

	snprintf(rule, sizeof(rule),
		 "gate verdicts: Holm p < %g and a rise > %g pp, or an exact arm failing", g->alpha,
		 100 * g->margin);
	if (rc) {
		snprintf(err, sizeof(err), "cannot create %s: %s", dir, strerror(-rc));
		rc = EXIT_USAGE;
	} else {
		rc = report_exit_status(
			report_plot_compare_marked(base, run, dir, &o, err, sizeof(err)));
	}
	if (rc) {
		err_msg("gate: plot not drawn: %s", err);
		return rc;
	}
	g->plot_dir = dir;
	printf("gate: plot: %s/compare.svg, %s/compare.png\n", dir, dir);
	fflush(stdout);
	return EXIT_OK;
}

/* gate run against base into g and print its table; 0, or an exit status (bad input) */
static int gate_eval(const struct gate_args *a, const char *bname, const struct res_run *base,
		     const struct res_run *run, struct gate_result *g)
{
	int n, rc;

	rc = gate_preflight(a, base, run, g);
	if (rc)
		return rc;
	n = build_rows(base, run, &g->rows);
	if (n < 0)
		return err_msg("gate: out of memory"), EXIT_INTERNAL;
	if (n == 0) {
		free(g->rows);
		g->rows = NULL;
		return err_msg("gate: baseline %s has no \"ok\" cell to gate", bname), EXIT_USAGE;
	}
	g->n = (size_t)n;
	gate_decide(g->rows, g->n, g->alpha, g->margin);
	gate_sort(g->rows, g->n);
	gate_count(g);
	if (gate_text(g, stdout))
		return err_msg("gate: out of memory"), EXIT_INTERNAL;
	fflush(stdout);
	return 0;
}

/* the verdict of one gate: 1 a regression or an incomplete run, 77 nothing tested, else 0 */
static int gate_status(const struct gate_result *g)
{
	if (g->failures || g->incomplete)
		return EXIT_FAIL;
	return g->tested ? EXIT_OK : EXIT_SKIP;
}

static int gate_runs(const struct gate_args *a, const struct res_run *base,
		     const struct res_run *run)
{
	struct gate_result g = {.alpha = a->alpha, .margin = a->margin};
	int rc, plot_rc;

	rc = gate_eval(a, a->baseline, base, run, &g);
	if (rc) {
		free(g.rows);
		return rc;
	}
	plot_rc = a->plots ? gate_plot(a, a->plots, base, run, &g) : 0;
	rc = write_reports(a, &g, 1);
	free(g.rows);
	if (rc)
		return rc;
	rc = gate_status(&g);
	if (rc == EXIT_SKIP)
		err_msg("gate: every baseline cell is unsupported on this kernel");
	/* the verdict stands; a pass whose plot is missing is not a clean pass */
	return rc ? rc : plot_rc ? EXIT_INTERNAL : EXIT_OK;
}

/* ---- kernel sets: each kernel against its own baseline ---- */

/* a directory of per-kernel baselines: a directory that is not itself a run (no results.json) */
static bool is_dir(const char *path)
{
	char rj[PATH_MAX + 16];
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return false;
	snprintf(rj, sizeof(rj), "%s/results.json", path);
	return lstat(rj, &st) < 0;
}

/*
 * The baseline of kernel release: BASE/<release>.json when BASE is a directory, else BASE
 * itself if its meta.kernel is release. 0 (loaded into base, its path in path), -ENOENT none
 * for that kernel (why in err), -EINVAL a bad baseline file (err).
 */
static int kernel_baseline(const char *bdir, const char *release, struct res_run *base, char *path,
			   size_t len, char *err, size_t errlen)
{
	struct stat st;

	if (!is_dir(bdir)) {
		snprintf(path, len, "%s", bdir);
		if (res_load(bdir, base, err, errlen))
			return -EINVAL;
		if (!strcmp(base->kernel, release))
			return 0;
		snprintf(err, errlen, "baseline %s is of kernel %s", bdir, base->kernel);
		res_free(base);
		return -ENOENT;
	}
	if (!kset_release_ok(release)) {
		snprintf(err, errlen, "kernel release '%.60s' cannot name a baseline file",
			 release);
		return -EINVAL;
	}
	snprintf(path, len, "%s/%s.json", bdir, release);
	if (lstat(path, &st) < 0 && errno == ENOENT) {
		snprintf(err, errlen, "no %.*s", (int)(errlen > 8 ? errlen - 8 : 0), path);
		return -ENOENT;
	}
	return res_load(path, base, err, errlen) ? -EINVAL : 0;
}

/* one kernel of the set: gated into g, or g->error set; an exit status (0: gated) */
static int gate_kernel(const struct gate_args *a, const struct kset_kernel *k,
		       struct gate_result *g, char *why, size_t whylen, int *plot_rc)
{
	char path[PATH_MAX + 160], err[512], pdir[PATH_MAX + 160];
	struct res_run base;
	int rc;

	g->kernel = k->release;
	printf("== kernel %s ==\n", k->release);
	fflush(stdout);
	if (!k->loaded) {
		snprintf(why, whylen, "no results: %s", k->why);
		g->error = why;
		err_msg("gate: kernel %s: %s", k->release, why);
		return EXIT_FAIL;
	}
	rc = kernel_baseline(a->baseline, k->release, &base, path, sizeof(path), err, sizeof(err));
	if (rc) {
		snprintf(why, whylen, "%s baseline (%s)", rc == -ENOENT ? "no" : "a bad", err);
		g->error = why;
		err_msg("gate: kernel %s: %s", k->release, why);
		return EXIT_USAGE;
	}
	rc = gate_eval(a, path, &base, &k->run, g);
	if (!rc && a->plots) {
		snprintf(pdir, sizeof(pdir), "%s/%s", a->plots, k->release);
		*plot_rc = gate_plot(a, pdir, &base, &k->run, g) ?: *plot_rc;
		g->plot_dir = NULL; /* pdir is gone with this frame; the text said where */
	}
	res_free(&base);
	if (rc) {
		snprintf(why, whylen, "not gated: bad input (see the error above)");
		g->error = why;
	}
	return rc;
}

/* the worst of two statuses for a kernel set: a regression or invalid run, then bad input */
static int worse(int a, int b)
{
	static const int order[] = {EXIT_OK, EXIT_SKIP, EXIT_INTERNAL, EXIT_USAGE, EXIT_FAIL};
	int ia = 0, ib = 0;

	for (int i = 0; i < (int)ARRAY_SIZE(order); i++) {
		ia = order[i] == a ? i : ia;
		ib = order[i] == b ? i : ib;
	}
	return ia >= ib ? a : b;
}

static int gate_kernels(const struct gate_args *a, const struct kset *ks)
{
	static struct gate_result g[KSET_MAX];
	static char why[KSET_MAX][600];
	int rc = -1, plot_rc = 0, wrc;

	for (int i = 0; i < ks->n; i++) {
		int r;

		g[i] = (struct gate_result){.alpha = a->alpha, .margin = a->margin};
		r = gate_kernel(a, &ks->k[i], &g[i], why[i], sizeof(why[i]), &plot_rc);
		if (!r)
			r = gate_status(&g[i]);
		rc = rc < 0 ? r : worse(rc, r);
	}
	wrc = write_reports(a, g, (size_t)ks->n);
	for (int i = 0; i < ks->n; i++) {
		if (g[i].error)
			printf("gate: kernel %s: NOT GATED: %s\n", ks->k[i].release, g[i].error);
		else
			printf("gate: kernel %s: %s (%zu regression%s of %zu comparisons)\n",
			       ks->k[i].release, g[i].failures || g[i].incomplete ? "FAIL" : "pass",
			       g[i].failures, g[i].failures == 1 ? "" : "s", g[i].tested);
		free(g[i].rows);
	}
	if (wrc)
		return wrc;
	if (rc == EXIT_SKIP)
		err_msg("gate: every baseline cell is unsupported on these kernels");
	return rc ? rc : plot_rc ? EXIT_INTERNAL : EXIT_OK;
}

int cmd_gate(int argc, char **argv)
{
	struct res_run base, run;
	struct gate_args a;
	char err[768];
	int rc;

	rc = gate_parse(argc, argv, &a);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (kset_is_index(a.dir) || is_dir(a.baseline)) {
		static struct kset ks;

		if (kset_load_any(a.dir, &ks, err, sizeof(err)))
			return err_msg("gate: run %s", err), EXIT_USAGE;
		rc = gate_kernels(&a, &ks);
		kset_free(&ks);
		return rc;
	}
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
