// SPDX-License-Identifier: BSD-2-Clause
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"
#include <sys/statfs.h>
#include <linux/magic.h>
#include "journal.h"
#include "sysstate.h"
#include "sysstate_int.h"

static struct undo *undos; /* grows: pressure cells add two each */
static int nundo, capundo;
static pid_t owner; /* the process whose state this is: a forked child never restores it */
static volatile sig_atomic_t stop_sig, nsig;
static int recovered; /* steps of dead runs undone when the lock was taken */

/* the signals whose default is to terminate: each asks the run to stop, flush and restore */
static const int stop_signals[] = {SIGINT,  SIGTERM, SIGHUP,  SIGQUIT,	 SIGUSR1,
				   SIGUSR2, SIGALRM, SIGXCPU, SIGVTALRM, SIGPROF};
/* crashes: nothing can be restored safely in the process; the journal lets the next run do it */
static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};

/* async-signal-safe: only the flag (the first signal wins; later ones are counted) */
static void on_signal(int sig)
{
	if (!stop_sig)
		stop_sig = sig;
	nsig++;
}

static void on_crash(int sig)
{
	static const char msg[] = "bpfault: crashed; what it changed is undone by the next run "
				  "or 'bpfault cleanup'\n";

	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) { /* best effort */
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void restore_atexit(void)
{
	sys_restore();
}

static void stop_mask(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < ARRAY_SIZE(stop_signals); i++)
		sigaddset(set, stop_signals[i]);
}

void sys_catch_stop(void)
{
	struct sigaction sa = {0};
	static bool done;
	sigset_t set;

	if (done)
		return;
	done = true;
	sa.sa_handler = on_signal; /* no SA_RESTART: a blocking wait returns EINTR */
	sigfillset(&sa.sa_mask);   /* handlers never nest */
	for (size_t i = 0; i < ARRAY_SIZE(stop_signals); i++)
		sigaction(stop_signals[i], &sa, NULL); /* also where the parent left them ignored */
	stop_mask(&set);
	sigprocmask(SIG_UNBLOCK, &set, NULL); /* one kept pending across sys_exec_self() arrives */
}

int sys_exec_self(char *const argv[])
{
	sigset_t set, old;

	stop_mask(&set);
	sigprocmask(SIG_BLOCK, &set, &old); /* a stop signal now waits for the new image */
	if (stop_sig)
		raise(stop_sig); /* caught before: pending again, so the new image sees it */
	execv("/proc/self/exe", argv);
	sigprocmask(SIG_SETMASK, &old, NULL); /* exec failed: what was pending is handled here */
	return -errno;
}

void sys_init(void)
{
	struct sigaction sa = {0};
	static bool done;

	if (done)
		return;
	done = true;
	owner = getpid();
	sys_catch_stop();
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < ARRAY_SIZE(crash_signals); i++)
		sigaction(crash_signals[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a closed pipe on stdout must not skip the restore */
	signal(SIGXFSZ, SIG_IGN); /* a file size limit: the write fails with EFBIG instead */
	atexit(restore_atexit);
}

void sys_child_signals(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(stop_signals); i++)
		signal(stop_signals[i], SIG_DFL);
	for (size_t i = 0; i < ARRAY_SIZE(crash_signals); i++)
		signal(crash_signals[i], SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGXFSZ, SIG_DFL);
}

int sys_stop_signal(void)
{
	return stop_sig;
}

int sys_recovered(void)
{
	return recovered;
}

/*
 * Record an undo step, in memory and in the journal, before its change is made; if the change
 * then fails, cancel() it. NULL only when out of memory.
 */
struct undo *push_full(enum undo_kind k, const char *path, int id, const char *val)
{
	struct undo *u;

	if (nundo >= capundo) {
		int nc = capundo ? capundo * 2 : 64;
		struct undo *nu = realloc(undos, (size_t)nc * sizeof(*nu));

		if (!nu)
			return NULL;
		undos = nu;
		capundo = nc;
	}
	u = &undos[nundo++];
	memset(u, 0, sizeof(*u));
	u->kind = k;
	snprintf(u->path, sizeof(u->path), "%s", path ? path : "");
	snprintf(u->val, sizeof(u->val), "%s", val ? val : "");
	u->id = id;
	if (k == U_KILL)
		u->start = proc_start_time(id);
	if (k != U_RLIMIT)
		journal_add(u);
	return u;
}

/* the change of the last push() did not happen */
void cancel(void)
{
	if (nundo > 0) {
		nundo--;
		if (undos[nundo].kind != U_RLIMIT)
			journal_cancel();
	}
}

int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	n = n < 0 ? -errno : 0;
	close(fd);
	return (int)n;
}

int read_str(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static void rm_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char p[PATH_MAX * 2];

	if (d) {
		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(path);
}

static void reap(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static bool is_mounted_tracefs(const char *path)
{
	struct statfs sf;

	return statfs(path, &sf) == 0 && sf.f_type == TRACEFS_MAGIC;
}

static bool swap_listed(const char *dev)
{
	FILE *f = fopen("/proc/swaps", "re");
	char line[512], d[256];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%255s", d) == 1 && !strcmp(d, dev);
	fclose(f);
	return found;
}

/* foreign: kill what is left in a dead run's cgroup (its hogs) before removing it */
static void cg_kill_all(const char *path)
{
	char p[PATH_MAX + 16], *data, *save = NULL;

	snprintf(p, sizeof(p), "%s/cgroup.procs", path);
	if (read_file(p, &data, NULL))
		return;
	for (char *t = strtok_r(data, "\n", &save); t; t = strtok_r(NULL, "\n", &save))
		if (atoi(t) > 1 && atoi(t) != getpid())
			kill(atoi(t), SIGKILL);
	free(data);
}

void sys_undo_apply(const struct undo *u, bool foreign)
{
	char buf[32];

	switch (u->kind) {
	case U_UMOUNT:
		if (!foreign || is_mounted_tracefs(u->path))
			umount2(u->path, MNT_DETACH);
		break;
	case U_SWAPOFF:
		if (!foreign || swap_listed(u->path))
			swapoff(u->path);
		break;
	case U_ZRAM_RESET:
		if (!strncmp(u->path, "/sys/block/zram", 15))
			write_str(u->path, "1");
		break;
	case U_ZRAM_REMOVE:
		snprintf(buf, sizeof(buf), "%d", u->id);
		write_str("/sys/class/zram-control/hot_remove", buf);
		break;
	case U_RLIMIT:
		if (!foreign)
			setrlimit(RLIMIT_MEMLOCK, &u->rl);
		break;
	case U_RMDIR:
		rm_dir(u->path);
		break;
	case U_CGROUP:
		if (foreign)
			cg_kill_all(u->path);
		cg_remove(u->path);
		break;
	case U_KILL:
		if (!foreign)
			reap(u->id);
		else if (u->id > 1 && u->start >= 0 && proc_start_time(u->id) == u->start)
			kill(u->id, SIGKILL);
		break;
	case U_WRITE:
		write_str(u->path, u->val);
		break;
	case U__COUNT:
		break;
	}
}

/* once, in the main flow (never from a signal handler): a signal now only sets the flag */
void sys_restore(void)
{
	if (!owner || getpid() != owner)
		return; /* a forked child (hog, exec helper) must not undo its parent's changes */
	while (nundo > 0)
		sys_undo_apply(&undos[--nundo], false);
	journal_done();
}

/* the lock is ours: no other run is alive, so every other journal is a dead run's */
static int lock_taken(void)
{
	recovered = journal_recover(false); /* said even with -q: the user must know */
	return 0;
}

int sys_lock(void)
{
	static int fd = -1;

	if (fd >= 0)
		return 0;
	fd = open(SYS_LOCK_PATH, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return lock_taken();
	if (errno != EWOULDBLOCK)
		return -errno;
	info("bpfault: another run holds %s (swap, tracefs, cgroups are shared): waiting for it",
	     SYS_LOCK_PATH);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR || stop_sig)
			return errno == EINTR ? -EINTR : -errno;
	return lock_taken();
}

int sys_ensure_tracefs(char *why, size_t len)
{
	struct stat st;

	if (stat("/sys/kernel/tracing/events", &st) == 0 ||
	    stat("/sys/kernel/debug/tracing/events", &st) == 0)
		return 0;
	if (!push(U_UMOUNT, "/sys/kernel/tracing", 0)) {
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	if (mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL) < 0) {
		int err = -errno;

		cancel();
		snprintf(why, len, "cannot mount tracefs at /sys/kernel/tracing: %s",
			 strerror(errno));
		return err;
	}
	return 0;
}

/* is any swap active? fills the first device's name */
static bool swap_active(char *dev, size_t len)
{
	FILE *f = fopen("/proc/swaps", "re");
	char line[512];
	bool any = false;

	if (!f)
		return false;
	if (fgets(line, sizeof(line), f)) { /* header */
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%255s", dev) == 1) {
				any = true;
				break;
			}
		}
	}
	fclose(f);
	(void)len;
	return any;
}

void sys_swap_summary(char *buf, size_t len)
{
	char dev[256];

	if (swap_active(dev, sizeof(dev)))
		snprintf(buf, len, "%s", dev);
	else
		snprintf(buf, len, "none");
}

static int run_mkswap(const char *dev)
{
	char prog[PATH_MAX];
	char *const envp[] = {"PATH=" SAFE_PATH, "LC_ALL=C", NULL};
	pid_t pid;
	int status;

	if (find_helper("mkswap", prog, sizeof(prog)))
		return -ENOENT;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		sys_child_signals();
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execle(prog, "mkswap", dev, (char *)NULL, envp);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

int sys_ensure_swap(char *desc, size_t len)
{
	char dev[256], path[PATH_MAX], val[64];
	int id = 0, err;
	bool added = false;

	if (swap_active(dev, sizeof(dev))) {
		snprintf(desc, len, "%s (already on, left as found)", dev);
		return 0;
	}
	snprintf(path, sizeof(path), "/sys/block/zram0/disksize");
	if (read_str(path, val, sizeof(val)) < 0) {
		snprintf(desc, len, "no swap and no zram device (load the zram module)");
		return -ENODEV;
	}
	if (strcmp(val, "0") != 0) { /* zram0 busy: add a device of our own */
		if (read_str("/sys/class/zram-control/hot_add", val, sizeof(val)) < 0) {
			snprintf(desc, len, "zram0 busy and cannot hot_add a zram device");
			return -EBUSY;
		}
		id = atoi(val);
		added = true;
		push(U_ZRAM_REMOVE, NULL, id); /* its id is known only now */
	}
	snprintf(path, sizeof(path), "/sys/block/zram%d/reset", id);
	push(U_ZRAM_RESET, path, id); /* a reset of an unsized device is harmless */
	snprintf(path, sizeof(path), "/sys/block/zram%d/disksize", id);
	err = write_str(path, "1G");
	if (err) {
		snprintf(desc, len, "cannot size zram%d: %s", id, strerror(-err));
		return err;
	}
	snprintf(dev, sizeof(dev), "/dev/zram%d", id);
	err = run_mkswap(dev);
	if (err) {
		snprintf(desc, len, "mkswap %s failed", dev);
		return err;
	}
	push(U_SWAPOFF, dev, id);
	if (swapon(dev, 0) < 0) {
		err = -errno;
		cancel();
		snprintf(desc, len, "swapon %s: %s", dev, strerror(errno));
		return err;
	}
	snprintf(desc, len, "%s (1 GiB zram set up by bpfault%s, removed at exit)", dev,
		 added ? ", hot-added" : "");
	return 0;
}

int sys_raise_memlock(void)
{
	struct rlimit old, inf = {RLIM_INFINITY, RLIM_INFINITY};
	struct undo *u;

	if (getrlimit(RLIMIT_MEMLOCK, &old) < 0)
		return -errno;
	if (old.rlim_cur == RLIM_INFINITY && old.rlim_max == RLIM_INFINITY)
		return 0;
	if (setrlimit(RLIMIT_MEMLOCK, &inf) < 0)
		return -errno;
	u = push(U_RLIMIT, NULL, 0);
	if (u)
		u->rl = old;
	return 0;
}

int sys_pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) < 0 ? -errno : 0;
}

void sys_remove_dir_at_exit(const char *path)
{
	push(U_RMDIR, path, 0);
}

int sys_write_at_exit(const char *path, const char *val)
{
	if (strlen(val) >= sizeof(((struct undo *)0)->val))
		return -E2BIG;
	return push_full(U_WRITE, path, 0, val) ? 0 : -ENOMEM;
}

int sys_kill_at_exit(pid_t pid)
{
	if (push(U_KILL, NULL, (int)pid)) /* journaled once its pid exists */
		return 0;
	reap(pid);
	return -ENOMEM;
}
