// SPDX-License-Identifier: BSD-2-Clause
/* The sleepable uprobe arm: uprobe.s on the workload's call site, bpf_copy_from_user. */
#include <errno.h>
#include <bpf/libbpf.h>
#include "arms.h"
#include "probe.skel.h"

ONE_PROG(sleep_progs, sleep_call)

/*
 * Every process of this binary at bpfault_call: forked trials (execve) call it too; BPF filters.
 * /proc/self/exe is the running file even if the path was rebuilt meanwhile (a readlink()'d path
 * would then name another file, and the arm would never fire).
 */
static struct bpf_link *sleep_attach(struct bpf_program *prog)
{
	LIBBPF_OPTS(bpf_uprobe_opts, uo, .func_name = "bpfault_call");

	return bpf_program__attach_uprobe_opts(prog, -1, "/proc/self/exe", 0, &uo);
}

static const char *sleep_reason(int err)
{
	return err == -EINVAL ? " (sleepable uprobes need kernel 6.1 or later)" : "";
}

const struct arm_impl arm_sleep = {
	.hooks = (const struct arm_hook[]){{SC_ARGS, "sleepable uprobe.s on the workload's call "
						     "site, bpf_copy_from_user (faults pages in)"},
					   {0}},
	.progs = sleep_progs,
	.attach = sleep_attach,
	.reason = sleep_reason,
};
