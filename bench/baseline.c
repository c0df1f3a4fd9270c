// SPDX-License-Identifier: BSD-2-Clause
/*
 * bpfault baseline DIR: print a baseline made from a run (README "Gate"). The baseline is the
 * run's results in the same "bpfault/1" schema, with meta.baseline and meta.source, and "exact"
 * on the arms where any failure is a regression. It goes to stdout, or with -o FILE to FILE,
 * written atomically (a temporary beside FILE, fsync, rename): FILE is either the old baseline or
 * the whole new one. An incomplete run, or one with an invalid or pending cell, is refused (exit
 * 2, a bad input) and FILE is left as it was.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmds.h"
#include "common.h"
#include "kset.h"
#include "results.h"

struct baseline_opts {
	bool exact_zero;
	const char *out; /* -o FILE, or NULL for stdout */
};

static int baseline_parse(int argc, char **argv, struct baseline_opts *o)
{
	static const struct option opts[] = {
		{"exact-zero", no_argument, NULL, 'z'},
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{},
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		if (c == 'h') {
			printf("usage: bpfault baseline DIR [--exact-zero] [-o FILE]\n"
			       "  DIR of several kernels (index.json): -o OUTDIR is needed and\n"
			       "  gets one OUTDIR/<release>.json per kernel (gate --baseline OUTDIR)\n"
			       "  every arm of a \"resident\" cell is exact (any failure fails);\n"
			       "  --exact-zero also marks every arm with zero failures exact;\n"
			       "  -o FILE writes FILE atomically (else stdout); an incomplete run\n"
			       "  or one with invalid cells is refused (exit 2), FILE left as it was\n");
			return -1;
		}
		if (c == 'o' && *optarg) {
			o->out = optarg;
			continue;
		}
		if (c != 'z')
			return err_msg("baseline: bad option (try 'bpfault baseline --help')"),
			       EXIT_USAGE;
		o->exact_zero = true;
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

/* the baseline text to stdout, or atomically to out; an exit status */
static int emit(const char *text, const char *out)
{
	int err;

	if (!out) {
		if (fputs(text, stdout) == EOF || fflush(stdout))
			return err_msg("baseline: cannot write the baseline to stdout"),
			       EXIT_INTERNAL;
		return EXIT_OK;
	}
	err = write_file_atomic(out, text, strlen(text));
	if (err)
		return err_msg("baseline: %s: %s (left as it was)", out, strerror(-err)),
		       err == -ENOMEM ? EXIT_INTERNAL : EXIT_USAGE;
	return EXIT_OK;
}

static int make_baseline(const char *path, const struct res_run *r, const struct baseline_opts *o)
{
	char file[PATH_MAX], *text = NULL;
	json_error_t je;
	json_t *root, *meta;
	int rc;

	results_file(path, file, sizeof(file));
	root = json_load_input(file, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return err_msg("baseline: %s: cannot read: %s", file, je.text), EXIT_USAGE;
	meta = json_object_get(root, "meta");
	if (!mark_exact(root, r, o->exact_zero) &&
	    !json_object_set_new(meta, "baseline", json_true()) &&
	    !json_object_set_new(meta, "source", json_string(path)))
		text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	json_decref(root);
	if (!text)
		return err_msg("baseline: out of memory"), EXIT_INTERNAL;
	{
		size_t n = strlen(text);
		char *t = realloc(text, n + 2);

		if (!t) {
			free(text);
			return err_msg("baseline: out of memory"), EXIT_INTERNAL;
		}
		text = t;
		memcpy(text + n, "\n", 2);
	}
	rc = emit(text, o->out);
	free(text);
	return rc;
}

/* why run r cannot be a baseline, or NULL: incomplete, or a cell invalid or never finished */
static const char *unfit(const struct res_run *r, char *why, size_t len)
{
	char key[128];

	if (!r->complete)
		return "is an incomplete run (meta.complete is not true)";
	for (int i = 0; i < r->ncells; i++) {
		char st[RES_WHY + 16];

		if (r->cells[i].status != RS_INVALID && r->cells[i].status != RS_PENDING)
			continue;
		res_cell_key(&r->cells[i], key, sizeof(key));
		snprintf(why, len, "is not a valid run: cell %s is %.60s", key,
			 res_status_str(&r->cells[i], st, sizeof(st)));
		return why;
	}
	return NULL;
}

/*
 * A kernel set: OUT/<release>.json for every kernel, each written atomically; every kernel's run
 * is checked first, so an unfit one leaves every file as it was.
 */
static int baseline_kernels(const char *dir, const struct baseline_opts *o)
{
	static struct kset ks;
	char err[768], why[256], out[PATH_MAX];
	const char *bad;
	int rc = 0;

	if (!o->out)
		return err_msg("baseline: %s holds several kernels: -o DIR is needed (one "
			       "DIR/<release>.json per kernel)",
			       dir),
		       EXIT_USAGE;
	if (kset_load(dir, &ks, err, sizeof(err)))
		return err_msg("baseline: %s", err), EXIT_USAGE;
	for (int i = 0; i < ks.n && !rc; i++) {
		const struct kset_kernel *k = &ks.k[i];

		bad = !k->loaded ? k->why : unfit(&k->run, why, sizeof(why));
		if (bad || !kset_release_ok(k->release)) {
			err_msg("baseline: kernel %s (%s) %s; no baseline written", k->release,
				k->dir, bad ? bad : "cannot name a file");
			rc = EXIT_USAGE;
		}
	}
	if (!rc && (rc = mkdir_p(o->out, 0755)) != 0) {
		err_msg("baseline: cannot create %s: %s", o->out, strerror(-rc));
		rc = EXIT_USAGE;
	}
	for (int i = 0; i < ks.n && !rc; i++) {
		struct baseline_opts ko = *o;
		int n = snprintf(out, sizeof(out), "%s/%s.json", o->out, ks.k[i].release);

		if (n < 0 || (size_t)n >= sizeof(out)) {
			err_msg("baseline: %s: path too long", o->out);
			rc = EXIT_USAGE;
			break;
		}
		ko.out = out;
		rc = make_baseline(ks.k[i].dir, &ks.k[i].run, &ko);
		if (!rc)
			printf("%s\n", out);
	}
	kset_free(&ks);
	return rc;
}

int cmd_baseline(int argc, char **argv)
{
	struct baseline_opts o = {0};
	struct res_run r;
	char err[512], why[256];
	const char *bad;
	int rc;

	rc = baseline_parse(argc, argv, &o);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (kset_is_index(argv[optind]))
		return baseline_kernels(argv[optind], &o);
	if (res_load(argv[optind], &r, err, sizeof(err)))
		return err_msg("baseline: %s", err), EXIT_USAGE;
	bad = unfit(&r, why, sizeof(why));
	if (bad) {
		err_msg("baseline: %s %s%s", argv[optind], bad,
			o.out ? "; baseline not written" : "");
		rc = EXIT_USAGE;
	} else {
		rc = make_baseline(argv[optind], &r, &o);
	}
	res_free(&r);
	return rc;
}
