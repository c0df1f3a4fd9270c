// SPDX-License-Identifier: BSD-2-Clause
/*
 * bpfault run --kernel K: the matrix in a qemu guest per kernel (TCG: this host's stock kernels
 * cannot use KVM), or natively for K = host. Per guest: a temporary directory (initramfs, sparse
 * ext4 work disk) removed afterwards, qemu killed at the host-side timeout, on a signal, and (by
 * PR_SET_PDEATHSIG) when bpfault itself dies. The guest writes into the run's output directory
 * over 9p; its results are then labelled meta.accel "tcg", meta.cost_comparable false.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common.h"
#include "guest.h"
#include "sysstate.h"

#define GUEST_MEM_MB	  2048
#define GUEST_SMP	  2
#define GUEST_DISK_BYTES  (4ull << 30)
#define GUEST_TIMEOUT_S	  3600
#define GUEST_OUT	  "/bpfault-out"
#define GUEST_RC_FILE	  ".guest-rc"
#define GUEST_CONSOLE_LOG "guest-console.log"

int initramfs_build(const char *path, const struct kernel_img *k, const char *job, const char *cmd,
		    char *why, size_t len);

/* how one kernel's run ended */
struct guest_end {
	int rc;		/* the run command's exit status */
	char what[160]; /* "ok", "exit status N", "timed out after N s", ... */
	const char *accel;
	double elapsed_s;
};

static void sh_quote(struct sbuf *b, const char *s)
{
	sb_printf(b, "'");
	for (; *s; s++)
		if (*s == '\'')
			sb_printf(b, "'\\''");
		else
			sb_printf(b, "%c", *s);
	sb_printf(b, "'");
}

static const char *self_exe(void)
{
	static char p[PATH_MAX];

	if (!p[0] && !realpath("/proc/self/exe", p))
		snprintf(p, sizeof(p), "/proc/self/exe");
	return p;
}

/* argv for 'bpfault run' without --kernel/--guest-timeout/-o, then -o outdir; NULL-terminated */
static char **fwd_argv(const struct guest_req *q, const char *outdir)
{
	char **v = calloc((size_t)q->argc + 4, sizeof(*v));
	int n = 0;

	if (!v)
		return NULL;
	v[n++] = (char *)self_exe();
	v[n++] = "run";
	for (int i = 1; i < q->argc; i++)
		if (!q->drop[i])
			v[n++] = q->argv[i];
	v[n++] = "-o";
	v[n++] = (char *)outdir;
	return v;
}

/* the directory holding path, into dir */
static void dir_of(const char *path, char *dir, size_t len)
{
	char *s;

	snprintf(dir, len, "%s", path);
	s = strrchr(dir, '/');
	if (s && s != dir)
		*s = 0;
}

/* /job (for init) and /cmd (the script run in the guest's root) */
static int guest_scripts(const struct guest_req *q, const struct kernel_img *k, struct sbuf *job,
			 struct sbuf *cmd)
{
	char cwd[PATH_MAX], d[PATH_MAX], mx[PATH_MAX], mxd[PATH_MAX];
	const char *keep[3] = {cwd, NULL, NULL};
	char **v = fwd_argv(q, GUEST_OUT);

	if (!v || !getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), "/");
	dir_of(self_exe(), d, sizeof(d));
	keep[1] = d;
	if (q->matrix_file && realpath(q->matrix_file, mx)) {
		dir_of(mx, mxd, sizeof(mxd));
		keep[2] = mxd;
	}
	sb_printf(job, "REL=");
	sh_quote(job, k->release);
	sb_printf(job, "\nMODDIR=");
	sh_quote(job, k->moddir);
	sb_printf(job, "\nKEEP='");
	for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
		if (keep[i] && !strpbrk(keep[i], " \t\n'"))
			sb_printf(job, " %s", keep[i]);
	sb_printf(job, "'\n");
	sb_printf(cmd, "cd ");
	sh_quote(cmd, cwd);
	sb_printf(cmd, " 2>/dev/null || cd /\n");
	/* the guest's run labels its own costs (its table, meta) as not comparable */
	sb_printf(cmd, "BPFAULT_ACCEL=tcg ");
	for (int i = 0; v && v[i]; i++) {
		sb_printf(cmd, i ? " " : "");
		sh_quote(cmd, v[i]);
	}
	sb_printf(cmd, "\necho $? > %s/%s\n", GUEST_OUT, GUEST_RC_FILE);
	free(v);
	return job->err ? job->err : cmd->err;
}

/* a sparse file with an ext4 file system: the guest's /var/tmp (file page-outs need a disk) */
static int make_disk(const char *path, char *why, size_t len)
{
	static const char *const mkfs[] = {"/usr/sbin/mkfs.ext4", "/sbin/mkfs.ext4", NULL};
	const char *t = find_tool(mkfs);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600), rc;

	if (fd < 0 || ftruncate(fd, (off_t)GUEST_DISK_BYTES)) {
		snprintf(why, len, "cannot make the work disk %.200s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	close(fd);
	if (!t) {
		snprintf(why, len, "no mkfs.ext4 (apt-get install e2fsprogs)");
		return -ENOENT;
	}
	{
		char *argv[] = {(char *)t, "-q",	"-F",	      "-m", "0",
				"-E",	   "nodiscard", (char *)path, NULL};

		rc = spawn_wait(argv, NULL, -1, -2);
	}
	if (rc) {
		snprintf(why, len, "mkfs.ext4 %.200s failed (status %d)", path, rc);
		return -EIO;
	}
	return 0;
}

/* a -virtfs/-drive value: commas doubled */
static void qemu_path(struct sbuf *b, const char *p)
{
	for (; *p; p++)
		sb_printf(b, *p == ',' ? ",," : "%c", *p);
}

static char **qemu_argv(const char *qemu, const struct kernel_img *k, const char *tmp,
			const char *outdir, struct sbuf *s)
{
	static char *argv[40];
	size_t off[8];
	int n = 0;

	/* the option values, one after another in s (offsets: s->s may move while it grows) */
	off[0] = s->len, sb_printf(s, "%s/init.cpio", tmp), sb_printf(s, "%c", 0);
	off[2] = s->len, sb_printf(s, "local,path=/,mount_tag=hostroot,security_model=none,");
	sb_printf(s, "readonly=on,multidevs=remap%c", 0);
	off[3] = s->len, sb_printf(s, "local,path="), qemu_path(s, outdir);
	sb_printf(s, ",mount_tag=out,security_model=none,multidevs=remap%c", 0);
	off[4] = s->len,
	sb_printf(s, "file=%s/disk.img,format=raw,if=virtio,cache=unsafe%c", tmp, 0);
	off[5] = s->len, sb_printf(s, "file,id=con,path=");
	qemu_path(s, outdir);
	sb_printf(s, "/%s,append=on%c", GUEST_CONSOLE_LOG, 0);
	off[6] = s->len, sb_printf(s, "%d%c%d%c", GUEST_MEM_MB, 0, GUEST_SMP, 0);
	if (s->err)
		return NULL;
#define A(x) (argv[n++] = (char *)(x))
	A(qemu), A("-accel"), A("tcg"), A("-cpu"), A("max"), A("-m"), A(s->s + off[6]);
	A("-smp"), A(s->s + off[6] + strlen(s->s + off[6]) + 1);
	A("-nodefaults"), A("-no-user-config"), A("-display"), A("none"), A("-no-reboot");
	A("-monitor"), A("none"), A("-kernel"), A(k->image), A("-initrd"), A(s->s + off[0]);
	A("-append"), A("console=ttyS0 panic=-1 loglevel=4");
	A("-chardev"), A(s->s + off[5]), A("-serial"), A("chardev:con");
	A("-virtfs"), A(s->s + off[2]), A("-virtfs"), A(s->s + off[3]);
	A("-drive"), A(s->s + off[4]), A(NULL);
#undef A
	return argv;
}

/* qemu, in a child that dies with us, on every CPU (bpfault may have been pinned to one) */
static pid_t start_qemu(char **argv, const char *outdir)
{
	char log[PATH_MAX];
	pid_t pid;

	snprintf(log, sizeof(log), "%s/%s", outdir, GUEST_CONSOLE_LOG);
	pid = fork();
	if (pid == 0) {
		cpu_set_t all;
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		int nul = open("/dev/null", O_RDONLY);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() == 1)
			_exit(127);
		CPU_ZERO(&all);
		for (int i = 0; i < CPU_SETSIZE; i++)
			CPU_SET(i, &all);
		sched_setaffinity(0, sizeof(all), &all);
		if (nul >= 0)
			dup2(nul, STDIN_FILENO);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* wait for qemu until the deadline or a signal, then TERM, then KILL; its wait status or -1 */
static int wait_qemu(pid_t pid, unsigned timeout_s, bool *timed_out, int *sig)
{
	uint64_t deadline = now_ns() + (uint64_t)timeout_s * 1000000000ull, kill_at = 0;
	struct timespec tick = {0, 100000000};
	int st;

	*timed_out = false;
	*sig = 0;
	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return st;
		if (r < 0 && errno != EINTR)
			return -1;
		if (!kill_at && (now_ns() > deadline || sys_stop_signal())) {
			*timed_out = !sys_stop_signal();
			*sig = sys_stop_signal();
			kill(pid, SIGTERM);
			kill_at = now_ns() + 3000000000ull;
		} else if (kill_at && now_ns() > kill_at) {
			kill(pid, SIGKILL);
		}
		nanosleep(&tick, NULL);
	}
}

static void print_tail(const char *path, int lines)
{
	char *s = NULL, *p;
	size_t len = 0;

	if (read_file(path, &s, &len))
		return;
	for (p = s + len; p > s && lines >= 0; p--)
		if (p[-1] == '\n')
			lines--;
	fprintf(stderr, "--- last lines of %s ---\n%s", path, p);
	free(s);
}

/* meta.accel, meta.cost_comparable and meta.guest into outdir/results.json */
static void label_results(const struct guest_req *q, const char *outdir, const struct kernel_img *k,
			  unsigned timeout_s)
{
	char path[PATH_MAX + 32];
	json_t *root, *meta, *g, *cmd = json_array();
	char *s;

	snprintf(path, sizeof(path), "%s/results.json", outdir);
	root = json_load_file(path, 0, NULL);
	meta = root ? json_object_get(root, "meta") : NULL;
	if (!json_is_object(meta)) {
		json_decref(root);
		json_decref(cmd);
		return;
	}
	for (int i = 0; i < q->argc; i++)
		json_array_append_new(cmd, json_string(q->argv[i]));
	g = json_pack("{ss ss ss ss si si si}", "emulator", "qemu-system-x86_64", "cpu", "max",
		      "kernel_spec", k->spec, "image", k->image, "smp", GUEST_SMP, "memory_mb",
		      GUEST_MEM_MB, "timeout_s", (int)timeout_s);
	json_object_set_new(meta, "accel", json_string("tcg"));
	json_object_set_new(meta, "cost_comparable", json_false());
	json_object_set_new(meta, "cost_note",
			    json_string("measured under qemu TCG (emulated CPU): times are not "
					"comparable with native runs or across hosts"));
	if (g) {
		json_object_set_new(g, "host_command", cmd); /* meta.command is the guest's */
		json_object_set_new(meta, "guest", g);
	} else {
		json_decref(cmd);
	}
	s = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	if (!s || write_file_atomic(path, s, strlen(s)))
		err_msg("guest: cannot label %s", path);
	free(s);
	json_decref(root);
}

/* what the guest's run said: its exit status from the share, or how it failed */
static void guest_verdict(const char *outdir, int st, bool timed_out, int sig, unsigned timeout_s,
			  struct guest_end *e)
{
	char path[PATH_MAX + 32], *s = NULL;
	size_t len;
	uint64_t rc;

	snprintf(path, sizeof(path), "%s/%s", outdir, GUEST_RC_FILE);
	if (read_file(path, &s, &len) == 0 && (s[strcspn(s, "\n")] = 0, 1) &&
	    parse_u64(s, 0, 255, &rc) == 0) {
		e->rc = (int)rc;
		snprintf(e->what, sizeof(e->what), rc ? "exit status %d" : "ok", e->rc);
	} else if (sig) {
		e->rc = EXIT_INTERRUPTED;
		snprintf(e->what, sizeof(e->what), "interrupted by signal %d", sig);
	} else if (timed_out) {
		e->rc = EXIT_FAIL;
		snprintf(e->what, sizeof(e->what), "timed out after %u s: qemu killed", timeout_s);
	} else {
		e->rc = EXIT_SKIP;
		snprintf(e->what, sizeof(e->what),
			 "the guest stopped without an exit status (qemu %s %d)",
			 WIFEXITED(st) ? "status" : "signal",
			 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	}
	free(s);
	unlink(path);
}

/* one kernel in a guest, into outdir */
static void run_guest(const struct guest_req *q, const struct kernel_img *k, const char *outdir,
		      struct guest_end *e)
{
	static const char *const qemus[] = {"/usr/bin/qemu-system-x86_64", NULL};
	const char *qemu = find_tool(qemus);
	char tmp[] = "/var/tmp/bpfault-guest.XXXXXX", p[PATH_MAX], why[512] = "";
	struct sbuf job = {0}, cmd = {0}, qs = {0};
	unsigned timeout_s = q->timeout_s ? q->timeout_s : GUEST_TIMEOUT_S;
	char **argv;
	bool timed_out;
	int st = 0, sig;
	pid_t pid;

	e->accel = "tcg";
	e->rc = EXIT_SKIP;
	if (!qemu) {
		snprintf(e->what, sizeof(e->what), "no %s (apt-get install qemu-system-x86)",
			 qemus[0]);
		return;
	}
	if (!mkdtemp(tmp)) {
		snprintf(e->what, sizeof(e->what), "cannot make %s: %s", tmp, strerror(errno));
		return;
	}
	sys_remove_dir_at_exit(tmp);
	snprintf(p, sizeof(p), "%s/init.cpio", tmp);
	if (guest_scripts(q, k, &job, &cmd) ||
	    initramfs_build(p, k, job.s, cmd.s, why, sizeof(why)))
		goto out;
	snprintf(p, sizeof(p), "%s/disk.img", tmp);
	if (make_disk(p, why, sizeof(why)))
		goto out;
	snprintf(p, sizeof(p), "%s/%s", outdir, GUEST_CONSOLE_LOG);
	unlink(p);
	argv = qemu_argv(qemu, k, tmp, outdir, &qs);
	if (!argv) {
		snprintf(why, sizeof(why), "out of memory");
		goto out;
	}
	info("bpfault: booting %s (%s) under qemu TCG; console in %s", k->spec, k->release, p);
	pid = start_qemu(argv, outdir);
	if (pid < 0) {
		snprintf(why, sizeof(why), "cannot fork: %s", strerror(errno));
		goto out;
	}
	st = wait_qemu(pid, timeout_s, &timed_out, &sig);
	guest_verdict(outdir, st, timed_out, sig, timeout_s, e);
	if (e->rc == EXIT_SKIP || timed_out)
		print_tail(p, 15);
	label_results(q, outdir, k, timeout_s);
out:
	if (why[0])
		snprintf(e->what, sizeof(e->what), "%s", why);
	snprintf(p, sizeof(p), "%s/init.cpio", tmp);
	unlink(p);
	snprintf(p, sizeof(p), "%s/disk.img", tmp);
	unlink(p);
	rmdir(tmp);
	sb_free(&job);
	sb_free(&cmd);
	sb_free(&qs);
}

/* the host kernel, natively: bpfault run in a child process */
static void run_host(const struct guest_req *q, const char *outdir, struct guest_end *e)
{
	char **v = fwd_argv(q, outdir);
	int rc = v ? spawn_wait(v, NULL, -2, -2) : -ENOMEM;

	free(v);
	e->accel = "native";
	e->rc = rc < 0 ? EXIT_INTERNAL : rc;
	snprintf(e->what, sizeof(e->what), rc ? "exit status %d" : "ok", rc);
}

static int write_index(const char *outdir, json_t *list)
{
	char path[PATH_MAX + 16], *s;
	json_t *root = json_pack("{ss sO}", "format", "bpfault-kernels/1", "kernels", list);
	int err;

	snprintf(path, sizeof(path), "%s/index.json", outdir);
	s = root ? json_dumps(root, JSON_INDENT(2)) : NULL;
	err = s ? write_file_atomic(path, s, strlen(s)) : -ENOMEM;
	free(s);
	json_decref(root);
	return err;
}

static int resolve_all(const struct guest_req *q, struct kernel_img *k)
{
	char why[768];
	struct utsname u;
	int err;

	uname(&u);
	for (int i = 0; i < q->nkernels; i++) {
		if (kernel_is_host(q->kernels[i])) {
			memset(&k[i], 0, sizeof(k[i]));
			snprintf(k[i].spec, sizeof(k[i].spec), "host");
			snprintf(k[i].release, sizeof(k[i].release), "%s", u.release);
			continue;
		}
		err = kernel_resolve(q->kernels[i], &k[i], why, sizeof(why));
		if (err) {
			err_msg("run: %s", why);
			return err == -EINVAL ? EXIT_USAGE : EXIT_SKIP;
		}
		for (int j = 0; j < i; j++)
			if (!strcmp(k[j].release, k[i].release)) {
				err_msg("run: --kernel %s and %s are both %s", k[j].spec, k[i].spec,
					k[i].release);
				return EXIT_USAGE;
			}
	}
	return 0;
}

static int check_matrix(const struct guest_req *q)
{
	if (geteuid() != 0) {
		err_msg("run: needs root (qemu's 9p view of the host root, the kernel cache)");
		return EXIT_SKIP;
	}
	if (q->matrix_file && access(q->matrix_file, R_OK)) {
		err_msg("run: cannot read matrix '%s': %s", q->matrix_file, strerror(errno));
		return EXIT_USAGE;
	}
	return 0;
}

int guest_run_kernels(const struct guest_req *q)
{
	static struct kernel_img k[GUEST_MAX_KERNELS];
	char base[PATH_MAX - 256], dir[PATH_MAX - 64];
	json_t *list = json_array();
	int rc = check_matrix(q), worst = 0;

	if (rc || (rc = resolve_all(q, k)))
		return rc;
	if (q->outdir) {
		snprintf(base, sizeof(base), "%s", q->outdir);
	} else {
		time_t t = time(NULL);
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(base, sizeof(base), "results/%Y%m%dT%H%M%SZ", &tm);
	}
	sys_init();
	for (int i = 0; i < q->nkernels && !sys_stop_signal(); i++) {
		struct guest_end e = {0};
		uint64_t t0 = now_ns();

		snprintf(dir, sizeof(dir), q->nkernels > 1 ? "%s/%s" : "%s", base, k[i].release);
		if (mkdir_p(dir, 0755)) {
			err_msg("run: cannot create output directory '%s': %s", dir,
				strerror(errno));
			return EXIT_USAGE;
		}
		if (kernel_is_host(k[i].spec))
			run_host(q, dir, &e);
		else
			run_guest(q, &k[i], dir, &e);
		e.elapsed_s = (double)(now_ns() - t0) / 1e9;
		info("bpfault: kernel %s (%s, %s): %s, %.0f s, results in %s", k[i].spec,
		     k[i].release, e.accel, e.what, e.elapsed_s, dir);
		json_array_append_new(list, json_pack("{ss ss ss ss si ss sf}", "kernel", k[i].spec,
						      "release", k[i].release, "dir",
						      q->nkernels > 1 ? k[i].release : ".", "accel",
						      e.accel, "exit_status", e.rc, "status",
						      e.what, "elapsed_s", e.elapsed_s));
		if (e.rc == EXIT_INTERRUPTED || e.rc > worst)
			worst = e.rc;
		if (e.rc == EXIT_INTERRUPTED)
			break;
	}
	if (q->nkernels > 1 && write_index(base, list))
		err_msg("run: cannot write %s/index.json", base);
	json_decref(list);
	return sys_stop_signal() ? EXIT_INTERRUPTED : worst;
}
