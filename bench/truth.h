/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The truth behind every arm's number (issue 8): each trial's pagemap ground truth, failures
 * counted per arm among absent-page and present-page trials, the syscall's own wall time per
 * trial group (what a perturbing strategy costs the workload) and a deferred read's delay.
 */
#ifndef BPFAULT_TRUTH_H
#define BPFAULT_TRUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "probe.h"

struct res_arm;

struct samples {
	double *v;
	size_t n, cap;
};

/* append v; on allocation failure the sample is dropped (side figures, never a trial) */
void samples_add(struct samples *s, double v);
/* the median of s (s's order is kept), NAN if empty */
double samples_median(const struct samples *s);
void samples_free(struct samples *s);

/* KIND_ARGV: per position (probe.h) of one arm's reads */
struct truth_pos {
	uint64_t n, fails[BPFAULT_NPOS], absent[BPFAULT_NPOS];
	uint64_t lost; /* reads in which a stop-at-first-failure reader loses a readable position */
	uint64_t known; /* reads whose later positions' pagemap truth was recorded (absent[1..]) */
};

struct truth_arm {
	uint64_t absent_n, absent_fails, present_n, present_fails;
	struct truth_pos pos;
	struct samples call;  /* ns of the syscall in the arm's trials */
	struct samples delay; /* ns from the enter hook to the deferred read */
};

struct truth {
	struct truth_arm arm[ARM__COUNT];
	struct samples ref_call; /* ns of the syscall in trials where no arm reads (mask 0) */
};

/* one arm's read in one trial: absent = the page was not present just before the call */
void truth_count(struct truth *t, int id, bool absent, bool fail, uint64_t delay_ns);
/* KIND_ARGV: one arm's positions in one trial: ok and absent, bit p for position p; known: the
 * later positions' absent bits were measured (bit 0, argv[1]'s, always is) */
void truth_pos(struct truth_pos *p, uint32_t ok, bool lost, uint32_t absent, bool known);
/* a's positions 0 .. npos - 1 from p (none if p counted nothing); lost: and lost_by_stop_at_first
 */
void truth_pos_finish(const struct truth_pos *p, uint32_t npos, bool lost, struct res_arm *a);
/* the name of position pos: "argv[1]" ... "envp[0]" ...; returns buf */
const char *truth_pos_name(uint32_t pos, char *buf, size_t len);
/* one trial's syscall time, for every arm of mask; mask 0: a reference trial */
void truth_call(struct truth *t, uint32_t mask, double call_ns);
/* fill a's kept-independent truth fields (absent, present, call_ns, extra_call_ns, delay_ns) */
void truth_finish(const struct truth *t, int id, struct res_arm *a);
/* an arm's truth fields when it has none yet (all NAN) */
void truth_clear(struct res_arm *a);
void truth_free(struct truth *t);

#endif
