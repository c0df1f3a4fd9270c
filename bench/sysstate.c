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
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"
#include "sysstate.h"

enum undo_kind { U_UMOUNT, U_SWAPOFF, U_ZRAM_RESET, U_ZRAM_REMOVE, U_RLIMIT, U_RMDIR };

struct undo {
	enum undo_kind kind;
	char path[PATH_MAX];
	int id;
	struct rlimit rl;
};

static struct undo undos[16];
static int nundo;
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

void sys_restore(void)
{
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
		}
	}
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
