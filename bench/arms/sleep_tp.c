// SPDX-License-Identifier: BSD-2-Clause
/*
 * The sleep-tp arm (bpf/sleeptp.bpf.h): a sleepable syscall tracepoint reading with
 * bpf_copy_from_user. libbpf 1.1.2 has no tp.s/ sections, so the loader sets BPF_F_SLEEPABLE
 * (.sleepable); kernels before sleepable tracepoints (7.2) refuse it in the verifier's words.
 */
#include "arms.h"
#include "probe.skel.h"

SC_PROG(sleep_tp_progs, sleep_tp)

const struct arm_impl arm_sleep_tp = {
	.hooks = (const struct arm_hook[]){{SC_ARGS, "sleepable tracepoint/syscalls/sys_enter_%s "
						     "(BPF_F_SLEEPABLE), bpf_copy_from_user "
						     "(faults pages in)"},
					   {0}},
	.progs = sleep_tp_progs,
	.sleepable = true,
};
