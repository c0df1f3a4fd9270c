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
#include "sysstate.h"

enum undo_kind {
	U_UMOUNT,
	U_SWAPOFF,
	U_ZRAM_RESET,
	U_ZRAM_REMOVE,
	U_RLIMIT,
	U_RMDIR,
	U_CGROUP, /* move this process back to its cgroup, then remove the cgroup path */
	U_KILL,	  /* SIGKILL and reap child process id */
	U_WRITE,  /* write val to path */
};

struct undo {
	enum undo_kind kind;
	char path[PATH_MAX];
	int id;
	struct rlimit rl;
	char val[80];
};

static struct undo undos[480]; /* pressure: two per cell; damon: one per kdamond file */
static int nundo;
static pid_t owner; /* the process whose state this is: a forked child never restores it */
static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	if (stop_sig) { /* second signal: restore now and leave */
		sys_restore();
		_exit(128 + sig);
	}
	stop_sig = sig;
}

static void restore_atexit(void)
{
	sys_restore();
}

void sys_init(void)
{
	struct sigaction sa = {0};
	static bool done;

	if (done)
		return;
	done = true;
	owner = getpid();
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a closed pipe on stdout must not skip the restore */
	atexit(restore_atexit);
}

int sys_stop_signal(void)
{
	return stop_sig;
}

static struct undo *push(enum undo_kind k, const char *path, int id)
{
	struct undo *u;

	if (nundo >= (int)ARRAY_SIZE(undos))
		return NULL;
	u = &undos[nundo++];
	u->kind = k;
	snprintf(u->path, sizeof(u->path), "%s", path ? path : "");
	u->id = id;
	return u;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	n = n < 0 ? -errno : 0;
	close(fd);
	return (int)n;
}

static int read_str(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
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

static void cg_remove(const char *path);
static void reap(pid_t pid);

void sys_restore(void)
{
	if (owner && getpid() != owner)
		return; /* a forked child (hog, exec helper) must not undo its parent's changes */
	while (nundo > 0) {
		struct undo *u = &undos[--nundo];
		char buf[32];

		switch (u->kind) {
		case U_UMOUNT:
			umount2(u->path, MNT_DETACH);
			break;
		case U_SWAPOFF:
			swapoff(u->path);
			break;
		case U_ZRAM_RESET:
			write_str(u->path, "1");
			break;
		case U_ZRAM_REMOVE:
			snprintf(buf, sizeof(buf), "%d", u->id);
			write_str("/sys/class/zram-control/hot_remove", buf);
			break;
		case U_RLIMIT:
			setrlimit(RLIMIT_MEMLOCK, &u->rl);
			break;
		case U_RMDIR:
			rm_dir(u->path);
			break;
		case U_CGROUP:
			cg_remove(u->path);
			break;
		case U_KILL:
			reap(u->id);
			break;
		case U_WRITE:
			write_str(u->path, u->val);
			break;
		}
	}
}

int sys_lock(void)
{
	static int fd = -1;

	if (fd >= 0)
		return 0;
	fd = open(SYS_LOCK_PATH, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno != EWOULDBLOCK)
		return -errno;
	info("bpfault: another run holds %s (swap, tracefs, cgroups are shared): waiting for it",
	     SYS_LOCK_PATH);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR || stop_sig)
			return errno == EINTR ? -EINTR : -errno;
	return 0;
}

int sys_ensure_tracefs(char *why, size_t len)
{
	struct stat st;

	if (stat("/sys/kernel/tracing/events", &st) == 0 ||
	    stat("/sys/kernel/debug/tracing/events", &st) == 0)
		return 0;
	if (mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL) < 0) {
		int err = -errno;

		snprintf(why, len, "cannot mount tracefs at /sys/kernel/tracing: %s",
			 strerror(errno));
		return err;
	}
	push(U_UMOUNT, "/sys/kernel/tracing", 0);
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
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execlp("mkswap", "mkswap", dev, (char *)NULL);
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
		push(U_ZRAM_REMOVE, NULL, id);
	}
	snprintf(path, sizeof(path), "/sys/block/zram%d/disksize", id);
	err = write_str(path, "1G");
	if (err) {
		snprintf(desc, len, "cannot size zram%d: %s", id, strerror(-err));
		return err;
	}
	snprintf(path, sizeof(path), "/sys/block/zram%d/reset", id);
	push(U_ZRAM_RESET, path, id);
	snprintf(dev, sizeof(dev), "/dev/zram%d", id);
	err = run_mkswap(dev);
	if (err) {
		snprintf(desc, len, "mkswap %s failed", dev);
		return err;
	}
	if (swapon(dev, 0) < 0) {
		err = -errno;
		snprintf(desc, len, "swapon %s: %s", dev, strerror(errno));
		return err;
	}
	push(U_SWAPOFF, dev, id);
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

/* ---- memory cgroups ---- */

static struct {
	int version;	   /* 1 or 2; 0: not set up */
	char mnt[256];	   /* the hierarchy's mount point */
	char orig[1400];   /* the directory of the cgroup this process was found in */
	char parent[1500]; /* bpfault.<pid> */
	char desc[1600];
} cg;

/* the mount point of the cgroup2 hierarchy (v2) or of the v1 hierarchy with the memory
 * controller */
static bool cg_find_mount(int version, char *mnt, size_t len)
{
	FILE *f = fopen("/proc/self/mounts", "re");
	char dev[256], dir[256], type[64], opts[1024];
	bool found = false;

	if (!f)
		return false;
	while (!found && fscanf(f, "%255s %255s %63s %1023s %*d %*d", dev, dir, type, opts) == 4) {
		if (version == 2 && !strcmp(type, "cgroup2")) {
			found = true;
		} else if (version == 1 && !strcmp(type, "cgroup")) {
			for (char *save = NULL, *t = strtok_r(opts, ",", &save); t;
			     t = strtok_r(NULL, ",", &save))
				if (!strcmp(t, "memory"))
					found = true;
		}
		if (found)
			snprintf(mnt, len, "%s", dir);
	}
	fclose(f);
	return found;
}

/* this process's cgroup path in the hierarchy of version (v1: the memory controller's) */
static bool cg_self_path(int version, char *path, size_t len)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[PATH_MAX + 128];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *ctrl = strchr(line, ':'), *p;

		if (!ctrl || !(p = strchr(ctrl + 1, ':')))
			continue;
		*ctrl++ = 0; /* line: the hierarchy id, ctrl: its controllers, p: the path */
		*p++ = 0;
		p[strcspn(p, "\n")] = 0;
		if (version == 2 && !strcmp(line, "0") && !*ctrl) {
			found = true;
		} else if (version == 1) {
			for (char *save = NULL, *t = strtok_r(ctrl, ",", &save); t;
			     t = strtok_r(NULL, ",", &save))
				if (!strcmp(t, "memory"))
					found = true;
		}
		if (found)
			snprintf(path, len, "%s", p);
	}
	fclose(f);
	return found;
}

/* is word a whitespace-separated token of the file? */
static bool file_has_word(const char *path, const char *word)
{
	char buf[1024];

	if (read_str(path, buf, sizeof(buf)) < 0)
		return false;
	for (char *save = NULL, *t = strtok_r(buf, " \t", &save); t;
	     t = strtok_r(NULL, " \t", &save))
		if (!strcmp(t, word))
			return true;
	return false;
}

static int cg_move(const char *dir, pid_t pid)
{
	char p[PATH_MAX + 16], v[32];

	snprintf(p, sizeof(p), "%s/cgroup.procs", dir);
	snprintf(v, sizeof(v), "%d", (int)pid);
	return write_str(p, v);
}

static void cg_remove(const char *path)
{
	if (cg.orig[0])
		cg_move(cg.orig, getpid()); /* never left inside a cgroup being removed */
	/* a reaped child leaves its cgroup asynchronously: retry a busy cgroup for a while */
	for (int i = 0; i < 200 && rmdir(path) < 0 && errno == EBUSY; i++)
		usleep(5000);
}

static void reap(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* v2: the directory where bpfault.<pid> can be made: this process's cgroup or the nearest
 * ancestor whose children can have the memory controller (enabling it where that is allowed) */
static int cg2_place(char *dir, size_t len, char *why, size_t wlen)
{
	char p[1500];
	int err = 0;

	for (;;) {
		snprintf(p, sizeof(p), "%s/cgroup.subtree_control", dir);
		if (file_has_word(p, "memory"))
			return 0;
		err = write_str(p, "+memory");
		if (!err) {
			struct undo *u = push(U_WRITE, p, 0);

			if (!u) {
				write_str(p, "-memory");
				snprintf(why, wlen, "too many restore steps");
				return -ENOSPC;
			}
			snprintf(u->val, sizeof(u->val), "-memory");
			return 0;
		}
		if (!strcmp(dir, cg.mnt)) {
			snprintf(why, wlen, "cannot enable the memory controller under %s: %s",
				 cg.mnt, strerror(-err));
			return err;
		}
		*strrchr(dir, '/') = 0; /* up one level (a cgroup has processes: EBUSY) */
		(void)len;
	}
}

int sys_memcg_init(char *why, size_t len)
{
	char self[1024], p[1600], dir[1400];
	static int done_err = 1;
	static char done_why[256];
	int err;

	if (done_err <= 0) {
		snprintf(why, len, "%s", done_why);
		return done_err;
	}
	err = -ENOENT;
	if (cg_find_mount(2, cg.mnt, sizeof(cg.mnt)) &&
	    (snprintf(p, sizeof(p), "%s/cgroup.controllers", cg.mnt), file_has_word(p, "memory")) &&
	    cg_self_path(2, self, sizeof(self))) {
		cg.version = 2;
	} else if (cg_find_mount(1, cg.mnt, sizeof(cg.mnt)) &&
		   cg_self_path(1, self, sizeof(self))) {
		cg.version = 1;
	} else {
		snprintf(why, len,
			 "neither cgroup v2 with the memory controller nor a v1 memory "
			 "hierarchy is mounted");
		goto out;
	}
	snprintf(cg.orig, sizeof(cg.orig), "%s%s", cg.mnt, strcmp(self, "/") ? self : "");
	snprintf(dir, sizeof(dir), "%s", cg.orig);
	if (cg.version == 2) {
		err = cg2_place(dir, sizeof(dir), why, len);
		if (err)
			goto out;
	}
	snprintf(cg.parent, sizeof(cg.parent), "%s/bpfault.%d", dir, (int)getpid());
	if (mkdir(cg.parent, 0755) < 0) {
		err = -errno;
		snprintf(why, len, "cannot make cgroup %s: %s", cg.parent, strerror(errno));
		goto out;
	}
	if (!push(U_CGROUP, cg.parent, 0)) {
		rmdir(cg.parent);
		err = -ENOSPC;
		snprintf(why, len, "too many restore steps");
		goto out;
	}
	if (cg.version == 2) {
		snprintf(p, sizeof(p), "%s/cgroup.subtree_control", cg.parent);
		err = write_str(p, "+memory");
		if (err) {
			snprintf(why, len, "cannot enable memory in %s: %s", p, strerror(-err));
			goto out;
		}
	}
	snprintf(cg.desc, sizeof(cg.desc), "cgroup v%d at %s", cg.version, cg.parent);
	err = 0;
out:
	if (err)
		cg.version = 0;
	done_err = err;
	snprintf(done_why, sizeof(done_why), "%s", err ? why : "");
	return err;
}

const char *sys_memcg_desc(void)
{
	return cg.version ? cg.desc : "none";
}

int sys_memcg_child(const char *name, char *path, size_t len)
{
	if (!cg.version)
		return -ENODEV;
	snprintf(path, len, "%s/%s", cg.parent, name);
	if (mkdir(path, 0755) < 0)
		return -errno;
	if (!push(U_CGROUP, path, 0)) {
		rmdir(path);
		return -ENOSPC;
	}
	return 0;
}

int sys_memcg_limit(const char *path, unsigned long long bytes)
{
	char p[PATH_MAX + 32], v[32];

	snprintf(p, sizeof(p), "%s/%s", path,
		 cg.version == 2 ? "memory.max" : "memory.limit_in_bytes");
	snprintf(v, sizeof(v), "%llu", bytes);
	return write_str(p, v);
}

int sys_memcg_enter(const char *path)
{
	if (!cg.version)
		return -ENODEV;
	return cg_move(path ? path : cg.orig, getpid());
}

int sys_write_at_exit(const char *path, const char *val)
{
	struct undo *u;

	if (strlen(val) >= sizeof(u->val))
		return -E2BIG;
	u = push(U_WRITE, path, 0);
	if (!u)
		return -ENOSPC;
	snprintf(u->val, sizeof(u->val), "%s", val);
	return 0;
}

int sys_kill_at_exit(pid_t pid)
{
	if (push(U_KILL, NULL, (int)pid))
		return 0;
	reap(pid);
	return -ENOSPC;
}
