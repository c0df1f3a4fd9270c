/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The run options a matrix file and the command line share, in one declarative table: each with
 * its matrix-file key, its command-line flag, its type and its bounds, stated once. The command
 * line overrides the file.
 */
#ifndef BPFAULT_OPTIONS_H
#define BPFAULT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

struct matrix;

struct mx_option {
	const char *key;  /* matrix file key */
	const char *flag; /* long option, without "--" */
	int short_opt;	  /* or 0 */
	bool real;	  /* a double (else a whole number, uint64_t) */
	uint64_t imin, imax;
	double dmin, dmax; /* real: [dmin, dmax) */
	size_t off;	   /* offsetof(struct matrix, the field) */
	const char *arg, *help;
};

extern const struct mx_option mx_options[];
extern const size_t mx_noptions;

/* the bounds in words: "a whole number from 1 to 100000000", "a number in [0, 0.5)" */
void mx_option_bounds(const struct mx_option *o, char *buf, size_t len);
/* set o in m from command-line text; 0, or -EINVAL with a one-line reason */
int mx_option_text(const struct mx_option *o, const char *text, struct matrix *m, char *err,
		   size_t len);
/* set o in m from a matrix file's value; 0, or -EINVAL with a one-line reason */
int mx_option_json(const struct mx_option *o, json_t *v, struct matrix *m, char *err, size_t len);
/* copy o's value from one matrix to another */
void mx_option_copy(const struct mx_option *o, struct matrix *to, const struct matrix *from);
/* the usage lines of the table */
void mx_options_usage(FILE *f);

#endif
