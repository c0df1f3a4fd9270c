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
#include "cmds.h"
#include "common.h"
#include "report.h"
#include "results.h"

#define FIX "tests/data/report/"

static void test_html_escape(void **state)
{
	char buf[128];

	(void)state;
	assert_string_equal(report_html_escape("<script>a & \"b\" 'c'</script>", buf, sizeof(buf)),
			    "&lt;script&gt;a &amp; &quot;b&quot; &#39;c&#39;&lt;/script&gt;");
	assert_string_equal(report_html_escape("plain", buf, sizeof(buf)), "plain");
	/* truncation stays NUL-terminated */
	assert_int_equal(strlen(report_html_escape("<<<<", buf, 6)), 5);
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
		assert_int_equal(ret, EXIT_SKIP);
		assert_null(strchr(err, '\n'));
		goto out;
	}
	if (ret)
		fprintf(stderr, "report_plot_compare: %s\n", err);
	assert_int_equal(ret, EXIT_OK);
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
		assert_int_equal(ret, EXIT_SKIP);
		goto out;
	}
	assert_int_equal(ret, EXIT_OK);
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
	assert_int_equal(ret, have_gnuplot() ? EXIT_USAGE : EXIT_SKIP);
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
	char cmd[1024], *argv[] = {"report", dir, NULL};

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
	return cmd_report(2, argv);
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
		snprintf(pair, sizeof(pair), "<img src=\"plots/fail-%s.svg\"", want[i]);
		char *f = strstr(html, pair), *c;

		assert_non_null(f);
		snprintf(pair, sizeof(pair), "<img src=\"plots/cost-%s.svg\"", want[i]);
		c = strstr(html, pair);
		assert_non_null(c);
		assert_true(c > f);
		assert_null(memmem(f + 1, (size_t)(c - f - 1), "<img ", 5));
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_escape),
		cmocka_unit_test(test_compare_draws),
		cmocka_unit_test(test_compare_marked),
		cmocka_unit_test(test_compare_nothing_shared),
		cmocka_unit_test(test_report_cost_per_syscall_sink),
		cmocka_unit_test(test_report_cost_other_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
