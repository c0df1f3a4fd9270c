/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The results model: what a run measured, cell by cell, and the "bpfault/1" JSON and CSV forms
 * of it (see README "Results"). Everything that reads results (compare, gate, baseline, report)
 * goes through results_load(), which validates and gives one-line errors.
 */
#ifndef BPFAULT_RESULTS_H
#define BPFAULT_RESULTS_H

#include <stdint.h>
#include <stdbool.h>
#include <jansson.h>

#define RES_SCHEMA	     "bpfault/1"
#define RES_MAX_ARMS	     12
#define RES_MAX_PAIRS	     66
#define RES_NAME	     24
#define RES_TAG		     128 /* run_id, host, kernel of a merged cell */
#define BPFAULT_RES_MAX_SIZE (1u << 20)
#define RES_COST_SAMPLES     128 /* per arm: an evenly spaced subsample of the cost figures */

struct res_arm {
	char name[RES_NAME];
	uint64_t n; /* reads counted (trials of the arm's trial group that it read in) */
	uint64_t ok, fault, zeroed, mismatch;
	uint64_t missed;  /* trials where the hook never fired: a harness error */
	uint64_t fails;	  /* n - ok */
	double fail_rate; /* fails / n; NAN when n == 0 */
	double ci95[2];	  /* Wilson 95% */
	double upper95;	  /* exact one-sided 95% upper bound when fails == 0 (1 - 0.05^(1/n)), else
			     NAN */
	double cost_ns;	  /* median ns in the arm's read and check; NAN if not measured */
	double cost_ci95[2];
	uint32_t ncost; /* cost samples kept, for comparisons (Mann–Whitney) */
	float cost_samples[RES_COST_SAMPLES];
	bool exact; /* baseline only: any failure is a regression */
};

struct res_pair {
	char a[RES_NAME], b[RES_NAME];
	uint64_t a_only, b_only, both, neither; /* failures: a failed & b did not, ... */
	double p;				/* McNemar exact two-sided */
	double p_mid;				/* McNemar mid-p */
};

struct res_cell {
	char syscall[RES_NAME], state[RES_NAME], sink[RES_NAME];
	uint32_t size, offset;
	char status[256]; /* "ok", "unsupported: <why>", "invalid: <why>", "pending" */
	/* merged results only (bpfault merge): the run the cell comes from; "" in a single run */
	char run_id[RES_TAG], host[RES_TAG], kernel[RES_TAG];
	uint64_t trials;	     /* trials of the main (non-perturbing) group */
	uint64_t nonresident_before; /* pagemap: PTE not present just before the call */
	uint64_t swapped_before;     /* pagemap: swapped bit */
	uint64_t incore_before;	     /* mincore(): page cached */
	bool expect_zero;	     /* untouched: judged by the helper's return */
	int narms;
	struct res_arm arms[RES_MAX_ARMS];
	int npairs;
	struct res_pair pairs[RES_MAX_PAIRS];
	int nunsup; /* arms asked for that this kernel cannot run: reported, never counted */
	struct {
		char name[RES_NAME];
		char why[160];
	} unsup[RES_MAX_ARMS];
};

struct res_run {
	json_t *meta;	    /* owned; the "meta" object as read or written */
	bool complete;	    /* meta.complete */
	char matrix_id[32]; /* meta.matrix_id: fingerprint of the cell keys and arm sets */
	char kernel[128];   /* meta.kernel */
	int ncells;
	struct res_cell *cells;
};

/* status helpers */
static inline bool res_cell_ok(const struct res_cell *c)
{
	return c->status[0] == 'o' && c->status[1] == 'k' && c->status[2] == 0;
}

/* fill rates, intervals and bounds of an arm from its counts (uses stats.h) */
void res_arm_finish(struct res_arm *a);

/* key of a cell "write/file-pageout/file/64/0"; buf >= 128 */
void res_cell_key(const struct res_cell *c, char *buf, size_t len);
/* find an arm by name, NULL if absent */
const struct res_arm *res_find_arm(const struct res_cell *c, const char *name);
/* find a cell by key fields, NULL if absent */
const struct res_cell *res_find_cell(const struct res_run *r, const struct res_cell *like);

/* JSON form */
json_t *res_to_json(const struct res_run *r);
/* write DIR/results.json and DIR/cells.csv atomically; 0 or -errno */
int res_write_dir(const struct res_run *r, const char *dir);
/*
 * Load and validate DIR/results.json (or a file path ending in .json). Returns 0, or -1 with a
 * one-line reason in err (e.g. "results.json: cells[3].arms.exit: missing \"fault\"").
 */
int res_load(const char *path, struct res_run *r, char *err, size_t errlen);
void res_free(struct res_run *r);

#endif
