// SPDX-License-Identifier: BSD-2-Clause
/* bpfault run: the matrix runner. Cells run in shuffled rounds of blocks; results are flushed as
 * they come, and the run is marked complete only when every cell has finished. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "cmds.h"
#include "common.h"
#include "engine.h"
#include "sysstate.h"
#include "units_json.h"

#ifndef BPFAULT_GIT_REV
#define BPFAULT_GIT_REV "unknown"
#endif

struct run_opts {
	const char *matrix_file, *outdir;
	struct mx_lists lists;
	bool have_lists;
	uint64_t trials, min_trials, block, seed;
	double precision;
	bool set_trials, set_min, set_block, set_seed, set_precision;
	int cpu;
};

static void run_usage(FILE *f)
{
	fprintf(f,
		"usage: bpfault run [-m MATRIX] [-s SYSCALLS] [-p STATES] [-k SINKS] [-a ARMS]\n"
		"                   [-n TRIALS] [--min-trials N] [--precision P] [--block N]\n"
		"                   [--size LIST] [--offset LIST] [--seed N] [--cpu N] [-o DIR]\n"
		"  -m FILE        matrix file (JSON, see README); excludes "
		"-s/-p/-k/-a/--size/--offset\n"
		"  -s, -p, -k, -a comma lists of syscalls, page states, sinks, arms ('bpfault "
		"list')\n"
		"  -n N           trials per cell (the cap when --precision is set); default 2000\n"
		"  --precision P  stop a cell once every arm's 95%% half-width <= P (e.g. 0.02)\n"
		"  --min-trials N never stop a cell before N trials (default 100)\n"
		"  --block N      trials per cell per shuffled round (default 50)\n"
		"  --size LIST    buffer sizes in bytes, multiples of 8 (default 64)\n"
		"  --offset LIST  offsets of the buffer in its page (default 0)\n"
		"  --seed N       seed of the trial order and nonces (default 1)\n"
		"  --cpu N        CPU the workload is pinned to (default: the last one)\n"
		"  -o DIR         output directory (default results/<UTC time>)\n"
		"  -q, -v         quieter, more verbose\n");
}

static int opt_u64(const char *name, const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	if (parse_u64(s, min, max, out)) {
		err_msg("run: %s '%s' is not a whole number from %llu to %llu", name, s,
			(unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	return 0;
}

static int parse_run_opts(int argc, char **argv, struct run_opts *o)
{
	enum { O_MIN = 256, O_PREC, O_BLOCK, O_SEED, O_SIZE, O_OFF, O_CPU };
	static const struct option lo[] = {
		{"matrix", required_argument, NULL, 'm'},
		{"syscalls", required_argument, NULL, 's'},
		{"states", required_argument, NULL, 'p'},
		{"sinks", required_argument, NULL, 'k'},
		{"arms", required_argument, NULL, 'a'},
		{"trials", required_argument, NULL, 'n'},
		{"output", required_argument, NULL, 'o'},
		{"min-trials", required_argument, NULL, O_MIN},
		{"precision", required_argument, NULL, O_PREC},
		{"block", required_argument, NULL, O_BLOCK},
		{"seed", required_argument, NULL, O_SEED},
		{"size", required_argument, NULL, O_SIZE},
		{"offset", required_argument, NULL, O_OFF},
		{"cpu", required_argument, NULL, O_CPU},
		{"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	o->cpu = -1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":m:s:p:k:a:n:o:qvh", lo, NULL)) != -1) {
		switch (c) {
		case 'm':
			o->matrix_file = optarg;
			break;
		case 's':
			o->lists.syscalls = optarg;
			o->have_lists = true;
			break;
		case 'p':
			o->lists.states = optarg;
			o->have_lists = true;
			break;
		case 'k':
			o->lists.sinks = optarg;
			o->have_lists = true;
			break;
		case 'a':
			o->lists.arms = optarg;
			o->have_lists = true;
			break;
		case O_SIZE:
			o->lists.sizes = optarg;
			o->have_lists = true;
			break;
		case O_OFF:
			o->lists.offsets = optarg;
			o->have_lists = true;
			break;
		case 'n':
			if (opt_u64("trial count", optarg, 1, 100000000, &o->trials))
				return -1;
			o->set_trials = true;
			break;
		case O_MIN:
			if (opt_u64("--min-trials", optarg, 1, 100000000, &o->min_trials))
				return -1;
			o->set_min = true;
			break;
		case O_BLOCK:
			if (opt_u64("--block", optarg, 1, 1000000, &o->block))
				return -1;
			o->set_block = true;
			break;
		case O_SEED:
			if (opt_u64("--seed", optarg, 0, UINT64_MAX >> 1, &o->seed))
				return -1;
			o->set_seed = true;
			break;
		case O_CPU:
			if (opt_u64("--cpu", optarg, 0, CPU_SETSIZE - 1, &v))
				return -1;
			o->cpu = (int)v;
			break;
		case O_PREC:
			if (parse_double(optarg, 0, 0.49, &o->precision)) {
				err_msg("run: --precision '%s' is not a number in [0, 0.49]",
					optarg);
				return -1;
			}
			o->set_precision = true;
			break;
		case 'o':
			o->outdir = optarg;
			break;
		case 'q':
			g_quiet = 1;
			break;
		case 'v':
			g_verbose++;
			break;
		case 'h':
			run_usage(stdout);
			exit(EXIT_OK);
		case ':':
			err_msg("run: option '%s' needs a value", argv[optind - 1]);
			return -1;
		default:
			err_msg("run: unknown option '%s' (try 'bpfault run --help')",
				argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		err_msg("run: unexpected argument '%s'", argv[optind]);
		return -1;
	}
	if (o->matrix_file && o->have_lists) {
		err_msg("run: -m and the list options (-s/-p/-k/-a/--size/--offset) exclude each "
			"other");
		return -1;
	}
	return 0;
}

/* make DIR and prove it writable before any trial runs */
static int prepare_outdir(const char *dir)
{
	char probe[PATH_MAX + 32];
	int err = mkdir_p(dir, 0755), fd;

	if (err) {
		err_msg("run: cannot create output directory '%s': %s", dir, strerror(-err));
		return -1;
	}
	snprintf(probe, sizeof(probe), "%s/.bpfault-write-test", dir);
	fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		err_msg("run: output directory '%s' is not writable: %s", dir, strerror(errno));
		return -1;
	}
	close(fd);
	unlink(probe);
	return 0;
}

static void utc_now(char *buf, size_t len, const char *fmt)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, fmt, &tm);
}

static void cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[512];

	snprintf(buf, len, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && c) {
			c += 2;
			c[strcspn(c, "\n")] = 0;
			snprintf(buf, len, "%s", c);
			break;
		}
	}
	fclose(f);
}

static json_t *make_meta(const struct matrix *m, const struct run_opts *o, int argc, char **argv,
			 const char *swap_found, const char *swap_used, int cpu, const char *mxid)
{
	struct utsname u;
	struct sysinfo si;
	char host[256], cpu_s[256], start[64];
	json_t *meta, *cmd = json_array(), *dropped = json_array();

	uname(&u);
	sysinfo(&si);
	gethostname(host, sizeof(host));
	cpu_model(cpu_s, sizeof(cpu_s));
	utc_now(start, sizeof(start), "%Y-%m-%dT%H:%M:%SZ");
	for (int i = 0; i < argc; i++)
		json_array_append_new(cmd, json_string(argv[i]));
	for (int i = 0; i < m->ndropped; i++)
		json_array_append_new(dropped, json_string(m->dropped[i]));
	meta = json_pack("{ss ss ss ss si sI ss ss ss ss ss so ss sI sI sI sf sI si ss so sb}",
			 "tool", "bpfault", "kernel", u.release, "machine", u.machine, "libbpf",
			 probe_libbpf_version(), "cores", (int)sysconf(_SC_NPROCESSORS_ONLN),
			 "memory_bytes", (json_int_t)((uint64_t)si.totalram * si.mem_unit), "cpu",
			 cpu_s, "hostname", host, "swap_found", swap_found, "swap_used", swap_used,
			 "git_rev", BPFAULT_GIT_REV, "command", cmd, "matrix", m->name, "seed",
			 (json_int_t)m->seed, "trials_max", (json_int_t)m->max_trials, "trials_min",
			 (json_int_t)m->min_trials, "precision", m->precision, "block",
			 (json_int_t)m->block, "cpu_pinned", cpu, "matrix_id", mxid, "dropped",
			 dropped, "complete", false);
	if (meta) {
		char id[sizeof(start) + sizeof(host) + 16];

		/* one run among many hosts and runs (bpfault merge): start, host, pid */
		snprintf(id, sizeof(id), "%s-%s-%d", start, host, (int)getpid());
		json_object_set_new(meta, "run_id", json_string(id));
		json_object_set_new(meta, "start_utc", json_string(start));
		json_object_set_new(meta, "matrix_file",
				    o->matrix_file ? json_string(o->matrix_file) : json_null());
		json_object_set_new(
			meta, "trial_order",
			json_string(
				"rounds: every round shuffles the unfinished cells (seeded) and "
				"runs a block of trials in each; perturbing arms alternate with "
				"the others trial by trial"));
	}
	return meta;
}

struct runner {
	struct matrix *m;
	struct cellacc *cells;
	struct engine eng;
	struct res_run res;
	const char *outdir;
	uint64_t rng;
	uint64_t t_start;
	char no_swap[160];     /* set when swap could not be had: why */
	char no_memcg[160];    /* set when no memory cgroup could be had: why */
	struct host_caps host; /* what the page states may use (points into the above) */
};

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int flush(struct runner *r, bool complete)
{
	struct rusage ru;
	char end[64];
	int err;

	for (int i = 0; i < r->m->ncells; i++) {
		cell_finish(&r->cells[i]);
		r->res.cells[i] = r->cells[i].res;
	}
	utc_now(end, sizeof(end), "%Y-%m-%dT%H:%M:%SZ");
	json_object_set_new(r->res.meta, "end_utc", json_string(end));
	json_object_set_new(r->res.meta, "complete", json_boolean(complete));
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		json_object_set_new(r->res.meta, "max_rss_kib", json_integer(ru.ru_maxrss));
	json_object_set_new(r->res.meta, "elapsed_s",
			    json_real((double)(now_ns() - r->t_start) / 1e9));
	r->res.complete = complete;
	err = res_write_dir(&r->res, r->outdir);
	if (err)
		err_msg("run: writing results to %s: %s", r->outdir, strerror(-err));
	return err;
}

static bool cell_is_done(const struct matrix *m, const struct cellacc *c)
{
	if (c->done || c->err[0] || c->unsup[0])
		return true;
	if (c->res.trials >= m->max_trials)
		return true;
	if (m->precision > 0 && c->res.trials >= m->min_trials && cell_halfwidth(c) <= m->precision)
		return true;
	return false;
}

static void progress(const struct runner *r, int done, uint64_t trials, uint64_t t0)
{
	double el = (double)(now_ns() - t0) / 1e9, rate = el > 0 ? (double)trials / el : 0;
	uint64_t left = 0;

	/* an upper bound: unfinished cells may stop early on precision */
	for (int i = 0; i < r->m->ncells; i++)
		if (!r->cells[i].done && r->cells[i].res.trials < r->m->max_trials)
			left += r->m->max_trials - r->cells[i].res.trials;
	fprintf(stderr,
		"\r\033[Kcell %d/%d done, %llu trials, %.0f trials/s, %.0f s, ETA <= %.0f s", done,
		r->m->ncells, (unsigned long long)trials, rate, el,
		rate > 0 ? (double)left / rate : 0.0);
}

/* the rounds; returns the stop signal or 0 */
static int run_rounds(struct runner *r)
{
	struct matrix *m = r->m;
	int *order = calloc((size_t)m->ncells, sizeof(int));
	bool tty = isatty(STDERR_FILENO) && !g_quiet;
	uint64_t t0 = now_ns(), last_flush = t0, total = 0;
	int sig = 0;

	if (!order)
		return -ENOMEM;
	for (;;) {
		int n = 0, ndone = 0;

		for (int i = 0; i < m->ncells; i++) {
			if (cell_is_done(m, &r->cells[i]))
				r->cells[i].done = true, ndone++;
			else
				order[n++] = i;
		}
		if (tty)
			progress(r, ndone, total, t0);
		if (n == 0)
			break;
		for (int i = n - 1; i > 0; i--) { /* Fisher–Yates, seeded */
			int j = (int)(splitmix(&r->rng) % (uint64_t)(i + 1)), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		for (int k = 0; k < n && !sig; k++) {
			struct cellacc *c = &r->cells[order[k]];

			for (uint64_t t = 0; t < m->block && !c->err[0]; t++) {
				uint64_t nonce = splitmix(&r->rng);

				if (c->main_mask && cell_trial(&r->eng, c, c->main_mask, nonce))
					break;
				if (c->pert_mask &&
				    cell_trial(&r->eng, c, c->pert_mask, splitmix(&r->rng)))
					break;
				total++;
				if (c->res.trials >= m->max_trials)
					break;
			}
			sig = sys_stop_signal();
		}
		if (sig)
			break;
		if (now_ns() - last_flush > 2000000000ull) {
			flush(r, false);
			last_flush = now_ns();
		}
	}
	if (tty)
		fputc('\n', stderr);
	free(order);
	return sig;
}

static void fmt_rate(char *b, size_t l, const struct res_arm *a)
{
	if (a->n == 0)
		snprintf(b, l, "%7s  %-17s", "-", "");
	else
		snprintf(b, l, "%6.2f%%  [%6.2f, %6.2f]", 100 * a->fail_rate, 100 * a->ci95[0],
			 100 * a->ci95[1]);
}

static void print_table(const struct res_run *r)
{
	char hdr[128];

	snprintf(hdr, sizeof(hdr), "%-11s %-13s %-6s %5s %7s %8s", "syscall", "state", "sink",
		 "size", "trials", "nonres%");
	printf("%-56s  %-9s %-26s %s\n", hdr, "arm", "fail%  [95% CI]", "cost ns");
	for (int i = 0; i < r->ncells; i++) {
		const struct res_cell *c = &r->cells[i];
		char head[128];

		snprintf(head, sizeof(head), "%-11s %-13s %-6s %5u %7llu %7.1f%%", c->syscall,
			 c->state, c->sink, c->size, (unsigned long long)c->trials,
			 c->trials ? 100.0 * (double)c->nonresident_before / (double)c->trials
				   : 0.0);
		for (int j = 0; j < c->narms; j++) {
			char rate[64], cost[32];

			fmt_rate(rate, sizeof(rate), &c->arms[j]);
			if (isfinite(c->arms[j].cost_ns))
				snprintf(cost, sizeof(cost), "%.0f", c->arms[j].cost_ns);
			else
				snprintf(cost, sizeof(cost), "-");
			printf("%-56s  %-9s %-26s %s\n", j == 0 ? head : "", c->arms[j].name, rate,
			       cost);
		}
		for (int j = 0; j < c->nunsup; j++)
			printf("%-56s  %-9s unsupported: %s\n", c->narms == 0 && j == 0 ? head : "",
			       c->unsup[j].name, c->unsup[j].why);
		for (int j = 0; j < c->npairs; j++) {
			const struct res_pair *p = &c->pairs[j];

			printf("%-56s  paired %s/%s: %s-only %llu, %s-only %llu, both %llu, "
			       "neither %llu, McNemar p %.3g\n",
			       "", p->a, p->b, p->a, (unsigned long long)p->a_only, p->b,
			       (unsigned long long)p->b_only, (unsigned long long)p->both,
			       (unsigned long long)p->neither, p->p);
		}
		if (!res_cell_ok(c))
			printf("%-56s  status: %s\n", "", c->status);
	}
}

static int env_check(void)
{
	if (geteuid() != 0) {
		err_msg("run: needs root (BPF programs, tracefs, swap set-up)");
		return EXIT_SKIP;
	}
	if (access(kernel_btf_path(), R_OK) != 0) {
		err_msg("run: no kernel BTF at %s (CONFIG_DEBUG_INFO_BTF, or set BPFAULT_BTF)",
			kernel_btf_path());
		return EXIT_SKIP;
	}
	return 0;
}

/* set up what the cells need; unsupported states become cell errors, not run errors */
static int setup_system(struct runner *r, char *swap_used, size_t len)
{
	char why[256];
	bool need_swap = false, need_memcg = false;
	int err;

	err = sys_ensure_tracefs(why, sizeof(why));
	if (err) {
		err_msg("run: %s", why);
		return EXIT_SKIP;
	}
	/* BPF memory is memcg-accounted on >= 5.11; the old limit matters only before that */
	if (sys_raise_memlock() && g_verbose)
		info("bpfault: cannot raise RLIMIT_MEMLOCK (%s); continuing", strerror(errno));
	for (int i = 0; i < r->m->ncells; i++)
		need_swap |= r->m->cells[i].st->needs_swap;
	snprintf(swap_used, len, "not needed");
	if (need_swap && sys_ensure_swap(swap_used, len)) {
		snprintf(r->no_swap, sizeof(r->no_swap), "%.120s", swap_used);
		r->host.no_swap = r->no_swap;
	}
	for (int i = 0; i < r->m->ncells; i++)
		need_memcg |= r->m->cells[i].st->needs_memcg;
	if (need_memcg && sys_memcg_init(why, sizeof(why))) {
		snprintf(r->no_memcg, sizeof(r->no_memcg), "%.120s", why);
		r->host.no_memcg = r->no_memcg;
	}
	return 0;
}

/* why cells of state st cannot run after setup_system() ("unsupported: ..."), or NULL */
static const char *state_blocked(const struct runner *r, const struct state_desc *st, char *buf,
				 size_t len)
{
	char why[200];

	if (!state_supported(st, &r->host, why, sizeof(why)))
		return NULL;
	snprintf(buf, len, "%s", why);
	return buf;
}

/*
 * The set-up cmd_run and cmd_selfbench share, in this order: session_pin(), session_lock(),
 * setup_system(), session_engine(). Each returns 0, or an exit status with the error printed.
 * Pin before anything else touches memory: moving later doubles page-out costs.
 */
static int workload_cpu(const struct run_opts *o)
{
	return o->cpu >= 0 ? o->cpu : (int)sysconf(_SC_NPROCESSORS_ONLN) - 1;
}

/*
 * Keep the workload on one CPU from its start: pin, then exec ourselves again, so the process
 * (its mm) never ran on another CPU; a later move makes every page-out flush TLBs across CPUs.
 * Before any output; on any failure it carries on and session_pin() reports.
 */
static void pin_from_start(const struct run_opts *o)
{
	int cpu = workload_cpu(o);
	const char *done = getenv("BPFAULT_PINNED");
	char v[16];

	snprintf(v, sizeof(v), "%d", cpu);
	if ((done && !strcmp(done, v)) || !g_argv || sys_pin_cpu(cpu))
		return;
	setenv("BPFAULT_PINNED", v, 1);
	execv("/proc/self/exe", g_argv);
}

static int session_pin(const char *cmd, const struct run_opts *o, int *cpu)
{
	int rc = env_check();

	if (rc)
		return rc;
	*cpu = workload_cpu(o);
	if (sys_pin_cpu(*cpu)) {
		err_msg("%s: cannot pin to CPU %d: %s", cmd, *cpu, strerror(errno));
		return EXIT_USAGE;
	}
	return 0;
}

/* one run at a time (swap and tracefs are shared): wait for the lock */
static int session_lock(void)
{
	sys_init();
	if (sys_lock()) {
		err_msg("run: cannot take %s: %s", SYS_LOCK_PATH, strerror(errno));
		return sys_stop_signal() ? EXIT_INTERRUPTED : EXIT_SKIP;
	}
	return 0;
}

/*
 * The work directory (removed at exit), /proc/self/pagemap, and the BPF programs for the arms and
 * syscalls of r->m's cells; want_arm/want_sc are left filled in for a later probe_start().
 */
static int session_engine(struct runner *r, const char *cmd, char *workdir, bool *want_arm,
			  bool *want_sc)
{
	char why[512];

	if (!mkdtemp(workdir)) {
		/* the two commands have always worded this differently */
		err_msg("%s: cannot make a work directory%s: %s", cmd,
			strcmp(cmd, "run") ? "" : " in /var/tmp", strerror(errno));
		return EXIT_SKIP;
	}
	sys_remove_dir_at_exit(workdir);
	r->eng.workdir = workdir;
	r->eng.pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (r->eng.pagemap_fd < 0) {
		err_msg("%s: cannot open /proc/self/pagemap: %s", cmd, strerror(errno));
		return EXIT_SKIP;
	}
	for (int i = 0; i < r->m->ncells; i++) {
		for (size_t a = 0; a < narms; a++)
			if (r->m->cells[i].arm_mask & (1u << arms[a].id))
				want_arm[arms[a].id] = true;
		want_sc[r->m->cells[i].sc->id] = true;
	}
	if (probe_start(&r->eng.probe, want_arm, want_sc, PROBE_ATTACH, why, sizeof(why))) {
		err_msg("%s: cannot run BPF: %s", cmd, why);
		return EXIT_SKIP;
	}
	return 0;
}

int cmd_run(int argc, char **argv)
{
	static struct matrix m;
	struct run_opts o;
	struct runner r = {0};
	char err[512], outbuf[PATH_MAX], mxid[32], swap_found[256], swap_used[256];
	char workdir[] = "/var/tmp/bpfault.XXXXXX";
	bool want_arm[ARM__COUNT] = {false}, want_sc[SC__COUNT] = {false};
	int rc, sig, cpu, ninvalid = 0, controls;

	if (parse_run_opts(argc, argv, &o))
		return EXIT_USAGE;
	pin_from_start(&o);
	mx_defaults(&m);
	if (o.matrix_file) {
		if (mx_load_file(&m, o.matrix_file, err, sizeof(err))) {
			err_msg("run: %s", err);
			return EXIT_USAGE;
		}
	} else if (mx_add_lists(&m, &o.lists, err, sizeof(err))) {
		err_msg("run: %s", err);
		return EXIT_USAGE;
	}
	if (o.set_trials)
		m.max_trials = o.trials;
	if (o.set_min)
		m.min_trials = o.min_trials;
	if (o.set_block)
		m.block = o.block;
	if (o.set_seed)
		m.seed = o.seed;
	if (o.set_precision)
		m.precision = o.precision;
	if (m.min_trials > m.max_trials)
		m.min_trials = m.max_trials;
	if (m.ncells == 0) {
		err_msg("run: the matrix has no cell that can run (%d dropped)", m.ndropped);
		return EXIT_USAGE;
	}
	controls = mx_add_controls(&m);
	if (controls)
		info("bpfault: added %d resident control cell(s): every syscall x sink gets one",
		     controls);
	rc = session_pin("run", &o, &cpu);
	if (rc)
		return rc;
	if (!o.outdir) {
		char t[64];

		utc_now(t, sizeof(t), "%Y%m%dT%H%M%SZ");
		snprintf(outbuf, sizeof(outbuf), "results/%s", t);
		o.outdir = outbuf;
	}
	if (prepare_outdir(o.outdir))
		return EXIT_USAGE;
	for (int i = 0; i < m.ndropped; i++)
		info("bpfault: dropped %s", m.dropped[i]);

	rc = session_lock();
	if (rc)
		return rc;
	sys_swap_summary(swap_found, sizeof(swap_found));
	r.m = &m;
	r.t_start = now_ns();
	r.outdir = o.outdir;
	r.rng = m.seed;
	r.cells = calloc((size_t)m.ncells, sizeof(*r.cells));
	r.res.cells = calloc((size_t)m.ncells, sizeof(*r.res.cells));
	if (!r.cells || !r.res.cells)
		die(EXIT_INTERNAL, "run: out of memory");
	r.res.ncells = m.ncells;
	rc = setup_system(&r, swap_used, sizeof(swap_used));
	if (rc)
		return rc;
	rc = session_engine(&r, "run", workdir, want_arm, want_sc);
	if (rc)
		return rc;
	mx_id(&m, mxid, sizeof(mxid));
	r.res.meta = make_meta(&m, &o, argc, argv, swap_found, swap_used, cpu, mxid);
	if (!r.res.meta ||
	    json_object_set_new(r.res.meta, "units", units_json(m.cells, m.ncells)) < 0)
		die(EXIT_INTERNAL, "run: cannot build meta");
	for (int i = 0; i < m.ncells; i++) {
		char buf[200];
		const char *why = state_blocked(&r, m.cells[i].st, buf, sizeof(buf));

		cell_init(&r.cells[i], &m.cells[i], &r.eng.probe, i, m.seed, why);
		if (!why)
			cell_setup(&r.eng, &r.cells[i]);
	}
	flush(&r, false);
	sig = run_rounds(&r);
	flush(&r, sig == 0);
	for (int i = 0; i < m.ncells; i++) {
		if (r.cells[i].set_up)
			cell_teardown(&r.cells[i]);
		cell_free(&r.cells[i]);
		if (!strncmp(r.res.cells[i].status, "invalid", 7))
			ninvalid++;
	}
	probe_stop(&r.eng.probe);
	close(r.eng.pagemap_fd);
	if (!g_quiet)
		print_table(&r.res);
	json_decref(r.res.meta);
	free(r.cells);
	free(r.res.cells);
	sys_restore();
	if (sig) {
		err_msg("run: interrupted by signal %d; partial results in %s (marked incomplete)",
			sig, o.outdir);
		return EXIT_INTERRUPTED;
	}
	info("bpfault: results in %s/results.json and %s/cells.csv", o.outdir, o.outdir);
	if (ninvalid) {
		err_msg("run: %d cell(s) invalid; see their status", ninvalid);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/*
 * bpfault selfbench: the overhead benchmark behind 'make bench'. One cell, in alternating blocks
 * (ABBA): a bare loop (same page-out, ground truth and call, no BPF attached) and bpfault's trial
 * loop with the arms attached. Prints trials/s of each and their ratio.
 */
int cmd_selfbench(int argc, char **argv)
{
	static struct matrix m;
	struct run_opts o;
	struct runner r = {0};
	char err[512], swap_used[256], why[512], workdir[] = "/var/tmp/bpfault.XXXXXX";
	bool want_arm[ARM__COUNT] = {false}, want_sc[SC__COUNT] = {false};
	uint64_t t_bare = 0, t_bpf = 0, n_bare = 0, n_bpf = 0, rounds;
	int rc, cpu;

	if (parse_run_opts(argc, argv, &o))
		return EXIT_USAGE;
	pin_from_start(&o);
	if (o.matrix_file) {
		err_msg("selfbench: takes one cell from -s/-p/-k/-a, not -m");
		return EXIT_USAGE;
	}
	if (!o.lists.states)
		o.lists.states = "file-pageout";
	if (!o.lists.sinks)
		o.lists.sinks = "file";
	mx_defaults(&m);
	if (mx_add_lists(&m, &o.lists, err, sizeof(err))) {
		err_msg("selfbench: %s", err);
		return EXIT_USAGE;
	}
	if (m.ncells != 1) {
		err_msg("selfbench: needs exactly one cell, the lists make %d", m.ncells);
		return EXIT_USAGE;
	}
	m.max_trials = o.set_trials ? o.trials : 100000;
	m.block = o.set_block ? o.block : 10000;
	rounds = (m.max_trials + m.block - 1) / m.block;
	rc = session_pin("selfbench", &o, &cpu);
	if (rc)
		return rc;
	rc = session_lock();
	if (rc)
		return rc;
	r.m = &m;
	r.rng = m.seed;
	r.cells = calloc(1, sizeof(*r.cells));
	if (!r.cells)
		die(EXIT_INTERNAL, "selfbench: out of memory");
	rc = setup_system(&r, swap_used, sizeof(swap_used));
	if (rc)
		return rc;
	if (state_blocked(&r, m.cells[0].st, why, sizeof(why))) {
		err_msg("selfbench: unsupported: %s", why);
		return EXIT_SKIP;
	}
	rc = session_engine(&r, "selfbench", workdir, want_arm, want_sc);
	if (rc)
		return rc;
	cell_init(&r.cells[0], &m.cells[0], &r.eng.probe, 0, m.seed, NULL);
	if (cell_setup(&r.eng, &r.cells[0])) {
		err_msg("selfbench: %s", r.cells[0].err);
		return EXIT_SKIP;
	}
	for (uint64_t k = 0; k < 2 * rounds && !sys_stop_signal(); k++) {
		/* ABBA: bare, bpf, bpf, bare, ... */
		bool bpf = (k % 4 == 1) || (k % 4 == 2);
		struct cellacc *c = &r.cells[0];
		uint64_t t0, n = 0;

		if (!bpf && r.eng.probe.skel) {
			probe_stop(&r.eng.probe);
			r.eng.probe.ctl = NULL;
		} else if (bpf && !r.eng.probe.skel &&
			   probe_start(&r.eng.probe, want_arm, want_sc, PROBE_ATTACH, why,
				       sizeof(why))) {
			err_msg("selfbench: cannot run BPF: %s", why);
			return EXIT_SKIP;
		}
		t0 = now_ns();
		for (; n < m.block; n++) {
			rc = bpf ? cell_trial(&r.eng, c, c->main_mask, splitmix(&r.rng))
				 : cell_trial_bare(&r.eng, c, splitmix(&r.rng));
			if (rc) {
				err_msg("selfbench: %s", c->err);
				return EXIT_INTERNAL;
			}
		}
		if (bpf) {
			t_bpf += now_ns() - t0;
			n_bpf += n;
		} else {
			t_bare += now_ns() - t0;
			n_bare += n;
		}
	}
	cell_finish(&r.cells[0]);
	{
		double bare = (double)n_bare / ((double)t_bare / 1e9);
		double bpf = (double)n_bpf / ((double)t_bpf / 1e9);
		const struct res_cell *c = &r.cells[0].res;

		printf("selfbench: %s/%s/%s size %u, arms", c->syscall, c->state, c->sink, c->size);
		for (int i = 0; i < c->narms; i++)
			printf(" %s (fail %.1f%%)", c->arms[i].name, 100 * c->arms[i].fail_rate);
		printf(", non-resident before %.1f%% of %llu trials\n",
		       100.0 * (double)c->nonresident_before / (double)c->trials,
		       (unsigned long long)c->trials);
		printf("bare loop   %8llu trials  %9.0f trials/s  %7.2f us/trial\n",
		       (unsigned long long)n_bare, bare, 1e6 / bare);
		printf("bpfault     %8llu trials  %9.0f trials/s  %7.2f us/trial\n",
		       (unsigned long long)n_bpf, bpf, 1e6 / bpf);
		printf("ratio (bpfault / bare throughput): %.3f\n", bpf / bare);
		printf("RESULT bare_tps=%.0f bpfault_tps=%.0f ratio=%.4f trials=%llu\n", bare, bpf,
		       bpf / bare, (unsigned long long)(n_bare + n_bpf));
	}
	cell_teardown(&r.cells[0]);
	cell_free(&r.cells[0]);
	probe_stop(&r.eng.probe);
	close(r.eng.pagemap_fd);
	free(r.cells);
	sys_restore();
	return sys_stop_signal() ? EXIT_INTERRUPTED : EXIT_OK;
}
