// SPDX-License-Identifier: BSD-2-Clause
/* unlinkat(AT_FDCWD, path, 0) of a pattern path that does not exist */
#include <fcntl.h>
#include <sys/syscall.h>
#include "syscalls.h"

static long unlinkat_issue(struct cellrt *c)
{
	return bpfault_call(SYS_unlinkat, AT_FDCWD, (long)c->buf, 0, 0, 0, 0);
}

const struct syscall_impl sc_unlinkat = {
	.nr = SYS_unlinkat,
	.help = "unlinkat() of a path string that does not exist (nothing is removed)",
	.issue = unlinkat_issue,
	.check = no_such_path,
	.sink_ok = path_only,
};
