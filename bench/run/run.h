/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bpfault run and selfbench, by responsibility: the command line (cli.c) -> one session set-up
 * shared by both (session.c) -> the runner's rounds (runner.c) -> the engine (../engine.c) ->
 * the units and the host state. meta.c and table.c write what a run found.
 */
#ifndef BPFAULT_RUN_H
#define BPFAULT_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "engine.h"
#include "toolarm.h"
#include "guest.h"

/* what the command line asked for; the matrix options it set are in over/set */
struct run_opts {
	const char *matrix_file, *outdir;
	struct mx_lists lists;
	bool have_lists;
	struct matrix *over;		  /* the option table's values given on the command line */
	uint32_t set;			  /* bit i: mx_options[i] was given */
	int cpu;			  /* -1: the last one */
	const char *tools[TOOL_MAX_ARMS]; /* --tool NAME_OR_FILE */
	int ntools;
	bool force;	      /* --force: -o DIR may hold results already */
	const char *dir_file; /* --dir-file FILE: the output directory's path goes into FILE */
	int argc;
	char **argv;
	struct guest_req guest; /* --kernel: handed over to guest.c */
	bool *drop;		/* argv entries of the options the guest does not see */
};

/* 0, or -1 after printing the error (bad usage); exits 0 after --help */
int run_parse(const char *cmd, int argc, char **argv, struct run_opts *o);
/* the command line's options over the matrix's */
void run_apply(const struct run_opts *o, struct matrix *m);

/* what a run or selfbench sets up, in this order: pin, lock, host state, engine */
struct session {
	const char *cmd;
	struct matrix *m;
	struct engine eng;
	struct host_caps host;
	char no_swap[160], no_memcg[160]; /* host's reasons */
	char swap_found[256], swap_used[256];
	char workdir[32];
	bool want_arm[ARM__COUNT], want_sc[SC__COUNT];
	int cpu;
	char why[512]; /* when session_open failed */
};

/* before any output: pin to the workload CPU and exec again (see session.c) */
void session_pin_early(const struct run_opts *o);
/* the checks that need nothing set up (root, BTF) and the pin; 0, or -errno with the reason in
 * s->why: -EINVAL bad usage, -EINTR interrupted, else the environment cannot run it */
int session_open(struct session *s, const char *cmd, struct matrix *m, const struct run_opts *o);
/* then the lock, the host state and the engine; 0 or -errno as session_open */
int session_start(struct session *s);
/* (re)load and attach the BPF programs the matrix wants; 0 or -errno with s->why */
int session_probe(struct session *s);
void session_close(struct session *s);
/* why cells of state st cannot run in this session (into buf), or NULL */
const char *session_blocked(const struct session *s, const struct state_desc *st, char *buf,
			    size_t len);
/* an exit status for session_open's error (printed) */
int session_status(const struct session *s, int err);

struct runner {
	struct session *s;
	struct cellacc *cells;
	struct res_run res;
	const char *outdir;
	uint64_t rng;
	uint64_t t_start;
	int flush_err;	   /* the first failed flush (said once; the run then exits 99) */
	uint64_t *cell_ns; /* time spent in each cell's blocks, for the ETA */
};

uint64_t splitmix(uint64_t *state);
/* every cell initialised and set up; 0 or -ENOMEM */
int runner_init(struct runner *r, struct session *s, const char *outdir);
/* the rounds; returns the stop signal or 0 (or -ENOMEM) */
int runner_rounds(struct runner *r);
/* results to r->outdir; 0 or -errno */
int runner_flush(struct runner *r, bool complete);
/* tear the cells down; returns how many are invalid */
int runner_done(struct runner *r);

/* meta.c */
/* -EEXIST (printed) if dir holds a run's results and force is not set, else 0 */
int outdir_check(const char *cmd, const char *dir, bool force);
/* make -o DIR (NULL: a new results/<UTC time>[-N] into buf) and prove it writable; 0 or -1
 * after printing the error */
int prepare_outdir(const char *cmd, const char *dir, bool force, char *buf, size_t len);
/* --dir-file, for scripts that let bpfault choose the directory (make run): the file opened
 * (created or truncated, never through a symlink) before the run, an fd or -1 after printing the
 * error; then dir and a newline written into it and fd closed, 0 or -1 after printing the error */
int open_dir_file(const char *cmd, const char *path);
int write_dir_file(const char *cmd, int fd, const char *dir);
void utc_now(char *buf, size_t len, const char *fmt);
json_t *make_meta(const struct session *s, const struct run_opts *o, const char *mxid);
/* table.c: every line bpfault run prints fits RUN_WIDTH columns */
#define RUN_WIDTH 100
void print_table(const struct res_run *r);
/* prefix, then text's words, wrapped at RUN_WIDTH, later lines indented */
void print_wrapped(FILE *f, const char *prefix, int indent, const char *text);
/* info(), wrapped */
void wrap_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* selfbench.c */
int selfbench(struct session *s, struct runner *r);

#endif
