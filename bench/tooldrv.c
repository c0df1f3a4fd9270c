// SPDX-License-Identifier: BSD-2-Clause
/*
 * bpfault tool-trial: a real tool against real calls, without the BPF engine. Each trial's string
 * (tool_expect) sits either in a locked anonymous buffer (resident) or at the start of its own
 * page of a shared ext4 file mapping that is paged out just before the call (MADV_PAGEOUT, the
 * truth checked in pagemap bit 63); the call is openat(path) or, in a forked child,
 * execve("/bin/true", ["/bin/true", string]). The tool's output is scored per trial. Prints one
 * line: RESULT tool=... key=value ...
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cmds.h"
#include "sysstate.h"
#include "tool.h"

#define EXEC_PATH "/bin/true"

struct drv {
	bool execve, pageout;
	uint32_t size;
	size_t n;
	int pm_fd;
	uint8_t *map;	 /* pageout: one page per trial, backed by a file */
	char *anon;	 /* resident: the locked buffer */
	uint8_t *shared; /* execve: the child's ground truth */
	struct tool_trial *tr;
};

static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static bool absent(int pm_fd, const void *addr)
{
	uint64_t e = 0;
	off_t off = (off_t)((uintptr_t)addr / 4096) * 8;

	return pread(pm_fd, &e, sizeof(e), off) == sizeof(e) && !(e >> 63);
}

/* every trial's string on its own page of a file, written and synced, then mapped */
static int setup(struct drv *d, const char *dir)
{
	char path[256], *page = calloc(1, 4096);
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/strings", dir);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || !page)
		return -errno;
	for (size_t i = 0; i < d->n && !err; i++) {
		tool_expect(page, d->size, d->tr[i].nonce);
		if (pwrite(fd, page, 4096, (off_t)(i * 4096)) != 4096)
			err = -errno;
	}
	free(page);
	if (!err && fdatasync(fd))
		err = -errno;
	d->map = err ? MAP_FAILED : mmap(NULL, d->n * 4096, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (d->map == MAP_FAILED)
		return err ? err : -errno;
	return madvise(d->map, d->n * 4096, MADV_RANDOM) ? -errno : 0;
}

/* this trial's string, put into its state; its truth in the trial record */
static char *prepare(struct drv *d, size_t i)
{
	volatile uint8_t *p;

	if (!d->pageout) {
		tool_expect(d->anon, d->size, d->tr[i].nonce);
		d->tr[i].absent = absent(d->pm_fd, d->anon);
		return d->anon;
	}
	p = d->map + i * 4096;
	(void)*p; /* mapped, so that the page-out has a PTE to clear */
	madvise((void *)p, 4096, MADV_PAGEOUT);
	d->tr[i].absent = absent(d->pm_fd, (void *)p);
	return (char *)p;
}

static int trial(struct drv *d, size_t i)
{
	char *s = prepare(d, i);
	int status;
	pid_t pid;

	d->tr[i].t_ns = now_ns();
	if (!d->execve) {
		long r = syscall(SYS_openat, AT_FDCWD, s, O_RDONLY | O_CLOEXEC);

		d->tr[i].pid = getpid();
		return r < 0 && errno == ENOENT ? 0 : -EIO;
	}
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* argv[0] on the stack: a literal's page may have no PTE in a forked child, and a
		 * tool that stops at the first unreadable argument would not show argv[1] */
		char path[] = EXEC_PATH, *argv[] = {path, s, NULL}, *envp[] = {NULL};

		*d->shared = absent(d->pm_fd, s); /* the child's own page table */
		execve(path, argv, envp);
		_exit(121);
	}
	d->tr[i].pid = pid;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	d->tr[i].absent = *d->shared;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -EIO;
}

static int run_trials(struct drv *d, struct tool_proc *t, char *why, size_t len)
{
	for (size_t i = 0; i < d->n; i++) {
		int err = trial(d, i);

		if (err) {
			snprintf(why, len, "trial %zu: the call failed (%s)", i, strerror(-err));
			return err;
		}
		if ((err = tool_pump(t, why, len)))
			return err;
		if (sys_stop_signal())
			return -EINTR;
	}
	return tool_finish(t, why, len);
}

static void report(const struct drv *d, const struct tool_def *def, const struct tool_score *s)
{
	size_t abs = 0, fail_abs = 0, fail_res = 0;

	for (size_t i = 0; i < d->n; i++) {
		abs += d->tr[i].absent;
		if (d->tr[i].outcome != TO_OK)
			*(d->tr[i].absent ? &fail_abs : &fail_res) += 1;
	}
	printf("RESULT tool=%s syscall=%s state=%s size=%u n=%zu absent=%zu", def->name,
	       d->execve ? "execve" : "openat", d->pageout ? "pageout" : "resident", d->size, d->n,
	       abs);
	for (int o = 0; o < TO__COUNT; o++)
		printf(" %s=%llu", tool_outcome_names[o], (unsigned long long)s->n[o]);
	printf(" fails=%llu fails_absent=%zu fails_present=%zu drops=%llu events=%llu\n",
	       (unsigned long long)(d->n - s->n[TO_OK]), fail_abs, fail_res,
	       (unsigned long long)s->drops, (unsigned long long)s->events);
}

static int parse_args(int argc, char **argv, struct drv *d, const char **tool)
{
	static const struct option lo[] = {
		{"tool", required_argument, NULL, 't'},	 {"syscall", required_argument, NULL, 's'},
		{"state", required_argument, NULL, 'p'}, {"trials", required_argument, NULL, 'n'},
		{"size", required_argument, NULL, 'z'},	 {NULL, 0, NULL, 0}};
	uint64_t v;
	int c;

	while ((c = getopt_long(argc, argv, "t:s:p:n:z:", lo, NULL)) != -1) {
		if (c == 't')
			*tool = optarg;
		else if (c == 's' && (!strcmp(optarg, "openat") || !strcmp(optarg, "execve")))
			d->execve = !strcmp(optarg, "execve");
		else if (c == 'p' && (!strcmp(optarg, "resident") || !strcmp(optarg, "pageout")))
			d->pageout = !strcmp(optarg, "pageout");
		else if (c == 'n' && !parse_u64(optarg, 1, 10000000, &v))
			d->n = v;
		else if (c == 'z' && !parse_u64(optarg, TOOL_MIN_SIZE, 4000, &v) && v % 8 == 0)
			d->size = (uint32_t)v;
		else
			return -EINVAL;
	}
	return *tool && optind == argc ? 0 : -EINVAL;
}

static int session(struct drv *d, const struct tool_def *def, char *why, size_t len)
{
	char dir[] = "/var/tmp/bpfault-tool.XXXXXX";
	struct tool_proc t;
	struct tool_score s;
	int err;

	if (sys_lock() || sys_ensure_tracefs(why, len))
		return -EPERM;
	sys_raise_memlock();
	sys_pin_cpu(0);
	if (!mkdtemp(dir))
		return -errno;
	sys_remove_dir_at_exit(dir);
	d->pm_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	d->anon = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	d->shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (d->pm_fd < 0 || d->anon == MAP_FAILED || d->shared == MAP_FAILED ||
	    mlock(d->anon, 4096))
		return -errno;
	for (size_t i = 0; i < d->n; i++)
		d->tr[i] = (struct tool_trial){.nonce = mix(now_ns() ^ (i * 0x9e3779b97f4a7c15ULL)),
					       .size = d->size,
					       .counted = 1};
	if (d->pageout && (err = setup(d, dir)))
		return err;
	err = tool_start(&t, def, getpid(), why, len);
	if (!err)
		err = run_trials(d, &t, why, len);
	if (!err)
		err = tool_score(def, &t, d->tr, d->n, &s);
	if (!err)
		report(d, def, &s);
	if (getenv("BPFAULT_TOOL_DUMP"))
		for (int i = 0; i < 2; i++)
			fprintf(stderr, "== %s\n%s", i ? "stderr" : "stdout",
				t.out[i].s ? t.out[i].s : "");
	tool_proc_free(&t);
	return err;
}

int cmd_tool_trial(int argc, char **argv)
{
	struct drv d = {.size = 48, .n = 200};
	const char *tool = NULL;
	struct tool_def def;
	char why[512] = "";
	int err;

	if (parse_args(argc, argv, &d, &tool)) {
		err_msg("usage: bpfault tool-trial --tool NAME|FILE [-s openat|execve] "
			"[-p resident|pageout] [-n TRIALS] [--size BYTES (32..4000, multiple of "
			"8)]");
		return EXIT_USAGE;
	}
	err = tool_def_load(tool, &def, why, sizeof(why));
	if (err) {
		err_msg("%s", why);
		return EXIT_USAGE;
	}
	if (!tool_serves(&def, d.execve ? "execve" : "openat") ||
	    tool_def_installed(&def, why, sizeof(why))) {
		if (!*why)
			snprintf(why, sizeof(why), "tool %s does not serve %s", def.name,
				 d.execve ? "execve" : "openat");
		err_msg("%s", why);
		tool_def_free(&def);
		return EXIT_SKIP;
	}
	sys_init();
	d.tr = calloc(d.n, sizeof(*d.tr));
	err = d.tr ? session(&d, &def, why, sizeof(why)) : -ENOMEM;
	if (err)
		err_msg("tool-trial: %s", *why ? why : strerror(-err));
	free(d.tr);
	tool_def_free(&def);
	sys_restore();
	if (sys_stop_signal())
		return EXIT_INTERRUPTED;
	return !err ? EXIT_OK : err == -EPERM ? EXIT_SKIP : EXIT_FAIL;
}
