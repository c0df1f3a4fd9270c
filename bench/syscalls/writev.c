// SPDX-License-Identifier: BSD-2-Clause
/* writev(fd, iov, 1): the iovec stays resident, the page state applies to the data */
#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include "syscalls.h"

static int iov_setup(struct cellrt *c)
{
	c->iov = mmap(NULL, PAGE_SZ, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
	if (c->iov == MAP_FAILED) {
		c->iov = NULL;
		return -errno;
	}
	return 0;
}

static void iov_teardown(struct cellrt *c)
{
	if (c->iov)
		munmap(c->iov, PAGE_SZ);
	c->iov = NULL;
}

static long writev_issue(struct cellrt *c)
{
	struct iovec *iov = c->iov;

	iov->iov_base = c->buf;
	iov->iov_len = c->size;
	return bpfault_call(SYS_writev, c->fd, (long)iov, 1, 0);
}

const struct syscall_impl sc_writev = {
	.nr = SYS_writev,
	.help = "writev(fd, iov, 1): one resident iovec pointing at the buffer",
	.issue = writev_issue,
	.check = wrote_all,
	.sink_ok = data_sink,
	.setup = iov_setup,
	.teardown = iov_teardown,
};
