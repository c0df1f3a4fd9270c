// SPDX-License-Identifier: BSD-2-Clause
/* write(fd, buf, size) */
#include <sys/syscall.h>
#include "syscalls.h"

static long write_issue(struct cellrt *c)
{
	return bpfault_call(SYS_write, c->fd, (long)c->buf, (long)c->size, 0);
}

const struct syscall_impl sc_write = {
	.nr = SYS_write,
	.help = "write(fd, buf, size) to the sink",
	.issue = write_issue,
	.check = wrote_all,
	.sink_ok = data_sink,
};
