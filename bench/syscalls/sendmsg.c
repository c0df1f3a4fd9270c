// SPDX-License-Identifier: BSD-2-Clause
/*
 * sendmsg(fd, msg, MSG_DONTWAIT) on the AF_UNIX socket pair sink: the data is reached through
 * three levels, the struct msghdr (argument 1), its msg_iov array (one iovec) and iov_base, and
 * any of them may be absent. Each call path puts one level into the cell's page state (at the
 * cell's buffer) and keeps the other two on a page of its own, resident and locked:
 *   sendmsg      the data (the pattern, as for write)
 *   sendmsg-iov  the iovec array (the page state's fill writes it); the data carries the pattern
 *   sendmsg-hdr  the msghdr (the page state's fill writes it); the data carries the pattern
 * The kernel copies the msghdr in (copy_msghdr_from_user), then the iovec array (import_iovec),
 * then the data (the socket's copy from the iov_iter): each level's page is faulted in by the
 * call whichever level was absent.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include "syscalls.h"

/* the syscall's own memory: the msghdr at 0, the iovec at IOV_OFF, the data on the next page */
#define OWN_BYTES (2 * PAGE_SZ)
#define IOV_OFF	  64

static struct msghdr *own_hdr(const struct cellrt *c)
{
	return c->own;
}

static struct iovec *own_iov(const struct cellrt *c)
{
	return (struct iovec *)((char *)c->own + IOV_OFF);
}

static void *own_data(const struct cellrt *c)
{
	return (char *)c->own + PAGE_SZ;
}

/* the own page, and (level > 0) a check that the state can hold the level's structure */
static int msg_setup(struct cellrt *c, size_t level_bytes, const char *level)
{
	if (level_bytes && c->st->expect_zero) {
		snprintf(c->unsup, sizeof(c->unsup),
			 "%s never writes the page: it cannot hold the %s", c->st->name, level);
		return -EOPNOTSUPP;
	}
	if (level_bytes > c->size) {
		snprintf(c->unsup, sizeof(c->unsup),
			 "the %s (%zu bytes) needs a size of at least %zu", level, level_bytes,
			 level_bytes);
		return -EOPNOTSUPP;
	}
	c->own = mmap(NULL, OWN_BYTES, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
	if (c->own == MAP_FAILED) {
		c->own = NULL;
		return -errno;
	}
	memset(c->own, 0, OWN_BYTES);
	/* the msghdr the BPF side is given (ctl.buf): the own one unless it is in the state */
	c->iov = level_bytes == sizeof(struct msghdr) ? NULL : own_hdr(c);
	return 0;
}

static void msg_teardown(struct cellrt *c)
{
	if (c->own)
		munmap(c->own, OWN_BYTES);
	c->own = NULL;
	c->iov = NULL;
}

static void hdr_point(struct msghdr *h, struct iovec *iov)
{
	memset(h, 0, sizeof(*h));
	h->msg_iov = iov;
	h->msg_iovlen = 1;
}

static long msg_send(struct cellrt *c, const struct msghdr *h)
{
	return bpfault_call(SYS_sendmsg, c->fd, (long)h, MSG_DONTWAIT, 0, 0, 0);
}

/* ---- sendmsg: the data in the page state ---- */

static int data_setup(struct cellrt *c)
{
	return msg_setup(c, 0, "data");
}

static long data_issue(struct cellrt *c)
{
	*own_iov(c) = (struct iovec){.iov_base = c->buf, .iov_len = c->size};
	hdr_point(own_hdr(c), own_iov(c));
	return msg_send(c, own_hdr(c));
}

/* ---- sendmsg-iov: the iovec array in the page state ---- */

static int iov_setup(struct cellrt *c)
{
	return msg_setup(c, sizeof(struct iovec), "iovec array");
}

/* the iovec array, then zeros, in place of the pattern (size >= sizeof(struct iovec)) */
static void iov_fill(const struct cellrt *c, void *buf, uint64_t nonce)
{
	struct iovec iov = {.iov_base = own_data(c), .iov_len = c->size};

	(void)nonce;
	memset(buf, 0, c->size);
	memcpy(buf, &iov, sizeof(iov));
}

static long iov_issue(struct cellrt *c)
{
	pattern_fill(own_data(c), c->size, c->nonce, false);
	hdr_point(own_hdr(c), (struct iovec *)c->buf);
	return msg_send(c, own_hdr(c));
}

/* ---- sendmsg-hdr: the msghdr in the page state ---- */

static int hdr_setup(struct cellrt *c)
{
	return msg_setup(c, sizeof(struct msghdr), "msghdr");
}

static void hdr_fill(const struct cellrt *c, void *buf, uint64_t nonce)
{
	struct msghdr h;

	(void)nonce;
	hdr_point(&h, own_iov(c));
	memset(buf, 0, c->size);
	memcpy(buf, &h, sizeof(h));
}

static long hdr_issue(struct cellrt *c)
{
	pattern_fill(own_data(c), c->size, c->nonce, false);
	*own_iov(c) = (struct iovec){.iov_base = own_data(c), .iov_len = c->size};
	return msg_send(c, (const struct msghdr *)c->buf);
}

#define SENDMSG_HELP "sendmsg(fd, msg, MSG_DONTWAIT) on an AF_UNIX socket, msg -> iov[0] -> data: "

const struct syscall_impl sc_sendmsg = {
	.nr = SYS_sendmsg,
	.help = SENDMSG_HELP "the data in the page state",
	.issue = data_issue,
	.check = wrote_all,
	.sink_ok = socket_only,
	.setup = data_setup,
	.teardown = msg_teardown,
};

const struct syscall_impl sc_sendmsg_iov = {
	.nr = SYS_sendmsg,
	.help = SENDMSG_HELP "the iovec array in the page state",
	.issue = iov_issue,
	.check = wrote_all,
	.sink_ok = socket_only,
	.fill = iov_fill,
	.setup = iov_setup,
	.teardown = msg_teardown,
};

const struct syscall_impl sc_sendmsg_hdr = {
	.nr = SYS_sendmsg,
	.help = SENDMSG_HELP "the msghdr in the page state",
	.issue = hdr_issue,
	.check = wrote_all,
	.sink_ok = socket_only,
	.fill = hdr_fill,
	.setup = hdr_setup,
	.teardown = msg_teardown,
};
