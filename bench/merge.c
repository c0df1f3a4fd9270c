// SPDX-License-Identifier: BSD-2-Clause
/*
 * bpfault merge -o OUT DIR...: the results of many hosts and runs in one results directory, kept
 * apart. Every cell of OUT/results.json carries the run_id, host and kernel of the run it comes
 * from, meta.runs lists the sources (meta.merged is true), and OUT/cells.csv has every row, each
 * starting with its run_id and host. A source that is itself merged keeps its cells' tags. Sources
 * are read with res_load(): a file of another schema, a garbled one, or the same run given twice
 * is refused (exit 2) and OUT is not written.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cmds.h"
#include "common.h"
#include "results.h"

struct merge_opts {
	const char *out;
	bool force;
};

static int merge_parse(int argc, char **argv, struct merge_opts *o)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"force", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{},
	};
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "ho:f", opts, NULL)) != -1) {
		if (c == 'h') {
			printf("usage: bpfault merge -o OUT [--force] DIR...\n"
			       "  merge the results of many hosts and runs into OUT (results.json,\n"
			       "  cells.csv); each cell is tagged with its run_id, host and kernel,\n"
			       "  meta.runs lists the sources; an existing OUT needs --force\n");
			return -1;
		}
		if (c == 'o' && *optarg)
			o->out = optarg;
		else if (c == 'f')
			o->force = true;
		else
			return err_msg("merge: bad option (try 'bpfault merge --help')"),
			       EXIT_USAGE;
	}
	if (!o->out)
		return err_msg("merge: needs -o OUT (try 'bpfault merge --help')"), EXIT_USAGE;
	if (optind >= argc)
		return err_msg("merge: needs at least one results DIR (try 'bpfault merge --help')"),
		       EXIT_USAGE;
	return 0;
}

static const char *meta_str(const struct res_run *r, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(r->meta, key));

	return s && *s ? s : dflt;
}

/*
 * The run id of a source: meta.run_id, or for files written before run ids, "legacy-" and a
 * 64-bit FNV-1a hash of its results.json (the same file gives the same id). 0 or -errno.
 */
static int source_id(const char *path, const struct res_run *r, char *id, size_t len)
{
	char file[PATH_MAX], *data;
	size_t n, plen = strlen(path);
	uint64_t h = 0xcbf29ce484222325ULL;
	int err;

	if (meta_str(r, "run_id", NULL)) {
		snprintf(id, len, "%s", meta_str(r, "run_id", NULL));
		return 0;
	}
	snprintf(file, sizeof(file),
		 plen > 5 && !strcmp(path + plen - 5, ".json") ? "%s" : "%s/results.json", path);
	err = read_file(file, &data, &n);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)data[i]) * 0x100000001b3ULL;
	free(data);
	snprintf(id, len, "legacy-%016llx", (unsigned long long)h);
	return 0;
}

/* one source's entry of meta.runs */
static json_t *run_entry(const char *id, const char *path, const struct res_run *r)
{
	json_t *start = json_object_get(r->meta, "start_utc");

	return json_pack("{sssssssssssOsbsi}", "run_id", id, "host", meta_str(r, "hostname", ""),
			 "kernel", r->kernel, "source", path, "matrix_id", r->matrix_id,
			 "start_utc", json_is_string(start) ? start : json_null(), "complete",
			 r->complete, "cells", r->ncells);
}

/* the merged run being built */
struct merged {
	struct res_run out;
	int cap;
	json_t *runs;  /* meta.runs */
	json_t *units; /* meta.units if every source has the same, else NULL */
	bool units_differ;
};

static bool run_listed(json_t *runs, const char *id)
{
	size_t i;
	json_t *e;

	json_array_foreach(runs, i, e)
	{
		if (!strcmp(json_string_value(json_object_get(e, "run_id")), id))
			return true;
	}
	return false;
}

/* add the runs of a merged source (its meta.runs); 0, or -1 with err set on a repeated run */
static int add_runs(struct merged *m, const char *path, json_t *runs, char *err, size_t len)
{
	size_t i;
	json_t *e;

	json_array_foreach(runs, i, e)
	{
		const char *id = json_string_value(json_object_get(e, "run_id"));

		if (!id || !*id)
			return snprintf(err, len, "%s: meta.runs[%zu] has no run_id", path, i), -1;
		if (run_listed(m->runs, id))
			return snprintf(err, len, "%s: run %s is given twice", path, id), -1;
		json_array_append(m->runs, e);
	}
	return 0;
}

/* add one loaded source; 0, or -1 with a one-line reason in err (exit 2), -ENOMEM */
static int add_source(struct merged *m, const char *path, const struct res_run *r, char *err,
		      size_t len)
{
	bool merged = json_is_true(json_object_get(r->meta, "merged"));
	json_t *units = json_object_get(r->meta, "units");
	char id[RES_TAG] = "";
	int rc;

	if (merged) {
		if (add_runs(m, path, json_object_get(r->meta, "runs"), err, len))
			return -1;
	} else {
		rc = source_id(path, r, id, sizeof(id));
		if (rc)
			return snprintf(err, len, "%s: %s", path, strerror(-rc)), -1;
		if (run_listed(m->runs, id))
			return snprintf(err, len, "%s: run %s is given twice", path, id), -1;
		if (json_array_append_new(m->runs, run_entry(id, path, r)))
			return -ENOMEM;
	}
	if (!m->units && !m->units_differ && units)
		m->units = json_incref(units);
	else if (!json_equal(m->units, units))
		m->units_differ = true;
	if (m->out.ncells + r->ncells > m->cap) {
		int cap = 2 * (m->out.ncells + r->ncells);
		struct res_cell *c = realloc(m->out.cells, (size_t)cap * sizeof(*c));

		if (!c)
			return -ENOMEM;
		m->out.cells = c;
		m->cap = cap;
	}
	for (int i = 0; i < r->ncells; i++) {
		struct res_cell *c = &m->out.cells[m->out.ncells++];

		*c = r->cells[i];
		if (merged && !c->run_id[0])
			return snprintf(err, len, "%s: merged, but cells[%d] has no run_id", path,
					i),
			       -1;
		if (merged)
			continue;
		snprintf(c->run_id, sizeof(c->run_id), "%s", id);
		snprintf(c->host, sizeof(c->host), "%s", meta_str(r, "hostname", ""));
		snprintf(c->kernel, sizeof(c->kernel), "%s", r->kernel);
	}
	return 0;
}

/* the one value every source has for key (kernel, matrix_id), or NULL */
static const char *common_value(json_t *runs, const char *key)
{
	const char *v = NULL, *s;
	size_t i;
	json_t *e;

	json_array_foreach(runs, i, e)
	{
		s = json_string_value(json_object_get(e, key));
		if (!s || !*s || (v && strcmp(v, s)))
			return NULL;
		v = s;
	}
	return v;
}

static int merged_meta(struct merged *m, int argc, char **argv)
{
	json_t *cmd = json_array(), *e;
	bool complete = true;
	size_t i;

	for (int k = 0; k < argc; k++)
		json_array_append_new(cmd, json_string(argv[k]));
	json_array_foreach(m->runs, i, e)
	{
		complete = complete && json_is_true(json_object_get(e, "complete"));
	}
	m->out.meta = json_pack("{sssbsbsOso}", "tool", "bpfault", "merged", true, "complete",
				complete, "runs", m->runs, "command", cmd);
	if (!m->out.meta)
		return -ENOMEM;
	if (m->units && !m->units_differ) /* the same units everywhere: views can use them */
		json_object_set(m->out.meta, "units", m->units);
	if (common_value(m->runs, "kernel"))
		json_object_set_new(m->out.meta, "kernel",
				    json_string(common_value(m->runs, "kernel")));
	if (common_value(m->runs, "matrix_id"))
		json_object_set_new(m->out.meta, "matrix_id",
				    json_string(common_value(m->runs, "matrix_id")));
	m->out.complete = complete;
	return 0;
}

/* OUT: created, or with --force an existing directory (never a symlink); an exit status */
static int make_out(const struct merge_opts *o)
{
	struct stat st;

	if (mkdir(o->out, 0755) == 0)
		return EXIT_OK;
	if (errno != EEXIST)
		return err_msg("merge: %s: %s", o->out, strerror(errno)), EXIT_USAGE;
	if (!o->force)
		return err_msg("merge: %s exists (use --force to write into it)", o->out),
		       EXIT_USAGE;
	if (lstat(o->out, &st) || !S_ISDIR(st.st_mode))
		return err_msg("merge: %s exists and is not a directory", o->out), EXIT_USAGE;
	return EXIT_OK;
}

static int load_all(struct merged *m, int n, char **paths)
{
	char err[600];
	struct res_run r;
	int rc;

	for (int i = 0; i < n; i++) {
		if (res_load(paths[i], &r, err, sizeof(err)))
			return err_msg("merge: %s", err), EXIT_USAGE;
		rc = add_source(m, paths[i], &r, err, sizeof(err));
		res_free(&r);
		if (rc == -ENOMEM)
			return err_msg("merge: out of memory"), EXIT_INTERNAL;
		if (rc)
			return err_msg("merge: %s", err), EXIT_USAGE;
	}
	return EXIT_OK;
}

int cmd_merge(int argc, char **argv)
{
	struct merge_opts o = {0};
	struct merged m = {0};
	int rc, err;

	rc = merge_parse(argc, argv, &o);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	m.runs = json_array();
	rc = load_all(&m, argc - optind, argv + optind);
	if (!rc && merged_meta(&m, argc, argv))
		rc = (err_msg("merge: out of memory"), EXIT_INTERNAL);
	if (!rc)
		rc = make_out(&o);
	if (!rc) {
		err = res_write_dir(&m.out, o.out);
		if (err)
			rc = (err_msg("merge: writing %s: %s", o.out, strerror(-err)),
			      EXIT_INTERNAL);
	}
	if (!rc)
		printf("merge: %zu runs, %d cells -> %s/results.json, %s/cells.csv\n",
		       json_array_size(m.runs), m.out.ncells, o.out, o.out);
	json_decref(m.runs);
	json_decref(m.units);
	res_free(&m.out);
	return rc;
}
