// SPDX-License-Identifier: BSD-2-Clause
/*
 * The tool's process: started in its own process group with its output in pipes and no other
 * descriptor of ours, killed with bpfault if bpfault dies (PR_SET_PDEATHSIG) or exits early (the
 * undo log), waited for but never reaped here (the undo log reaps it, so its pid cannot be reused
 * under a later kill). Output is read without blocking between trials, so a tool never stalls on
 * a full pipe while the trials run.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sysstate.h"
#include "tool.h"

#define PIPE_BYTES (1 << 20)

/* a command argument with {pid}, {tgid} and {comm} replaced */
static char *expand(const char *tmpl, pid_t pid, const char *comm)
{
	struct sbuf b = {0};

	for (const char *p = tmpl; *p; p++) {
		int ph = tool_placeholder(p);

		if (ph == 1 || ph == 2)
			sb_printf(&b, "%d", (int)pid);
		else if (ph == 3)
			sb_printf(&b, "%s", comm);
		else
			sb_printf(&b, "%c", *p);
		if (ph > 0)
			p = strchr(p, '}');
	}
	if (b.err || !b.s) {
		sb_free(&b);
		return b.err ? NULL : strdup("");
	}
	return b.s;
}

/* in the child: never returns; an exec failure's errno goes to the status pipe (fd 3) */
static void __attribute__((noreturn))
child_exec(const struct tool_def *d, const char *path, char **argv, const int fds[3], pid_t parent)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD};
	cpu_set_t all;
	sigset_t none;
	int e, nul;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		signal(sigs[i], SIG_DFL);
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	CPU_ZERO(&all); /* not pinned to the workload's core: let the scheduler place it */
	for (int c = 0; c < CPU_SETSIZE; c++)
		CPU_SET(c, &all);
	sched_setaffinity(0, sizeof(all), &all);
	nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (nul < 0 || dup2(nul, 0) < 0 || dup2(fds[0], 1) < 0 || dup2(fds[1], 2) < 0 ||
	    dup2(fds[2], 3) < 0 || fcntl(3, F_SETFD, FD_CLOEXEC) < 0)
		goto fail;
	close_range(4, ~0u, 0);
	for (int i = 0; i < d->nenv; i++)
		putenv(d->env[i]);
	execv(path, argv);
fail:
	e = errno;
	if (write(3, &e, sizeof(e)) < 0)
		_exit(126);
	_exit(127);
}

static void last_line(const struct sbuf *b, char *out, size_t len)
{
	const char *s = b->s ? b->s : "", *end = s + b->len, *start;

	while (end > s && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\r'))
		end--;
	for (start = end; start > s && start[-1] != '\n'; start--)
		;
	snprintf(out, len, "%.*s", (int)(end - start), start);
	if (!*out)
		snprintf(out, len, "(nothing on stderr)");
}

/* "exited with status N" / "was killed by SIGX", and the tool's last stderr line */
static int died(const struct tool_proc *t, const char *when, char *why, size_t len)
{
	char last[160], how[48];

	last_line(&t->out[1], last, sizeof(last));
	if (WIFSIGNALED(t->status))
		snprintf(how, sizeof(how), "was killed by %s", sigabbrev_np(WTERMSIG(t->status)));
	else
		snprintf(how, sizeof(how), "exited with status %d", WEXITSTATUS(t->status));
	snprintf(why, len, "tool %s %s %s: %s", t->def->name, how, when, last);
	return -ECHILD;
}

/* has it exited? (not reaped: WNOWAIT) */
static bool check_exit(struct tool_proc *t)
{
	siginfo_t si = {0};

	if (t->exited || t->pid <= 0)
		return t->exited;
	if (waitid(P_PID, (id_t)t->pid, &si, WEXITED | WNOHANG | WNOWAIT) || si.si_pid != t->pid)
		return false;
	t->exited = true;
	t->status = si.si_code == CLD_EXITED ? W_EXITCODE(si.si_status, 0) : si.si_status & 0x7f;
	return true;
}

/* read what is there; returns bytes read */
static size_t read_some(struct tool_proc *t)
{
	char buf[16384];
	size_t got = 0;

	for (int i = 0; i < 2; i++) {
		while (t->fd[i] >= 0) {
			ssize_t r = read(t->fd[i], buf, sizeof(buf));

			if (r > 0) {
				sb_printf(&t->out[i], "%.*s", (int)r, buf);
				got += (size_t)r;
				continue;
			}
			if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
				close(t->fd[i]);
				t->fd[i] = -1;
			}
			if (r < 0 && errno == EINTR)
				continue;
			break;
		}
	}
	if (got)
		t->last_ns = now_ns();
	return got;
}

/* wait up to ms for output on either pipe, then read it */
static size_t wait_some(struct tool_proc *t, int ms)
{
	struct pollfd p[2] = {{.fd = t->fd[0], .events = POLLIN},
			      {.fd = t->fd[1], .events = POLLIN}};

	if (t->fd[0] >= 0 || t->fd[1] >= 0)
		poll(p, 2, ms);
	else
		usleep((useconds_t)ms * 1000);
	return read_some(t);
}

/* a complete line on either stream matching the readiness regex */
static bool ready_line(struct tool_proc *t)
{
	for (int i = 0; i < 2; i++) {
		char *s = t->out[i].s, *nl;

		while (s && (nl = memchr(s + t->scanned[i], '\n', t->out[i].len - t->scanned[i]))) {
			*nl = '\0';
			bool hit = !regexec(&t->def->ready_re, s + t->scanned[i], 0, NULL, 0);

			*nl = '\n';
			t->scanned[i] = (size_t)(nl - s) + 1;
			if (hit)
				return true;
		}
	}
	return false;
}

static int wait_ready(struct tool_proc *t, char *why, size_t len)
{
	const struct tool_def *d = t->def;
	uint64_t t0 = now_ns(), limit = (uint64_t)d->ready_timeout_ms * 1000000;
	bool seen = !d->has_ready_re;
	char last[160];

	if (!d->has_ready_re)
		limit = (uint64_t)d->ready_delay_ms * 1000000;
	while (now_ns() - t0 < limit) {
		wait_some(t, 20);
		if (d->has_ready_re && (seen = ready_line(t)))
			break;
		if (check_exit(t)) {
			read_some(t);
			return died(t, "before it was ready", why, len);
		}
	}
	if (!seen) {
		last_line(&t->out[1], last, sizeof(last));
		snprintf(why, len, "tool %s never became ready within %u ms: %s", d->name,
			 d->ready_timeout_ms, last);
		return -ETIMEDOUT;
	}
	for (t0 = now_ns(); now_ns() - t0 < (uint64_t)d->ready_settle_ms * 1000000;) {
		wait_some(t, 20);
		if (check_exit(t))
			return died(t, "before it was ready", why, len);
	}
	return 0;
}

/* fork and exec; 0 or -errno (why says) */
static int spawn(struct tool_proc *t, const char *path, char **argv, char *why, size_t len)
{
	int po[2] = {-1, -1}, pe[2] = {-1, -1}, ps[2] = {-1, -1}, e = 0, err = 0;
	pid_t parent = getpid();

	if (pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC) || pipe2(ps, O_CLOEXEC)) {
		err = -errno;
		snprintf(why, len, "tool %s: pipe: %s", t->def->name, strerror(errno));
		goto out;
	}
	fcntl(po[0], F_SETPIPE_SZ, PIPE_BYTES); /* best effort: room while we are busy */
	t->pid = fork();
	if (t->pid == 0)
		child_exec(t->def, path, argv, (int[3]){po[1], pe[1], ps[1]}, parent);
	if (t->pid < 0) {
		err = -errno;
		t->pid = 0;
		snprintf(why, len, "tool %s: fork: %s", t->def->name, strerror(-err));
		goto out;
	}
	setpgid(t->pid, t->pid); /* also here: no race with the kill of its group */
	if (sys_kill_at_exit(t->pid)) {
		t->pid = 0; /* killed and reaped already */
		snprintf(why, len, "tool %s: no room left to register its process", t->def->name);
		err = -ENOSPC;
		goto out;
	}
	close(ps[1]);
	ps[1] = -1;
	while (read(ps[0], &e, sizeof(e)) < 0 && errno == EINTR)
		;
	if (e) {
		snprintf(why, len, "tool %s: cannot run %s: %s", t->def->name, path, strerror(e));
		err = -e;
	}
out:
	for (int i = 0; i < 2; i++) {
		int *p[3] = {po, pe, ps};

		for (int k = 0; k < 3; k++)
			if (p[k][i] >= 0 && (i == 1 || k == 2 || err))
				close(p[k][i]);
	}
	t->fd[0] = err ? -1 : po[0];
	t->fd[1] = err ? -1 : pe[0];
	return err;
}

int tool_start(struct tool_proc *t, const struct tool_def *d, pid_t target, char *why, size_t len)
{
	char path[4096], comm[32] = "", *argv[TOOL_MAX_ARGS + 1] = {0};
	int err = 0;
	FILE *f;

	memset(t, 0, sizeof(*t));
	t->def = d;
	t->fd[0] = t->fd[1] = -1;
	if (tool_def_installed(d, why, len) || tool_which(d->argv[0], path, sizeof(path)))
		return -ENOENT;
	f = fopen("/proc/self/comm", "re");
	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	for (int i = 0; i < d->argc && !err; i++)
		if (!(argv[i] = expand(d->argv[i], target, comm)))
			err = -ENOMEM;
	if (!err)
		err = spawn(t, path, argv, why, len);
	for (int i = 0; i < d->argc; i++)
		free(argv[i]);
	if (err == -ENOMEM)
		snprintf(why, len, "tool %s: out of memory", d->name);
	if (err)
		return err;
	for (int i = 0; i < 2; i++)
		fcntl(t->fd[i], F_SETFL, O_NONBLOCK);
	err = wait_ready(t, why, len);
	t->ready = !err;
	return err;
}

int tool_pump(struct tool_proc *t, char *why, size_t len)
{
	read_some(t);
	if (check_exit(t)) {
		read_some(t);
		return died(t, "during the trials", why, len);
	}
	return 0;
}

/* wait (reading its output) until it exits or ms pass; true if it exited */
static bool wait_exit(struct tool_proc *t, unsigned ms)
{
	uint64_t t0 = now_ns();

	while (!check_exit(t) && now_ns() - t0 < (uint64_t)ms * 1000000)
		wait_some(t, 10);
	return t->exited;
}

int tool_finish(struct tool_proc *t, char *why, size_t len)
{
	const struct tool_def *d = t->def;
	uint64_t t0 = now_ns(), quiet = (uint64_t)d->drain_quiet_ms * 1000000;
	uint64_t limit = (uint64_t)d->drain_timeout_ms * 1000000;
	int err = 0;

	t->last_ns = t0; /* quiet since the last trial, at least */
	while (!check_exit(t) && now_ns() - t->last_ns < quiet && now_ns() - t0 < limit)
		wait_some(t, (int)(d->drain_quiet_ms / 4 + 1));
	if (t->exited) {
		read_some(t);
		return died(t, "during the trials", why, len);
	}
	kill(-t->pid, d->stop_signal);
	if (!wait_exit(t, d->stop_grace_ms)) {
		kill(-t->pid, SIGKILL);
		wait_exit(t, 5000);
	}
	/* what it prints on the way out (drop counts, summaries); its pipes close at exit */
	for (int i = 0; i < 100 && (t->fd[0] >= 0 || t->fd[1] >= 0); i++)
		wait_some(t, 10);
	return err;
}

void tool_proc_free(struct tool_proc *t)
{
	if (t->pid > 0 && !check_exit(t)) {
		kill(-t->pid, SIGKILL);
		wait_exit(t, 5000);
	}
	for (int i = 0; i < 2; i++) {
		if (t->fd[i] >= 0)
			close(t->fd[i]);
		t->fd[i] = -1;
		sb_free(&t->out[i]);
	}
}
