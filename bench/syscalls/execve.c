// SPDX-License-Identifier: BSD-2-Clause
/* execve(/bin/true, [/bin/true, <pattern>, 3 strings], [2 strings]) in a forked child */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "syscalls.h"

#define EXEC_PATH "/bin/true"

/*
 * The shared page (resident in the child, which writes to it before the call: a forked child has
 * no PTE for a shared mapping until it touches it, nor for a literal's page, and a tool that
 * reads argv in order stops at an unreadable argv[0]):
 *   0    the child's report: [0] the buffer's ground truth, [1] the later positions' (EXEC_POS_*)
 *   128  argv[0..BPFAULT_NARGS], NULL, then envp[0..BPFAULT_NENV-1], NULL (probe.h: BPF finds
 *        envp at &argv[BPFAULT_NARGS + 2])
 *   256  the program's path: the file name argument and argv[0]'s string (a copy: the caller's
 *        literal or static buffer may have no PTE in the child, and a tool that reads argv from
 *        argv[0], as bpftrace's join() does, would stop there)
 *   1024 the strings of positions 1.. (argv[2..], envp[]), one per 64 bytes
 * argv[1] is the page state's buffer: the only position whose page the state changes.
 */
#define ARGV_AT	 128
#define ARGV0_AT 256
#define POS_AT	 1024
#define POS_STEP 64

_Static_assert(ARGV_AT + (BPFAULT_NPOS + 3) * sizeof(char *) <= ARGV0_AT, "argv, envp overlap");
_Static_assert(POS_AT + BPFAULT_NPOS * POS_STEP <= PAGE_SZ, "the strings fit the shared page");
_Static_assert(BPFAULT_POS_SIZE + 1 <= POS_STEP, "a position's string fits its slot");

int exec_setup(struct cellrt *c)
{
	char **argv;

	c->shared = mmap(NULL, PAGE_SZ, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c->shared == MAP_FAILED) {
		c->shared = NULL;
		return -errno;
	}
	memset(c->shared, 0, PAGE_SZ);
	argv = (char **)((char *)c->shared + ARGV_AT);
	argv[0] = memcpy((char *)c->shared + ARGV0_AT, EXEC_PATH, sizeof(EXEC_PATH));
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

/*
 * bit pos set if the page of position pos's pointer (&argv[slot]) or of its string (str[pos],
 * else argv[slot]: read from the array only where the array is resident) has no PTE (pagemap),
 * or -errno
 */
static long later_truth(char *const *argv, char *const *str)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	long mask = 0;

	if (fd < 0)
		return -errno;
	for (uint32_t pos = 1; pos < BPFAULT_NPOS && mask >= 0; pos++) {
		uintptr_t at[2] = {(uintptr_t)&argv[bpfault_pos_slot(pos)],
				   (uintptr_t)(str ? str[pos] : argv[bpfault_pos_slot(pos)])};

		for (int k = 0; k < 2 && mask >= 0; k++) {
			uint64_t pm;

			if (pread(fd, &pm, 8, (off_t)(at[k] / PAGE_SZ * 8)) != 8)
				mask = -EIO;
			else if (!(pm & (1ull << 63)))
				mask |= 1l << pos;
		}
	}
	close(fd);
	return mask;
}

/* position pos's string (1 .. BPFAULT_NPOS - 1) on the shared page */
static char *pos_string(const struct cellrt *c, uint32_t pos)
{
	return (char *)c->shared + POS_AT + (pos - 1) * POS_STEP;
}

char **exec_args(struct cellrt *c, const char *path, char ***envp_out)
{
	char **argv = c->iov, **envp = argv + BPFAULT_NARGS + 2;
	volatile unsigned *report = c->shared;
	long truth;

	/* the path on the shared page, when it fits (it does for every caller in the tree) */
	if (strlen(path) < POS_AT - ARGV0_AT)
		path = strcpy((char *)c->shared + ARGV0_AT, path);
	argv[0] = (char *)path;
	argv[1] = (char *)c->buf;
	for (uint32_t pos = 1; pos < BPFAULT_NPOS; pos++) {
		char *s = pos_string(c, pos);

		pattern_fill(s, BPFAULT_POS_SIZE, bpfault_pos_nonce(c->nonce, pos), true);
		argv[bpfault_pos_slot(pos)] = s;
	}
	argv[BPFAULT_NARGS + 1] = NULL;
	envp[BPFAULT_NENV] = NULL;
	truth = later_truth(argv, NULL);
	if (truth < 0)
		_exit(120); /* the child could not read its pagemap */
	report[1] = (unsigned)truth;
	*envp_out = envp;
	return argv;
}

long exec_call(struct cellrt *c, const char *path)
{
	char **envp, **argv = exec_args(c, path, &envp);

	return bpfault_call(SYS_execve, (long)argv[0], (long)argv, (long)envp, 0, 0, 0);
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
	.help = "execve(" EXEC_PATH ", [" EXEC_PATH
		", <pattern>, 3 more], [2 strings]) in a forked child",
	.issue = execve_issue,
	.check = exited_zero,
	.sink_ok = path_only,
	.setup = exec_setup,
	.teardown = exec_teardown,
	.forks = true,
	.replaces_image = true,
};

/*
 * execve-argv: the argv pointer array itself (and envp's, right after it) is the page state's
 * buffer; every string is on the resident shared page, argv[1]'s (size bytes, the trial's
 * pattern) at ARGV1_AT. A tool reads argv[i] from the array before each string: with the
 * array's page absent every position fails, argv[1] included, whatever the strings' pages.
 */
#define ARGV1_AT    2048
#define ARRAY_BYTES ((BPFAULT_NARGS + 2 + BPFAULT_NENV + 1) * sizeof(char *))

_Static_assert(POS_AT + BPFAULT_NPOS * POS_STEP <= ARGV1_AT, "positions, argv[1] overlap");

static int argv_setup(struct cellrt *c)
{
	int err;

	if (c->st->expect_zero) {
		snprintf(c->unsup, sizeof(c->unsup),
			 "%s never writes the page: it cannot hold the argv array", c->st->name);
		return -EOPNOTSUPP;
	}
	if (c->size < ARRAY_BYTES || c->size + 1 > PAGE_SZ - ARGV1_AT) {
		snprintf(
			c->unsup, sizeof(c->unsup),
			"the argv and envp arrays (%zu bytes) are the buffer: a size of %zu to %zu",
			ARRAY_BYTES, ARRAY_BYTES, (size_t)(PAGE_SZ - ARGV1_AT - 1) / 8 * 8);
		return -EOPNOTSUPP;
	}
	err = exec_setup(c);
	c->iov = NULL; /* the BPF side's pointer (ctl.buf) is the buffer: the array */
	return err;
}

/* what a page state writes: the arrays, pointing at the shared page's strings, then zeros */
static void argv_fill(const struct cellrt *c, void *buf, uint64_t nonce)
{
	char **argv = buf;

	(void)nonce;
	memset(buf, 0, c->size + 1);
	argv[0] = (char *)c->shared + ARGV0_AT;
	argv[1] = (char *)c->shared + ARGV1_AT;
	for (uint32_t pos = 1; pos < BPFAULT_NPOS; pos++)
		argv[bpfault_pos_slot(pos)] = pos_string(c, pos);
}

/* in the forked child: the strings written, the array never touched (its page is the state) */
static long argv_issue(struct cellrt *c)
{
	char **argv = (char **)c->buf, *str[BPFAULT_NPOS];
	volatile unsigned *report = c->shared;
	long truth;

	pattern_fill((char *)c->shared + ARGV1_AT, c->size, c->nonce, true);
	for (uint32_t pos = 1; pos < BPFAULT_NPOS; pos++) {
		str[pos] = pos_string(c, pos);
		pattern_fill(str[pos], BPFAULT_POS_SIZE, bpfault_pos_nonce(c->nonce, pos), true);
	}
	truth = later_truth(argv, str);
	if (truth < 0)
		_exit(120);
	report[1] = (unsigned)truth;
	return bpfault_call(SYS_execve, (long)((char *)c->shared + ARGV0_AT), (long)argv,
			    (long)(argv + BPFAULT_NARGS + 2), 0, 0, 0);
}

const struct syscall_impl sc_execve_argv = {
	.nr = SYS_execve,
	.help = "execve(" EXEC_PATH ", argv, envp) in a forked child: the argv and envp pointer "
		"arrays in the page state, every string resident",
	.issue = argv_issue,
	.check = exited_zero,
	.sink_ok = path_only,
	.fill = argv_fill,
	.setup = argv_setup,
	.teardown = exec_teardown,
	.forks = true,
	.replaces_image = true,
};
