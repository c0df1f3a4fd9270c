// SPDX-License-Identifier: BSD-2-Clause
/* Unit tests of the gate's decision rule, row matching and JUnit/Markdown escaping. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "esc.h"
#include "gate.h"
#include "results.h"
#include "stats.h"

static struct gate_row row(const char *cell, const char *arm, uint64_t k1, uint64_t n1, uint64_t k0,
			   uint64_t n0)
{
	struct gate_row r = {.k0 = k0, .n0 = n0, .k1 = k1, .n1 = n1, .v = GATE_SAME};

	snprintf(r.cell, sizeof(r.cell), "%s", cell);
	snprintf(r.arm, sizeof(r.arm), "%s", arm);
	return r;
}

static void test_equal_counts_pass(void **state)
{
	struct gate_row r = row("write/file-pageout/file/64/0", "enter", 1998, 2000, 1998, 2000);

	(void)state;
	gate_decide(&r, 1, GATE_ALPHA, GATE_MARGIN);
	assert_int_equal(r.v, GATE_SAME);
	assert_false(gate_failed(r.v));
	assert_true(r.p > 0.05 && r.p <= 1);
	assert_true(r.p_adj >= r.p);
}

static void test_regression(void **state)
{
	struct gate_row r = row("write/file-pageout/file/64/0", "exit", 60, 2000, 0, 2000);

	(void)state;
	gate_decide(&r, 1, GATE_ALPHA, GATE_MARGIN);
	assert_int_equal(r.v, GATE_REGRESSION);
	assert_true(gate_failed(r.v));
	assert_true(r.p < 1e-10);
}

static void test_significant_below_margin(void **state)
{
	/* 0.2 points more, overwhelmingly significant, but under the 1-point margin */
	struct gate_row r = row("write/pressure/file/64/0", "exit", 200, 100000, 0, 100000);

	(void)state;
	gate_decide(&r, 1, GATE_ALPHA, GATE_MARGIN);
	assert_true(r.p_adj < 1e-10);
	assert_int_equal(r.v, GATE_SAME);
	/* with no margin the same counts are a regression */
	r.v = GATE_SAME;
	gate_decide(&r, 1, GATE_ALPHA, 0);
	assert_int_equal(r.v, GATE_REGRESSION);
}

static void test_improved(void **state)
{
	struct gate_row r = row("write/pressure/file/64/0", "enter", 0, 2000, 60, 2000);

	(void)state;
	gate_decide(&r, 1, GATE_ALPHA, GATE_MARGIN);
	assert_int_equal(r.v, GATE_IMPROVED);
	assert_false(gate_failed(r.v));
}

static void test_exact_single_failure(void **state)
{
	struct gate_row r[2] = {row("write/resident/file/64/0", "exit", 1, 2000, 0, 2000),
				row("write/resident/file/64/0", "enter", 0, 2000, 0, 2000)};

	(void)state;
	r[0].exact = r[1].exact = true;
	gate_decide(r, 2, GATE_ALPHA, GATE_MARGIN);
	assert_int_equal(r[0].v, GATE_REGRESSION);
	assert_int_equal(r[1].v, GATE_PASS);
	assert_true(isnan(r[0].p)); /* no test: any failure fails */
}

static void test_holm_changes_verdict(void **state)
{
	struct gate_row r[4];
	double p = stats_fisher_greater(22, 200, 10, 200);

	(void)state;
	/* alone: raw p ~0.02 < 0.05 and +6 points: a regression */
	assert_true(p < GATE_ALPHA && 4 * p > GATE_ALPHA);
	r[0] = row("write/pressure/file/64/0", "enter", 22, 200, 10, 200);
	gate_decide(r, 1, GATE_ALPHA, GATE_MARGIN);
	assert_int_equal(r[0].v, GATE_REGRESSION);
	/* among 4 comparisons Holm multiplies the smallest p by 4: no longer significant */
	r[0] = row("write/pressure/file/64/0", "enter", 22, 200, 10, 200);
	for (int i = 1; i < 4; i++)
		r[i] = row("write/file-pageout/file/64/0", "exit", 0, 200, 0, 200);
	gate_decide(r, 4, GATE_ALPHA, GATE_MARGIN);
	assert_int_equal(r[0].v, GATE_SAME);
	assert_true(fabs((r[0].p_adj) - (4 * p)) <= 1e-12);
}

static void test_exact_not_counted_in_holm(void **state)
{
	struct gate_row r[2] = {row("write/pressure/file/64/0", "enter", 22, 200, 10, 200),
				row("write/resident/file/64/0", "exit", 0, 200, 0, 200)};

	(void)state;
	r[1].exact = true;
	gate_decide(r, 2, GATE_ALPHA, GATE_MARGIN);
	assert_int_equal(r[0].v, GATE_REGRESSION);
	assert_true(fabs((r[0].p_adj) - (r[0].p)) <= 1e-15);
}

static void test_presets_kept_and_sorted(void **state)
{
	struct gate_row r[4] = {
		row("c/a/b/1/0", "enter", 0, 10, 0, 10), row("c/a/b/2/0", "enter", 0, 0, 5, 10),
		row("c/a/b/3/0", "enter", 0, 0, 5, 10), row("c/a/b/4/0", "exit", 0, 0, 0, 10)};

	(void)state;
	r[1].v = GATE_MISSING;
	r[2].v = GATE_SKIP;
	r[3].v = GATE_INVALID;
	gate_decide(r, 4, GATE_ALPHA, GATE_MARGIN);
	assert_int_equal(r[1].v, GATE_MISSING);
	assert_int_equal(r[2].v, GATE_SKIP);
	gate_sort(r, 4);
	assert_string_equal(r[0].cell, "c/a/b/2/0"); /* failures first, in order */
	assert_string_equal(r[1].cell, "c/a/b/4/0");
	assert_string_equal(r[2].cell, "c/a/b/1/0");
	assert_string_equal(r[3].cell, "c/a/b/3/0"); /* skips last */
}

static void test_xml_escape(void **state)
{
	struct sbuf b = {};

	(void)state;
	esc_xml(&b, "a<b>&\"c'\x01\n");
	assert_int_equal(b.err, 0);
	assert_string_equal(b.s, "a&lt;b&gt;&amp;&quot;c&apos;?&#10;");
	sb_free(&b);
}

static void test_md_escape(void **state)
{
	struct sbuf b = {};

	(void)state;
	esc_md(&b, "a|b_c*d\ne<x>");
	assert_string_equal(b.s, "a\\|b\\_c\\*d e\\<x\\>");
	sb_free(&b);
}

static void test_junit_and_markdown(void **state)
{
	struct gate_row r[2] = {row("write/file-pageout/file/64/0", "exit", 60, 2000, 0, 2000),
				row("write/x|<y>/file/64/0", "enter", 0, 0, 0, 2000)};
	struct gate_result g = {.rows = r, .n = 2, .alpha = 0.05, .margin = 0.01};
	struct sbuf j = {}, md = {};

	(void)state;
	r[1].v = GATE_INVALID;
	snprintf(r[1].why, sizeof(r[1].why), "run cell is 'invalid: a & \"b\" <c>'");
	snprintf(g.warnings[g.nwarn++], sizeof(g.warnings[0]), "kernel differs: <x>");
	gate_decide(r, 2, g.alpha, g.margin);
	gate_count(&g);
	assert_int_equal(g.failures, 2);
	gate_junit(&g, &j);
	gate_markdown(&g, &md);
	assert_int_equal(j.err, 0);
	assert_int_equal(md.err, 0);
	assert_non_null(strstr(j.s, "<testcase classname=\"bpfault.write.file-pageout.file.64.0\" "
				    "name=\"exit\">"));
	assert_non_null(strstr(j.s, "run 60/2000 vs baseline 0/2000"));
	assert_non_null(strstr(j.s, "classname=\"bpfault.write.x|&lt;y&gt;.file.64.0\""));
	assert_non_null(strstr(j.s, "&amp; &quot;b&quot; &lt;c&gt;"));
	assert_null(strstr(j.s, "<c>"));
	assert_non_null(strstr(j.s, "WARNING: kernel differs: &lt;x&gt;"));
	assert_non_null(strstr(md.s, "> **WARNING:** kernel differs: \\<x\\>"));
	assert_non_null(strstr(md.s, "write/x\\|\\<y\\>/file/64/0"));
	assert_non_null(strstr(md.s, "| **REGRESSION** | write/file-pageout/file/64/0 | exit |"));
	assert_non_null(
		strstr(md.s, "gate: 2 comparisons, 2 regressions (alpha 0.05, margin 0.01)"));
	sb_free(&j);
	sb_free(&md);
}

static void test_markdown_plot(void **state)
{
	struct gate_row r = row("write/file-pageout/file/64/0", "exit", 60, 2000, 0, 2000);
	struct gate_result g = {.rows = &r, .n = 1, .alpha = 0.05, .margin = 0.01};
	struct sbuf md = {}, code = {};

	(void)state;
	gate_decide(&r, 1, g.alpha, g.margin);
	gate_count(&g);
	/* no plot drawn: not mentioned */
	gate_markdown(&g, &md);
	assert_null(strstr(md.s, "compare.png"));
	assert_null(strstr(md.s, "Plot"));
	sb_free(&md);
	/* drawn: both files named, before the table */
	g.plot_dir = "out/plots";
	gate_markdown(&g, &md);
	assert_int_equal(md.err, 0);
	assert_non_null(strstr(md.s, "\n\nPlot, baseline against run with the regressions "
				     "highlighted: `out/plots/compare.png` (also "
				     "`out/plots/compare.svg`)\n\n| verdict |"));
	sb_free(&md);
	/* a code span cannot hold a backtick or a line break */
	esc_md_code(&code, "a`b\nc");
	assert_string_equal(code.s, "a?b?c");
	sb_free(&code);
}

static void add_cell(struct res_run *r, const char *state, const char *arm1, const char *arm2)
{
	struct res_cell *c = &r->cells[r->ncells++];

	memset(c, 0, sizeof(*c));
	snprintf(c->syscall, sizeof(c->syscall), "write");
	snprintf(c->state, sizeof(c->state), "%s", state);
	snprintf(c->sink, sizeof(c->sink), "file");
	res_set_status(c, RS_OK, NULL);
	c->size = 64;
	snprintf(c->arms[c->narms++].name, RES_NAME, "%s", arm1);
	if (arm2)
		snprintf(c->arms[c->narms++].name, RES_NAME, "%s", arm2);
}

static void test_match(void **state)
{
	struct res_cell ca[2], cb[2];
	struct res_run a = {.cells = ca}, b = {.cells = cb};
	struct res_match *m;
	size_t n;

	(void)state;
	add_cell(&a, "resident", "enter", "exit");
	add_cell(&a, "file-pageout", "enter", NULL);
	add_cell(&b, "resident", "enter", "retry");
	add_cell(&b, "pressure", "enter", NULL);
	assert_int_equal(res_match(&a, &b, &m, &n), 0);
	assert_int_equal(n, 5);
	assert_non_null(m[0].ba); /* resident enter in both */
	assert_null(m[1].ba);	  /* resident exit only in a */
	assert_non_null(m[1].bc);
	assert_null(m[2].bc); /* file-pageout only in a */
	assert_null(m[3].aa); /* resident retry only in b */
	assert_string_equal(m[3].ba->name, "retry");
	assert_null(m[4].ac); /* pressure only in b */
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_counts_pass),
		cmocka_unit_test(test_regression),
		cmocka_unit_test(test_significant_below_margin),
		cmocka_unit_test(test_improved),
		cmocka_unit_test(test_exact_single_failure),
		cmocka_unit_test(test_holm_changes_verdict),
		cmocka_unit_test(test_exact_not_counted_in_holm),
		cmocka_unit_test(test_presets_kept_and_sorted),
		cmocka_unit_test(test_xml_escape),
		cmocka_unit_test(test_md_escape),
		cmocka_unit_test(test_junit_and_markdown),
		cmocka_unit_test(test_markdown_plot),
		cmocka_unit_test(test_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
