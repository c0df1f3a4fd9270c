// SPDX-License-Identifier: BSD-2-Clause
/* execve(/bin/true, [/bin/true, <pattern>], []) in a forked child */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "syscalls.h"

#define EXEC_PATH "/bin/true"

/* a shared page: the child's report at 0, envp at 64, argv at 128 (resident) */
static int exec_setup(struct cellrt *c)
{
	char **argv;

	c->shared = mmap(NULL, PAGE_SZ, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c->shared == MAP_FAILED) {
		c->shared = NULL;
		return -errno;
	}
	memset(c->shared, 0, PAGE_SZ);
	argv = (char **)((char *)c->shared + 128);
	argv[0] = (char *)EXEC_PATH;
	c->iov = argv;
	c->later_off = sizeof(EXEC_PATH); /* argv[1] follows argv[0] and its NUL */
	return 0;
}

static void exec_teardown(struct cellrt *c)
{
	if (c->shared)
		munmap(c->shared, PAGE_SZ);
	c->shared = NULL;
	c->iov = NULL;
}

static long execve_issue(struct cellrt *c)
{
	char **argv = c->iov, **envp = (char **)((char *)c->shared + 64);

	argv[1] = (char *)c->buf;
	argv[2] = NULL;
	envp[0] = NULL;
	return bpfault_call(SYS_execve, (long)EXEC_PATH, (long)argv, (long)envp, 0);
}

static const char *exited_zero(struct cellrt *c, long r)
{
	(void)c;
	if (r == 0)
		return NULL;
	return r == 121	  ? "the exec failed"
	       : r == 120 ? "the child could not read its pagemap"
			  : "the exec'd program failed";
}

const struct syscall_impl sc_execve = {
	.nr = SYS_execve,
	.help = "execve(" EXEC_PATH ", [" EXEC_PATH ", <pattern>], []) in a forked child",
	.issue = execve_issue,
	.check = exited_zero,
	.sink_ok = path_only,
	.setup = exec_setup,
	.teardown = exec_teardown,
	.forks = true,
	.replaces_image = true,
};
