/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The results model: what a run measured, cell by cell, the unit facts the run recorded
 * (meta.units), and the "bpfault/1" JSON and CSV forms of it (see README "Results").
 * Everything that reads results (compare, gate, baseline, report) goes through res_load(), which
 * validates and gives one-line errors, then groups through one struct res_index.
 */
#ifndef BPFAULT_RESULTS_H
#define BPFAULT_RESULTS_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <jansson.h>
#include "stats.h"

#define RES_SCHEMA	     "bpfault/1"
#define RES_MAX_ARMS	     32
#define RES_MAX_PAIRS	     (RES_MAX_ARMS * (RES_MAX_ARMS - 1) / 2)
#define RES_NAME	     48
#define RES_WHY		     256
#define RES_TAG		     128 /* run_id, host, kernel of a merged cell */
#define BPFAULT_RES_MAX_SIZE (1u << 20)
#define RES_COST_SAMPLES     128 /* per arm: an evenly spaced subsample of the cost figures */
/* what a results file may claim: counts above 2^40 and costs above 1e15 ns (11 days) are bad
 * input (exit 2), so no crafted file makes the tests run for hours or the views overflow */
#define RES_MAX_COUNT	(1ull << 40)
#define RES_MAX_COST_NS 1e15

/* a cell's status; in JSON "pending", "ok", "unsupported: <why>", "invalid: <why>" */
enum res_status { RS_PENDING, RS_OK, RS_UNSUPPORTED, RS_INVALID };

/* failures among the trials with one ground truth (page absent, or present) */
struct res_cond {
	bool has; /* recorded in the file */
	uint64_t n, fails;
	double fail_rate; /* NAN when n == 0 */
	double ci95[2];
};

/* an arm's failures at one argument position of execve (UNITS.md "positions") */
#define RES_MAX_POS 8
struct res_pos {
	char name[16];		/* "argv[1]", ..., "envp[0]", ... */
	struct res_cond c;	/* n, fails at this position */
	bool has_absent;	/* absent_before recorded */
	uint64_t absent_before; /* reads whose position's page was not present (pagemap) */
};

/* a third-party tool's outcomes (arms named "tool:<name>") */
struct res_tool {
	uint64_t ok, empty, truncated, garbled, missing;
};

struct res_arm {
	char name[RES_NAME];
	uint64_t n; /* reads counted (trials of the arm's trial group that it read in) */
	uint64_t ok, fault, zeroed, mismatch;
	uint64_t missed;  /* trials where the hook never fired: a harness error */
	uint64_t fails;	  /* n - ok */
	double fail_rate; /* fails / n; NAN when n == 0 */
	double ci95[2];	  /* Wilson 95% */
	double upper95;	  /* exact one-sided 95% upper bound when fails == 0, else NAN */
	double cost_ns;	  /* median ns in the arm's read and check; NAN if not measured */
	double cost_ci95[2];
	uint32_t ncost; /* cost samples kept, for comparisons (Mann–Whitney) */
	float cost_samples[RES_COST_SAMPLES];
	bool exact; /* baseline only: any failure is a regression */
	/* optional (UNITS.md): has == false, or NAN (0 for call_ns, delay_ns: never written) when
	 * not measured */
	bool has_kept;
	uint64_t kept; /* fault whose destination was left as it was */
	/* sendmsg's kind (KIND_MSG): the faults by the level whose read failed; they sum to fault
	 */
	bool has_levels;
	struct res_levels {
		uint64_t msghdr, iovec, data;
	} levels;
	struct res_cond absent, present;
	double call_ns, extra_call_ns, delay_ns;
	bool is_tool;
	struct res_tool tool;
	/* optional (execve-like cells): per position, in argument order; lost.has when npos: reads
	 * in which a reader that stops at the first failed position loses a readable later one */
	int npos;
	struct res_pos pos[RES_MAX_POS];
	struct res_cond lost;
	struct stats_blocks blocks; /* per-block counts (count 0: not recorded), for stats_deff() */
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
	enum res_status status;
	char reason[RES_WHY]; /* why, for RS_UNSUPPORTED and RS_INVALID */
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
		char why[RES_WHY];
	} unsup[RES_MAX_ARMS];
};

/* ---- meta.units (UNITS.md): the facts of every unit as used in the run ---- */

struct res_hook {
	char syscall[RES_NAME];
	char hook[256];
};

struct res_uarm {
	char name[RES_NAME], family[24], pair[RES_NAME], reads[96];
	bool at_exit, perturbing;
	int style; /* plot-style slot, 0-based */
	int nhooks;
	struct res_hook *hooks;
};

struct res_usys {
	char name[RES_NAME], buffer[96], kind[8], help[256];
	bool forks, replaces_image;
};

struct res_ustate {
	char name[RES_NAME], help[256];
	bool control, absent, graded;
};

struct res_usink {
	char name[RES_NAME], help[256];
	bool touches_buffer;
};

struct res_units {
	bool present; /* false: an old file; views fall back to order of appearance */
	int narms, nsys, nstates, nsinks;
	struct res_uarm *arms;
	struct res_usys *sys;
	struct res_ustate *states;
	struct res_usink *sinks;
};

struct res_run {
	json_t *meta;	    /* owned; the "meta" object as read or written */
	bool complete;	    /* meta.complete */
	char matrix_id[32]; /* meta.matrix_id: fingerprint of the cell keys and arm sets */
	char kernel[128];   /* meta.kernel */

	char accel[16];	      /* meta.accel: "native", "tcg"; "" in files older than --kernel */
	bool cost_comparable; /* meta.cost_comparable (true when absent): costs may be shown */

	int ncells;
	struct res_cell *cells;
	struct res_units units; /* parsed from meta.units by res_load() */
};

/* the words a view shows instead of a cost when the run's costs are not comparable */
static inline const char *res_cost_na(const struct res_run *r)
{
	return !strcmp(r->accel, "tcg") ? "not comparable (tcg)" : "not comparable";
}

/* ---- status ---- */

static inline bool res_cell_ok(const struct res_cell *c)
{
	return c->status == RS_OK;
}

/* "pending", "ok", "unsupported", "invalid" */
const char *res_status_name(enum res_status s);
/* the JSON/CSV form: "ok", "unsupported: <why>" ...; returns buf */
char *res_status_str(const struct res_cell *c, char *buf, size_t len);
/* parse the JSON form; 0 or -EINVAL */
int res_status_parse(const char *s, enum res_status *st, char *reason, size_t len);
/* set status and reason (printf-style, may be NULL) */
void res_set_status(struct res_cell *c, enum res_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- cells and arms ---- */

/* fill rates, intervals and bounds of an arm from its counts (uses stats.h) */
void res_arm_finish(struct res_arm *a);
/* fill rate and interval of a conditional count */
void res_cond_finish(struct res_cond *c);

/* key of a cell "write/file-pageout/file/64/0"; buf >= 128 */
void res_cell_key(const struct res_cell *c, char *buf, size_t len);
/* find an arm by name, NULL if absent */
const struct res_arm *res_find_arm(const struct res_cell *c, const char *name);
/* find a cell by key fields, NULL if absent */
const struct res_cell *res_find_cell(const struct res_run *r, const struct res_cell *like);

/* ---- unit facts (NULL / false when the run did not record them) ---- */

const struct res_uarm *res_unit_arm(const struct res_run *r, const char *name);
const struct res_usys *res_unit_sys(const struct res_run *r, const char *name);
const struct res_ustate *res_unit_state(const struct res_run *r, const char *name);
const struct res_usink *res_unit_sink(const struct res_run *r, const char *name);
/* units.arms[arm].hooks[sys], or NULL */
const char *res_arm_hook(const struct res_run *r, const char *arm, const char *sys);
/*
 * The control rule the measuring side applies: in a control cell, must this arm read every
 * trial? False for an arm that reads at exit of a call that replaces the image (execve), and
 * for a tool arm.
 */
bool res_control_binds(const struct res_run *r, const struct res_cell *c, const char *arm);

/* ---- JSON and CSV ---- */

json_t *res_to_json(const struct res_run *r);
/* write DIR/results.json and DIR/cells.csv atomically; 0 or -errno */
int res_write_dir(const struct res_run *r, const char *dir);
/*
 * Load and validate DIR/results.json (or a file path ending in .json). Returns 0, or -EINVAL
 * (-ENOMEM) with a one-line reason in err (e.g. "results.json: cells[3].arms.exit: missing
 * \"fault\"").
 */
int res_load(const char *path, struct res_run *r, char *err, size_t errlen);
void res_free(struct res_run *r);
/* parse meta.units into r->units (res_load() calls it); 0 or -EINVAL with err */
int res_units_load(struct res_run *r, json_t *units, char *err, size_t errlen);
void res_units_free(struct res_units *u);

/* ---- the results index: built once, every view groups from it ---- */

/*
 * The four axes in canonical order (meta.units order, then order of appearance), every cell's
 * place on them, and every cell x arm as a pointer (NULL: the cell has no such arm).
 */
struct res_index {
	const struct res_run *run;
	int nsys, nsinks, nstates, narms;
	const char **sys, **sinks, **states, **arms; /* point into the run */
	int *arm_style;				     /* per arm: its plot-style slot, 0-based */
	bool *state_control;			     /* per state: a control (must never fail) */
	int *cs, *ck, *ct;			     /* per cell: syscall, sink, state index */
	const struct res_arm **ca;		     /* [cell * narms + arm] */
	int nunsup;				     /* distinct (arm, reason) pairs not run */
	struct res_unsup {
		const char *arm, *why;
		int ncells;
	} * unsup;
};

int res_index_build(const struct res_run *r, struct res_index *x);
void res_index_free(struct res_index *x);
/* position on an axis, or -1 */
int res_index_arm(const struct res_index *x, const char *name);
int res_index_state(const struct res_index *x, const char *name);
static inline const struct res_arm *res_index_cell_arm(const struct res_index *x, int cell, int arm)
{
	return x->ca[(size_t)cell * (size_t)x->narms + (size_t)arm];
}
/* an arm that has a rate (measured, n > 0) */
static inline bool res_arm_measured(const struct res_arm *a)
{
	return a && a->n > 0;
}
/*
 * The size/offset that stands for a syscall x sink: the one with the most cells "ok", the first
 * on ties. Returns that count (0: none ok; -1: no cell).
 */
int res_index_combo(const struct res_index *x, int sys, int sink, uint32_t *size, uint32_t *off);
/* the cell of sys x sink x state at size/off, or -1 */
int res_index_find(const struct res_index *x, int sys, int sink, int state, uint32_t size,
		   uint32_t off);

/* ---- matching two runs ---- */

/* one cell x arm of run a, matched in run b; a side's pointers are NULL when it lacks it */
struct res_match {
	const struct res_cell *ac, *bc;
	const struct res_arm *aa, *ba;
};

/*
 * Every cell x arm of a, in a's order (bc/ba NULL when b lacks the cell or the arm), then every
 * cell x arm that only b has (ac/aa NULL). Returns 0 or -ENOMEM; free(*out).
 */
int res_match(const struct res_run *a, const struct res_run *b, struct res_match **out, size_t *n);

#endif
