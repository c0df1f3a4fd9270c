// SPDX-License-Identifier: BSD-2-Clause
/* sendto(fd, buf, size, MSG_DONTWAIT, NULL, 0) on the AF_UNIX socket pair sink */
#include <sys/socket.h>
#include <sys/syscall.h>
#include "syscalls.h"

static long sendto_issue(struct cellrt *c)
{
	return bpfault_call(SYS_sendto, c->fd, (long)c->buf, (long)c->size, MSG_DONTWAIT, 0, 0);
}

const struct syscall_impl sc_sendto = {
	.nr = SYS_sendto,
	.help = "sendto(fd, buf, size, MSG_DONTWAIT, NULL, 0): the payload, on an AF_UNIX socket",
	.issue = sendto_issue,
	.check = wrote_all,
	.sink_ok = socket_only,
};
