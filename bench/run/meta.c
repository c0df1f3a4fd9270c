// SPDX-License-Identifier: BSD-2-Clause
/* What a run records about itself: meta (host, options, units) and its output directory. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "common.h"
#include "run.h"
#include "sysstate.h"
#include "units_json.h"

#ifndef BPFAULT_GIT_REV
#define BPFAULT_GIT_REV "unknown"
#endif

int outdir_check(const char *cmd, const char *dir, bool force)
{
	static const char *const files[] = {"results.json", "cells.csv"};
	char path[PATH_MAX + 32];
	struct stat st;

	for (size_t i = 0; i < ARRAY_SIZE(files) && !force; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode)) { /* a symlink is replaced */
			err_msg("%s: '%s' holds a run's results already (--force to overwrite)",
				cmd, dir);
			return -EEXIST;
		}
	}
	return 0;
}

/* a new directory results/<UTC time>, or -2, -3... if a run started in the same second took
 * it: mkdir() says EEXIST, so two runs never share one; 0 or -errno */
static int new_outdir(char *buf, size_t len)
{
	char t[64];
	int err = mkdir_p("results", 0755);

	if (err)
		return err;
	utc_now(t, sizeof(t), "%Y%m%dT%H%M%SZ");
	for (int i = 1; i <= 1000; i++) {
		if (i == 1)
			snprintf(buf, len, "results/%s", t);
		else
			snprintf(buf, len, "results/%s-%d", t, i);
		if (mkdir(buf, 0755) == 0)
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/* make the output directory (DIR, or a new results/<UTC time>) and prove it writable before
 * any trial runs; never through a symlink */
int prepare_outdir(const char *cmd, const char *dir, bool force, char *buf, size_t len)
{
	char probe[NAME_MAX + 1];
	int err, dfd, fd;

	if (dir && !*dir) {
		err_msg("%s: the output directory (-o) must not be empty", cmd);
		return -1;
	}
	if (dir) {
		if (outdir_check(cmd, dir, force))
			return -1;
		snprintf(buf, len, "%s", dir);
		err = mkdir_p(dir, 0755);
	} else {
		err = new_outdir(buf, len);
	}
	if (err) {
		err_msg("%s: cannot create output directory '%s': %s", cmd, dir ? dir : "results/",
			strerror(-err));
		return -1;
	}
	dfd = open_dir_nofollow(buf);
	if (dfd < 0) {
		err_msg("%s: output directory '%s': %s", cmd, buf,
			dfd == -ELOOP ? "is a symlink (refused: bpfault never writes through one)"
				      : strerror(-dfd));
		return -1;
	}
	fd = create_temp_at(dfd, ".bpfault-write-test", 0600, probe, sizeof(probe));
	if (fd < 0) {
		err_msg("%s: output directory '%s' is not writable: %s", cmd, buf, strerror(-fd));
		close(dfd);
		return -1;
	}
	close(fd);
	unlinkat(dfd, probe, 0);
	close(dfd);
	return 0;
}

int open_dir_file(const char *cmd, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);

	if (fd < 0)
		err_msg("%s: --dir-file '%s': %s", cmd, path,
			errno == ELOOP ? "is a symlink (refused)" : strerror(errno));
	return fd;
}

int write_dir_file(const char *cmd, int fd, const char *dir)
{
	size_t n = strlen(dir);
	bool ok = write(fd, dir, n) == (ssize_t)n && write(fd, "\n", 1) == 1;

	if (close(fd) || !ok) {
		err_msg("%s: cannot write the --dir-file: %s", cmd, strerror(errno));
		return -1;
	}
	return 0;
}

void utc_now(char *buf, size_t len, const char *fmt)
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

json_t *make_meta(const struct session *s, const struct run_opts *o, const char *mxid)
{
	const struct matrix *m = s->m;
	int argc = o->argc, cpu = s->cpu;
	char **argv = o->argv;
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
			 cpu_s, "hostname", host, "swap_found", s->swap_found, "swap_used",
			 s->swap_used, "git_rev", BPFAULT_GIT_REV, "command", cmd, "matrix",
			 m->name, "seed", (json_int_t)m->seed, "trials_max",
			 (json_int_t)m->max_trials, "trials_min", (json_int_t)m->min_trials,
			 "precision", m->precision, "block", (json_int_t)m->block, "cpu_pinned",
			 cpu, "matrix_id", mxid, "dropped", dropped, "complete", false);
	if (meta) {
		char id[sizeof(start) + sizeof(host) + 16];

		/* one run among many hosts and runs (bpfault merge): start, host, pid */
		snprintf(id, sizeof(id), "%s-%s-%d", start, host, (int)getpid());
		json_object_set_new(meta, "run_id", json_string(id));
		json_object_set_new(meta, "start_utc", json_string(start));
		/* a guest's run is relabelled "tcg" by the host (guest.c), which also tells the
		 * guest's run (BPFAULT_ACCEL=tcg) so that its own table labels its costs */
		bool tcg = env_is("BPFAULT_ACCEL", "tcg");

		/* which memory cgroup hierarchy the pressure states used ("none" without one) */
		json_object_set_new(meta, "memcg", json_string(sys_memcg_desc()));
		json_object_set_new(meta, "accel", json_string(tcg ? "tcg" : "native"));
		json_object_set_new(meta, "cost_comparable", json_boolean(!tcg));
		json_object_set_new(meta, "matrix_file",
				    o->matrix_file ? json_string(o->matrix_file) : json_null());
		json_object_set_new(
			meta, "trial_order",
			json_string(
				"rounds: every round shuffles the unfinished cells (seeded) and "
				"runs a block of trials in each; perturbing arms alternate with "
				"the others trial by trial"));
		if (json_object_set_new(meta, "units", units_json(m->cells, m->ncells))) {
			json_decref(meta);
			return NULL;
		}
	}
	return meta;
}
