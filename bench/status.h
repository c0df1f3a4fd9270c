/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The cell status rule: from what a cell measured to ok / pending / unsupported / invalid and
 * the reason. A pure function of its facts (no BPF, no I/O), unit-tested in tests/test_status.c.
 */
#ifndef BPFAULT_STATUS_H
#define BPFAULT_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct res_cell;

/* the same values, in the same order, as results.h's enum res_status */
enum cell_status {
	CELL_PENDING,
	CELL_OK,
	CELL_UNSUPPORTED,
	CELL_INVALID,
};

#define CELL_PREP_MIN 0.95 /* a non-resident state must take on at least this share of trials */

struct arm_facts {
	const char *name;
	uint64_t n, ok, missed;
	bool exempt; /* its failures are the finding even in a control (execve's exit hooks) */
};

struct cell_facts {
	const char *unsupported; /* the cell cannot run here (its page state), why; or NULL */
	const char *error;	 /* a set-up or trial error, or NULL */
	uint64_t trials, nonresident;
	bool control;		/* the state promises a present page and no failure */
	bool nonresident_state; /* the state promises an absent page */
	int narms;
	const struct arm_facts *arms;
};

/* the status of a cell and, unless ok or pending, why (into why) */
enum cell_status cell_status_rule(const struct cell_facts *f, char *why, size_t len);
/* write a status into the cell's results (the one place that knows their form) */
void cell_status_store(struct res_cell *r, enum cell_status s, const char *why);

#endif
