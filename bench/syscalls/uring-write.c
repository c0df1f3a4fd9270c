// SPDX-License-Identifier: BSD-2-Clause
/* One IORING_OP_WRITE at the current position; the SQE's user_data carries the buffer address */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <liburing.h>
#include "syscalls.h"

static int ring_setup(struct cellrt *c)
{
	struct io_uring *ring = calloc(1, sizeof(*ring));
	cpu_set_t cpus;
	int err;

	if (!ring)
		return -ENOMEM;
	err = io_uring_queue_init(4, ring, 0);
	if (err) {
		free(ring);
		return err;
	}
	/*
	 * io-wq workers on the workload's CPU: 6.1 punts a buffered ext4 write to a worker, whose
	 * fault brings a swapped-out buffer back in on another CPU, where the page waits in that
	 * CPU's LRU batch; MADV_PAGEOUT drains only its own CPU's, so the next page-out failed
	 * (page-out took on 1 of 200 trials; 200 of 200 with the workers here). Before 5.14 the
	 * call fails and nothing changes.
	 */
	if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0)
		io_uring_register_iowq_aff(ring, sizeof(cpus), &cpus);
	c->ring = ring;
	return 0;
}

static void ring_teardown(struct cellrt *c)
{
	if (c->ring) {
		io_uring_queue_exit(c->ring);
		free(c->ring);
	}
	c->ring = NULL;
}

static long uring_write_issue(struct cellrt *c)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(c->ring);
	struct io_uring_cqe *cqe;
	long r;

	if (!sqe)
		return -EBUSY;
	io_uring_prep_write(sqe, c->fd, c->buf, c->size, (__u64)-1);
	sqe->user_data = (uintptr_t)c->buf;
	r = io_uring_submit_and_wait(c->ring, 1);
	if (r < 0)
		return r;
	r = io_uring_wait_cqe(c->ring, &cqe);
	if (r < 0)
		return r;
	r = cqe->res;
	io_uring_cqe_seen(c->ring, cqe);
	return r;
}

const struct syscall_impl sc_uring_write = {
	.nr = SYS_io_uring_enter,
	.help = "io_uring IORING_OP_WRITE to the sink (submitted and waited for)",
	.issue = uring_write_issue,
	.check = wrote_all,
	.sink_ok = data_sink,
	.setup = ring_setup,
	.teardown = ring_teardown,
};
