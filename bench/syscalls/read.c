// SPDX-License-Identifier: BSD-2-Clause
/* read(fd, buf, size) from a source that holds the trial's expected bytes (source.c) */
#include <sys/syscall.h>
#include <unistd.h>
#include "syscalls.h"

static long read_issue(struct cellrt *c)
{
	int err = source_fill(c);

	if (err)
		return err;
	if (c->fd2 < 0)
		lseek(c->fd, 0, SEEK_SET);
	return bpfault_call(SYS_read, source_fd(c), (long)c->buf, (long)c->size, 0, 0, 0);
}

const struct syscall_impl sc_read = {
	.nr = SYS_read,
	.help = "read(fd, buf, size) from the sink, which holds the trial's pattern: the kernel "
		"writes the buffer",
	.issue = read_issue,
	.check = read_all,
	.sink_ok = readable_sink,
};
