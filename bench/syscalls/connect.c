// SPDX-License-Identifier: BSD-2-Clause
/*
 * connect(fd, addr, size) on a fresh AF_UNIX stream socket, with the pattern as the address.
 * The kernel copies the address in (move_addr_to_kernel, up to sizeof(struct sockaddr_storage)
 * = 128 bytes; a longer one is refused unread) and then refuses it: the pattern's first two
 * bytes are not AF_UNIX (every pattern byte is odd), so the call fails with EINVAL after the
 * copy, which is what an agent reading the sockaddr at exit depends on.
 */
#include <errno.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "syscalls.h"

static long connect_issue(struct cellrt *c)
{
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	long r;

	if (s < 0)
		return -errno;
	r = bpfault_call(SYS_connect, s, (long)c->buf, (long)c->size, 0, 0, 0);
	close(s);
	return r;
}

static const char *refused(struct cellrt *c, long r)
{
	(void)c;
	return r == -EINVAL ? NULL : "expected EINVAL (not an AF_UNIX address)";
}

const struct syscall_impl sc_connect = {
	.nr = SYS_connect,
	.help = "connect() of an AF_UNIX socket to the pattern as sockaddr (copied in, then "
		"EINVAL)",
	.issue = connect_issue,
	.check = refused,
	.sink_ok = path_only,
};
