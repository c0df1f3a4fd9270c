// SPDX-License-Identifier: BSD-2-Clause
/* The workload's call site and the checks several syscalls share. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "syscalls.h"

/* The workload's one call site. noinline and global: the sleepable uprobe arm attaches here. */
__attribute__((noinline, used)) long bpfault_call(long nr, long a0, long a1, long a2, long a3,
						  long a4, long a5)
{
	long r = syscall(nr, a0, a1, a2, a3, a4, a5);

	__asm__ volatile("" ::: "memory");
	return r < 0 ? -errno : r;
}

const char *wrote_all(struct cellrt *c, long r)
{
	return r == (long)c->size ? NULL : "short or failed write";
}

const char *data_sink(const struct sink_desc *k)
{
	return k->is_none ? "needs a data sink (file, null, pipe, socket)" : NULL;
}

const char *socket_only(const struct sink_desc *k)
{
	return strcmp(k->name, "socket") ? "needs the socket sink" : NULL;
}

const char *path_only(const struct sink_desc *k)
{
	return k->is_none ? NULL : "takes a path or argv, not a data sink (use sink none)";
}

const char *no_such_path(struct cellrt *c, long r)
{
	if (r >= 0) {
		close((int)r);
		return "the pattern path exists";
	}
	(void)c;
	return r == -ENOENT || r == -ENAMETOOLONG ? NULL : "unexpected error";
}
