// SPDX-License-Identifier: BSD-2-Clause
/*
 * openat-einval: openat(AT_FDCWD, path, O_CREAT | O_DIRECTORY) — flags the kernel refuses
 * (EINVAL, since 6.4) in build_open_flags(), before it reads the path: a call path on which the
 * kernel never touches the buffer, so reading at exit does not help.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "syscalls.h"

static long openat_einval_issue(struct cellrt *c)
{
	return bpfault_call(SYS_openat, AT_FDCWD, (long)c->buf, O_CREAT | O_DIRECTORY | O_CLOEXEC,
			    0600, 0, 0);
}

static const char *einval(struct cellrt *c, long r)
{
	(void)c;
	if (r >= 0)
		close((int)r);
	return r == -EINVAL ? NULL : "expected EINVAL (O_CREAT | O_DIRECTORY)";
}

const struct syscall_impl sc_openat_einval = {
	.nr = SYS_openat,
	.help = "openat() with O_CREAT | O_DIRECTORY: EINVAL before the path is read",
	.issue = openat_einval_issue,
	.check = einval,
	.sink_ok = path_only,
};
