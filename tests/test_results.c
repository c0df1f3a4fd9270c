// SPDX-License-Identifier: BSD-2-Clause
/* Unit tests of the results model: write -> load round trip, and one-line errors on bad files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "common.h"
#include "results.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/bpfault-test-results.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char p[128];

	(void)state;
	snprintf(p, sizeof(p), "%s/results.json", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/cells.csv", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/bad.json", dir);
	unlink(p);
	rmdir(dir);
	return 0;
}

static void fill(struct res_run *r, struct res_cell *c)
{
	memset(r, 0, sizeof(*r));
	memset(c, 0, sizeof(*c));
	r->meta = json_pack("{ss ss sb}", "kernel", "6.18-test", "matrix_id", "0123456789abcdef",
			    "complete", 1);
	r->ncells = 1;
	r->cells = c;
	snprintf(c->syscall, sizeof(c->syscall), "write");
	snprintf(c->state, sizeof(c->state), "file-pageout");
	snprintf(c->sink, sizeof(c->sink), "file");
	/* a status with brackets, spaces and escapes: the writer must not touch strings */
	snprintf(c->status, sizeof(c->status), "invalid: odd [1,  2]\n \"q\" \\ end");
	c->size = 64;
	c->trials = 2000;
	c->nonresident_before = 1998;
	c->narms = 2;
	snprintf(c->arms[0].name, RES_NAME, "enter");
	c->arms[0].n = 2000;
	c->arms[0].ok = 2;
	c->arms[0].fault = 1998;
	c->arms[0].zeroed = 1998;
	c->arms[0].cost_ns = 941;
	c->arms[0].cost_ci95[0] = 930;
	c->arms[0].cost_ci95[1] = 950;
	c->arms[0].ncost = 3;
	c->arms[0].cost_samples[0] = 940;
	c->arms[0].cost_samples[1] = 941;
	c->arms[0].cost_samples[2] = 1200;
	snprintf(c->arms[1].name, RES_NAME, "exit");
	c->arms[1].n = 2000;
	c->arms[1].ok = 2000;
	c->arms[1].cost_ns = NAN;
	res_arm_finish(&c->arms[0]);
	res_arm_finish(&c->arms[1]);
	c->npairs = 1;
	snprintf(c->pairs[0].a, RES_NAME, "enter");
	snprintf(c->pairs[0].b, RES_NAME, "exit");
	c->pairs[0].a_only = 1998;
	c->pairs[0].neither = 2;
	c->pairs[0].p = 0;
	c->pairs[0].p_mid = 0;
	c->nunsup = 1;
	snprintf(c->unsup[0].name, RES_NAME, "fentry");
	snprintf(c->unsup[0].why, sizeof(c->unsup[0].why), "load failed: EPERM");
}

static void test_round_trip(void **state)
{
	struct res_run r, back;
	struct res_cell c;
	char err[256];
	const struct res_arm *a;

	(void)state;
	fill(&r, &c);
	assert_int_equal(res_write_dir(&r, dir), 0);
	json_decref(r.meta);
	assert_int_equal(res_load(dir, &back, err, sizeof(err)), 0);
	assert_int_equal(back.ncells, 1);
	assert_true(back.complete);
	assert_string_equal(back.kernel, "6.18-test");
	assert_string_equal(back.matrix_id, "0123456789abcdef");
	assert_string_equal(back.cells[0].status, c.status);
	assert_int_equal(back.cells[0].nonresident_before, 1998);
	a = res_find_arm(&back.cells[0], "enter");
	assert_non_null(a);
	assert_int_equal(a->fails, 1998);
	assert_int_equal(a->zeroed, 1998);
	assert_true(fabs(a->fail_rate - 0.999) < 1e-12);
	assert_true(a->ci95[0] < 0.999 && a->ci95[1] > 0.999);
	assert_true(fabs(a->cost_ns - 941) < 1e-9);
	assert_int_equal(a->ncost, 3);
	assert_true(a->cost_samples[2] == 1200);
	a = res_find_arm(&back.cells[0], "exit");
	assert_non_null(a);
	assert_int_equal(a->fails, 0);
	assert_true(isnan(a->cost_ns));
	/* exact one-sided 95% bound with no failures: 1 - 0.05^(1/2000) */
	assert_true(fabs(a->upper95 - (1 - pow(0.05, 1.0 / 2000))) < 1e-12);
	assert_int_equal(back.cells[0].pairs[0].a_only, 1998);
	assert_int_equal(back.cells[0].nunsup, 1);
	assert_string_equal(back.cells[0].unsup[0].why, "load failed: EPERM");
	assert_null(res_find_arm(&back.cells[0], "fentry"));
	res_free(&back);
}

static void load_bad(const char *text, const char *want)
{
	char path[128], err[256];
	struct res_run r;
	FILE *f;

	snprintf(path, sizeof(path), "%s/bad.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(res_load(path, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, want));
	assert_null(strchr(err, '\n'));
}

static void test_bad_files(void **state)
{
	(void)state;
	load_bad("{\"schema\": \"bpfault/1\", \"meta\": {}, \"cells\": [", "line");
	load_bad("[]", "top level must be an object");
	load_bad("{\"schema\": \"bpfault/2\", \"meta\": {}, \"cells\": []}", "\"schema\"");
	load_bad("{\"schema\": \"bpfault/1\", \"meta\": {}}", "\"cells\"");
	load_bad("{\"schema\": \"bpfault/1\", \"meta\": {}, \"cells\": [{\"syscall\": \"write\"}]}",
		 "cells[0]: missing \"state\"");
	load_bad("{\"schema\": \"bpfault/1\", \"meta\": {}, \"cells\": [{\"syscall\": \"w\", "
		 "\"state\": \"s\", \"sink\": \"k\", \"status\": \"ok\", \"size\": 64, \"offset\": "
		 "0, "
		 "\"trials\": 10, \"nonresident_before\": 11, \"arms\": {}}]}",
		 "nonresident_before exceeds trials");
	load_bad("{\"schema\": \"bpfault/1\", \"meta\": {}, \"cells\": [{\"syscall\": \"w\", "
		 "\"state\": \"s\", \"sink\": \"k\", \"status\": \"ok\", \"size\": 64, \"offset\": "
		 "0, "
		 "\"trials\": 10, \"nonresident_before\": 1, \"arms\": {\"enter\": {\"n\": 10, "
		 "\"ok\": 11, \"fault\": 0, \"zeroed\": 0, \"mismatch\": 0}}}]}",
		 "a count exceeds n");
	load_bad("{\"schema\": \"bpfault/1\", \"schema\": \"bpfault/1\", \"meta\": {}, \"cells\": "
		 "[]}",
		 "duplicate");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_files),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
