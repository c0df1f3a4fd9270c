// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of the report's exported helpers: HTML escaping, and report_plot_compare() (and its
 * _marked form, with a caller's regression rule) drawing baseline against current from the
 * fixtures in tests/data/report/ (needs gnuplot; without it the compare cases check the one-line
 * EXIT_SKIP answer instead), and `bpfault report` itself drawing one cost plot per syscall x sink.
 * Run from the repo root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include "cmds.h"
#include "common.h"
#include "analysis.h"
#include "esc.h"
#include "html.h"
#include "kaxis.h"
#include "kset.h"
#include "report_text.h"
#include "report.h"
#include "results.h"

#define FIX "tests/data/report/"

/* each escaper quotes what its language needs, and nothing else */
static void test_escapers(void **state)
{
	static const struct {
		void (*f)(struct sbuf *, const char *);
		const char *in, *out;
	} t[] = {
		{esc_html, "<script>a & \"b\" 'c'</script>",
		 "&lt;script&gt;a &amp; &quot;b&quot; &#39;c&#39;&lt;/script&gt;"},
		{esc_html, "plain", "plain"},
		{esc_gp, "it's\n", "'it''s '"},
		{esc_gpdata, "a\"b", "\"a'b\""},
		{esc_csv, "plain", "plain"},
		{esc_csv, "invalid: a, \"b\"", "\"invalid: a, \"\"b\"\"\""},
		{esc_shell, "-o", "-o"},
		{esc_shell, "a b'c", "'a b'\\''c'"},
		{esc_md, "a|b*", "a\\|b\\*"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct sbuf b = {0};

		t[i].f(&b, t[i].in);
		assert_string_equal(b.s, t[i].out);
		sb_free(&b);
	}
}

/* one formatter per kind of number */
static void test_formatters(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(fmt_pct(buf, sizeof(buf), 0.0004), "0.04");
	assert_string_equal(fmt_pct(buf, sizeof(buf), 0.99999), "99.999");
	assert_string_equal(fmt_rate_kn(buf, sizeof(buf), 0, 0), "-");
	assert_string_equal(fmt_rate_kn(buf, sizeof(buf), 60, 2000), "3.00% [2.34, 3.84]");
	assert_string_equal(fmt_p(buf, sizeof(buf), 1.23e-5), "1.2e-05");
	assert_string_equal(fmt_ns(buf, sizeof(buf), 850), "850 ns");
	assert_string_equal(fmt_ns(buf, sizeof(buf), 62600), "62.6 \u00b5s");
	assert_string_equal(fmt_ns(buf, sizeof(buf), NAN), "-");
}

static bool have_gnuplot(void)
{
	return system("command -v gnuplot >/dev/null 2>&1") == 0;
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void test_compare_draws(void **state)
{
	struct res_run base, cur;
	char err[512] = "", dir[] = "/tmp/bpfault-test-report.XXXXXX", path[128], *svg = NULL;
	int ret;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(res_load(FIX "complete.json", &base, err, sizeof(err)), 0);
	assert_int_equal(res_load(FIX "regressed.json", &cur, err, sizeof(err)), 0);
	ret = report_plot_compare(&base, &cur, dir, err, sizeof(err));
	if (!have_gnuplot()) {
		assert_int_equal(ret, -ENOENT);
		assert_null(strchr(err, '\n'));
		goto out;
	}
	if (ret)
		fprintf(stderr, "report_plot_compare: %s\n", err);
	assert_int_equal(ret, 0);
	snprintf(path, sizeof(path), "%s/compare.png", dir);
	assert_true(file_size(path) > 1000);
	snprintf(path, sizeof(path), "%s/compare.svg", dir);
	assert_int_equal(read_file(path, &svg, NULL), 0);
	/* the two runs' kernels name the series, and both regressions are in the legend's count */
	assert_non_null(strstr(svg, "6.19.0-rc1"));
	assert_non_null(strstr(svg, "regression"));
	free(svg);
	unlink(path);
	snprintf(path, sizeof(path), "%s/compare.png", dir);
	unlink(path);
out:
	assert_int_equal(rmdir(dir), 0); /* nothing else was left behind */
	res_free(&base);
	res_free(&cur);
}

/* a caller's rule: only write/file-pageout/file/64/0 exit regressed */
static bool mark_one(const struct res_cell *c, const char *arm, void *ctx)
{
	char key[128];

	(*(int *)ctx)++;
	res_cell_key(c, key, sizeof(key));
	return !strcmp(key, "write/file-pageout/file/64/0") && !strcmp(arm, "exit");
}

static void test_compare_marked(void **state)
{
	struct res_run base, cur;
	char err[512] = "", dir[] = "/tmp/bpfault-test-report.XXXXXX", path[128], *svg = NULL;
	int calls = 0, ret;
	struct report_compare_opts o = {
		.base_name = "base <run>",
		.cur_name = "cur",
		.regressed = mark_one,
		.ctx = &calls,
		.rule = "my rule",
	};

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(res_load(FIX "complete.json", &base, err, sizeof(err)), 0);
	assert_int_equal(res_load(FIX "complete.json", &cur, err, sizeof(err)), 0);
	ret = report_plot_compare_marked(&base, &cur, dir, &o, err, sizeof(err));
	if (!have_gnuplot()) {
		assert_int_equal(ret, -ENOENT);
		goto out;
	}
	assert_int_equal(ret, 0);
	assert_true(calls > 10); /* asked once per row, in each of the two passes */
	snprintf(path, sizeof(path), "%s/compare.svg", dir);
	assert_int_equal(read_file(path, &svg, NULL), 0);
	/* the caller's row is marked even though the rates are equal, and only that row */
	assert_non_null(strstr(svg, ">write/file-pageout/file/64/0 exit  [REGRESSION +0.00pp]<"));
	assert_null(strstr(strstr(svg, "[REGRESSION") + 1, "[REGRESSION"));
	assert_non_null(strstr(svg, "1 regression (my rule)"));
	assert_non_null(strstr(svg, "baseline: base &lt;run>, kernel 6.18.0-bpfault &lt;test>"));
	assert_non_null(strstr(svg, "current: cur, kernel"));
	free(svg);
	unlink(path);
	snprintf(path, sizeof(path), "%s/compare.png", dir);
	unlink(path);
out:
	assert_int_equal(rmdir(dir), 0);
	res_free(&base);
	res_free(&cur);
}

static void test_compare_nothing_shared(void **state)
{
	struct res_run base, cur;
	char err[512] = "", dir[] = "/tmp/bpfault-test-report.XXXXXX";
	int ret;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(res_load(FIX "complete.json", &base, err, sizeof(err)), 0);
	assert_int_equal(res_load(FIX "complete.json", &cur, err, sizeof(err)), 0);
	for (int i = 0; i < cur.ncells; i++)
		snprintf(cur.cells[i].syscall, sizeof(cur.cells[i].syscall), "other");
	ret = report_plot_compare(&base, &cur, dir, err, sizeof(err));
	assert_int_equal(ret, have_gnuplot() ? -EINVAL : -ENOENT);
	assert_int_equal(report_exit_status(ret), have_gnuplot() ? EXIT_USAGE : EXIT_SKIP);
	assert_true(strlen(err) > 0);
	assert_null(strchr(err, '\n'));
	assert_int_equal(rmdir(dir), 0); /* empty: no partial plot, no work directory */
	res_free(&base);
	res_free(&cur);
}

/* DIR/plots/NAME.EXT exists and is not empty */
static bool plot_exists(const char *dir, const char *name, const char *ext)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/plots/%s.%s", dir, name, ext);
	return file_size(path) > 0;
}

/* width of a PNG, from its IHDR chunk; -1 if unreadable */
static long png_width(const char *path)
{
	unsigned char h[24];
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(h, 1, sizeof(h), f) : 0;

	if (f)
		fclose(f);
	if (n != sizeof(h) || memcmp(h + 12, "IHDR", 4))
		return -1;
	return (long)h[16] << 24 | (long)h[17] << 16 | (long)h[18] << 8 | h[19];
}

/*
 * run `bpfault report DIR` on FIXTURE in a fresh DIR; EDIT, when not NULL, is Python run on the
 * fixture's cells first (as "c" for each cell)
 */
static int report_on(char *dir, const char *fixture, const char *edit)
{
	char cmd[1024], *argv[] = {"report", dir, "--format", "svg,png", NULL};

	if (!mkdtemp(dir))
		return -1;
	if (edit)
		snprintf(cmd, sizeof(cmd),
			 "python3 -c 'import json, sys\nd = json.load(open(sys.argv[1]))\n"
			 "for c in d[\"cells\"]:\n    %s\njson.dump(d, open(sys.argv[2], \"w\"))' "
			 "%s %s/results.json",
			 edit, fixture, dir);
	else
		snprintf(cmd, sizeof(cmd), "cp %s %s/results.json", fixture, dir);
	if (system(cmd))
		return -1;
	fflush(stdout);
	return cmd_report(4, argv);
}

static void rm_dir(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* one cost plot per syscall x sink with cost, shown right after its fail plot */
static void test_report_cost_per_syscall_sink(void **state)
{
	static const char *const want[] = {"write-file", "write-null", "openat-file"};
	char dir[] = "/tmp/bpfault-test-report.XXXXXX", name[64], path[256], *svg = NULL,
	     *html = NULL;
	int ret;

	(void)state;
	ret = report_on(dir, FIX "complete.json", NULL);
	if (!have_gnuplot()) {
		assert_int_equal(ret, EXIT_SKIP);
		rm_dir(dir);
		return;
	}
	assert_int_equal(ret, EXIT_OK);
	assert_false(plot_exists(dir, "cost", "png"));
	assert_false(plot_exists(dir, "cost", "svg"));
	/* the direct sink's only cell is unsupported: no cost, no plot */
	assert_false(plot_exists(dir, "cost-write-direct", "svg"));
	snprintf(path, sizeof(path), "%s/report.html", dir);
	assert_int_equal(read_file(path, &html, NULL), 0);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		char pair[160];

		snprintf(name, sizeof(name), "cost-%s", want[i]);
		assert_true(plot_exists(dir, name, "png"));
		assert_true(plot_exists(dir, name, "svg"));
		snprintf(path, sizeof(path), "%s/plots/%s.png", dir, name);
		assert_in_range(png_width(path), 900, 2800);
		/* the cost figure comes straight after the fail figure of the same syscall x sink
		 */
		snprintf(pair, sizeof(pair), "<figure id=\"fig-fail-%s\">", want[i]);
		char *f = strstr(html, pair), *c;

		assert_non_null(f);
		snprintf(pair, sizeof(pair), "<figure id=\"fig-cost-%s\">", want[i]);
		c = strstr(html, pair);
		assert_non_null(c);
		assert_true(c > f);
		assert_null(memmem(f + 1, (size_t)(c - f - 1), "<figure ", 8));
		/* inline: the file alone shows it */
		assert_non_null(memmem(f, (size_t)(c - f), "src=\"data:image/svg+xml;base64,",
				       strlen("src=\"data:image/svg+xml;base64,")));
	}
	snprintf(path, sizeof(path), "%s/plots/cost-write-file.svg", dir);
	assert_int_equal(read_file(path, &svg, NULL), 0);
	assert_non_null(strstr(svg, "write, sink file: cost of a read per arm and page state"));
	assert_non_null(strstr(svg, "64-byte buffer at offset 0; bars: median ns per read"));
	assert_non_null(strstr(svg, "ns per read"));
	assert_non_null(strstr(svg, "95% distribution-free interval"));
	assert_non_null(strstr(svg, ">pressure<"));
	assert_null(strstr(svg, "(others as labelled)"));
	/* the median of write/resident/file enter (412 ns) is written above its bar */
	assert_non_null(strstr(svg, ">412 ns<"));
	free(svg);
	free(html);
	rm_dir(dir);
}

/* a state whose cell at the plotted size has no cost falls back to another size, labelled */
static void test_report_cost_other_size(void **state)
{
	char dir[] = "/tmp/bpfault-test-report.XXXXXX", path[256], *svg = NULL;
	int ret;

	(void)state;
	if (!have_gnuplot()) {
		skip();
		return;
	}
	/* drop the cost of write/pressure/file at 64 B: 16 B, the first with as many trials, stands
	 */
	ret = report_on(
		dir, FIX "complete.json",
		"[c.pop(k, None) for k in (\"cost_ns\", \"cost_ci95\", \"cost_samples_ns\") "
		"if c[\"state\"] == \"pressure\" and c[\"size\"] == 64]");
	assert_int_equal(ret, EXIT_OK);
	snprintf(path, sizeof(path), "%s/plots/cost-write-file.svg", dir);
	assert_int_equal(read_file(path, &svg, NULL), 0);
	assert_non_null(strstr(svg, "(others as labelled)"));
	assert_non_null(strstr(svg, ">(16 B @ 0)<"));
	free(svg);
	rm_dir(dir);
}

/* ---- the analysis: structured notes and the answer, from meta.units ---- */

struct fixture {
	struct res_run run;
	struct res_index x;
	struct an_notes notes;
	struct an_summary sum;
};

static void fixture_load(struct fixture *f, const char *path, bool drop_units)
{
	char err[512];

	assert_int_equal(res_load(path, &f->run, err, sizeof(err)), 0);
	if (drop_units)
		res_units_free(&f->run.units);
	assert_int_equal(res_index_build(&f->run, &f->x), 0);
	assert_int_equal(an_notes_build(&f->x, &f->notes), 0);
	assert_int_equal(an_summary_build(&f->x, &f->sum), 0);
}

static void fixture_free(struct fixture *f)
{
	an_summary_free(&f->sum);
	an_notes_free(&f->notes);
	res_index_free(&f->x);
	res_free(&f->run);
}

/* the first note of kind about sys x sink (NULL: any) with arms a, b (NULL: any) */
static const struct an_note *find_note(const struct fixture *f, enum an_note_kind kind,
				       const char *sys, const char *sink, const char *a,
				       const char *b)
{
	const struct res_index *x = &f->x;

	for (size_t i = 0; i < f->notes.n; i++) {
		const struct an_note *n = &f->notes.v[i];

		if (n->kind != kind || (sys && (n->sys < 0 || strcmp(x->sys[n->sys], sys))) ||
		    (sink && (n->sink < 0 || strcmp(x->sinks[n->sink], sink))) ||
		    (a && (n->arm < 0 || strcmp(x->arms[n->arm], a))) ||
		    (b && (n->arm2 < 0 || strcmp(x->arms[n->arm2], b))))
			continue;
		return n;
	}
	return NULL;
}

static size_t count_notes(const struct fixture *f, enum an_note_kind kind)
{
	size_t k = 0;

	for (size_t i = 0; i < f->notes.n; i++)
		k += f->notes.v[i].kind == kind;
	return k;
}

static void test_notes_units(void **state)
{
	struct fixture f = {0};
	const struct an_note *n;

	(void)state;
	fixture_load(&f, FIX "default-units.json", false);
	/* a valid run: no control failed; execve's exit arms failed because the image went */
	assert_int_equal(count_notes(&f, AN_CONTROL_FAILED), 0);
	assert_int_equal(count_notes(&f, AN_CONTROL_INVALID), 0);
	assert_int_equal(count_notes(&f, AN_INCOMPLETE), 0);
	n = find_note(&f, AN_CONTROL_EXEMPT, NULL, NULL, "exit", NULL);
	assert_non_null(n);
	assert_int_equal(n->cause, AN_CAUSE_IMAGE_REPLACED);
	assert_string_equal(f.run.cells[n->cell].syscall, "execve");
	assert_string_equal(f.run.cells[n->cell].state, "resident");
	assert_true(n->k[0] > 0 && n->k[0] <= n->k[1]);
	/* exit fails like enter for execve (image replaced) and for /dev/null (never touched) */
	n = find_note(&f, AN_SAME_LATE, "execve", "none", "enter", "exit");
	assert_non_null(n);
	assert_int_equal(n->cause, AN_CAUSE_IMAGE_REPLACED);
	n = find_note(&f, AN_SAME_LATE, "write", "null", "enter", "exit");
	assert_non_null(n);
	assert_int_equal(n->cause, AN_CAUSE_UNTOUCHED);
	assert_true(n->v[0] >= 0.9 * n->v[1]);
	/* where the kernel reads the buffer, the read at exit finds it */
	assert_non_null(find_note(&f, AN_LATE_WORKS, "write", "file", "enter", "exit"));
	assert_non_null(find_note(&f, AN_LATE_WORKS, "uring-write", "file", "submit", "later"));
	assert_null(find_note(&f, AN_SAME_LATE, "write", "file", "enter", "exit"));
	/* the sleepable read faults pages in where enter failed, with both costs */
	n = find_note(&f, AN_FAULTS_IN, "write", "file", "enter", "sleep");
	assert_non_null(n);
	assert_true(n->k[0] > 0 && n->v[0] >= 0.5 && isfinite(n->v[2]) && n->v[2] > n->v[4]);
	/* verdicts: enter unusable on write/file, exit safe */
	assert_non_null(find_note(&f, AN_UNUSABLE, "write", "file", "enter", NULL));
	assert_non_null(find_note(&f, AN_SAFE, "write", "file", "exit", NULL));
	fixture_free(&f);
}

/* an old file: the same numbers, generic text, and still no false control failure */
static void test_notes_old_file(void **state)
{
	struct fixture f = {0};
	const struct an_note *n;

	(void)state;
	fixture_load(&f, FIX "default-units.json", true);
	assert_false(f.run.units.present);
	assert_int_equal(count_notes(&f, AN_CONTROL_FAILED), 0);
	n = find_note(&f, AN_CONTROL_EXEMPT, NULL, NULL, "exit", NULL);
	assert_non_null(n);
	assert_int_equal(n->cause, AN_CAUSE_UNKNOWN);
	assert_null(find_note(&f, AN_SAME_LATE, NULL, NULL, NULL, NULL)); /* no pairs known */
	/* no unit facts: pressure-high (94.5% absent) counts, so enter is "unreliable" */
	assert_non_null(find_note(&f, AN_UNRELIABLE, "write", "file", "enter", NULL));
	fixture_free(&f);
}

static const struct an_row *find_row(const struct fixture *f, const char *sys, const char *sink)
{
	for (size_t i = 0; i < f->sum.n; i++)
		if (!strcmp(f->x.sys[f->sum.rows[i].sys], sys) &&
		    !strcmp(f->x.sinks[f->sum.rows[i].sink], sink))
			return &f->sum.rows[i];
	return NULL;
}

/* the answer: per syscall x sink, worst rates, safe arms, the cheapest safe one */
static void test_summary_units(void **state)
{
	struct fixture f = {0};
	const struct an_row *r;
	int enter, exit_, later;

	(void)state;
	fixture_load(&f, FIX "default-units.json", false);
	enter = res_index_arm(&f.x, "enter");
	exit_ = res_index_arm(&f.x, "exit");
	later = res_index_arm(&f.x, "later");
	assert_true(enter >= 0 && exit_ >= 0 && later >= 0);
	assert_int_equal(res_index_arm(&f.x, "fentry"), -1); /* never ran: not an axis... */
	assert_true(f.x.nunsup >= 2);			     /* ...but listed with its reason */
	r = find_row(&f, "openat", "none");
	assert_non_null(r);
	assert_true(r->arms[enter].worst >= 0.95 && !r->arms[enter].safe);
	assert_true(r->arms[exit_].safe && r->arms[exit_].upper < AN_SAFE_UPPER);
	assert_true(r->cheapest >= 0 && r->arms[r->cheapest].safe);
	for (int a = 0; a < f.x.narms; a++)
		if (r->arms[a].safe)
			assert_true(r->arms[r->cheapest].cost_ns <= r->arms[a].cost_ns);
	/* execve: exit loses the image, later (sched_process_exec) reads the new one */
	r = find_row(&f, "execve", "none");
	assert_non_null(r);
	assert_false(r->arms[exit_].safe);
	assert_true(r->arms[later].safe);
	/* no arm is safe for io_uring writes to /dev/null: nothing ever reads the buffer */
	r = find_row(&f, "uring-write", "null");
	assert_non_null(r);
	assert_int_equal(r->nsafe, 0);
	assert_int_equal(r->cheapest, -1);
	/* the resident control is no part of the answer */
	assert_false(find_row(&f, "write", "file")->arms[enter].worst < 0.5);
	fixture_free(&f);
}

/* rendered from meta.units: the right hook per syscall, the right reason, no false alarm */
static void test_html_units(void **state)
{
	struct fixture f = {0};
	struct sbuf b = {0};
	char *ex;

	(void)state;
	fixture_load(&f, FIX "default-units.json", false);
	html_notes(&b, &f.x, &f.notes);
	assert_int_equal(b.err, 0);
	assert_null(strstr(b.s, "Control failed"));
	assert_non_null(strstr(b.s, "because the call replaced the image"));
	ex = strstr(b.s, "<b>execve, sink none</b>");
	assert_non_null(ex);
	assert_non_null(strstr(ex, "later (tracepoint/sched/sched_process_exec"));
	assert_null(memmem(ex, strcspn(ex + 1, "\n") + 1, "io_uring_complete", 17));
	assert_non_null(strstr(ex, "execve replaced the image"));
	assert_null(strstr(b.s, "never touched the buffer for sink none"));
	assert_non_null(strstr(b.s, "never touched the buffer for sink null"));
	assert_non_null(strstr(b.s, "later (tracepoint/io_uring/io_uring_complete) works where "
				    "submit (tracepoint/io_uring/io_uring_submit_req) fails"));
	sb_free(&b);
	fixture_free(&f);
}

/* execve's per-position table: one row per arm with positions, the columns of the widest arm,
 * n/m where an arm has fewer; nothing at all for a run without positions */
static void test_html_positions(void **state)
{
	struct res_run r = {0};
	struct res_cell *c = calloc(1, sizeof(*c));
	struct fixture f = {0};
	struct sbuf b = {0};
	const char *t;

	(void)state;
	assert_non_null(c);
	snprintf(c->syscall, RES_NAME, "execve");
	snprintf(c->state, RES_NAME, "anon-pageout");
	c->status = RS_OK;
	c->narms = 2;
	for (int a = 0; a < 2; a++) {
		struct res_arm *ar = &c->arms[a];

		snprintf(ar->name, RES_NAME, a ? "tool:<x>" : "enter");
		ar->n = 10;
		ar->npos = a ? 2 : 3;
		for (int p = 0; p < ar->npos; p++) {
			snprintf(ar->pos[p].name, sizeof(ar->pos[p].name), "argv[%d]", p + 1);
			ar->pos[p].c = (struct res_cond){.has = true, .n = 10, .fails = p ? 0 : 10};
			res_cond_finish(&ar->pos[p].c);
		}
		ar->lost = (struct res_cond){.has = !a, .n = 10, .fails = 10};
		res_cond_finish(&ar->lost);
	}
	r.ncells = 1;
	r.cells = c;
	html_positions(&b, &r);
	assert_int_equal(b.err, 0);
	assert_non_null(b.s);
	t = strstr(b.s, "<th>argv[3]</th><th>stop-at-first loses</th>");
	assert_non_null(t);
	assert_non_null(strstr(b.s, "tool:&lt;x&gt;"));
	assert_non_null(strstr(b.s, "10/10 failed"));
	/* the tool's row: two positions, then n/m for argv[3] and for the loss */
	t = strstr(b.s, "tool:&lt;x&gt;");
	assert_non_null(strstr(t, "<td class=\"nm\">n/m</td><td class=\"nm\">n/m</td></tr>"));
	sb_free(&b);
	free(c);
	fixture_load(&f, FIX "default-units.json", false);
	html_positions(&b, &f.run);
	assert_null(b.s);
	fixture_free(&f);
}

/* the kernel axis of the three-kernel fixture (cut from the committed references) */
static const struct kx_group *kx_group_of(const struct kaxis *kx, const char *sys, const char *sink)
{
	for (int i = 0; i < kx->ngroups; i++)
		if (!strcmp(kx->groups[i].sys, sys) && !strcmp(kx->groups[i].sink, sink))
			return &kx->groups[i];
	return NULL;
}

static int kx_arm_of(const struct kx_group *g, const char *arm)
{
	for (int a = 0; a < g->narms; a++)
		if (!strcmp(g->arms[a], arm))
			return a;
	return -1;
}

static void test_kernel_axis(void **state)
{
	static struct kset ks;
	struct kaxis kx;
	const struct kx_group *g;
	const struct kx_val *v;
	char err[768] = "";
	int fentry, exitarm;

	(void)state;
	assert_true(kset_is_index("tests/data/kernels"));
	assert_int_equal(kset_load("tests/data/kernels", &ks, err, sizeof(err)), 0);
	assert_int_equal(ks.n, 3);
	assert_int_equal(kset_nloaded(&ks), 3);
	assert_string_equal(ks.k[1].release, "6.1.0-57-amd64");
	assert_false(ks.k[1].run.cost_comparable);
	assert_string_equal(ks.k[1].run.accel, "tcg");
	assert_true(ks.k[0].run.cost_comparable);
	assert_int_equal(kx_build(&ks, &kx), 0);
	assert_int_equal(kx.nk, 3);
	g = kx_group_of(&kx, "write", "file");
	assert_non_null(g);
	fentry = kx_arm_of(g, "fentry");
	exitarm = kx_arm_of(g, "exit");
	assert_true(fentry >= 0 && exitarm >= 0);
	/* the host cannot run fentry (locked down), 6.1 and 6.12 can: it fails on paged-out pages
	 */
	v = kx_val(g, kx.nk, fentry, 0);
	assert_int_equal(v->kind, KX_UNSUP);
	assert_non_null(strstr(kx.whys[v->why], "locked down"));
	for (int k = 1; k < 3; k++) {
		v = kx_val(g, kx.nk, fentry, k);
		assert_int_equal(v->kind, KX_MEASURED);
		assert_true(v->worst > 0.95);
	}
	/* the exit read never fails on a paged-out write buffer, on any of them */
	for (int k = 0; k < 3; k++) {
		v = kx_val(g, kx.nk, exitarm, k);
		assert_int_equal(v->kind, KX_MEASURED);
		assert_true(v->worst == 0 && v->safe);
	}
	kx_free(&kx);
	kset_free(&ks);
}

/* a bad index is bad input with one line: a "dir" that leaves the directory */
static void test_kernel_index_hostile(void **state)
{
	char dir[] = "/tmp/bpfault-test-kset.XXXXXX", path[128], err[768] = "";
	static struct kset ks;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/index.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"format\": \"bpfault-kernels/1\", \"kernels\": [{\"release\": \"x\", "
	      "\"dir\": \"../etc\"}]}\n",
	      f);
	fclose(f);
	assert_int_equal(kset_load(dir, &ks, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "plain path component"));
	assert_null(strchr(err, '\n'));
	unlink(path);
	rmdir(dir);
}

/* the notes in Markdown and in text: the same sentences, text within 100 columns */
static void test_notes_forms(void **state)
{
	struct fixture f = {0};
	struct sbuf md = {0}, txt = {0};

	(void)state;
	fixture_load(&f, FIX "default-units.json", false);
	view_notes(&md, VIEW_MD, &f.x, &f.notes);
	view_notes(&txt, VIEW_TEXT, &f.x, &f.notes);
	assert_int_equal(md.err, 0);
	assert_int_equal(txt.err, 0);
	assert_non_null(strstr(md.s, "## What this means"));
	assert_non_null(strstr(md.s, "- **execve, sink none**"));
	assert_non_null(strstr(md.s, "because the call replaced the image"));
	assert_null(strstr(md.s, "<li"));
	assert_non_null(strstr(txt.s, "What this means\n==============="));
	assert_null(strchr(txt.s, '<'));
	for (const char *l = txt.s; *l;) {
		size_t n = strcspn(l, "\n");

		assert_true(n <= VIEW_TEXT_COLS);
		l += n + (l[n] != 0);
	}
	sb_free(&md);
	sb_free(&txt);
	fixture_free(&f);
}

/* the plot scripts are found beside the binary only: give the test binary its scripts/ */
static int link_scripts(void)
{
	char exe[PATH_MAX], link[PATH_MAX + 16], target[PATH_MAX + 16], *slash;

	if (!realpath("/proc/self/exe", exe) || !(slash = strrchr(exe, '/')) ||
	    !realpath("scripts", target))
		return -1;
	*slash = 0;
	snprintf(link, sizeof(link), "%s/scripts", exe);
	unlink(link);
	return symlink(target, link);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapers),
		cmocka_unit_test(test_formatters),
		cmocka_unit_test(test_notes_units),
		cmocka_unit_test(test_notes_old_file),
		cmocka_unit_test(test_summary_units),
		cmocka_unit_test(test_html_units),
		cmocka_unit_test(test_html_positions),
		cmocka_unit_test(test_kernel_axis),
		cmocka_unit_test(test_kernel_index_hostile),
		cmocka_unit_test(test_notes_forms),
		cmocka_unit_test(test_compare_draws),
		cmocka_unit_test(test_compare_marked),
		cmocka_unit_test(test_compare_nothing_shared),
		cmocka_unit_test(test_report_cost_per_syscall_sink),
		cmocka_unit_test(test_report_cost_other_size),
	};

	if (link_scripts())
		fprintf(stderr, "cannot link scripts/ beside the test binary\n");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
