// SPDX-License-Identifier: BSD-2-Clause
/*
 * The set-up bpfault run and selfbench share, in this order: pin the workload to its CPU, take
 * the run lock, set up the host state the cells need (tracefs, swap, memory cgroup), then the
 * engine (work directory, pagemap, BPF). Functions return 0 or -errno; the commands choose exit
 * statuses (session_status).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <string.h>
#include <unistd.h>
#include "common.h"
#include "run.h"
#include "sysstate.h"

static int workload_cpu(const struct run_opts *o)
{
	return o->cpu >= 0 ? o->cpu : (int)sysconf(_SC_NPROCESSORS_ONLN) - 1;
}

/*
 * Keep the workload on one CPU from its start: pin, then exec ourselves again, so the process
 * (its mm) never ran on another CPU; a later move makes every page-out flush TLBs across CPUs.
 * Before any output; on any failure it carries on and session_open() reports.
 */
void session_pin_early(const struct run_opts *o)
{
	int cpu = workload_cpu(o);
	char v[16];
	bool done;

	snprintf(v, sizeof(v), "%d", cpu);
	done = env_is("BPFAULT_PINNED", v);
	if (done)
		prctl(PR_SET_NAME, "bpfault"); /* not "exe", after the exec of /proc/self/exe */
	if (done || !g_argv || sys_pin_cpu(cpu))
		return;
	setenv("BPFAULT_PINNED", v, 1);
	sys_exec_self(g_argv); /* returns only if the exec failed: the run goes on unpinned */
}

static int fail(struct session *s, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct session *s, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->why, sizeof(s->why), fmt, ap);
	va_end(ap);
	return err;
}

static int env_check(struct session *s)
{
	if (geteuid() != 0)
		return fail(s, -EPERM, "needs root (BPF programs, tracefs, swap set-up)");
	if (access(kernel_btf_path(), R_OK) != 0)
		return fail(s, -ENOENT,
			    "no kernel BTF at %s (CONFIG_DEBUG_INFO_BTF, or set BPFAULT_BTF)",
			    kernel_btf_path());
	return 0;
}

/* what the cells need of the host; a state that cannot have it becomes unsupported, not an error */
static int host_state(struct session *s)
{
	bool need_swap = false, need_memcg = false;
	char why[256];
	int err;

	err = sys_ensure_tracefs(why, sizeof(why));
	if (err)
		return fail(s, err, "%s", why);
	/* BPF memory is memcg-accounted on >= 5.11; the old limit matters only before that */
	if (sys_raise_memlock() && g_verbose)
		info("bpfault: cannot raise RLIMIT_MEMLOCK (%s); continuing", strerror(errno));
	for (int i = 0; i < s->m->ncells; i++) {
		need_swap |= s->m->cells[i].st->needs_swap;
		need_memcg |= s->m->cells[i].st->needs_memcg;
	}
	snprintf(s->swap_used, sizeof(s->swap_used), "not needed");
	if (need_swap && sys_ensure_swap(s->swap_used, sizeof(s->swap_used))) {
		snprintf(s->no_swap, sizeof(s->no_swap), "%.120s", s->swap_used);
		s->host.no_swap = s->no_swap;
	}
	if (need_memcg && sys_memcg_init(why, sizeof(why))) {
		snprintf(s->no_memcg, sizeof(s->no_memcg), "%.120s", why);
		s->host.no_memcg = s->no_memcg;
	}
	return 0;
}

const char *session_blocked(const struct session *s, const struct state_desc *st, char *buf,
			    size_t len)
{
	return state_supported(st, &s->host, buf, len) ? buf : NULL;
}

int session_probe(struct session *s)
{
	unsigned max_size = 0;
	char why[512];
	int err;

	for (int i = 0; i < s->m->ncells; i++)
		if (s->m->cells[i].size > max_size)
			max_size = s->m->cells[i].size;
	err = probe_start(&s->eng.probe, s->want_arm, s->want_sc, max_size, PROBE_ATTACH, why,
			  sizeof(why));

	return err ? fail(s, err, "cannot run BPF: %s", why) : 0;
}

/* the work directory (removed at exit), /proc/self/pagemap, and the BPF programs */
static int engine_open(struct session *s)
{
	snprintf(s->workdir, sizeof(s->workdir), "/var/tmp/bpfault.XXXXXX");
	if (!mkdtemp(s->workdir))
		return fail(s, -errno, "cannot make a work directory in /var/tmp: %s",
			    strerror(errno));
	sys_remove_dir_at_exit(s->workdir);
	s->eng.workdir = s->workdir;
	s->eng.pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (s->eng.pagemap_fd < 0)
		return fail(s, -errno, "cannot open /proc/self/pagemap: %s", strerror(errno));
	for (int i = 0; i < s->m->ncells; i++) {
		for (size_t a = 0; a < narms; a++)
			if (s->m->cells[i].arm_mask & (1u << a))
				s->want_arm[a] = true;
		s->want_sc[s->m->cells[i].sc->id] = true;
	}
	return session_probe(s);
}

int session_open(struct session *s, const char *cmd, struct matrix *m, const struct run_opts *o)
{
	int err;

	memset(s, 0, sizeof(*s));
	s->cmd = cmd;
	s->m = m;
	s->eng.pagemap_fd = -1;
	err = env_check(s);
	if (err)
		return err;
	s->cpu = workload_cpu(o);
	if (sys_pin_cpu(s->cpu))
		return fail(s, -EINVAL, "cannot pin to CPU %d: %s", s->cpu, strerror(errno));
	return 0;
}

int session_start(struct session *s)
{
	int err;

	/* one run at a time (swap and tracefs are shared): wait for the lock */
	sys_init();
	if (sys_stop_signal()) /* asked to stop while it parsed, loaded the matrix, re-executed */
		return fail(s, -EINTR, "stopped by signal %d before it changed anything",
			    sys_stop_signal());
	err = sys_lock();
	if (err)
		return fail(s, sys_stop_signal() ? -EINTR : err, "cannot take %s: %s",
			    SYS_LOCK_PATH, strerror(-err));
	sys_swap_summary(s->swap_found, sizeof(s->swap_found));
	err = host_state(s);
	return err ? err : engine_open(s);
}

int session_status(const struct session *s, int err)
{
	err_msg("%s: %s", s->cmd, s->why);
	if (err == -EINVAL)
		return EXIT_USAGE;
	return err == -EINTR ? EXIT_INTERRUPTED : EXIT_SKIP;
}

void session_close(struct session *s)
{
	probe_stop(&s->eng.probe);
	if (s->eng.pagemap_fd >= 0)
		close(s->eng.pagemap_fd);
	s->eng.pagemap_fd = -1;
	sys_restore();
}
