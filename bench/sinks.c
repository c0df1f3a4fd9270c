// SPDX-License-Identifier: BSD-2-Clause
/* The sinks: where a trial's data goes. One descriptor each, `sink_<id>` (bpf/units.def). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>
#include "model.h"

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

const struct sink_desc sink_file = {
	.name = "file",
	.help = "regular file on the work directory's file system (the kernel copies the buffer)",
	.touches_buffer = true,
	.open = file_open,
	.after = file_after,
	.close = fd_close,
};

const struct sink_desc sink_null = {
	.name = "null",
	.help = "/dev/null (the kernel never touches the buffer)",
	.open = null_open,
	.after = no_after,
	.close = fd_close,
};

const struct sink_desc sink_pipe = {
	.name = "pipe",
	.help = "pipe, drained after each call (the kernel copies the buffer)",
	.touches_buffer = true,
	.open = pipe_open,
	.after = pipe_after,
	.close = fd_close,
};

const struct sink_desc sink_socket = {
	.name = "socket",
	.help = "AF_UNIX stream socket pair, drained after each call",
	.touches_buffer = true,
	.open = socket_open,
	.after = pipe_after,
	.close = fd_close,
};

const struct sink_desc sink_direct = {
	.name = "direct",
	.help = "regular file opened O_DIRECT (the kernel pins the pages and DMAs from them)",
	.touches_buffer = true,
	.open = direct_open,
	.after = direct_after,
	.close = fd_close,
	.fits = direct_fits,
};

const struct sink_desc sink_none = {
	.name = "none",
	.help = "no data sink: the syscall takes a path or argv (openat, execve)",
	.is_none = true,
	.open = none_open,
	.after = no_after,
	.close = fd_close,
};
