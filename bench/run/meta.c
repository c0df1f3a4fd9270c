// SPDX-License-Identifier: BSD-2-Clause
/* What a run records about itself: meta (host, options, units) and its output directory. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "common.h"
#include "run.h"
#include "units_json.h"

#ifndef BPFAULT_GIT_REV
#define BPFAULT_GIT_REV "unknown"
#endif

/* make DIR and prove it writable before any trial runs */
int prepare_outdir(const char *cmd, const char *dir)
{
	char probe[PATH_MAX + 32];
	int err = mkdir_p(dir, 0755), fd;

	if (err) {
		err_msg("%s: cannot create output directory '%s': %s", cmd, dir, strerror(-err));
		return -1;
	}
	snprintf(probe, sizeof(probe), "%s/.bpfault-write-test", dir);
	fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		err_msg("%s: output directory '%s' is not writable: %s", cmd, dir, strerror(errno));
		return -1;
	}
	close(fd);
	unlink(probe);
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
		json_object_set_new(meta, "start_utc", json_string(start));
		/* a guest's run is relabelled "tcg" by the host (guest.c) */
		json_object_set_new(meta, "accel", json_string("native"));
		json_object_set_new(meta, "cost_comparable", json_true());
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
