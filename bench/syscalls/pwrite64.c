// SPDX-License-Identifier: BSD-2-Clause
/* pwrite64(fd, buf, size, 0) */
#include <sys/syscall.h>
#include "syscalls.h"

static long pwrite64_issue(struct cellrt *c)
{
	return bpfault_call(SYS_pwrite64, c->fd, (long)c->buf, (long)c->size, 0, 0, 0);
}

const struct syscall_impl sc_pwrite64 = {
	.nr = SYS_pwrite64,
	.help = "pwrite64(fd, buf, size, 0) to the sink file",
	.issue = pwrite64_issue,
	.check = wrote_all,
	.sink_ok = seekable_sink,
};
