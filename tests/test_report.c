// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of the report's exported helpers: HTML escaping, and report_plot_compare() (and its
 * _marked form, with a caller's regression rule) drawing baseline against current from the
 * fixtures in tests/data/report/ (needs gnuplot; without it the compare cases check the one-line
 * EXIT_SKIP answer instead). Run from the repo root.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_escape),
		cmocka_unit_test(test_compare_draws),
		cmocka_unit_test(test_compare_marked),
		cmocka_unit_test(test_compare_nothing_shared),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
