// SPDX-License-Identifier: BSD-2-Clause
/* The exit-mm arm (bpf/exitmm.bpf.h): argv from the new image's mm->arg_start at
 * sys_exit_execve (execveat's too), as Falco's modern probe reads it. */
#include "arms.h"
#include "probe.skel.h"

static int exit_mm_progs(struct probe_bpf *s, int sc, struct bpf_program **out, int max)
{
	if (max < 1)
		return 0;
	(void)sc; /* a successful execveat returns through sys_exit_execve too (tracepoint.c) */
	out[0] = s->progs.exit_mm_execve;
	return 1;
}

const struct arm_impl arm_exit_mm = {
	.hooks = (const struct arm_hook[]){{SC_execve, "tracepoint/syscalls/sys_exit_execve, "
						       "argv[1] from the new image's "
						       "mm->arg_start (as Falco's modern probe)"},
					   {SC_execveat,
					    "tracepoint/syscalls/sys_exit_execve (where a "
					    "successful execveat returns), argv[1] from "
					    "the new image's mm->arg_start"},
					   {0}},
	.progs = exit_mm_progs,
};
