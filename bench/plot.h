/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The gnuplot driver: plots are queued (a data file, a script from the data directory and its
 * variables), then drawn by ONE gnuplot process. Everything is made in a work directory inside
 * the output directory. Scripts come only from scripts/ or ../share/bpfault beside the binary's
 * real path, or from BPFAULT_DATADIR; gnuplot only from /usr/bin or /bin; never from the
 * current directory.
 * Functions return 0 or -errno with one line in p->err: -ENOENT gnuplot or the scripts are
 * missing, -EIO gnuplot failed, -ENOMEM, or what the file system said.
 */
#ifndef BPFAULT_PLOT_H
#define BPFAULT_PLOT_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include "common.h"
#include "results.h"

enum plot_kind { PK_SUMMARY, PK_FAIL, PK_COST, PK_HEAT, PK_FACTOR, PK_COMPARE, PK_KERNELS, PK_N };

struct plot {
	enum plot_kind kind;
	char name[160];
	char caption[400];
	int sys, sink; /* index positions for PK_FAIL and PK_COST, else -1 */
};

struct plotter {
	char tmp[PATH_MAX - 64]; /* work directory (inside the output directory) */
	char data[PATH_MAX];	 /* tmp/data: gnuplot input */
	char plots[PATH_MAX];	 /* tmp/plots: gnuplot output */
	char gpdir[PATH_MAX];	 /* where the plot-*.gp scripts are */
	char gnuplot[PATH_MAX];
	bool png, svg;
	struct plot *list;
	int nlist, caplist;
	int ndata;
	struct sbuf script; /* the one gnuplot script that draws every queued plot */
	char *err;
	size_t errlen;
};

int plot_init(struct plotter *p, const char *outdir, const char *prefix, char *err, size_t errlen);
void plot_fini(struct plotter *p);
/* a new data file in the work directory (its path in path) */
FILE *plot_data_open(struct plotter *p, char *path, size_t len);
int plot_data_close(struct plotter *p, FILE *f, const char *path);
/* vars: "data='...'; title='...'; subtitle='...'" (escaped) */
void plot_vars(struct sbuf *v, const char *data, const char *title, const char *subtitle);
/* "; narms=N; arms='a b'; ai='1 2'": the arms' names and (1-based) style slots */
void plot_vars_arms(struct sbuf *v, const struct res_index *x, const int *arms, int n);
/* queue SCRIPT drawing NAME with VARS; nothing runs yet */
int plot_add(struct plotter *p, const char *script, struct sbuf *vars, const char *name,
	     enum plot_kind kind, const char *caption, int sys, int sink);
/* draw every queued plot with one gnuplot process and check each file came out */
int plot_run(struct plotter *p);
int plot_fail(struct plotter *p, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* write a data value: " 12.5" or " NaN" */
void plot_num(FILE *f, double v);
/* a string as a gnuplot data file needs it */
void plot_str(FILE *f, const char *s);

#endif
