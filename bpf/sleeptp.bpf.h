/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * sleep-tp: a sleepable syscall tracepoint reading with bpf_copy_from_user. libbpf 1.1.2 has no
 * tp.s/ section names, so the loader sets BPF_F_SLEEPABLE on these programs before the load;
 * kernels before sleepable tracepoints (7.2) refuse them, and the arm is reported unsupported with
 * the verifier's message. Perturbing: the copy faults the page in.
 */

static __always_inline int sleep_tp(__u64 ptr)
{
	if (!is_target() || !armed(ARM_SLEEP_TP) || ptr != ctl.buf)
		return 0;
	do_arm(ARM_SLEEP_TP, ptr, RM_COPY);
	return 0;
}

#define SLEEP_TP_PROG(id, name, argi, argname, kind) ARM_TP_ENTER(sleep_tp, id, argi, sleep_tp)
BPFAULT_SYSCALLS(SLEEP_TP_PROG, ARM_TP_NONE, ARM_TP_VAR)
