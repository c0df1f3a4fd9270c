// SPDX-License-Identifier: BSD-2-Clause
/*
 * uffd-missing: the buffer's pages are missing in a range registered with userfaultfd (missing
 * mode), so the kernel must ask user space for them: a thread of bpfault answers each fault with
 * UFFDIO_COPY of the trial's pattern. A BPF read may not fault, so it fails without asking; the
 * kernel's own copy (write, openat) blocks until the page is supplied and then reads it, so
 * hooks after the copy see the data. Each trial drops the pages again with MADV_DONTNEED.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "pool.h"

struct uffd {
	int fd, stop[2];
	bool running;
	pthread_t th;
	uint8_t *region, *stage; /* the registered slot, and its contents to supply */
};

static int uffd_open(void)
{
#ifdef SYS_userfaultfd
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	return fd < 0 ? -errno : fd;
#else
	return -ENOSYS;
#endif
}

static int uffd_supported(const struct host_caps *h, char *why, size_t len)
{
	int fd = uffd_open();

	(void)h;
	if (fd < 0) {
		snprintf(why, len, "userfaultfd(): %s%s", strerror(-fd),
			 fd == -EPERM ? " (vm.unprivileged_userfaultfd, or not root)" : "");
		return -EOPNOTSUPP;
	}
	close(fd);
	return 0;
}

/* supply every missing page from the stage, until told to stop */
static void *uffd_main(void *arg)
{
	struct uffd *u = arg;
	struct pollfd p[2] = {{.fd = u->fd, .events = POLLIN},
			      {.fd = u->stop[0], .events = POLLIN}};
	struct uffd_msg msg;

	for (;;) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return NULL;
		if (p[1].revents)
			return NULL;
		if (!(p[0].revents & POLLIN) || read(u->fd, &msg, sizeof(msg)) != sizeof(msg))
			continue;
		if (msg.event == UFFD_EVENT_PAGEFAULT) {
			uintptr_t a =
				(uintptr_t)msg.arg.pagefault.address & ~(uintptr_t)(PAGE_SZ - 1);
			struct uffdio_copy cp = {
				.dst = a,
				.src = (uintptr_t)(u->stage + (a - (uintptr_t)u->region)),
				.len = PAGE_SZ};

			/* EEXIST: supplied meanwhile; anything else leaves the caller to EFAULT */
			ioctl(u->fd, UFFDIO_COPY, &cp);
		}
	}
}

static int uffd_setup(struct cellrt *c)
{
	size_t len = (size_t)SLOT_PAGES * PAGE_SZ;
	struct uffdio_api api = {.api = UFFD_API};
	struct uffdio_register reg = {.mode = UFFDIO_REGISTER_MODE_MISSING};
	struct uffd *u = calloc(1, sizeof(*u));
	int err;

	if (!u)
		return -ENOMEM;
	c->priv = u;
	u->fd = u->stop[0] = u->stop[1] = -1;
	if (c->sc->impl->forks) {
		snprintf(c->unsup, sizeof(c->unsup),
			 "a forked child does not inherit the userfaultfd registration");
		return -EOPNOTSUPP;
	}
	err = anon_setup(c);
	if (err)
		return err;
	u->region = c->region;
	u->stage = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (u->stage == MAP_FAILED) {
		u->stage = NULL;
		return -errno;
	}
	u->fd = uffd_open();
	if (u->fd < 0)
		return u->fd;
	reg.range.start = (uintptr_t)c->region;
	reg.range.len = len;
	if (ioctl(u->fd, UFFDIO_API, &api) < 0 || ioctl(u->fd, UFFDIO_REGISTER, &reg) < 0 ||
	    pipe2(u->stop, O_CLOEXEC) < 0)
		return -errno;
	err = pthread_create(&u->th, NULL, uffd_main, u);
	if (err)
		return -err;
	u->running = true;
	return 0;
}

static int uffd_prepare(struct cellrt *c, uint64_t *nonce)
{
	struct uffd *u = c->priv;

	state_fill(c, u->stage + (c->buf - c->region), *nonce);
	return advise_span(c, MADV_DONTNEED); /* missing again: the next access asks the thread */
}

static void uffd_teardown(struct cellrt *c)
{
	struct uffd *u = c->priv;

	if (u) {
		if (u->running) {
			if (write(u->stop[1], "x", 1) == 1)
				pthread_join(u->th, NULL);
			else
				pthread_cancel(u->th);
		}
		for (int i = 0; i < 2; i++)
			if (u->stop[i] >= 0)
				close(u->stop[i]);
		if (u->fd >= 0)
			close(u->fd);
		if (u->stage)
			munmap(u->stage, (size_t)SLOT_PAGES * PAGE_SZ);
		free(u);
	}
	c->priv = NULL;
	anon_teardown(c);
}

const struct state_desc state_uffd_missing = {
	.name = "uffd-missing",
	.help = "missing page of a userfaultfd range: the kernel asks a bpfault thread for it",
	.nonresident = true,
	.supported = uffd_supported,
	.setup = uffd_setup,
	.prepare = uffd_prepare,
	.teardown = uffd_teardown,
};
