// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests for the cell status rule (bench/status.c): every outcome, the order in which the
 * rules apply, the boundary of the "page state took on" share, and the control exemption of
 * arms whose failure is the finding (execve's exit hooks).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "results.h"
#include "status.h"

static char why[256];

/* a cell of n trials, one arm that read on every trial and failed on fails of them */
static struct cell_facts cell(uint64_t n, struct arm_facts *a, uint64_t fails)
{
	*a = (struct arm_facts){.name = "enter", .n = n, .ok = n - fails};
	return (struct cell_facts){.trials = n, .narms = 1, .arms = a};
}

static void test_pending(void **state)
{
	struct arm_facts a;
	struct cell_facts f = cell(0, &a, 0);

	(void)state;
	assert_int_equal(cell_status_rule(&f, why, sizeof(why)), CELL_PENDING);
	f.control = true; /* nothing measured yet: no control rule applies */
	assert_int_equal(cell_status_rule(&f, why, sizeof(why)), CELL_PENDING);
}

static void test_unsupported_first(void **state)
{
	struct arm_facts a;
	struct cell_facts f = cell(100, &a, 0);

	(void)state;
	f.unsupported = "no swap: no zram device";
	f.error = "page state set-up failed";
	assert_int_equal(cell_status_rule(&f, why, sizeof(why)), CELL_UNSUPPORTED);
	assert_string_equal(why, "no swap: no zram device");
}

static void test_error(void **state)
{
	struct arm_facts a;
	struct cell_facts f = cell(0, &a, 0);

	(void)state;
	f.error = "sink set-up failed: Permission denied";
	assert_int_equal(cell_status_rule(&f, why, sizeof(why)), CELL_INVALID);
	assert_string_equal(why, "sink set-up failed: Permission denied");
}

static void test_missed(void **state)
{
	struct arm_facts a;
	struct cell_facts f = cell(100, &a, 0);

	(void)state;
	a.missed = 3;
	assert_int_equal(cell_status_rule(&f, why, sizeof(why)), CELL_INVALID);
	assert_string_equal(why, "arm enter did not fire on 3 of 100 trials");
}

static void test_took_on(void **state)
{
	struct arm_facts a;
	struct cell_facts f = cell(100, &a, 100);

	(void)state;
	f.nonresident_state = true;
	f.nonresident = 95; /* exactly CELL_PREP_MIN: enough */
	assert_int_equal(cell_status_rule(&f, why, sizeof(why)), CELL_OK);
	f.nonresident = 94;
	assert_int_equal(cell_status_rule(&f, why, sizeof(why)), CELL_INVALID);
	assert_string_equal(why, "page state took on only 94 of 100 trials (pagemap)");
}

static void test_graded_any_share(void **state)
{
	struct arm_facts a;
	struct cell_facts f = cell(100, &a, 40);

	(void)state;
	f.nonresident = 40; /* a graded state is neither control nor non-resident */
	assert_int_equal(cell_status_rule(&f, why, sizeof(why)), CELL_OK);
}

static void test_control(void **state)
{
	struct arm_facts a;
	struct cell_facts f = cell(100, &a, 0);

	(void)state;
	f.control = true;
	assert_int_equal(cell_status_rule(&f, why, sizeof(why)), CELL_OK);
	f.nonresident = 1;
	assert_int_equal(cell_status_rule(&f, why, sizeof(why)), CELL_INVALID);
	assert_string_equal(why, "control buffer not present on 1 trials");
	f.nonresident = 0;
	a.ok = 98;
	assert_int_equal(cell_status_rule(&f, why, sizeof(why)), CELL_INVALID);
	assert_string_equal(why, "control read failed: arm enter failed 2 of 100");
}

static void test_control_exempt(void **state)
{
	struct arm_facts a[2] = {
		{.name = "enter", .n = 50, .ok = 50},
		{.name = "exit", .n = 50, .ok = 0, .exempt = true},
	};
	struct cell_facts f = {.trials = 50, .control = true, .narms = 2, .arms = a};

	(void)state;
	assert_int_equal(cell_status_rule(&f, why, sizeof(why)), CELL_OK);
	a[1].exempt = false;
	assert_int_equal(cell_status_rule(&f, why, sizeof(why)), CELL_INVALID);
	assert_string_equal(why, "control read failed: arm exit failed 50 of 50");
}

/* the rule's status reaches the results as their enum and the JSON form's string */
static void expect_stored(const struct res_cell *r, enum res_status st, const char *json)
{
	char buf[RES_WHY + 32];

	assert_int_equal(r->status, st);
	assert_string_equal(res_status_str(r, buf, sizeof(buf)), json);
}

static void test_store(void **state)
{
	static struct res_cell r;

	(void)state;
	cell_status_store(&r, CELL_OK, "ignored");
	expect_stored(&r, RS_OK, "ok");
	assert_true(res_cell_ok(&r));
	cell_status_store(&r, CELL_PENDING, NULL);
	expect_stored(&r, RS_PENDING, "pending");
	cell_status_store(&r, CELL_UNSUPPORTED, "no memory cgroup: none mounted");
	expect_stored(&r, RS_UNSUPPORTED, "unsupported: no memory cgroup: none mounted");
	cell_status_store(&r, CELL_INVALID, "arm enter did not fire on 1 of 2 trials");
	expect_stored(&r, RS_INVALID, "invalid: arm enter did not fire on 1 of 2 trials");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pending), cmocka_unit_test(test_unsupported_first),
		cmocka_unit_test(test_error),	cmocka_unit_test(test_missed),
		cmocka_unit_test(test_took_on), cmocka_unit_test(test_graded_any_share),
		cmocka_unit_test(test_control), cmocka_unit_test(test_control_exempt),
		cmocka_unit_test(test_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
