// SPDX-License-Identifier: BSD-2-Clause
/* openat(AT_FDCWD, path, O_RDONLY) of a path that is the pattern: it does not exist */
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "syscalls.h"

static long openat_issue(struct cellrt *c)
{
	return bpfault_call(SYS_openat, AT_FDCWD, (long)c->buf, O_RDONLY | O_CLOEXEC, 0);
}

static const char *no_such_path(struct cellrt *c, long r)
{
	if (r >= 0) {
		close((int)r);
		return "the pattern path exists";
	}
	(void)c;
	return r == -ENOENT || r == -ENAMETOOLONG ? NULL : "unexpected error";
}

const struct syscall_impl sc_openat = {
	.nr = SYS_openat,
	.help = "openat() of a path string that does not exist (nothing is created)",
	.issue = openat_issue,
	.check = no_such_path,
	.sink_ok = path_only,
};
