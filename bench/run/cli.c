// SPDX-License-Identifier: BSD-2-Clause
/* bpfault run and bpfault selfbench: their command lines, and the commands themselves. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmds.h"
#include "common.h"
#include "guest.h"
#include "options.h"
#include "run.h"
#include "sysstate.h"

static void run_usage(const char *cmd, FILE *f)
{
	if (!strcmp(cmd, "selfbench"))
		fprintf(f,
			"usage: bpfault selfbench [-s SYSCALL] [-p STATE] [-k SINK] [-a ARMS]\n"
			"                         [-n TRIALS] [--block N] [--cpu N]\n"
			"  one cell in alternating blocks: a bare loop and bpfault's trial loop\n"
			"  (default file-pageout/file, 100000 trials in blocks of 10000)\n");
	else
		fprintf(f,
			"usage: bpfault run [-m MATRIX] [-s SYSCALLS] [-p STATES] [-k SINKS]\n"
			"                   [-a ARMS] [-n TRIALS] [--min-trials N] [--precision "
			"P]\n"
			"                   [--block N] [--size LIST] [--offset LIST] [--seed N]\n"
			"                   [--cpu N] [--tool T]... [-o DIR [--force]] [--dir-file F]\n"
			"                   [--kernel K]... [--guest-timeout S] [-q] [-v]\n");
	fprintf(f, "  -m FILE              matrix file (JSON, see README); excludes the lists\n"
		   "  -s, -p, -k, -a LIST  syscalls, page states, sinks, arms ('bpfault list')\n"
		   "  --size LIST          buffer sizes in bytes, multiples of 8 (default 64)\n"
		   "  --offset LIST        offsets of the buffer in its page (default 0)\n");
	mx_options_usage(f);
	fprintf(f, "  --cpu N              CPU the workload is pinned to (default: the last)\n"
		   "  --tool T             also score a tracer as the arm tool:<name>: a shipped\n"
		   "                       definition's name or a definition file's path\n"
		   "  -o DIR               output directory (default: a new results/<UTC time>)\n"
		   "  --force              -o DIR may hold a run's results: overwrite them\n"
		   "");
	if (strcmp(cmd, "selfbench"))
		fprintf(f,
			"  --dir-file F         write the output directory's path into file F once\n"
			"                       it is made (scripts: the default directory)\n");
	if (strcmp(cmd, "selfbench"))
		fprintf(f,
			"  --kernel K           run in a qemu TCG guest booted with K: debian-6.1,\n"
			"                       debian-6.12, IMAGE[:MODULES_DIR], or host (native);\n"
			"                       repeatable: DIR/<release>/ each\n"
			"  --guest-timeout S    kill a guest after S seconds (default 3600)\n");
	fprintf(f, "  -q, -v               quieter, more verbose\n"
		   "  -h, --help           this help\n");
}

enum { O_SIZE = 256, O_OFF, O_CPU, O_TOOL, O_FORCE, O_DIRFILE, O_KERNEL, O_GTIME, O_TABLE = 512 };

/* the fixed options, then one per entry of the option table */
static void long_options(struct option *lo)
{
	static const struct option fixed[] = {
		{"matrix", required_argument, NULL, 'm'},
		{"syscalls", required_argument, NULL, 's'},
		{"states", required_argument, NULL, 'p'},
		{"sinks", required_argument, NULL, 'k'},
		{"arms", required_argument, NULL, 'a'},
		{"output", required_argument, NULL, 'o'},
		{"size", required_argument, NULL, O_SIZE},
		{"offset", required_argument, NULL, O_OFF},
		{"cpu", required_argument, NULL, O_CPU},
		{"tool", required_argument, NULL, O_TOOL},
		{"force", no_argument, NULL, O_FORCE},
		{"dir-file", required_argument, NULL, O_DIRFILE},
		{"kernel", required_argument, NULL, O_KERNEL},
		{"guest-timeout", required_argument, NULL, O_GTIME},
		{"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
	};
	size_t n = ARRAY_SIZE(fixed);

	memcpy(lo, fixed, sizeof(fixed));
	for (size_t i = 0; i < mx_noptions; i++)
		lo[n + i] = (struct option){mx_options[i].flag, required_argument, NULL,
					    mx_options[i].short_opt ? mx_options[i].short_opt
								    : O_TABLE + (int)i};
	lo[n + mx_noptions] = (struct option){0};
}

/* an option of the table, by its getopt value; NULL if it is none */
static const struct mx_option *table_option(int c, size_t *idx)
{
	for (size_t i = 0; i < mx_noptions; i++)
		if (c == (mx_options[i].short_opt ? mx_options[i].short_opt : O_TABLE + (int)i)) {
			*idx = i;
			return &mx_options[i];
		}
	return NULL;
}

static const char **list_of(struct run_opts *o, int c)
{
	switch (c) {
	case 's':
		return &o->lists.syscalls;
	case 'p':
		return &o->lists.states;
	case 'k':
		return &o->lists.sinks;
	case 'a':
		return &o->lists.arms;
	case O_SIZE:
		return &o->lists.sizes;
	case O_OFF:
		return &o->lists.offsets;
	}
	return NULL;
}

/* mark the option getopt_long just returned (and its separate value) as not for the guest */
static void drop_opt(struct run_opts *o, char **argv)
{
	o->drop[optind - 1] = true;
	if (optarg == argv[optind - 1] && optind >= 2)
		o->drop[optind - 2] = true;
}

/* --kernel and --guest-timeout: 0, or -1 after printing the error */
static int guest_option(const char *cmd, int c, char **argv, struct run_opts *o)
{
	uint64_t v;

	if (c == O_KERNEL) {
		if (o->guest.nkernels == GUEST_MAX_KERNELS) {
			err_msg("%s: at most %d --kernel options", cmd, GUEST_MAX_KERNELS);
			return -1;
		}
		o->guest.kernels[o->guest.nkernels++] = optarg;
	} else {
		if (parse_u64(optarg, 1, 86400, &v)) {
			err_msg("%s: --guest-timeout '%s' is not a whole number from 1 to 86400",
				cmd, optarg);
			return -1;
		}
		o->guest.timeout_s = (unsigned)v;
	}
	drop_opt(o, argv);
	return 0;
}

/* one option; 0, 1 for --help, or -1 after printing the error */
static int one_option(const char *cmd, int c, char **argv, struct run_opts *o)
{
	const struct mx_option *t;
	const char **list = list_of(o, c);
	char err[160];
	uint64_t v;
	size_t i;

	if (list) {
		*list = optarg;
		o->have_lists = true;
		return 0;
	}
	if ((t = table_option(c, &i))) {
		if (mx_option_text(t, optarg, o->over, err, sizeof(err))) {
			err_msg("%s: %s", cmd, err);
			return -1;
		}
		o->set |= 1u << i;
		return 0;
	}
	switch (c) {
	case 'm':
		o->matrix_file = optarg;
		return 0;
	case 'o':
		o->outdir = optarg;
		drop_opt(o, argv);
		return 0;
	case O_KERNEL:
	case O_GTIME:
		return guest_option(cmd, c, argv, o);
	case O_CPU:
		if (parse_u64(optarg, 0, CPU_SETSIZE - 1, &v)) {
			err_msg("%s: --cpu '%s' is not a whole number from 0 to %d", cmd, optarg,
				CPU_SETSIZE - 1);
			return -1;
		}
		o->cpu = (int)v;
		return 0;
	case O_TOOL:
		if (o->ntools == TOOL_MAX_ARMS) {
			err_msg("%s: at most %d --tool options", cmd, TOOL_MAX_ARMS);
			return -1;
		}
		o->tools[o->ntools++] = optarg;
		return 0;
	case O_FORCE:
		o->force = true;
		return 0;
	case O_DIRFILE:
		o->dir_file = optarg;
		drop_opt(o, argv);
		return 0;
	case 'q':
		g_quiet = 1;
		return 0;
	case 'v':
		g_verbose++;
		return 0;
	case 'h':
		return 1;
	case ':':
		err_msg("%s: option '%s' needs a value", cmd, argv[optind - 1]);
		return -1;
	}
	err_msg("%s: unknown option '%s' (try 'bpfault %s --help')", cmd, argv[optind - 1], cmd);
	return -1;
}

int run_parse(const char *cmd, int argc, char **argv, struct run_opts *o)
{
	static struct matrix over;
	struct option lo[32];
	int c, rc;

	_Static_assert(ARRAY_SIZE(lo) >= 16 + 1 + 5, "room for the option table");
	memset(o, 0, sizeof(*o));
	o->over = &over;
	o->cpu = -1;
	o->argc = argc;
	o->argv = argv;
	o->guest.argc = argc;
	o->guest.argv = argv;
	o->guest.drop = o->drop = calloc((size_t)argc + 1, sizeof(bool));
	if (!o->drop) {
		err_msg("%s: out of memory", cmd);
		return -1;
	}
	long_options(lo);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":m:s:p:k:a:n:o:qvh", lo, NULL)) != -1) {
		rc = one_option(cmd, c, argv, o);
		if (rc < 0)
			return -1;
		if (rc > 0) {
			run_usage(cmd, stdout);
			exit(EXIT_OK);
		}
	}
	if (optind < argc) {
		err_msg("%s: unexpected argument '%s'", cmd, argv[optind]);
		return -1;
	}
	if (o->matrix_file && o->have_lists) {
		err_msg("%s: -m and the lists (-s/-p/-k/-a/--size/--offset) exclude each other",
			cmd);
		return -1;
	}
	return 0;
}

void run_apply(const struct run_opts *o, struct matrix *m)
{
	for (size_t i = 0; i < mx_noptions; i++)
		if (o->set & (1u << i))
			mx_option_copy(&mx_options[i], m, o->over);
	if (m->min_trials > m->max_trials)
		m->min_trials = m->max_trials;
}

/* the matrix of a run: a file or the lists, the command line's options */
static int run_matrix(const struct run_opts *o, struct matrix *m)
{
	char err[512];

	mx_defaults(m);
	if (o->matrix_file ? mx_load_file(m, o->matrix_file, err, sizeof(err))
			   : mx_add_lists(m, &o->lists, err, sizeof(err))) {
		err_msg("run: %s", err);
		return -1;
	}
	run_apply(o, m);
	if (m->ncells == 0) {
		err_msg("run: the matrix has no cell that can run (%d dropped)", m->ndropped);
		return -1;
	}
	return 0;
}

/* --kernel with any kernel but the host's: the matrix runs in qemu guests (guest.c) */
static bool run_in_guest(const struct run_opts *o)
{
	return o->guest.nkernels > 1 || (o->guest.nkernels && !kernel_is_host(o->guest.kernels[0]));
}

/* the --tool definitions: 0, or the exit status (2 bad definition, 77 not installed) */
static int load_tools(const struct run_opts *o, struct toolset *t)
{
	char why[512];

	for (int i = 0; i < o->ntools; i++) {
		int err = toolset_add(t, o->tools[i], why, sizeof(why));

		if (err) {
			err_msg("run: %s", why);
			toolset_free(t);
			return err == -ENOEXEC ? EXIT_SKIP : EXIT_USAGE;
		}
	}
	return 0;
}

/* the tools' arms in the cells, and after the registry's in meta.units */
static void tools_cells(struct toolset *t, struct runner *r)
{
	json_t *arms = json_object_get(json_object_get(r->res.meta, "units"), "arms");
	int n = r->s->m->ncells;

	if (t->n && (toolset_cells(t, r->cells, n) ||
		     json_array_extend(arms, toolset_units(t, r->cells, n))))
		die(EXIT_INTERNAL, "run: out of memory");
}

/* the run after the set-up: rounds, results, table; an exit status */
static int run_measure(struct session *s, const struct run_opts *o, const char *outdir,
		       struct toolset *tools)
{
	struct runner r;
	char mxid[32];
	int sig, ninvalid;

	if (runner_init(&r, s, outdir))
		die(EXIT_INTERNAL, "run: out of memory");
	mx_id(s->m, mxid, sizeof(mxid));
	r.res.meta = make_meta(s, o, mxid);
	if (!r.res.meta)
		die(EXIT_INTERNAL, "run: cannot build meta");
	tools_cells(tools, &r);
	runner_flush(&r, false);
	toolset_start(tools, getpid()); /* the trials start once every tool is ready */
	sig = runner_rounds(&r);
	/* BPFAULT_RELEASE=inline: the waits in this process (make bench measures both) */
	if (env_is("BPFAULT_RELEASE", "inline") || probe_release_elsewhere(&s->eng.probe))
		probe_detach_start(&s->eng.probe); /* the waits overlap the rest; joined at close */
	toolset_finish(tools, r.cells, s->m->ncells);
	if (tools->n)
		json_object_set_new(r.res.meta, "tools", toolset_meta(tools));
	toolset_free(tools);
	runner_flush(&r, sig == 0);
	ninvalid = runner_done(&r);
	session_close(s);
	if (!g_quiet)
		print_table(&r.res);
	fflush(stdout); /* the table, then where the results are */
	json_decref(r.res.meta);
	free(r.res.cells);
	if (r.flush_err)
		return EXIT_INTERNAL; /* said by runner_flush(); no "results in" */
	if (sig) {
		err_msg("run: interrupted by signal %d; partial results in %s (marked incomplete)",
			sig, outdir);
		return EXIT_INTERRUPTED;
	}
	/* even with -q: where the results went */
	fprintf(stderr, "bpfault: results in %s (results.json, cells.csv)\n", outdir);
	if (ninvalid) {
		err_msg("run: %d cell(s) invalid; see their status", ninvalid);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int cmd_run(int argc, char **argv)
{
	static struct matrix m;
	static struct session s;
	static struct toolset tools;
	struct run_opts o;
	char outdir[PATH_MAX];
	int err, controls, dir_fd = -1;
	bool guest;

	sys_catch_stop(); /* before anything else: a stop signal is never lost */

	if (run_parse("run", argc, argv, &o))
		return EXIT_USAGE;
	guest = run_in_guest(&o);
	if (!guest) /* each guest's run pins itself */
		session_pin_early(&o);
	err = load_tools(&o, &tools);
	if (err)
		return err;
	if (run_matrix(&o, &m) || (o.dir_file && (dir_fd = open_dir_file("run", o.dir_file)) < 0))
		return EXIT_USAGE;
	if (guest) { /* the matrix is valid: each kernel's run is bpfault run in its guest */
		if (dir_fd >= 0 && !o.outdir) { /* the default directory, made now to be named */
			if (prepare_outdir("run", NULL, false, outdir, sizeof(outdir)))
				return EXIT_USAGE;
			o.outdir = outdir;
		}
		if (dir_fd >= 0 && write_dir_file("run", dir_fd, o.outdir))
			return EXIT_USAGE;
		o.guest.outdir = o.outdir;
		o.guest.matrix_file = o.matrix_file;
		return guest_run_kernels(&o.guest);
	}
	controls = mx_add_controls(&m);
	if (controls)
		wrap_info(
			"bpfault: added %d resident control cell(s): every syscall x sink gets one",
			controls);
	err = session_open(&s, "run", &m, &o);
	if (err)
		return session_status(&s, err);
	/* refused early; checked again, and made, once the lock is ours */
	if (o.outdir && outdir_check("run", o.outdir, o.force))
		return EXIT_USAGE;
	for (int i = 0; i < m.ndropped; i++)
		wrap_info("bpfault: dropped %s", m.dropped[i]);
	err = session_start(&s);
	if (err)
		return session_status(&s, err);
	if (prepare_outdir("run", o.outdir, o.force, outdir, sizeof(outdir)) ||
	    (dir_fd >= 0 && write_dir_file("run", dir_fd, outdir))) {
		session_close(&s);
		return EXIT_USAGE;
	}
	return run_measure(&s, &o, outdir, &tools);
}

int cmd_selfbench(int argc, char **argv)
{
	static struct matrix m;
	static struct session s;
	struct runner r;
	struct run_opts o;
	char err[512];
	int rc;

	sys_catch_stop(); /* before anything else: a stop signal is never lost */

	if (run_parse("selfbench", argc, argv, &o))
		return EXIT_USAGE;
	if (o.guest.nkernels) {
		err_msg("selfbench: runs on the host kernel only (no --kernel)");
		return EXIT_USAGE;
	}
	session_pin_early(&o);
	if (o.matrix_file) {
		err_msg("selfbench: takes one cell from -s/-p/-k/-a, not -m");
		return EXIT_USAGE;
	}
	if (!o.lists.states)
		o.lists.states = "file-pageout";
	if (!o.lists.sinks)
		o.lists.sinks = "file";
	mx_defaults(&m);
	m.max_trials = 100000;
	m.block = 10000;
	if (mx_add_lists(&m, &o.lists, err, sizeof(err))) {
		err_msg("selfbench: %s", err);
		return EXIT_USAGE;
	}
	if (m.ncells != 1) {
		err_msg("selfbench: needs exactly one cell, the lists make %d", m.ncells);
		return EXIT_USAGE;
	}
	run_apply(&o, &m);
	rc = session_open(&s, "selfbench", &m, &o);
	if (!rc)
		rc = session_start(&s);
	if (rc)
		return session_status(&s, rc);
	rc = selfbench(&s, &r);
	session_close(&s);
	return rc;
}
