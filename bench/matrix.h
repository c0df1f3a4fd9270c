/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A matrix: the cells a run measures and how. From a JSON matrix file (see README "Matrix files")
 * or from command-line lists; both build the cartesian product of their lists, and drop
 * impossible combinations with a reason.
 */
#ifndef BPFAULT_MATRIX_H
#define BPFAULT_MATRIX_H

#include <stdbool.h>
#include <stdint.h>
#include "model.h"

#define MX_MAX_CELLS   4096
#define MX_MAX_DROPPED 256

struct cellspec {
	const struct syscall_desc *sc;
	const struct state_desc *st;
	const struct sink_desc *sk;
	uint32_t size, offset;
	uint32_t arm_mask; /* 1 << enum bpfault_arm */
};

struct matrix {
	char name[64];
	uint64_t seed;
	uint64_t max_trials; /* cap per cell (per trial group) */
	uint64_t min_trials; /* sequential stopping never stops before this */
	double precision; /* stop a cell once every arm's 95% half-width <= this; 0: run to max */
	uint64_t block;	  /* trials per cell per round; cells are shuffled every round */
	int ncells;
	struct cellspec cells[MX_MAX_CELLS];
	int ndropped;
	char dropped[MX_MAX_DROPPED][160];
};

/* one group of lists (comma-separated names); NULL list = its default */
struct mx_lists {
	const char *syscalls, *states, *sinks, *arms, *sizes, *offsets;
};

void mx_defaults(struct matrix *m);
/* add the cartesian product of the lists; 0, or -1 with a one-line reason in err */
int mx_add_lists(struct matrix *m, const struct mx_lists *l, char *err, size_t len);
/* load a matrix file; 0, or -1 with a one-line reason in err */
int mx_load_file(struct matrix *m, const char *path, char *err, size_t len);
/* every syscall x sink gets a resident control cell (a run without one cannot be trusted);
 * returns how many were added */
int mx_add_controls(struct matrix *m);
/* fingerprint of the cells and arm sets (hex) */
void mx_id(const struct matrix *m, char *buf, size_t len);

#endif
