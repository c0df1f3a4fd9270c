// SPDX-License-Identifier: BSD-2-Clause
/* Sinks, syscalls and arms: the descriptor tables (page states are in workloads/states.c). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include "common.h"
#include <liburing.h>
#include "model.h"

/* The workload's one call site. noinline and global: the sleepable uprobe arm attaches here. */
__attribute__((noinline, used)) long bpfault_call(long nr, long a0, long a1, long a2)
{
	long r = syscall(nr, a0, a1, a2);

	__asm__ volatile("" ::: "memory");
	return r < 0 ? -errno : r;
}

/* ---- sinks ---- */

static int file_open(struct cellrt *c)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/sink.%p", c->workdir, (void *)c);
	c->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (c->fd < 0)
		return -errno;
	unlink(path);
	return 0;
}

static void file_after(struct cellrt *c)
{
	if ((c->calls & 1023) == 0)
		lseek(c->fd, 0, SEEK_SET); /* keep the sink file small */
}

static void fd_close(struct cellrt *c)
{
	if (c->fd >= 0)
		close(c->fd);
	if (c->fd2 >= 0)
		close(c->fd2);
	c->fd = c->fd2 = -1;
}

static int null_open(struct cellrt *c)
{
	c->fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	return c->fd < 0 ? -errno : 0;
}

static void no_after(struct cellrt *c)
{
	(void)c;
}

static int pipe_open(struct cellrt *c)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	c->fd2 = p[0];
	c->fd = p[1];
	return 0;
}

static void pipe_after(struct cellrt *c)
{
	char tmp[PAGE_SZ];

	while (read(c->fd2, tmp, sizeof(tmp)) > 0)
		;
}

static int socket_open(struct cellrt *c)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0)
		return -errno;
	c->fd = sv[0];
	c->fd2 = sv[1];
	return 0;
}

/* O_DIRECT: the kernel pins the user pages (faulting them in) and DMAs from them */
static int direct_open(struct cellrt *c)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/direct.%p", c->workdir, (void *)c);
	c->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_DIRECT, 0600);
	if (c->fd < 0)
		return -errno;
	unlink(path);
	return 0;
}

static void direct_after(struct cellrt *c)
{
	lseek(c->fd, 0, SEEK_SET); /* every write at an aligned position */
}

static const char *direct_fits(uint32_t size, uint32_t offset)
{
	return size % 512 || offset % 512 ? "O_DIRECT needs 512-byte aligned size and offset"
					  : NULL;
}

static int none_open(struct cellrt *c)
{
	c->fd = c->fd2 = -1;
	return 0;
}

const struct sink_desc sinks[] = {
	{"file", "regular file on the work directory's file system (the kernel copies the buffer)",
	 file_open, file_after, fd_close, NULL},
	{"null", "/dev/null (the kernel never touches the buffer)", null_open, no_after, fd_close,
	 NULL},
	{"pipe", "pipe, drained after each call (the kernel copies the buffer)", pipe_open,
	 pipe_after, fd_close, NULL},
	{"socket", "AF_UNIX stream socket pair, drained after each call", socket_open, pipe_after,
	 fd_close, NULL},
	{"direct", "regular file opened O_DIRECT (the kernel pins the pages and DMAs from them)",
	 direct_open, direct_after, fd_close, direct_fits},
	{"none", "no data sink: the syscall takes a path or argv (openat, execve)", none_open,
	 no_after, fd_close, NULL},
};
const size_t nsinks = ARRAY_SIZE(sinks);

/* ---- syscalls ---- */

static long write_issue(struct cellrt *c)
{
	return bpfault_call(SYS_write, c->fd, (long)c->buf, (long)c->size);
}

static int iov_setup(struct cellrt *c)
{
	/* the iovec stays resident: the page state applies to the data it points at */
	c->iov = mmap(NULL, PAGE_SZ, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
	if (c->iov == MAP_FAILED) {
		c->iov = NULL;
		return -errno;
	}
	return 0;
}

static void iov_teardown(struct cellrt *c)
{
	if (c->iov)
		munmap(c->iov, PAGE_SZ);
	c->iov = NULL;
}

static int ring_setup(struct cellrt *c)
{
	struct io_uring *ring = calloc(1, sizeof(*ring));
	int err;

	if (!ring)
		return -ENOMEM;
	err = io_uring_queue_init(4, ring, 0);
	if (err) {
		free(ring);
		return err;
	}
	c->ring = ring;
	return 0;
}

static void ring_teardown(struct cellrt *c)
{
	if (c->ring) {
		io_uring_queue_exit(c->ring);
		free(c->ring);
	}
	c->ring = NULL;
}

/* one IORING_OP_WRITE at the current position; user_data carries the buffer's address */
static long uring_write_issue(struct cellrt *c)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(c->ring);
	struct io_uring_cqe *cqe;
	long r;

	if (!sqe)
		return -EBUSY;
	io_uring_prep_write(sqe, c->fd, c->buf, c->size, (__u64)-1);
	sqe->user_data = (uintptr_t)c->buf;
	r = io_uring_submit_and_wait(c->ring, 1);
	if (r < 0)
		return r;
	r = io_uring_wait_cqe(c->ring, &cqe);
	if (r < 0)
		return r;
	r = cqe->res;
	io_uring_cqe_seen(c->ring, cqe);
	return r;
}

#define EXEC_PATH "/bin/true"

/* a shared page: the child's report at 0, envp at 64, argv at 128 (resident) */
static int exec_setup(struct cellrt *c)
{
	char **argv;

	c->shared = mmap(NULL, PAGE_SZ, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c->shared == MAP_FAILED) {
		c->shared = NULL;
		return -errno;
	}
	memset(c->shared, 0, PAGE_SZ);
	argv = (char **)((char *)c->shared + 128);
	argv[0] = (char *)EXEC_PATH;
	c->iov = argv;
	c->later_off = sizeof(EXEC_PATH); /* argv[1] follows argv[0] and its NUL */
	return 0;
}

static void exec_teardown(struct cellrt *c)
{
	if (c->shared)
		munmap(c->shared, PAGE_SZ);
	c->shared = NULL;
	c->iov = NULL;
}

/* in the forked child: execve(/bin/true, [/bin/true, <pattern>], []) */
static long execve_issue(struct cellrt *c)
{
	char **argv = c->iov, **envp = (char **)((char *)c->shared + 64);

	argv[1] = (char *)c->buf;
	argv[2] = NULL;
	envp[0] = NULL;
	return bpfault_call(SYS_execve, (long)EXEC_PATH, (long)argv, (long)envp);
}

static const char *exited_zero(struct cellrt *c, long r)
{
	(void)c;
	if (r == 0)
		return NULL;
	return r == 121	  ? "the exec failed"
	       : r == 120 ? "the child could not read its pagemap"
			  : "the exec'd program failed";
}

static long writev_issue(struct cellrt *c)
{
	struct iovec *iov = c->iov;

	iov->iov_base = c->buf;
	iov->iov_len = c->size;
	return bpfault_call(SYS_writev, c->fd, (long)iov, 1);
}

/* openat of a path that is the pattern: it does not exist, and nothing is created */
static long openat_issue(struct cellrt *c)
{
	return bpfault_call(SYS_openat, AT_FDCWD, (long)c->buf, O_RDONLY | O_CLOEXEC);
}

static const char *wrote_all(struct cellrt *c, long r)
{
	return r == (long)c->size ? NULL : "short or failed write";
}

static const char *no_such_path(struct cellrt *c, long r)
{
	if (r >= 0) {
		close((int)r);
		return "the pattern path exists";
	}
	(void)c;
	return r == -ENOENT || r == -ENAMETOOLONG ? NULL : "unexpected error";
}

static const char *data_sink(const struct sink_desc *k)
{
	return strcmp(k->name, "none") ? NULL : "needs a data sink (file, null, pipe, socket)";
}

static const char *path_only(const struct sink_desc *k)
{
	return strcmp(k->name, "none") ? "takes a path or argv, not a data sink (use sink none)"
				       : NULL;
}

const struct syscall_desc syscalls[] = {
	{.name = "write",
	 .nr = SYS_write,
	 .argi = 1,
	 .kind = KIND_BUF,
	 .issue = write_issue,
	 .check = wrote_all,
	 .tp_enter = "tp_enter_write",
	 .tp_exit = "tp_exit_write",
	 .sink_ok = data_sink},
	{.name = "writev",
	 .nr = SYS_writev,
	 .argi = 1,
	 .kind = KIND_IOV,
	 .issue = writev_issue,
	 .check = wrote_all,
	 .tp_enter = "tp_enter_writev",
	 .tp_exit = "tp_exit_writev",
	 .sink_ok = data_sink,
	 .setup = iov_setup,
	 .teardown = iov_teardown},
	{.name = "openat",
	 .nr = SYS_openat,
	 .argi = 1,
	 .kind = KIND_STR,
	 .issue = openat_issue,
	 .check = no_such_path,
	 .tp_enter = "tp_enter_openat",
	 .tp_exit = "tp_exit_openat",
	 .sink_ok = path_only},
	{.name = "execve",
	 .nr = SYS_execve,
	 .argi = 1,
	 .kind = KIND_ARGV,
	 .issue = execve_issue,
	 .check = exited_zero,
	 .tp_enter = "tp_enter_execve",
	 .tp_exit = "tp_exit_execve",
	 .sink_ok = path_only,
	 .setup = exec_setup,
	 .teardown = exec_teardown,
	 .forks = true,
	 .replaces_mm = true},
	{.name = "uring-write",
	 .nr = SYS_io_uring_enter,
	 .argi = -1,
	 .kind = KIND_BUF,
	 .issue = uring_write_issue,
	 .check = wrote_all,
	 .sink_ok = data_sink,
	 .setup = ring_setup,
	 .teardown = ring_teardown},
};
const size_t nsyscalls = ARRAY_SIZE(syscalls);

/* ---- arms ---- */

#define TP_ARM(n, i, h)                                                                            \
	{                                                                                          \
		.name = n, .id = i, .hook = h, .needs_tp = true, .needs_arg = true                 \
	}

const struct arm_desc arms[] = {
	TP_ARM("enter", ARM_ENTER, "tracepoint/syscalls/sys_enter_<syscall>, bpf_probe_read_user"),
	{.name = "exit",
	 .id = ARM_EXIT,
	 .hook = "tracepoint/syscalls/sys_exit_<syscall>, pointer saved at enter",
	 .needs_tp = true,
	 .needs_arg = true,
	 .at_exit = true},
	{.name = "retry",
	 .id = ARM_RETRY,
	 .hook = "read at enter; if that failed, read again at exit",
	 .needs_tp = true,
	 .needs_arg = true,
	 .at_exit = true},
	{.name = "raw-enter",
	 .needs_arg = true,
	 .id = ARM_RAW_ENTER,
	 .hook = "raw_tp/sys_enter (generic, as most agents hook)",
	 .progs = {"raw_enter"}},
	{.name = "raw-exit",
	 .needs_arg = true,
	 .id = ARM_RAW_EXIT,
	 .hook = "raw_tp/sys_exit, pointer saved at raw_tp/sys_enter",
	 .at_exit = true,
	 .progs = {"raw_enter", "raw_exit"}},
	{.name = "btf-enter",
	 .id = ARM_BTF_ENTER,
	 .hook = "tp_btf/sys_enter",
	 .progs = {"btf_enter"}},
	{.name = "btf-exit",
	 .needs_arg = true,
	 .id = ARM_BTF_EXIT,
	 .hook = "tp_btf/sys_exit, pointer saved at tp_btf/sys_enter",
	 .at_exit = true,
	 .progs = {"btf_enter", "btf_exit"}},
	{.name = "sleep",
	 .needs_arg = true,
	 .id = ARM_SLEEP,
	 .perturbing = true,
	 .hook = "sleepable uprobe.s on the workload's call site, bpf_copy_from_user (faults pages "
		 "in)",
	 .progs = {"sleep_call"}},
	{.name = "fentry",
	 .id = ARM_FENTRY,
	 .hook = "fentry/vfs_write (in-kernel, before the copy)",
	 .progs = {"fentry_vfs_write"},
	 .only = "write"},
	{.name = "kprobe",
	 .id = ARM_KPROBE,
	 .hook = "kprobe/vfs_write (in-kernel, before the copy)",
	 .progs = {"kprobe_vfs_write"},
	 .only = "write"},
	{.name = "submit",
	 .id = ARM_SUBMIT,
	 .hook = "tracepoint/io_uring/io_uring_submit_req (at submission, the SQE's buffer)",
	 .progs = {"uring_submit"},
	 .only = "uring-write"},
	{.name = "later",
	 .id = ARM_LATER,
	 .hook = "after the kernel used the memory: tracepoint/io_uring/io_uring_complete "
		 "(io_uring), "
		 "tracepoint/sched/sched_process_exec reading argv from the new image (execve)",
	 .progs = {"uring_complete", "exec_later"},
	 .only = "uring-write,execve"},
	/* the frontier (bpf/deferred.bpf.h, dynptr, exitmm, sleeptp; bench/frontier.c) */
	{.name = "deferred",
	 .id = ARM_DEFERRED,
	 .hook = "tracepoint/syscalls/sys_enter_<syscall> schedules a BPF task_work (resume); its "
		 "sleepable callback reads with bpf_copy_from_user before the call returns (faults "
		 "pages in)",
	 .tp_progs = "deferred",
	 .needs_arg = true,
	 .at_exit = true,
	 .perturbing = true,
	 .only = "write,writev,openat"},
	{.name = "deferred-signal",
	 .id = ARM_DEFERRED_SIGNAL,
	 .hook = "as deferred, with bpf_task_work_schedule_signal (may interrupt a blocking call)",
	 .tp_progs = "deferred",
	 .needs_arg = true,
	 .at_exit = true,
	 .perturbing = true,
	 .only = "write,writev,openat"},
	{.name = "deferred-on-fail",
	 .id = ARM_DEFERRED_ON_FAIL,
	 .hook = "bpf_probe_read_user at sys_enter_<syscall>; only if that failed, the deferred "
		 "task_work read",
	 .tp_progs = "deferred",
	 .needs_arg = true,
	 .at_exit = true,
	 .perturbing = true,
	 .only = "write,writev,openat"},
	{.name = "exit-mm",
	 .id = ARM_EXIT_MM,
	 .hook = "tracepoint/syscalls/sys_exit_execve reading argv[1] from the new image's "
		 "mm->arg_start (as Falco's modern probe)",
	 .at_exit = true,
	 .progs = {"exit_mm_execve"},
	 .only = "execve"},
	{.name = "dynptr",
	 .id = ARM_DYNPTR,
	 .hook = "tracepoint/syscalls/sys_enter_<syscall>, bpf_probe_read_user(_str)_dynptr (fails "
		 "without zeroing the destination)",
	 .tp_progs = "dynptr",
	 .needs_arg = true},
	{.name = "sleep-tp",
	 .id = ARM_SLEEP_TP,
	 .hook = "sleepable tracepoint/syscalls/sys_enter_<syscall> (BPF_F_SLEEPABLE), "
		 "bpf_copy_from_user (faults pages in)",
	 .tp_progs = "sleep_tp",
	 .needs_arg = true,
	 .perturbing = true,
	 .sleepable = true,
	 .only = "write,writev,openat"},
	{.name = "iter",
	 .id = ARM_ITER,
	 .hook = "after the call returned, the tool reads a sleepable task iterator (iter.s/task) "
		 "that copies the buffer with bpf_copy_from_user_task (faults pages in)",
	 .progs = {"iter_task"},
	 .at_exit = true,
	 .only = "write,writev,openat"},
};
const size_t narms = ARRAY_SIZE(arms);

const struct sink_desc *find_sink(const char *name)
{
	for (size_t i = 0; i < nsinks; i++)
		if (!strcmp(sinks[i].name, name))
			return &sinks[i];
	return NULL;
}

const struct syscall_desc *find_syscall(const char *name)
{
	for (size_t i = 0; i < nsyscalls; i++)
		if (!strcmp(syscalls[i].name, name))
			return &syscalls[i];
	return NULL;
}

const struct arm_desc *find_arm(const char *name)
{
	for (size_t i = 0; i < narms; i++)
		if (!strcmp(arms[i].name, name))
			return &arms[i];
	return NULL;
}
