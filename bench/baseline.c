// SPDX-License-Identifier: BSD-2-Clause
/*
 * bpfault baseline DIR: print a baseline made from a run (README "Gate"). The baseline is the
 * run's results in the same "bpfault/1" schema, with meta.baseline and meta.source, and "exact"
 * on the arms where any failure is a regression. It goes to stdout only: nothing ever updates a
 * baseline file behind anyone's back.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "cmds.h"
#include "common.h"
#include "results.h"

static int baseline_parse(int argc, char **argv, bool *exact_zero)
{
	static const struct option opts[] = {
		{"exact-zero", no_argument, NULL, 'z'},
		{"help", no_argument, NULL, 'h'},
		{},
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			printf("usage: bpfault baseline DIR [--exact-zero] > baseline.json\n"
			       "  prints a baseline for 'bpfault gate' made from the complete run\n"
			       "  in DIR: every arm of a control cell is exact (any failure "
			       "fails)\n"
			       "  --exact-zero  also mark every arm with zero failures exact\n"
			       "  -h, --help    this help\n"
			       "exit status: 0 done, 2 bad usage, a bad or incomplete run\n");
			return -1;
		}
		if (c != 'z')
			return err_msg("baseline: bad option (try 'bpfault baseline --help')"),
			       EXIT_USAGE;
		*exact_zero = true;
	}
	if (optind != argc - 1)
		return err_msg("baseline: needs one run DIR (try 'bpfault baseline --help')"),
		       EXIT_USAGE;
	return 0;
}

/* the file res_load() reads for path: path itself if it ends in .json, else path/results.json */
static void results_file(const char *path, char *out, size_t len)
{
	size_t n = strlen(path);

	if (n > 5 && !strcmp(path + n - 5, ".json"))
		snprintf(out, len, "%s", path);
	else
		snprintf(out, len, "%s/results.json", path);
}

/*
 * Exact: an arm of a control cell that the control rule binds (res_control_binds(); a run
 * without unit facts exempted the arms its ok controls let fail), or with --exact-zero any arm
 * without a failure.
 */
static bool arm_exact(const struct res_index *x, int cell, const struct res_arm *a, bool exact_zero)
{
	const struct res_cell *c = &x->run->cells[cell];
	char key[128];

	if (!x->state_control[x->ct[cell]])
		return exact_zero && a->n && !a->fails;
	if (!res_control_binds(x->run, c, a->name) || (!x->run->units.present && a->fails > 0))
		return false;
	if (a->fails && res_cell_ok(c)) {
		res_cell_key(c, key, sizeof(key));
		err_msg("baseline: WARNING: control %s %s has %llu failures", key, a->name,
			(unsigned long long)a->fails);
	}
	return true;
}

/*
 * Mark the exact arms in the run's own JSON (so every field of it is kept as it was), using the
 * validated model, whose cells are in the same order. 0, or -ENOMEM.
 */
static int mark_exact(json_t *root, const struct res_run *r, bool exact_zero)
{
	json_t *cells = json_object_get(root, "cells");
	struct res_index x;
	int ret = res_index_build(r, &x);

	for (int i = 0; i < r->ncells && !ret; i++) {
		const struct res_cell *c = &r->cells[i];
		json_t *arms = json_object_get(json_array_get(cells, (size_t)i), "arms");

		for (int j = 0; j < c->narms && !ret; j++) {
			json_t *a = json_object_get(arms, c->arms[j].name);

			if (arm_exact(&x, i, &c->arms[j], exact_zero) &&
			    json_object_set_new(a, "exact", json_true()))
				ret = -ENOMEM;
		}
	}
	res_index_free(&x);
	return ret;
}

static int make_baseline(const char *path, const struct res_run *r, bool exact_zero)
{
	char file[PATH_MAX];
	json_error_t je;
	json_t *root, *meta;
	int rc = EXIT_OK;

	results_file(path, file, sizeof(file));
	root = json_load_input(file, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return err_msg("baseline: %s: cannot read: %s", file, je.text), EXIT_USAGE;
	meta = json_object_get(root, "meta");
	if (mark_exact(root, r, exact_zero) || json_object_set_new(meta, "baseline", json_true()) ||
	    json_object_set_new(meta, "source", json_string(path)) ||
	    json_dumpf(root, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) ||
	    fputc('\n', stdout) == EOF || fflush(stdout)) {
		err_msg("baseline: cannot write the baseline to stdout");
		rc = EXIT_INTERNAL;
	}
	json_decref(root);
	return rc;
}

int cmd_baseline(int argc, char **argv)
{
	struct res_run r;
	bool exact_zero = false;
	char err[512];
	int rc;

	rc = baseline_parse(argc, argv, &exact_zero);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (res_load(argv[optind], &r, err, sizeof(err)))
		return err_msg("baseline: %s", err), EXIT_USAGE;
	if (!r.complete) {
		err_msg("baseline: %s is an incomplete run (meta.complete is not true)",
			argv[optind]);
		rc = EXIT_USAGE;
	} else {
		rc = make_baseline(argv[optind], &r, exact_zero);
	}
	res_free(&r);
	return rc;
}
