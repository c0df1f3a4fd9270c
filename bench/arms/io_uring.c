// SPDX-License-Identifier: BSD-2-Clause
/*
 * Arms at hooks that are not the syscall's: io_uring submission and completion, and execve's
 * sched_process_exec (argv read from the new image) for `later`.
 */
#include "arms.h"
#include "probe.skel.h"

ONE_PROG(submit_progs, uring_submit)

static int later_progs(struct probe_bpf *s, int sc, struct bpf_program **out, int max)
{
	if (max < 1)
		return 0;
	out[0] = sc == SC_execve ? s->progs.exec_later : s->progs.uring_complete;
	return 1;
}

const struct arm_impl arm_submit = {
	.hooks = (const struct arm_hook[]){{SC_uring_write, "tracepoint/io_uring/"
							    "io_uring_submit_req (at submission, "
							    "the SQE's buffer)"},
					   {0}},
	.progs = submit_progs,
};

const struct arm_impl arm_later = {
	.hooks = (const struct arm_hook[]){{SC_uring_write, "tracepoint/io_uring/io_uring_complete "
							    "(after the kernel did the write)"},
					   {SC_execve, "tracepoint/sched/sched_process_exec "
						       "(argv[1] from the new image's "
						       "mm->arg_start)"},
					   {0}},
	.progs = later_progs,
};
