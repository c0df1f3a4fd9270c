// SPDX-License-Identifier: BSD-2-Clause
/* Memory cgroups for the pressure states (sysstate.h): found, made, limited, held, removed. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common.h"
#include "journal.h"
#include "sysstate.h"
#include "sysstate_int.h"

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

void cg_remove(const char *path)
{
	if (cg.orig[0])
		cg_move(cg.orig, getpid()); /* never left inside a cgroup being removed */
	/* a reaped child leaves its cgroup asynchronously: retry a busy cgroup for a while */
	for (int i = 0; i < 200 && rmdir(path) < 0 && errno == EBUSY; i++)
		usleep(5000);
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
		if (!push_full(U_WRITE, p, 0, "-memory")) {
			snprintf(why, wlen, "out of memory");
			return -ENOMEM;
		}
		err = write_str(p, "+memory");
		if (!err)
			return 0;
		cancel(); /* never "-memory" where bpfault did not add it */
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
	if (!push(U_CGROUP, cg.parent, 0)) {
		err = -ENOMEM;
		snprintf(why, len, "out of memory");
		goto out;
	}
	if (mkdir(cg.parent, 0755) < 0) {
		err = -errno;
		cancel();
		snprintf(why, len, "cannot make cgroup %s: %s", cg.parent, strerror(errno));
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
	if (!push(U_CGROUP, path, 0))
		return -ENOMEM;
	if (mkdir(path, 0755) < 0) {
		int err = -errno;

		cancel();
		return err;
	}
	return 0;
}

/* write bytes to the cgroup path's control file; 0 or -errno */
static int cg_write(const char *path, const char *file, unsigned long long bytes)
{
	char p[PATH_MAX + 32], v[32];

	snprintf(p, sizeof(p), "%s/%s", path, file);
	snprintf(v, sizeof(v), "%llu", bytes);
	return write_str(p, v);
}

int sys_memcg_hold(const char *path, uint64_t target, uint64_t slack)
{
	int err;

	if (cg.version != 2)
		return sys_memcg_limit(path, target + slack);
	/* v2: memory.high reclaims in the charging task on its way back to user space (never an
	 * OOM kill); memory.max is the hard stop above it */
	err = cg_write(path, "memory.max", target + slack);
	return err ? err : cg_write(path, "memory.high", target);
}

int sys_memcg_squeeze(const char *path, uint64_t target, uint64_t slack)
{
	uint64_t usage, swap;

	if (!cg.version || sys_memcg_usage(path, &usage, &swap) || usage <= target)
		return 0;
	/*
	 * v2: memory.high alone does not hold the level: the pages over it are charged when
	 * bpfault's trials fault the cell's slots in, and the kernel reclaims over-high memory
	 * from the cgroup of the task that charged it (bpfault's own), so the cell's swap drained
	 * to nothing within a second (measured in the 6.1 guest). Writing memory.high reclaims
	 * the cgroup down to it, in this task, never an OOM kill.
	 */
	if (cg.version == 2)
		return cg_write(path, "memory.high", target);
	/* v1: a lower limit reclaims down to it in this task (or fails with EBUSY: no OOM kill) */
	cg_write(path, "memory.limit_in_bytes", target);
	return cg_write(path, "memory.limit_in_bytes", target + slack);
}

int sys_memcg_limit(const char *path, unsigned long long bytes)
{
	return cg_write(path, cg.version == 2 ? "memory.max" : "memory.limit_in_bytes", bytes);
}

static uint64_t read_u64_file(const char *path)
{
	char buf[64];

	return read_str(path, buf, sizeof(buf)) == 0 ? strtoull(buf, NULL, 10) : 0;
}

int sys_memcg_usage(const char *path, uint64_t *usage, uint64_t *swap)
{
	char p[PATH_MAX + 32], *data, *l;

	if (!cg.version)
		return -ENODEV;
	snprintf(p, sizeof(p), "%s/%s", path,
		 cg.version == 2 ? "memory.current" : "memory.usage_in_bytes");
	*usage = read_u64_file(p);
	*swap = 0;
	if (cg.version == 2) {
		snprintf(p, sizeof(p), "%s/memory.swap.current", path);
		*swap = read_u64_file(p);
		return 0;
	}
	snprintf(p, sizeof(p), "%s/memory.stat", path);
	if (read_file(p, &data, NULL) == 0) {
		if (!strncmp(data, "swap ", 5))
			*swap = strtoull(data + 5, NULL, 10);
		else if ((l = strstr(data, "\nswap ")))
			*swap = strtoull(l + 6, NULL, 10);
		free(data);
	}
	return 0;
}

int sys_memcg_enter(const char *path)
{
	if (!cg.version)
		return -ENODEV;
	return cg_move(path ? path : cg.orig, getpid());
}
