// SPDX-License-Identifier: BSD-2-Clause
/*
 * bpfault baseline DIR: print a baseline made from a run (README "Gate"). The baseline is the
 * run's results in the same "bpfault/1" schema, with meta.baseline and meta.source, and "exact"
 * on the arms where any failure is a regression. It goes to stdout only: nothing ever updates a
 * baseline file behind anyone's back.
 */
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
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			printf("usage: bpfault baseline DIR [--exact-zero] > baseline.json\n"
			       "  every arm of a \"resident\" cell is exact (any failure fails);\n"
			       "  --exact-zero also marks every arm with zero failures exact\n");
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

static bool arm_exact(const struct res_cell *c, const struct res_arm *a, bool exact_zero)
{
	char key[128];

	if (strcmp(c->state, "resident"))
		return exact_zero && a->n && !a->fails;
	if (a->fails && res_cell_ok(c)) {
		res_cell_key(c, key, sizeof(key));
		err_msg("baseline: WARNING: control %s %s has %llu failures", key, a->name,
			(unsigned long long)a->fails);
	}
	return true;
}

/*
 * Mark the exact arms in the run's own JSON (so every field of it is kept as it was), using the
 * validated model r, whose cells are in the same order. 0, or -1 on allocation failure.
 */
static int mark_exact(json_t *root, const struct res_run *r, bool exact_zero)
{
	json_t *cells = json_object_get(root, "cells");

	for (int i = 0; i < r->ncells; i++) {
		const struct res_cell *c = &r->cells[i];
		json_t *arms = json_object_get(json_array_get(cells, (size_t)i), "arms");

		for (int j = 0; j < c->narms; j++) {
			json_t *a = json_object_get(arms, c->arms[j].name);

			if (arm_exact(c, &c->arms[j], exact_zero) &&
			    json_object_set_new(a, "exact", json_true()))
				return -1;
		}
	}
	return 0;
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
