// SPDX-License-Identifier: BSD-2-Clause
/* Sinks, syscalls and arms: the descriptor tables (page states are in workloads/states.c). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "common.h"
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

const struct sink_desc sinks[] = {
	{"file", "regular file on the work directory's file system (the kernel copies the buffer)",
	 file_open, file_after, fd_close},
	{"null", "/dev/null (the kernel never touches the buffer)", null_open, no_after, fd_close},
	{"pipe", "pipe, drained after each call (the kernel copies the buffer)", pipe_open,
	 pipe_after, fd_close},
};
const size_t nsinks = ARRAY_SIZE(sinks);

/* ---- syscalls ---- */

static long write_issue(struct cellrt *c)
{
	return bpfault_call(SYS_write, c->fd, (long)c->buf, (long)c->size);
}

static const char *any_sink(const struct sink_desc *k)
{
	(void)k;
	return NULL;
}

const struct syscall_desc syscalls[] = {
	{"write", SYS_write, 1, write_issue, "tp_enter_write", "tp_exit_write", any_sink},
};
const size_t nsyscalls = ARRAY_SIZE(syscalls);

/* ---- arms ---- */

const struct arm_desc arms[] = {
	{"enter",
	 ARM_ENTER,
	 false,
	 "tracepoint/syscalls/sys_enter_<syscall>, bpf_probe_read_user",
	 {NULL, NULL},
	 true},
	{"exit",
	 ARM_EXIT,
	 false,
	 "tracepoint/syscalls/sys_exit_<syscall>, pointer saved at enter",
	 {NULL, NULL},
	 true},
	{"retry",
	 ARM_RETRY,
	 false,
	 "read at enter; if that failed, read again at exit",
	 {NULL, NULL},
	 true},
	{"raw-enter",
	 ARM_RAW_ENTER,
	 false,
	 "raw_tp/sys_enter (generic, as most agents hook)",
	 {"raw_enter", NULL},
	 false},
	{"raw-exit",
	 ARM_RAW_EXIT,
	 false,
	 "raw_tp/sys_exit, pointer saved at raw_tp/sys_enter",
	 {"raw_enter", "raw_exit"},
	 false},
	{"btf-enter", ARM_BTF_ENTER, false, "tp_btf/sys_enter", {"btf_enter", NULL}, false},
	{"btf-exit",
	 ARM_BTF_EXIT,
	 false,
	 "tp_btf/sys_exit, pointer saved at tp_btf/sys_enter",
	 {"btf_enter", "btf_exit"},
	 false},
	{"sleep",
	 ARM_SLEEP,
	 true,
	 "sleepable uprobe.s on the workload's call site, bpf_copy_from_user (faults pages in)",
	 {"sleep_call", NULL},
	 false},
	{"fentry",
	 ARM_FENTRY,
	 false,
	 "fentry/vfs_write (in-kernel, before the copy)",
	 {"fentry_vfs_write", NULL},
	 false},
	{"kprobe",
	 ARM_KPROBE,
	 false,
	 "kprobe/vfs_write (in-kernel, before the copy)",
	 {"kprobe_vfs_write", NULL},
	 false},
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
