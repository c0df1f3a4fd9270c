// SPDX-License-Identifier: BSD-2-Clause
/* renameat2(AT_FDCWD, path, AT_FDCWD, <workdir>/rename-target, 0): the old path is the pattern
 * and does not exist, so nothing is renamed; the kernel reads both names first */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/syscall.h>
#include "syscalls.h"

static long renameat2_issue(struct cellrt *c)
{
	char to[PATH_MAX];

	snprintf(to, sizeof(to), "%s/rename-target", c->workdir);
	return bpfault_call(SYS_renameat2, AT_FDCWD, (long)c->buf, AT_FDCWD, (long)to, 0, 0);
}

const struct syscall_impl sc_renameat2 = {
	.nr = SYS_renameat2,
	.help = "renameat2() of an old path string that does not exist (nothing is renamed)",
	.issue = renameat2_issue,
	.check = no_such_path,
	.sink_ok = path_only,
};
