// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of matrix building (bench/matrix.h): impossible combinations are dropped with their
 * reason, every syscall x sink gets a resident control, the fingerprint is stable and changes
 * with the cells and arm sets, and a bad matrix file is refused with one line naming the fault.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>
#include "matrix.h"

static struct matrix *m; /* a few hundred KiB: not on the stack */

static int setup(void **state)
{
	(void)state;
	m = malloc(sizeof(*m));
	return m ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(m);
	return 0;
}

/* a fresh matrix from one group of lists; asserts that it was accepted */
static void build(const char *sc, const char *st, const char *sk, const char *arms,
		  const char *sizes, const char *offsets)
{
	struct mx_lists l = {sc, st, sk, arms, sizes, offsets};
	char err[256] = "";

	mx_defaults(m);
	if (mx_add_lists(m, &l, err, sizeof(err)))
		fail_msg("lists refused: %s", err);
}

static int count_state(const char *state, const char *sink)
{
	int n = 0;

	for (int i = 0; i < m->ncells; i++)
		n += !strcmp(m->cells[i].st->name, state) && !strcmp(m->cells[i].sk->name, sink);
	return n;
}

static bool dropped_has(const char *a, const char *b)
{
	for (int i = 0; i < m->ndropped; i++)
		if (strstr(m->dropped[i], a) && strstr(m->dropped[i], b))
			return true;
	return false;
}

static void test_drops_wrong_sink(void **state)
{
	(void)state;
	build("write,openat", "resident,file-pageout", "file,none", "enter,exit", NULL, NULL);
	/* write needs a data sink, openat takes a path: half of the 8 combinations remain */
	assert_int_equal(m->ncells, 4);
	assert_int_equal(m->ndropped, 4);
	assert_true(dropped_has("write/resident/none", "data sink"));
	assert_true(dropped_has("openat/file-pageout/file", "path"));
	for (int i = 0; i < m->ncells; i++)
		assert_string_equal(m->cells[i].sk->name,
				    strcmp(m->cells[i].sc->name, "write") ? "none" : "file");
}

static void test_drops_unaligned_direct(void **state)
{
	(void)state;
	build("write", "resident", "direct", "enter", "64,512", "0,512");
	/* O_DIRECT wants 512-byte aligned sizes and offsets: only 512 at 0 and 512 at 512 remain */
	assert_int_equal(m->ncells, 2);
	assert_int_equal(m->ndropped, 2);
	assert_true(dropped_has("size 64 offset 0", "512-byte aligned"));
	assert_true(dropped_has("size 64 offset 512", "512-byte aligned"));
	for (int i = 0; i < m->ncells; i++)
		assert_int_equal(m->cells[i].size, 512);
}

static void test_controls_added(void **state)
{
	(void)state;
	build("write", "file-pageout,anon-pageout", "file,null", "enter,exit", "128", "8");
	assert_int_equal(count_state("resident", "file"), 0);
	assert_int_equal(mx_add_controls(m), 2); /* one per syscall x sink, not per state */
	assert_int_equal(m->ncells, 6);
	assert_int_equal(count_state("resident", "file"), 1);
	assert_int_equal(count_state("resident", "null"), 1);
	for (int i = 4; i < m->ncells; i++) { /* a control measures what its cells measure */
		assert_int_equal(m->cells[i].size, 128);
		assert_int_equal(m->cells[i].offset, 8);
		assert_int_equal(m->cells[i].arm_mask, m->cells[0].arm_mask);
	}
	assert_int_equal(mx_add_controls(m), 0);
	assert_int_equal(m->ncells, 6);
}

static void test_controls_kept(void **state)
{
	(void)state;
	build("write", "resident,file-pageout", "file", "enter", NULL, NULL);
	assert_int_equal(mx_add_controls(m), 0);
	assert_int_equal(count_state("resident", "file"), 1);
}

static void id_of(char *id, size_t len, const char *sc, const char *st, const char *arms,
		  const char *sizes)
{
	build(sc, st, "file", arms, sizes, NULL);
	mx_id(m, id, len);
}

static void test_id_stable_and_sensitive(void **state)
{
	char a[32], b[32];

	(void)state;
	id_of(a, sizeof(a), "write", "resident,file-pageout", "enter,exit", "64");
	id_of(b, sizeof(b), "write", "resident,file-pageout", "enter,exit", "64");
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), 16);
	assert_int_equal(strspn(a, "0123456789abcdef"), 16);
	id_of(b, sizeof(b), "write", "resident,file-pageout", "enter", "64");
	assert_string_not_equal(a, b); /* an arm less */
	id_of(b, sizeof(b), "write", "resident,file-pageout", "enter,exit", "72");
	assert_string_not_equal(a, b); /* another size */
	id_of(b, sizeof(b), "write", "resident,anon-pageout", "enter,exit", "64");
	assert_string_not_equal(a, b); /* another state */
	id_of(b, sizeof(b), "writev", "resident,file-pageout", "enter,exit", "64");
	assert_string_not_equal(a, b); /* another syscall */
}

/* the committed CI baseline was taken with the CI matrix: the gate compares these ids */
static void test_id_matches_ci_baseline(void **state)
{
	char err[256] = "", id[32];
	json_error_t je;
	json_t *base, *want;

	(void)state;
	mx_defaults(m);
	if (mx_load_file(m, "bench/matrices/ci-small.json", err, sizeof(err)))
		fail_msg("%s", err);
	mx_add_controls(m);
	mx_id(m, id, sizeof(id));
	base = json_load_file("results/baselines/ci-small.json", 0, &je);
	assert_non_null(base);
	want = json_object_get(json_object_get(base, "meta"), "matrix_id");
	assert_non_null(want);
	assert_string_equal(id, json_string_value(want));
	json_decref(base);
}

static char path[] = "/tmp/bpfault-test-matrix.XXXXXX";

/* load TEXT as a matrix file; returns mx_load_file's result, its message in err */
static int load_text(const char *text, char *err, size_t len)
{
	int fd = mkstemp(path), rc;
	ssize_t n = (ssize_t)strlen(text);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, (size_t)n), n);
	close(fd);
	err[0] = 0;
	mx_defaults(m);
	rc = mx_load_file(m, path, err, len);
	unlink(path);
	strcpy(path + strlen(path) - 6, "XXXXXX");
	return rc;
}

#define GROUP "\"groups\": [{\"syscalls\": [\"write\"], \"states\": [\"resident\"]}]"

static void test_file_good(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(
		load_text("{\"name\": \"t\", \"seed\": 9, \"trials\": 300, \"min_trials\": "
			  "500, \"precision\": 0.02, \"block\": 10, " GROUP "}",
			  err, sizeof(err)),
		0);
	assert_string_equal(m->name, "t");
	assert_int_equal(m->seed, 9);
	assert_int_equal(m->max_trials, 300);
	assert_int_equal(m->min_trials, 300); /* never more than the cap */
	assert_int_equal(m->block, 10);
	assert_true(m->precision == 0.02);
	assert_int_equal(m->ncells, 3); /* write x resident x default sinks file, null, pipe */
}

static void test_file_refused(void **state)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{"{\"groups\": [", "line"},
		{"[]", "top level must be an object"},
		{"{}", "\"groups\""},
		{"{\"groups\": []}", "\"groups\""},
		{"{\"groups\": [3]}", "groups[0] must be an object"},
		{"{\"nmae\": \"x\", " GROUP "}", "unknown key \"nmae\""},
		{"{\"groups\": [{\"syscall\": [\"write\"]}]}", "unknown key \"syscall\""},
		{"{\"seed\": 1, \"seed\": 2, " GROUP "}", "duplicate"},
		{"{\"name\": 3, " GROUP "}", "\"name\" must be a string"},
		{"{\"trials\": \"400\", " GROUP "}", "\"trials\" must be a whole number"},
		{"{\"trials\": 0, " GROUP "}", "\"trials\" must be a whole number from 1"},
		{"{\"block\": 0, " GROUP "}", "\"block\""},
		{"{\"seed\": -1, " GROUP "}", "\"seed\""},
		{"{\"precision\": 0.5, " GROUP "}", "\"precision\""},
		{"{\"precision\": -0.01, " GROUP "}", "\"precision\""},
		{"{\"precision\": \"0.1\", " GROUP "}", "\"precision\""},
		{"{\"groups\": [{\"syscalls\": \"write\"}]}",
		 "\"syscalls\" must be a non-empty array"},
		{"{\"groups\": [{\"syscalls\": []}]}", "\"syscalls\" must be a non-empty array"},
		{"{\"groups\": [{\"arms\": [{\"n\": 1}]}]}", "\"arms\"[0] must be a name"},
		{"{\"groups\": [{\"syscalls\": [\"write,openat\"]}]}", "\"syscalls\"[0]"},
		{"{\"groups\": [{\"syscalls\": [\"pwrite9\"]}]}", "unknown syscall 'pwrite9'"},
		{"{\"groups\": [{\"states\": [\"swapped\"]}]}", "unknown page state 'swapped'"},
		{"{\"groups\": [{\"sinks\": [\"tty\"]}]}", "unknown sink 'tty'"},
		{"{\"groups\": [{\"arms\": [\"exit2\"]}]}", "unknown arm 'exit2'"},
		{"{\"groups\": [{\"sizes\": [12]}]}", "bad size '12'"},
		{"{\"groups\": [{\"sizes\": [8192]}]}", "bad size '8192'"},
		{"{\"groups\": [{\"sizes\": [0]}]}", "bad size '0'"},
		{"{\"groups\": [{\"offsets\": [4096]}]}", "bad offset '4096'"},
		{"{\"groups\": [{\"offsets\": [4]}]}", "bad offset '4'"},
	};
	char err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (load_text(bad[i].text, err, sizeof(err)) != -1)
			fail_msg("accepted: %s", bad[i].text);
		if (!strstr(err, bad[i].why) || strchr(err, '\n'))
			fail_msg("%s: got \"%s\", want one line with \"%s\"", bad[i].text, err,
				 bad[i].why);
	}
	mx_defaults(m);
	assert_int_equal(mx_load_file(m, "/nonexistent/m.json", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/m.json"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drops_wrong_sink),
		cmocka_unit_test(test_drops_unaligned_direct),
		cmocka_unit_test(test_controls_added),
		cmocka_unit_test(test_controls_kept),
		cmocka_unit_test(test_id_stable_and_sensitive),
		cmocka_unit_test(test_id_matches_ci_baseline),
		cmocka_unit_test(test_file_good),
		cmocka_unit_test(test_file_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
