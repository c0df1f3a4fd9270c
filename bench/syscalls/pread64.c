// SPDX-License-Identifier: BSD-2-Clause
/* pread64(fd, buf, size, 0) from a file that holds the trial's expected bytes (source.c) */
#include <sys/syscall.h>
#include "syscalls.h"

static long pread64_issue(struct cellrt *c)
{
	int err = source_fill(c);

	return err ? err : bpfault_call(SYS_pread64, c->fd, (long)c->buf, (long)c->size, 0, 0, 0);
}

const struct syscall_impl sc_pread64 = {
	.nr = SYS_pread64,
	.help = "pread64(fd, buf, size, 0) from the sink file, which holds the trial's pattern",
	.issue = pread64_issue,
	.check = read_all,
	.sink_ok = seekable_sink,
};
