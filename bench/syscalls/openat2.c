// SPDX-License-Identifier: BSD-2-Clause
/* openat2(AT_FDCWD, path, &how, sizeof(how)) of a pattern path that does not exist */
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include "syscalls.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

static struct open_how how = {.flags = O_RDONLY | O_CLOEXEC};

static long openat2_issue(struct cellrt *c)
{
	return bpfault_call(SYS_openat2, AT_FDCWD, (long)c->buf, (long)&how, sizeof(how), 0, 0);
}

const struct syscall_impl sc_openat2 = {
	.nr = SYS_openat2,
	.help = "openat2() of a path string that does not exist (struct open_how resident)",
	.issue = openat2_issue,
	.check = no_such_path,
	.sink_ok = path_only,
};
