// SPDX-License-Identifier: BSD-2-Clause
/* The exit-mm arm (bpf/exitmm.bpf.h): argv from the new image's mm->arg_start at sys_exit_execve,
 * as Falco's modern probe reads it. */
#include "arms.h"
#include "probe.skel.h"

ONE_PROG(exit_mm_progs, exit_mm_execve)

const struct arm_impl arm_exit_mm = {
	.hooks = (const struct arm_hook[]){{SC_execve, "tracepoint/syscalls/sys_exit_execve, "
						       "argv[1] from the new image's "
						       "mm->arg_start (as Falco's modern probe)"},
					   {0}},
	.progs = exit_mm_progs,
};
