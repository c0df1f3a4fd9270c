/* SPDX-License-Identifier: BSD-2-Clause */
/* The trial loop: one cell's runtime, its accumulated outcomes, and one trial. */
#ifndef BPFAULT_ENGINE_H
#define BPFAULT_ENGINE_H

#include "matrix.h"
#include "loader.h"
#include "results.h"
#include "status.h"
#include "truth.h"

/* every arm fits in a cell's results, in the arms it measured or in the ones it could not */
_Static_assert(ARM__COUNT <= RES_MAX_ARMS, "results.h: RES_MAX_ARMS must hold every arm");
/* a cell pairs each arm with its registry partner: at most one pair per arm */
_Static_assert(ARM__COUNT <= RES_MAX_PAIRS, "results.h: RES_MAX_PAIRS must hold a pair per arm");

/* what one trial was, for an observer of the trials (the tool arms, bench/toolarm.c) */
struct trial_rec {
	uint64_t nonce; /* the nonce the buffer really carried */
	uint64_t t_ns;	/* just before the call */
	int32_t pid;	/* the process that made the call (execve: the forked child) */
	uint32_t size;
	bool absent;   /* ground truth: a page of the buffer was not present */
	bool primary;  /* a trial of the main group (else of the perturbing arms) */
	uint32_t fail; /* 1 << enum bpfault_arm: the arms that read in it and failed */
	/* KIND_ARGV: bit p, position p's page (pointer or string) was not present just before the
	 * call (bit 0: the buffer, argv[1]); has_pos_truth: the child recorded the later ones */
	uint32_t pos_absent;
	bool has_pos_truth;
};

struct cellacc {
	struct cellspec spec;
	struct cellrt rt;
	struct res_cell res;
	int idx[ARM__COUNT]; /* arm id -> index in res.arms, -1 if not in the cell */
	const struct arm_desc *arm[RES_MAX_ARMS]; /* the descriptor of res.arms[i] */
	uint32_t main_mask;			  /* arms that read in the same trials */
	uint32_t pert_mask;			  /* perturbing arms: trials of their own */
	uint64_t pert_trials;
	uint8_t pair_id[RES_MAX_PAIRS][2]; /* arm ids of res.pairs[i] */
	struct samples cost[ARM__COUNT];
	struct truth truth; /* per-trial ground truth and call times, by arm (truth.h) */
	bool set_up, done;
	char err[160];	       /* set-up or trial error: the cell becomes invalid */
	char unsup[160];       /* the cell cannot run here (its page state): why */
	struct trial_rec last; /* the trial that ran last */
	/* optional: called after each trial (a failing observer sets err) */
	void (*on_trial)(struct cellacc *c, const struct trial_rec *t);
	void *on_trial_ctx;
};

struct engine {
	struct probe probe;
	int pagemap_fd;
	const char *workdir;
};

/* set the cell's accumulators from its spec and the arms the kernel supports; unsup: why the
 * cell cannot run here at all (its page state), or NULL */
void cell_init(struct cellacc *c, const struct cellspec *s, const struct probe *p, int index,
	       uint64_t seed, const char *unsup);
/* make buffers and sink; 0 or -errno (c->err says why) */
int cell_setup(struct engine *e, struct cellacc *c);
void cell_teardown(struct cellacc *c);
/* one trial of the given group (mask); 0 or -errno (c->err says why) */
int cell_trial(struct engine *e, struct cellacc *c, uint32_t mask, uint64_t nonce);
/* one trial of the main group, then one of each perturbing arm; nonce(arg) gives each its nonce
 */
int cell_round(struct engine *e, struct cellacc *c, uint64_t (*nonce)(void *), void *arg);
/* the same trial with no BPF attached (e->probe.ctl NULL): for the overhead benchmark */
int cell_trial_bare(struct engine *e, struct cellacc *c, uint64_t nonce);
/* the widest 95% half-width over the cell's arms */
double cell_halfwidth(const struct cellacc *c);
/* rates, intervals, cost medians, pair p-values, status: make res current */
void cell_finish(struct cellacc *c);
void cell_free(struct cellacc *c);

#endif
