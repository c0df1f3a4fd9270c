// SPDX-License-Identifier: BSD-2-Clause
/* execve(/bin/true, [/bin/true, <pattern>], []) in a forked child */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "syscalls.h"

#define EXEC_PATH "/bin/true"

/* a shared page: the child's report at 0, envp at 64, argv at 128, argv[0]'s string at 256
 * (resident in the child, which writes to the page: a literal's page may have no PTE in a forked
 * child, and a tool that reads argv in order stops at an unreadable argv[0]) */
int exec_setup(struct cellrt *c)
{
	char **argv;

	c->shared = mmap(NULL, PAGE_SZ, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c->shared == MAP_FAILED) {
		c->shared = NULL;
		return -errno;
	}
	memset(c->shared, 0, PAGE_SZ);
	argv = (char **)((char *)c->shared + 128);
	argv[0] = memcpy((char *)c->shared + 256, EXEC_PATH, sizeof(EXEC_PATH));
	c->iov = argv;
	c->later_off = sizeof(EXEC_PATH); /* argv[1] follows argv[0] and its NUL */
	return 0;
}

void exec_teardown(struct cellrt *c)
{
	if (c->shared)
		munmap(c->shared, PAGE_SZ);
	c->shared = NULL;
	c->iov = NULL;
}

char **exec_args(struct cellrt *c, const char *argv0, char ***envp_out)
{
	char **argv = c->iov, **envp = (char **)((char *)c->shared + 64);

	argv[0] = (char *)argv0;
	argv[1] = (char *)c->buf;
	argv[2] = NULL;
	envp[0] = NULL;
	*envp_out = envp;
	return argv;
}

long exec_call(struct cellrt *c, const char *path)
{
	char **envp, **argv = exec_args(c, path, &envp);

	return bpfault_call(SYS_execve, (long)path, (long)argv, (long)envp, 0, 0, 0);
}

static long execve_issue(struct cellrt *c)
{
	return exec_call(c, EXEC_PATH);
}

const char *exec_failed(struct cellrt *c, long r)
{
	(void)c;
	if (r == 121)
		return NULL;
	return r == 0	  ? "the exec succeeded"
	       : r == 120 ? "the child could not read its pagemap"
			  : "the child failed otherwise";
}

const char *exited_zero(struct cellrt *c, long r)
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
