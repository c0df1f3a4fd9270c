// SPDX-License-Identifier: BSD-2-Clause
/*
 * execveat(dirfd of /usr/bin, "true", ["true", <pattern>, 3 more], [2 strings], 0) in a forked
 * child: a directory fd and a relative path (not AT_EMPTY_PATH), argv at argument 2. execve's
 * machinery otherwise (execve.c): the shared page with argv and envp, the fork, the replaced image.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "syscalls.h"

#define EXECAT_DIR  "/usr/bin"
#define EXECAT_NAME "true"

static int execveat_setup(struct cellrt *c)
{
	int err = exec_setup(c);

	c->later_off = sizeof(EXECAT_NAME); /* argv[1] follows argv[0] ("true") and its NUL */
	return err;
}

/* in the child: the directory fd is opened here (close-on-exec), the page state is untouched */
static long execveat_issue(struct cellrt *c)
{
	char **envp, **argv = exec_args(c, EXECAT_NAME, &envp);
	int dirfd = open(EXECAT_DIR, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (dirfd < 0)
		return -errno;
	return bpfault_call(SYS_execveat, dirfd, (long)argv[0], (long)argv, (long)envp, 0, 0);
}

const struct syscall_impl sc_execveat = {
	.nr = SYS_execveat,
	.help = "execveat(dirfd " EXECAT_DIR ", \"" EXECAT_NAME "\", [" EXECAT_NAME
		", <pattern>, 3 more], [2 strings], 0) in a forked child",
	.issue = execveat_issue,
	.check = exited_zero,
	.sink_ok = path_only,
	.setup = execveat_setup,
	.teardown = exec_teardown,
	.forks = true,
	.replaces_image = true,
};
