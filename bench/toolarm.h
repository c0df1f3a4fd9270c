/* SPDX-License-Identifier: BSD-2-Clause */
/* Tools as arms of a run: bench/toolarm.c (the engine reports trials, the tools' process lives
 * for the whole run, the cells get the arms tool:<name> after it). */
#ifndef BPFAULT_TOOLARM_H
#define BPFAULT_TOOLARM_H

#include <jansson.h>
#include "tool.h"

#define TOOL_MAX_ARMS 4 /* --tool options of one run */

struct cellacc;
struct toolset;

struct tool_cellctx {
	struct toolset *set;
	int cell;
	uint32_t tools; /* bit i: tool i serves this cell */
};

struct tool_run {
	struct tool_def def;
	struct tool_proc proc;
	struct tool_trial *tr; /* every trial of every cell it serves, in the order they ran */
	size_t n, cap;
	bool dead; /* never ready, died, or out of memory: why */
	char why[256];
	struct tool_score score;
};

struct toolset {
	int n;
	struct tool_run t[TOOL_MAX_ARMS];
	struct tool_cellctx *ctx; /* per cell */
};

/* load a definition for --tool; 0, -ENOENT (no such definition) or -EINVAL (malformed): exit 2;
 * -ENOEXEC (not installed): exit 77; why says */
int toolset_add(struct toolset *s, const char *arg, char *why, size_t len);
/* the cells: the tool arms each serves (the others get them as unsupported, with the reason) */
int toolset_cells(struct toolset *s, struct cellacc *cells, int ncells);
/* start every tool (target: the workload's pid); one that cannot start makes its cells invalid */
void toolset_start(struct toolset *s, pid_t target);
/* drain, stop and score every tool; give each cell its tool arms and pairs */
void toolset_finish(struct toolset *s, struct cellacc *cells, int ncells);
/* meta.units.arms entries of the tools, and meta.tools */
json_t *toolset_units(const struct toolset *s, const struct cellacc *cells, int ncells);
json_t *toolset_meta(const struct toolset *s);
void toolset_free(struct toolset *s);

#endif
