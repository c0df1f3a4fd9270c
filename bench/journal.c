// SPDX-License-Identifier: BSD-2-Clause
/* The durable record of a run's changes to the machine, and its recovery; see journal.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cmds.h"
#include "common.h"
#include "journal.h"
#include "sysstate.h"

#define JOURNAL_MAX 4096 /* records read back from one journal */

static const char *const kind_names[U__COUNT] = {
	[U_UMOUNT] = "umount",		 [U_SWAPOFF] = "swapoff", [U_ZRAM_RESET] = "zram-reset",
	[U_ZRAM_REMOVE] = "zram-remove", [U_RLIMIT] = "rlimit",	  [U_RMDIR] = "rmdir",
	[U_CGROUP] = "cgroup",		 [U_KILL] = "kill",	  [U_WRITE] = "write",
};

static int jfd = -1;   /* this process's journal */
static int jpid;       /* the process jfd belongs to (a forked child never writes to it) */
static char jname[64]; /* its name in JOURNAL_DIR */
static bool jwarned;

long long proc_start_time(int pid)
{
	char path[64], buf[1024], *p;
	long long start = -1;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
	if (!p)
		return -1;
	/* after ") ": field 3 (state) ... field 22 (starttime) */
	for (int f = 3; p && f <= 22; f++)
		p = strchr(p + 1, ' ');
	if (p)
		sscanf(p + 1, "%lld", &start);
	return start;
}

/* JOURNAL_DIR, made if missing; refused unless a root-owned directory nobody else may write */
static int journal_dir(void)
{
	struct stat st;
	int dfd;

	if (mkdir(JOURNAL_DIR, 0700) < 0 && errno != EEXIST)
		return -errno;
	dfd = open_dir_nofollow(JOURNAL_DIR);
	if (dfd < 0)
		return dfd;
	if (fstat(dfd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 022)) {
		close(dfd);
		return -EPERM;
	}
	return dfd;
}

static int journal_open(void)
{
	int dfd, fd;

	if (jfd >= 0 && jpid == getpid())
		return 0;
	dfd = journal_dir();
	if (dfd < 0)
		return dfd;
	jpid = getpid();
	snprintf(jname, sizeof(jname), "journal.%d.%lld", jpid, proc_start_time(jpid));
	fd = openat(dfd, jname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_APPEND | O_CLOEXEC,
		    0600);
	if (fd < 0 && errno == EEXIST) { /* ours from before an exec: keep appending */
		fd = openat(dfd, jname, O_WRONLY | O_NOFOLLOW | O_APPEND | O_CLOEXEC);
	}
	fd = fd < 0 ? -errno : fd;
	if (fd >= 0)
		fsync(dfd);
	close(dfd);
	if (fd < 0)
		return fd;
	jfd = fd;
	return 0;
}

static int journal_line(const char *line)
{
	size_t len = strlen(line), off = 0;

	while (off < len) {
		ssize_t w = write(jfd, line + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		off += (size_t)w;
	}
	return fdatasync(jfd) < 0 ? -errno : 0;
}

int journal_add(const struct undo *u)
{
	char line[PATH_MAX + 128];
	int err;

	if (jfd >= 0 && jpid != getpid())
		return 0; /* a forked child changes nothing of its parent's */
	if (strchr(u->path, '\n') || strchr(u->val, ' ') || strchr(u->val, '\n'))
		return -EINVAL;
	err = journal_open();
	if (!err) {
		snprintf(line, sizeof(line), "+ %s %d %lld %s %s\n", kind_names[u->kind], u->id,
			 u->start, u->val[0] ? u->val : "-", u->path);
		err = journal_line(line);
	}
	if (err && !jwarned) {
		jwarned = true;
		err_msg("cannot keep the journal in %s (%s): a killed run could not be undone "
			"by the next one",
			JOURNAL_DIR, strerror(-err));
	}
	return err;
}

void journal_cancel(void)
{
	if (jfd >= 0 && jpid == getpid())
		journal_line("-\n");
}

void journal_done(void)
{
	int dfd;

	if (jfd < 0 || jpid != getpid())
		return;
	close(jfd);
	jfd = -1;
	dfd = open_dir_nofollow(JOURNAL_DIR);
	if (dfd >= 0) {
		unlinkat(dfd, jname, 0);
		close(dfd);
	}
}

static int parse_kind(const char *s)
{
	for (int k = 0; k < U__COUNT; k++)
		if (!strcmp(s, kind_names[k]))
			return k;
	return -1;
}

/* one "+ kind id start val path" line; 0 or -EINVAL */
static int parse_record(char *line, struct undo *u)
{
	char kind[32], val[96];
	int n = 0, k;

	memset(u, 0, sizeof(*u));
	if (sscanf(line, "+ %31s %d %lld %95s %n", kind, &u->id, &u->start, val, &n) != 4 || !n)
		return -EINVAL;
	k = parse_kind(kind);
	if (k < 0 || k == U_RLIMIT || strlen(val) >= sizeof(u->val) ||
	    strlen(line + n) >= sizeof(u->path))
		return -EINVAL;
	u->kind = (enum undo_kind)k;
	snprintf(u->val, sizeof(u->val), "%s", strcmp(val, "-") ? val : "");
	snprintf(u->path, sizeof(u->path), "%s", line + n);
	return 0;
}

/* undo one dead process's journal (name in JOURNAL_DIR); the number of steps, or -errno */
static int recover_one(int dfd, const char *name, bool quiet)
{
	char path[PATH_MAX], *data, *save = NULL;
	struct undo *u = malloc(JOURNAL_MAX * sizeof(*u));
	int n = 0, pid, err;
	long long start;

	if (!u)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/%s", JOURNAL_DIR, name);
	err = read_file(path, &data, NULL);
	if (err) {
		free(u);
		return err;
	}
	for (char *l = strtok_r(data, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (!strcmp(l, "-")) {
			n -= n > 0;
			continue;
		}
		if (n < JOURNAL_MAX && parse_record(l, &u[n]) == 0)
			n++;
	}
	free(data);
	sscanf(name, "journal.%d.%lld", &pid, &start);
	for (int i = n - 1; i >= 0; i--) {
		char what[PATH_MAX + 64];

		sys_undo_apply(&u[i], true);
		undo_describe(&u[i], what, sizeof(what));
		if (!quiet)
			err_msg("undone for dead run (pid %d): %s", pid, what);
	}
	free(u);
	unlinkat(dfd, name, 0);
	return n;
}

int journal_recover(bool quiet)
{
	struct dirent *e;
	int dfd = journal_dir(), total = 0;
	DIR *d;

	if (dfd < 0)
		return dfd == -ENOENT ? 0 : dfd;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -errno;
	}
	while ((e = readdir(d))) {
		long long start;
		int pid, n;

		if (sscanf(e->d_name, "journal.%d.%lld", &pid, &start) != 2)
			continue;
		if (pid == getpid() || (start >= 0 && proc_start_time(pid) == start))
			continue; /* ours, or its process is alive (e.g. 'bpfault list') */
		n = recover_one(dirfd(d), e->d_name, quiet);
		if (n > 0)
			total += n;
	}
	closedir(d);
	return total;
}

void undo_describe(const struct undo *u, char *buf, size_t len)
{
	switch (u->kind) {
	case U_ZRAM_REMOVE:
		snprintf(buf, len, "zram%d removed", u->id);
		break;
	case U_KILL:
		snprintf(buf, len, "process %d killed (if still there)", u->id);
		break;
	case U_WRITE:
		snprintf(buf, len, "%s set to %s", u->path, u->val);
		break;
	case U_CGROUP:
		snprintf(buf, len, "cgroup %s removed", u->path);
		break;
	case U_RMDIR:
		snprintf(buf, len, "directory %s removed", u->path);
		break;
	default:
		snprintf(buf, len, "%s %s", kind_names[u->kind], u->path);
	}
}

int cmd_cleanup(int argc, char **argv)
{
	int n, quiet = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) {
			quiet = 1;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: bpfault cleanup [-q]\n"
			       "  undo what a killed or crashed run left on the machine (zram "
			       "swap,\n"
			       "  tracefs mount, memory cgroups, work directories, processes), "
			       "from\n"
			       "  the journals in " JOURNAL_DIR "; waits for a run in progress\n");
			return EXIT_OK;
		} else {
			err_msg("cleanup: unexpected argument '%s'", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (geteuid() != 0) {
		err_msg("cleanup: needs root");
		return EXIT_SKIP;
	}
	sys_init();
	if (sys_lock()) { /* recovers as it takes the lock */
		if (sys_stop_signal())
			return EXIT_INTERRUPTED;
		err_msg("cleanup: cannot take %s: %s", SYS_LOCK_PATH, strerror(errno));
		return EXIT_INTERNAL;
	}
	n = sys_recovered();
	if (n < 0) {
		err_msg("cleanup: cannot read the journals in %s: %s", JOURNAL_DIR, strerror(-n));
		return EXIT_INTERNAL;
	}
	if (!quiet)
		printf("cleanup: %d change(s) of dead runs undone\n", n);
	return EXIT_OK;
}
