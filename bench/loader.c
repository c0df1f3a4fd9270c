// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <glob.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "common.h"
#include "loader.h"
#include "probe.skel.h"

/* programs one arm needs over every syscall it serves: at most an enter and an exit program
 * per syscall, and a few of its own (a fixed 16 silently dropped the exit programs of the 9th
 * and later syscalls of a run) */
#define MAX_PROGS (2 * SC__COUNT + 4)

static char last_msg[256];
static char failed_prog[64];   /* the program the last failed load names, if any */
static char verifier_msg[200]; /* the last meaningful line of the last verifier log libbpf shows */

/* the verifier's reason in the log [b, e): its last line that is not its statistics */
static void verifier_reason(const char *b, const char *e, char *out, size_t len)
{
	const char *best = NULL, *nl;
	size_t best_len = 0;

	for (const char *p = b; p && p < e; p = nl ? nl + 1 : NULL) {
		size_t n;

		nl = memchr(p, '\n', (size_t)(e - p));
		n = (size_t)((nl ? nl : e) - p);
		if (n && strncmp(p, "processed ", 10) && strncmp(p, "verification time", 17))
			best = p, best_len = n;
	}
	if (best)
		snprintf(out, len, "%.*s", (int)best_len, best);
}

/* libbpf shows a failed program's verifier log between these lines, in one message */
static void keep_verifier_reason(const char *msg)
{
	const char *b = strstr(msg, "-- BEGIN PROG LOAD LOG --"), *e;

	if (b && (e = strstr(b, "-- END PROG LOAD LOG --")))
		verifier_reason(b + strlen("-- BEGIN PROG LOAD LOG --"), e, verifier_msg,
				sizeof(verifier_msg));
}

static int print_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	static char line[65536]; /* a verifier log comes in one message */
	char *q, *m = line;

	if (level == LIBBPF_DEBUG && g_verbose < 2)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	if (level == LIBBPF_WARN)
		keep_verifier_reason(line);
	line[strcspn(line, "\n")] = 0;
	if (!strncmp(m, "libbpf: ", 8)) /* libbpf 1.1 puts its name in the message */
		m += 8;
	if (level == LIBBPF_WARN && line[0]) {
		snprintf(last_msg, sizeof(last_msg), "%.255s", line);
		/* "prog 'NAME': BPF program load failed: ..." */
		if (!failed_prog[0] && !strncmp(m, "prog '", 6) && (q = strchr(m + 6, '\'')))
			snprintf(failed_prog, sizeof(failed_prog), "%.*s", (int)(q - m - 6), m + 6);
	}
	if (g_verbose)
		fprintf(stderr, "libbpf: %s\n", line);
	return 0;
}

const char *probe_last_libbpf_msg(void)
{
	return last_msg;
}

const char *kernel_btf_path(void)
{
	const char *p = getenv("BPFAULT_BTF");

	return p && *p ? p : "/sys/kernel/btf/vmlinux";
}

static struct probe_bpf *skel_open(void)
{
	const char *p = getenv("BPFAULT_BTF");
	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = p && *p ? p : NULL);

	return probe_bpf__open_opts(&oo);
}

const char *probe_libbpf_version(void)
{
	static char v[32];

	snprintf(v, sizeof(v), "%u.%u", libbpf_major_version(), libbpf_minor_version());
	return v;
}

/* the programs arm a needs for the wanted syscalls, each once; returns the count */
static int arm_progs(struct probe_bpf *s, const struct arm_desc *a, const bool *want_sc,
		     struct bpf_program **out)
{
	struct bpf_program *tmp[4];
	char buf[8];
	int n = 0;

	for (size_t i = 0; i < nsyscalls; i++) {
		int k;

		if (!want_sc[i] || !arm_hook(a, &syscalls[i], buf, sizeof(buf)))
			continue;
		k = a->impl->progs(s, (int)i, tmp, 4);
		for (int j = 0; j < k; j++) {
			bool dup = false;

			for (int m = 0; m < n && !dup; m++)
				dup = out[m] == tmp[j];
			if (!dup && n < MAX_PROGS)
				out[n++] = tmp[j];
		}
	}
	return n;
}

static const char *tracefs_root(void)
{
	struct stat st;

	if (stat("/sys/kernel/tracing/events", &st) == 0)
		return "/sys/kernel/tracing";
	if (stat("/sys/kernel/debug/tracing/events", &st) == 0)
		return "/sys/kernel/debug/tracing";
	return NULL;
}

/* NULL if the hook of prog exists on this kernel (or cannot be known before loading), else why */
static const char *hook_missing(struct bpf_program *prog, char *why, size_t len)
{
	const char *sec = bpf_program__section_name(prog), *root = tracefs_root();
	char path[PATH_MAX];
	glob_t g;
	int r;

	if (!root)
		return NULL;
	if (!strncmp(sec, "tracepoint/", 11)) {
		snprintf(path, sizeof(path), "%s/events/%s", root, sec + 11);
		if (access(path, F_OK) == 0)
			return NULL;
		snprintf(why, len, "no tracepoint %s on this kernel", sec + 11);
		return why;
	}
	if (!strncmp(sec, "raw_tp/", 7)) {
		snprintf(path, sizeof(path), "%s/events/*/%s", root, sec + 7);
		r = glob(path, GLOB_NOSORT, NULL, &g);
		globfree(&g);
		if (r == 0)
			return NULL;
		snprintf(why, len, "no raw tracepoint %s on this kernel", sec + 7);
		return why;
	}
	return NULL; /* tp_btf, fentry: the load checks; uprobe: our own binary */
}

static void set_all_autoload(struct probe_bpf *s, bool on)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, s->obj) bpf_program__set_autoload(prog, on);
}

static void fail_arm(struct probe *p, const struct arm_desc *a, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail_arm(struct probe *p, const struct arm_desc *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->why[a->id], sizeof(p->why[0]), fmt, ap);
	va_end(ap);
	p->ok[a->id] = false;
}

static const char *reason(const struct arm_desc *a, int err)
{
	return a->impl->reason ? a->impl->reason(err) : "";
}

/* libbpf 1.1.2 has no tp.s/ section names: a sleepable arm's programs get the flag by hand */
static void mark_sleepable(struct probe_bpf *s, const bool *cand, const bool *want_sc)
{
	struct bpf_program *progs[MAX_PROGS];

	for (size_t i = 0; i < narms; i++) {
		int n = cand[i] && arms[i].impl->sleepable ? arm_progs(s, &arms[i], want_sc, progs)
							   : 0;

		for (int j = 0; j < n; j++)
			bpf_program__set_flags(progs[j],
					       bpf_program__flags(progs[j]) | BPF_F_SLEEPABLE);
	}
}

/* arm a's programs did not load: in the verifier's words if it gave some */
static void load_failed(struct probe *p, const struct arm_desc *a, int err)
{
	if (verifier_msg[0])
		fail_arm(p, a, "load failed: %s (verifier: %s)", strerror(-err), verifier_msg);
	else
		fail_arm(p, a, "load failed: %s%s", strerror(-err), reason(a, err));
}

/* a fresh object with the programs of the candidate arms set to load */
static int open_for(struct probe *p, const bool *cand, const bool *want_sc)
{
	struct bpf_program *progs[MAX_PROGS];

	probe_bpf__destroy(p->skel);
	p->skel = skel_open();
	if (!p->skel)
		return -errno;
	set_all_autoload(p->skel, false);
	for (size_t i = 0; i < narms; i++) {
		int n = cand[i] ? arm_progs(p->skel, &arms[i], want_sc, progs) : 0;

		for (int j = 0; j < n; j++)
			bpf_program__set_autoload(progs[j], true);
	}
	mark_sleepable(p->skel, cand, want_sc);
	p->skel->rodata->targ_tgid = (__u32)getpid();
	p->skel->rodata->max_words = p->max_words;
	last_msg[0] = failed_prog[0] = verifier_msg[0] = 0;
	return 0;
}

/* the arms that need the program the failed load named; false if none (then: probe each arm) */
static bool blame(struct probe *p, bool *cand, const bool *want_sc, int err)
{
	struct bpf_program *progs[MAX_PROGS];
	bool found = false;

	if (!failed_prog[0])
		return false;
	for (size_t i = 0; i < narms; i++) {
		int n = cand[i] ? arm_progs(p->skel, &arms[i], want_sc, progs) : 0;

		for (int j = 0; j < n; j++) {
			if (strcmp(bpf_program__name(progs[j]), failed_prog))
				continue;
			load_failed(p, &arms[i], err);
			cand[i] = false;
			found = true;
			break;
		}
	}
	return found;
}

/* the slow way, when a failed load names no program: one object per candidate arm */
static void probe_each(struct probe *p, bool *cand, const bool *want_sc)
{
	bool one[ARM__COUNT];

	for (size_t i = 0; i < narms; i++) {
		int err;

		if (!cand[i])
			continue;
		memset(one, 0, sizeof(one));
		one[i] = true;
		err = open_for(p, one, want_sc);
		if (!err)
			err = probe_bpf__load(p->skel);
		p->loads++;
		if (err) {
			load_failed(p, &arms[i], err);
			cand[i] = false;
		}
	}
}

/* the candidates: wanted arms the kernel can have, with every hook present */
static bool candidates(struct probe *p, const bool *want_arm, const bool *want_sc, bool *cand)
{
	struct bpf_program *progs[MAX_PROGS];
	bool any = false;

	for (size_t i = 0; i < narms; i++) {
		const struct arm_desc *a = &arms[i];
		char why[PROBE_WHY];
		int n;

		cand[i] = false;
		if (!want_arm[i])
			continue;
		if (a->impl->supported && a->impl->supported(why, sizeof(why))) {
			fail_arm(p, a, "%s", why);
			continue;
		}
		n = arm_progs(p->skel, a, want_sc, progs);
		for (int j = 0; j < n && !p->why[i][0]; j++)
			if (hook_missing(progs[j], why, sizeof(why)))
				fail_arm(p, a, "%s", why);
		cand[i] = !p->why[i][0];
		p->ok[i] = cand[i];
		any |= cand[i];
	}
	return any;
}

/* load the candidates in one object; an arm whose program fails is dropped and the rest reloaded */
static int load_all(struct probe *p, bool *cand, const bool *want_sc)
{
	int err;

	for (size_t tries = 0; tries <= narms; tries++) {
		err = open_for(p, cand, want_sc);
		if (err)
			return err;
		err = probe_bpf__load(p->skel);
		p->loads++;
		if (!err)
			return 0;
		if (!blame(p, cand, want_sc, err)) {
			probe_each(p, cand, want_sc);
			err = open_for(p, cand, want_sc);
			if (!err)
				err = probe_bpf__load(p->skel);
			p->loads++;
			return err;
		}
	}
	return err;
}

/* the BTF id of the kernel function or raw tracepoint a tracing program attaches to, or -errno */
static int attach_btf_id(struct btf **btf, const char *sec)
{
	const char *name = strchr(sec, '/');
	char tname[128];
	int id;

	if (!name)
		return -EINVAL;
	if (!*btf) {
		*btf = btf__parse(kernel_btf_path(), NULL);
		if (!*btf) {
			*btf = NULL;
			return -errno;
		}
	}
	if (!strncmp(sec, "tp_btf/", 7)) {
		snprintf(tname, sizeof(tname), "btf_trace_%s", name + 1);
		id = btf__find_by_name_kind(*btf, tname, BTF_KIND_TYPEDEF);
	} else if (!strncmp(sec, "iter", 4)) { /* iter/task, iter.s/task: bpf_iter_task */
		snprintf(tname, sizeof(tname), "bpf_iter_%s", name + 1);
		id = btf__find_by_name_kind(*btf, tname, BTF_KIND_FUNC);
	} else {
		id = btf__find_by_name_kind(*btf, name + 1, BTF_KIND_FUNC);
	}
	return id < 0 ? -ENOENT : id;
}

/*
 * Can a program of prog's type, flags and hook be loaded here? A minimal one (return 0) is
 * loaded instead of prog's own code, so the answer takes microseconds, not a verification; the
 * kernel's refusal (its verifier log's last line) goes into why.
 */
static int load_minimal(struct bpf_program *prog, struct btf **btf, char *why, size_t len)
{
	const struct bpf_insn insns[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	const char *sec = bpf_program__section_name(prog), *slash = strchr(sec, '/');
	enum bpf_prog_type type = bpf_program__type(prog);
	char log[4096] = "", reason[200] = "";
	LIBBPF_OPTS(bpf_prog_load_opts, o, .log_buf = log, .log_size = sizeof(log), .log_level = 1);
	int fd;

	o.expected_attach_type = bpf_program__expected_attach_type(prog);
	/* "uprobe.s", "fentry.s/...": libbpf sets the flag at load time from the section name */
	if ((slash ? slash - sec : (long)strlen(sec)) >= 2 &&
	    !strncmp(sec + (slash ? slash - sec : (long)strlen(sec)) - 2, ".s", 2))
		o.prog_flags |= BPF_F_SLEEPABLE;
	o.prog_flags |= bpf_program__flags(prog);
	if (type == BPF_PROG_TYPE_TRACING) {
		fd = attach_btf_id(btf, sec);
		if (fd < 0) {
			snprintf(why, len, "no BTF for the hook of %s: %s", sec, strerror(-fd));
			return fd;
		}
		o.attach_btf_id = (__u32)fd;
	}
	fd = bpf_prog_load(type, NULL, "Dual BSD/GPL", insns, ARRAY_SIZE(insns), &o);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	fd = -errno;
	verifier_reason(log, log + strlen(log), reason, sizeof(reason));
	if (reason[0]) /* the kernel's own words, as a run reports them (blame) */
		snprintf(why, len, "load failed: %s (verifier: %s)", strerror(-fd), reason);
	else
		snprintf(why, len, "load failed: %s", strerror(-fd));
	return fd;
}

/* PROBE_LOAD_ONLY: each candidate's programs, as minimal ones (no verification of the real code) */
static void probe_minimal(struct probe *p, bool *cand, const bool *want_sc)
{
	struct bpf_program *progs[MAX_PROGS];
	struct btf *btf = NULL;
	char why[PROBE_WHY];

	for (size_t i = 0; i < narms; i++) {
		int n = cand[i] ? arm_progs(p->skel, &arms[i], want_sc, progs) : 0;

		for (int j = 0; j < n; j++) {
			int err = load_minimal(progs[j], &btf, why, sizeof(why));

			p->loads++;
			if (!err)
				continue;
			fail_arm(p, &arms[i], "%s%s", why, reason(&arms[i], err));
			cand[i] = false;
			break;
		}
	}
	btf__free(btf);
}

/* the skeleton's link slot of prog, so probe_bpf__destroy() frees what we attach */
static struct bpf_link **link_slot(struct probe *p, struct bpf_program *prog)
{
	for (int i = 0; i < p->skel->skeleton->prog_cnt; i++)
		if (*p->skel->skeleton->progs[i].prog == prog)
			return p->skel->skeleton->progs[i].link;
	return NULL;
}

static void attach_arm(struct probe *p, const struct arm_desc *a, const bool *want_sc)
{
	struct bpf_program *progs[MAX_PROGS];
	int n = arm_progs(p->skel, a, want_sc, progs);

	for (int j = 0; j < n; j++) {
		struct bpf_link **slot = link_slot(p, progs[j]);
		int err;

		if (!slot || *slot)
			continue; /* shared by several arms, attached already */
		*slot = a->impl->attach ? a->impl->attach(progs[j]) : bpf_program__attach(progs[j]);
		if (*slot && j == 0 && a->impl->after_call)
			p->after_link[a->id] = bpf_link__fd(*slot);
		if (*slot)
			continue;
		err = -errno;
		fail_arm(p, a, "attach %s failed: %s%s", bpf_program__section_name(progs[j]),
			 strerror(-err), reason(a, err));
		return;
	}
}

int probe_start(struct probe *p, const bool *want_arm, const bool *want_sc, unsigned max_size,
		enum probe_mode mode, char *why, size_t len)
{
	bool cand[ARM__COUNT];
	int err;

	memset(p, 0, sizeof(*p));
	p->max_words =
		max_size && max_size < BPFAULT_MAX_BUF ? (max_size + 7) / 8 : BPFAULT_MAX_BUF / 8;
	if (p->max_words < BPFAULT_POS_SIZE / 8) /* execve's later positions are compared whole */
		p->max_words = BPFAULT_POS_SIZE / 8;
	for (size_t i = 0; i < narms; i++)
		p->after_link[i] = -1;
	libbpf_set_print(print_fn);
	p->skel = skel_open();
	if (!p->skel) {
		err = -errno;
		snprintf(why, len, "cannot open BPF object: %s", strerror(-err));
		return err;
	}
	if (!candidates(p, want_arm, want_sc, cand)) {
		snprintf(why, len, "no wanted arm can run here (see 'bpfault list')");
		probe_stop(p);
		return -ENOENT;
	}
	if (mode == PROBE_LOAD_ONLY) {
		mark_sleepable(p->skel, cand, want_sc);
		probe_minimal(p, cand, want_sc);
		for (size_t i = 0; i < narms; i++)
			p->ok[i] = cand[i];
		return 0;
	}
	err = load_all(p, cand, want_sc);
	if (err) {
		snprintf(why, len, "cannot load BPF object: %s; %s", strerror(-err),
			 last_msg[0] ? last_msg : "see 'bpfault list'");
		probe_stop(p);
		return err;
	}
	for (size_t i = 0; i < narms; i++)
		p->ok[i] = cand[i];
	if (mode == PROBE_ATTACH)
		for (size_t i = 0; i < narms; i++)
			if (cand[i])
				attach_arm(p, &arms[i], want_sc);
	p->ctl = &p->skel->bss->ctl;
	p->out = &p->skel->bss->out;
	return 0;
}

static void *destroy_link(void *link)
{
	bpf_link__destroy(link);
	return NULL;
}

/*
 * Detach every link at once: each tracepoint detach waits for RCU grace periods, so one after
 * the other they add up; in threads of their own the waits overlap as far as the kernel lets
 * them (perf_trace_destroy() holds event_mutex across its wait), and the caller goes on.
 */
void probe_detach_start(struct probe *p)
{
	if (!p->skel)
		return;
	for (int i = 0; i < p->skel->skeleton->prog_cnt; i++) {
		struct bpf_link **slot = p->skel->skeleton->progs[i].link;

		if (!*slot)
			continue;
		if (p->ndetach >= (int)ARRAY_SIZE(p->detach_th) ||
		    pthread_create(&p->detach_th[p->ndetach], NULL, destroy_link, *slot))
			bpf_link__destroy(*slot); /* no thread: the slow way */
		else
			p->ndetach++;
		*slot = NULL;
	}
	for (size_t i = 0; i < narms; i++)
		p->after_link[i] = -1;
}

/*
 * The helper's side ('bpfault __release N', never run by hand): fd 3 is a pipe the run writes
 * nothing to, fds 4 .. 4+N-1 are the run's links. Once the run has closed its own copies (the
 * pipe's EOF), closing these is the last reference: the kernel's RCU waits happen here.
 */
int probe_release_main(int argc, char **argv)
{
	char c, *end = argv[argc - 1];
	long n = argc == 3 ? strtol(argv[2], &end, 10) : -1;
	struct stat st;

	/* argv[0] is what probe_release_elsewhere() gives, never a path a user types */
	if (strcmp(argv[0], "bpfault-release") || n < 0 || n > PROBE_MAX_HANDOFF || *end ||
	    fstat(3, &st) || !S_ISFIFO(st.st_mode)) {
		err_msg("__release: started by 'bpfault run' only (it holds a run's links)");
		return EXIT_USAGE;
	}
	while (read(3, &c, 1) < 0 && errno == EINTR)
		;
	for (long i = 0; i < n; i++)
		close(4 + (int)i);
	return EXIT_OK;
}

/* the links' fds, each dup'ed above any fd the helper is given (so no dup2 clobbers a source) */
static int handoff_fds(struct probe *p, int *hi, int max)
{
	int n = 0;

	for (int i = 0; i < p->skel->skeleton->prog_cnt; i++) {
		struct bpf_link *l = *p->skel->skeleton->progs[i].link;
		int fd = l ? bpf_link__fd(l) : -1;

		if (fd < 0)
			continue;
		if (n == max || (hi[n] = fcntl(fd, F_DUPFD_CLOEXEC, 8 + max)) < 0)
			return -1;
		n++;
	}
	return n;
}

int probe_release_elsewhere(struct probe *p)
{
	static char cmd[] = "bpfault-release", sub[] = "__release";
	int hi[PROBE_MAX_HANDOFF], pfd[2] = {-1, -1}, rfd = -1, n, err = -1;
	char count[16], *argv[] = {cmd, sub, count, NULL}, *envp[] = {NULL};
	posix_spawn_file_actions_t fa;
	pid_t pid;

	if (!p->skel)
		return -1;
	for (int i = 0; i < PROBE_MAX_HANDOFF; i++)
		hi[i] = -1;
	n = handoff_fds(p, hi, PROBE_MAX_HANDOFF);
	if (n <= 0 || pipe2(pfd, O_CLOEXEC) ||
	    (rfd = fcntl(pfd[0], F_DUPFD_CLOEXEC, 8 + PROBE_MAX_HANDOFF)) < 0)
		goto out;
	snprintf(count, sizeof(count), "%d", n);
	if (posix_spawn_file_actions_init(&fa))
		goto out;
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	posix_spawn_file_actions_adddup2(&fa, rfd, 3);
	for (int i = 0; i < n; i++)
		posix_spawn_file_actions_adddup2(&fa, hi[i], 4 + i);
	posix_spawn_file_actions_addchdir_np(&fa, "/"); /* holds no directory of the run's */
	err = posix_spawn(&pid, "/proc/self/exe", &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	if (err)
		goto out;
	for (int i = 0; i < n; i++) /* the helper's copies are now the only others */
		close(hi[i]), hi[i] = -1;
	probe_stop(p); /* our copies: no longer the last, each closes at once */
out:
	for (int i = 0; i < PROBE_MAX_HANDOFF; i++)
		if (hi[i] >= 0)
			close(hi[i]);
	if (rfd >= 0)
		close(rfd);
	if (pfd[0] >= 0)
		close(pfd[0]);
	if (pfd[1] >= 0)
		close(pfd[1]); /* the helper's turn: its close is the last */
	return err ? -1 : 0;
}

void probe_stop(struct probe *p)
{
	probe_detach_start(p);
	for (int i = 0; i < p->ndetach; i++)
		pthread_join(p->detach_th[i], NULL);
	p->ndetach = 0;
	probe_bpf__destroy(p->skel);
	p->skel = NULL;
	p->ctl = NULL;
	p->out = NULL;
	for (size_t i = 0; i < narms; i++)
		p->after_link[i] = -1;
}
