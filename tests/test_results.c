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
#include <errno.h>
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
	res_set_status(c, RS_INVALID, "odd [1,  2]\n \"q\" \\ end");
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
	assert_int_equal(back.cells[0].status, c.status);
	assert_string_equal(back.cells[0].reason, c.reason);
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

/* text written to <dir>/bad.json, whose path it leaves in path */
static void write_text(const char *text, char *path, size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/bad.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void load_bad(const char *text, const char *want)
{
	char path[128], err[256];
	struct res_run r;

	write_text(text, path, sizeof(path));
	assert_int_equal(res_load(path, &r, err, sizeof(err)), -EINVAL);
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
	load_bad("{\"schema\": \"bpfault/1\", \"meta\": {}, \"cells\": [{\"syscall\": \"w\", "
		 "\"state\": \"s\", \"sink\": \"k\", \"status\": \"okay\", \"size\": 64, "
		 "\"offset\": 0, \"trials\": 1, \"nonresident_before\": 0, \"arms\": {}}]}",
		 "cells[0]: \"status\" must be");
	load_bad("{\"schema\": \"bpfault/1\", \"meta\": {\"units\": {\"arms\": [{\"style\": 1}]}}, "
		 "\"cells\": []}",
		 "meta.units: arms[0]: missing \"name\"");
	load_bad("{\"schema\": \"bpfault/1\", \"meta\": {\"units\": {\"arms\": [{\"name\": \"x\", "
		 "\"hooks\": {\"write\": 3}}]}}, \"cells\": []}",
		 "bad hook");
	load_bad("{\"schema\": \"bpfault/1\", \"meta\": {}, \"cells\": [{\"syscall\": \"w\", "
		 "\"state\": \"s\", \"sink\": \"k\", \"status\": \"ok\", \"size\": 64, "
		 "\"offset\": 0, \"trials\": 4, \"nonresident_before\": 0, \"arms\": {\"enter\": "
		 "{\"n\": 4, \"ok\": 4, \"fault\": 0, \"zeroed\": 0, \"mismatch\": 0, \"absent\": "
		 "{\"n\": 1, \"fails\": 0}, \"present\": {\"n\": 2, \"fails\": 0}}}}]}",
		 "absent.n + present.n must equal n");
}

/* every status survives JSON: the enum and its reason; a bare "unsupported" too */
static void test_status_round_trip(void **state)
{
	static const enum res_status all[] = {RS_PENDING, RS_OK, RS_UNSUPPORTED, RS_INVALID};
	struct res_cell *c = calloc(1, sizeof(*c));
	char buf[RES_WHY + 16], why[RES_WHY];
	enum res_status st;

	(void)state;
	assert_non_null(c);
	for (size_t i = 0; i < 4; i++) {
		res_set_status(c, all[i], all[i] >= RS_UNSUPPORTED ? "why: %d, [x]" : NULL, 7);
		res_status_str(c, buf, sizeof(buf));
		assert_int_equal(res_status_parse(buf, &st, why, sizeof(why)), 0);
		assert_int_equal(st, all[i]);
		assert_string_equal(why, c->reason);
	}
	assert_string_equal(res_status_str(c, buf, sizeof(buf)), "invalid: why: 7, [x]");
	assert_int_equal(res_status_parse("unsupported", &st, why, sizeof(why)), 0);
	assert_int_equal(st, RS_UNSUPPORTED);
	assert_int_equal(res_status_parse("ok: no", &st, why, sizeof(why)), -EINVAL);
	assert_int_equal(res_status_parse("invalidx", &st, why, sizeof(why)), -EINVAL);
	assert_int_equal(res_status_parse("", &st, why, sizeof(why)), -EINVAL);
	free(c);
}

/* the optional per-arm fields of UNITS.md and a tool arm survive write -> load */
static void test_new_fields_round_trip(void **state)
{
	struct res_run r, back;
	struct res_cell c;
	const struct res_arm *a;
	char err[256];

	(void)state;
	fill(&r, &c);
	c.arms[0].absent = (struct res_cond){.has = true, .n = 1998, .fails = 1998};
	c.arms[0].present = (struct res_cond){.has = true, .n = 2, .fails = 0};
	c.arms[0].has_kept = true;
	c.arms[0].kept = 5;
	c.arms[0].call_ns = 1234;
	c.arms[0].extra_call_ns = -20;
	c.arms[0].delay_ns = NAN;
	c.arms[1].call_ns = 0; /* never measured: not written */
	c.narms = 3;
	memset(&c.arms[2], 0, sizeof(c.arms[2]));
	snprintf(c.arms[2].name, RES_NAME, "tool:opensnoop");
	c.arms[2].is_tool = true;
	c.arms[2].n = 10;
	c.arms[2].tool = (struct res_tool){.ok = 6, .empty = 1, .truncated = 1, .missing = 2};
	c.arms[2].ok = 6;
	c.arms[2].cost_ns = NAN;
	res_arm_finish(&c.arms[2]);
	assert_int_equal(res_write_dir(&r, dir), 0);
	json_decref(r.meta);
	assert_int_equal(res_load(dir, &back, err, sizeof(err)), 0);
	a = res_find_arm(&back.cells[0], "enter");
	assert_true(a->absent.has && a->present.has);
	assert_int_equal(a->absent.fails, 1998);
	assert_true(fabs(a->absent.fail_rate - 1) < 1e-12 && a->absent.ci95[0] > 0.99);
	assert_int_equal(a->present.fails, 0);
	assert_true(a->has_kept && a->kept == 5);
	assert_true(fabs(a->call_ns - 1234) < 1e-9 && fabs(a->extra_call_ns + 20) < 1e-9);
	assert_true(isnan(a->delay_ns));
	a = res_find_arm(&back.cells[0], "exit");
	assert_false(a->absent.has || a->has_kept);
	assert_true(isnan(a->call_ns) && isnan(a->extra_call_ns));
	a = res_find_arm(&back.cells[0], "tool:opensnoop");
	assert_non_null(a);
	assert_true(a->is_tool);
	assert_int_equal(a->fails, 4);
	assert_int_equal(a->tool.missing, 2);
	assert_int_equal(a->tool.truncated, 1);
	res_free(&back);
}

/* execve's per-position figures (UNITS.md) survive write -> load; a file without them loads
 * with none; bad ones are refused with one line */
static void test_positions(void **state)
{
	static const char *const names[] = {"argv[1]", "argv[2]", "envp[0]"};
	struct res_run r, back;
	struct res_cell c;
	const struct res_arm *a;
	char err[256];

	(void)state;
	fill(&r, &c);
	for (int i = 0; i < 3; i++) {
		struct res_pos *p = &c.arms[0].pos[i];

		snprintf(p->name, sizeof(p->name), "%s", names[i]);
		p->c = (struct res_cond){.has = true, .n = c.arms[0].n, .fails = i ? 0 : 7};
		res_cond_finish(&p->c);
		p->has_absent = true;
		p->absent_before = i ? 0 : 7;
	}
	c.arms[0].npos = 3;
	c.arms[0].lost = (struct res_cond){.has = true, .n = c.arms[0].n, .fails = 7};
	res_cond_finish(&c.arms[0].lost);
	assert_int_equal(res_write_dir(&r, dir), 0);
	json_decref(r.meta);
	assert_int_equal(res_load(dir, &back, err, sizeof(err)), 0);
	a = res_find_arm(&back.cells[0], "enter");
	assert_int_equal(a->npos, 3);
	assert_string_equal(a->pos[2].name, "envp[0]");
	assert_int_equal(a->pos[0].c.fails, 7);
	assert_true(a->pos[0].has_absent && a->pos[0].absent_before == 7);
	assert_true(a->pos[1].c.fail_rate == 0 && a->pos[1].c.ci95[1] > 0);
	assert_true(a->lost.has && a->lost.fails == 7);
	a = res_find_arm(&back.cells[0], "exit");
	assert_true(a->npos == 0 && !a->lost.has);
	res_free(&back);
#define POS_CELL(arm)                                                                              \
	"{\"schema\": \"bpfault/1\", \"meta\": {}, \"cells\": [{\"syscall\": \"execve\", "         \
	"\"state\": \"s\", \"sink\": \"none\", \"status\": \"ok\", \"size\": 64, \"offset\": 0, "  \
	"\"trials\": 4, \"nonresident_before\": 0, \"arms\": {\"enter\": {\"n\": 4, \"ok\": 4, "   \
	"\"fault\": 0, \"zeroed\": 0, \"mismatch\": 0, " arm "}}}]}"
	load_bad(POS_CELL("\"positions\": {}"), "positions: must be an array");
	load_bad(POS_CELL("\"positions\": [{\"pos\": \"argv[1]\", \"n\": 5, \"fails\": 0}]"),
		 "positions[0]: counts exceed the arm's n");
	load_bad(POS_CELL("\"positions\": [{\"pos\": \"a\\u001b[2J\", \"n\": 4, \"fails\": 0}]"),
		 "\"pos\" must be a name");
	load_bad(POS_CELL("\"positions\": [{\"n\": 4, \"fails\": 0}]"),
		 "positions[0]: missing \"pos\"");
	load_bad(POS_CELL("\"lost_by_stop_at_first\": {\"n\": 4, \"fails\": 5}"),
		 "lost_by_stop_at_first: fails exceed n");
#undef POS_CELL
}

static const char units_json[] =
	"{\"schema\": \"bpfault/1\", \"meta\": {\"units\": {"
	"\"arms\": [{\"name\": \"enter\", \"at_exit\": false, \"pair\": \"exit\", \"style\": 0, "
	"\"hooks\": {\"execve\": \"tracepoint/syscalls/sys_enter_execve\"}}, {\"name\": \"exit\", "
	"\"at_exit\": true, \"pair\": \"enter\", \"style\": 1}, {\"name\": \"n13\", \"style\": "
	"12}], \"syscalls\": [{\"name\": \"write\"}, {\"name\": \"execve\", \"replaces_image\": "
	"true}], \"states\": [{\"name\": \"resident\", \"control\": true}, {\"name\": \"gone\", "
	"\"absent\": true}], \"sinks\": [{\"name\": \"none\", \"touches_buffer\": false}]}}, "
	"\"cells\": [CELL(\"execve\", \"gone\"), CELL(\"execve\", \"resident\"), "
	"CELL(\"write\", \"resident\")]}";

/* a cell of the units fixture: arms exit, extra (not in units), enter, n13 */
static char *units_file(void)
{
	static const char cell[] =
		"{\"syscall\": %s, \"state\": %s, \"sink\": \"none\", \"status\": \"ok\", "
		"\"size\": "
		"8, \"offset\": 0, \"trials\": 4, \"nonresident_before\": 0, \"arms\": {\"exit\": "
		"{\"n\": 4, \"ok\": 0, \"fault\": 4, \"zeroed\": 4, \"mismatch\": 0}, \"extra\": "
		"{\"n\": "
		"4, \"ok\": 4, \"fault\": 0, \"zeroed\": 0, \"mismatch\": 0}, \"enter\": {\"n\": "
		"4, "
		"\"ok\": 4, \"fault\": 0, \"zeroed\": 0, \"mismatch\": 0}, \"n13\": {\"n\": 4, "
		"\"ok\": "
		"4, \"fault\": 0, \"zeroed\": 0, \"mismatch\": 0}}}";
	struct sbuf b = {0};
	const char *p = units_json, *q;

	while ((q = strstr(p, "CELL("))) {
		char a[32], s[32];

		sb_printf(&b, "%.*s", (int)(q - p), p);
		sscanf(q, "CELL(%31[^,], %31[^)])", a, s);
		sb_printf(&b, cell, a, s);
		p = strchr(q, ')') + 1;
	}
	sb_printf(&b, "%s", p);
	return b.s;
}

static void load_text(const char *text, struct res_run *r)
{
	char path[128], err[256];

	write_text(text, path, sizeof(path));
	assert_int_equal(res_load(path, r, err, sizeof(err)), 0);
}

/* canonical order from meta.units, then appearance; styles from the units, a 13th arm works */
static void test_units_index(void **state)
{
	struct res_run r;
	struct res_index x;
	char *text = units_file();

	(void)state;
	load_text(text, &r);
	assert_true(r.units.present);
	assert_int_equal(res_index_build(&r, &x), 0);
	assert_int_equal(x.narms, 4);
	assert_string_equal(x.arms[0], "enter");
	assert_string_equal(x.arms[1], "exit");
	assert_string_equal(x.arms[2], "n13");
	assert_string_equal(x.arms[3], "extra");
	assert_int_equal(x.arm_style[2], 12);
	assert_int_equal(x.arm_style[3], 13); /* after the highest unit slot */
	assert_string_equal(x.sys[0], "write");
	assert_string_equal(x.sys[1], "execve");
	assert_string_equal(x.states[0], "resident");
	assert_true(x.state_control[0]);
	assert_false(x.state_control[1]);
	assert_string_equal(res_arm_hook(&r, "enter", "execve"),
			    "tracepoint/syscalls/sys_enter_execve");
	assert_null(res_arm_hook(&r, "enter", "write"));
	/* the control rule: exit of an image-replacing call is exempt, of write it is not */
	assert_false(res_control_binds(&r, &r.cells[1], "exit"));
	assert_true(res_control_binds(&r, &r.cells[1], "enter"));
	assert_true(res_control_binds(&r, &r.cells[2], "exit"));
	assert_ptr_equal(res_index_cell_arm(&x, 0, 1), res_find_arm(&r.cells[0], "exit"));
	res_index_free(&x);
	res_free(&r);
	free(text);
}

/* an old file without meta.units: order of appearance, controls from the ground truth */
static void test_old_file_index(void **state)
{
	struct res_run r;
	struct res_index x;
	char *text = units_file(), *u = strstr(text, "\"units\"");

	(void)state;
	memcpy(u, "\"unitz\"", 7);
	load_text(text, &r);
	assert_false(r.units.present);
	assert_int_equal(res_index_build(&r, &x), 0);
	assert_string_equal(x.arms[0], "exit");
	assert_string_equal(x.arms[1], "extra");
	assert_int_equal(x.arm_style[1], 1);
	assert_string_equal(x.sys[0], "execve");
	/* every cell had its page present: every state looks like a control */
	assert_true(x.state_control[0]);
	assert_true(res_control_binds(&r, &r.cells[1], "exit"));
	res_index_free(&x);
	res_free(&r);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_status_round_trip),
		cmocka_unit_test(test_new_fields_round_trip),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_units_index),
		cmocka_unit_test(test_old_file_index),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
