// SPDX-License-Identifier: BSD-2-Clause
/*
 * The iter arm (bpf/iter.bpf.h): "fetch it later from user space". After the call returned, the
 * tool reads a sleepable task iterator over this process's threads; its program copies the buffer
 * out of the workload's memory with bpf_copy_from_user_task.
 */
#include <errno.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "arms.h"
#include "probe.skel.h"

ONE_PROG(iter_progs, iter_task)

/* a task iterator over this process (the BPF side picks the calling thread) */
static struct bpf_link *iter_attach(struct bpf_program *prog)
{
	union bpf_iter_link_info li = {.task.pid = (__u32)getpid()};
	LIBBPF_OPTS(bpf_iter_attach_opts, o, .link_info = &li, .link_info_len = sizeof(li));

	return bpf_program__attach_iter(prog, &o);
}

/* run the iterator once: that is the read */
static int iter_after_call(int link_fd)
{
	char buf[64];
	int fd = bpf_iter_create(link_fd), err = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	if (n < 0)
		err = -errno;
	close(fd);
	return err;
}

#define ITER_HOOK                                                                                  \
	"after the call returned, the tool reads a sleepable task iterator (iter.s/task) that "    \
	"copies the buffer with bpf_copy_from_user_task (faults pages in)"

const struct arm_impl arm_iter = {
	.hooks =
		(const struct arm_hook[]){
			{SC_write, ITER_HOOK}, {SC_writev, ITER_HOOK}, {SC_openat, ITER_HOOK}, {0}},
	.progs = iter_progs,
	.attach = iter_attach,
	.after_call = iter_after_call,
};
