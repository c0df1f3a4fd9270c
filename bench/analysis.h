/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the numbers mean, as data: the answer (per syscall x sink, each arm's worst failure rate
 * over the non-control states, which arms are safe, the cheapest safe one) and the notes ("what
 * this means"). Pure functions of a results index: no HTML, no I/O; every view renders them.
 */
#ifndef BPFAULT_ANALYSIS_H
#define BPFAULT_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>
#include "results.h"

#define AN_SAFE_UPPER 0.01 /* safe: the upper 95% bound is below 1% in every such state */
#define AN_ABSENT_MIN 0.9  /* a non-resident cell: the page was absent in >= 90% of trials */

/* one arm over the non-control cells of one syscall x sink */
struct an_arm {
	int seen;	   /* cells where it has a rate */
	double worst;	   /* highest failure rate; NAN when seen == 0 */
	double lo, hi;	   /* its 95% interval */
	int worst_cell;	   /* the cell it came from, or -1 */
	double upper;	   /* highest upper 95% bound over the cells */
	double cost_ns;	   /* highest median cost of the read (+ extra call time), NAN if none */
	bool safe;	   /* measured in every cell and upper < AN_SAFE_UPPER */
	bool absent_based; /* worst is the rate among trials whose page was absent */
};

struct an_row {
	int sys, sink;	     /* index positions */
	int ncells;	     /* ok cells in non-control states */
	struct an_arm *arms; /* [x->narms] */
	int nsafe;
	int cheapest; /* the safe arm of lowest cost_ns, or -1 */
};

struct an_summary {
	struct an_row *rows;
	size_t n;
};

/* rows for every syscall x sink with an ok cell in a non-control state; 0 or -ENOMEM */
int an_summary_build(const struct res_index *x, struct an_summary *s);
void an_summary_free(struct an_summary *s);

enum an_note_kind {
	AN_INCOMPLETE,	    /* the run is incomplete */
	AN_CONTROL_INVALID, /* a control cell the run marked invalid: cell */
	AN_CONTROL_FAILED,  /* an ok control cell where a bound arm failed: cell, arm, k[0]/k[1] */
	AN_CONTROL_EXEMPT,  /* ok control cell, an exempt arm failed (cause: why): cell, arm, k */
	AN_MISSED,	    /* arm never fired k[0] times in cell */
	AN_PARTIAL,	    /* cell: absent in fewer than 90% of trials, v[0] the fraction */
	AN_SAFE,	    /* arm safe over the group: v[0] highest upper bound */
	AN_UNBOUNDED,	    /* no failure, too few trials: k[0] trials, k[1] fewest per cell,
			       k[2] trials per cell that would do, v[0] upper bound */
	AN_UNUSABLE,	    /* fails v[0]..v[1] of reads in every non-resident cell */
	AN_UNRELIABLE,	    /* fails v[0] (cell) to v[1] (cell2); rarely when v[1] < 5% */
	AN_SAME_LATE,	    /* arm2 (late) fails as often as arm (early): v[0] late, v[1] early */
	AN_LATE_WORKS,	    /* arm2 works where arm fails: v[0]..v[1] early, v[2] late at most */
	AN_FAULTS_IN,	    /* perturbing arm2 never failed (k[0] trials) where arm failed
			       v[0]..v[1]; costs v[2]..v[3] against v[4]..v[5] (NAN: unknown) */
	AN_NOTHING,	    /* no non-resident cell was measured */
};

/* why a late read fails like the early one (AN_SAME_LATE) */
enum an_cause {
	AN_CAUSE_UNKNOWN,	 /* an old file: the run did not record the unit facts */
	AN_CAUSE_UNTOUCHED,	 /* the sink never touches the buffer */
	AN_CAUSE_IMAGE_REPLACED, /* the call replaced the image: the old pages are gone */
};

struct an_note {
	enum an_note_kind kind;
	enum an_cause cause;
	int sys, sink;	  /* index positions, -1 when not about one group */
	int cell, cell2;  /* cell indexes, -1 when none */
	int arm, arm2;	  /* index positions, -1 when none */
	int seen, ncells; /* cells where the arm had a rate, of the group's */
	uint64_t k[3];
	double v[6];
};

struct an_notes {
	struct an_note *v;
	size_t n, cap;
};

/* the notes, in reading order: run-wide first, then per syscall x sink; 0 or -ENOMEM */
int an_notes_build(const struct res_index *x, struct an_notes *out);
void an_notes_free(struct an_notes *n);
/*
 * a non-resident cell: ok, not a control, the page absent in >= AN_ABSENT_MIN of its trials, and
 * (when the run recorded unit facts) of a state that promises an absent page, not a graded one
 */
bool an_nonresident(const struct res_index *x, int cell);
/* reads needed for a Wilson 95% upper bound below 1% with no failure */
uint64_t an_trials_for_one_percent(void);

#endif
