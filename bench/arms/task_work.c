// SPDX-License-Identifier: BSD-2-Clause
/*
 * The deferred arms (bpf/deferred.bpf.h): sys_enter_<syscall> schedules a BPF task_work whose
 * sleepable callback reads the buffer before the call returns to user space.
 */
#include "arms.h"
#include "probe.skel.h"

SC_PROG(deferred_progs, deferred)

/* the 6.18 names end in _impl; later kernels drop it (bpf/kfuncs.h declares both, weak) */
static int resume_supported(char *why, size_t len)
{
	static const char *const names[] = {"bpf_task_work_schedule_resume",
					    "bpf_task_work_schedule_resume_impl", NULL};

	return kernel_has_kfunc(names, "6.18", why, len);
}

static int signal_supported(char *why, size_t len)
{
	static const char *const names[] = {"bpf_task_work_schedule_signal",
					    "bpf_task_work_schedule_signal_impl", NULL};

	return kernel_has_kfunc(names, "6.18", why, len);
}

/* every syscall with the buffer in an argument but execve and its kin (forked children: a
 * successful exec's callback would run on the way back to user space, in the new image) */
#define DEFERRED_HOOKS(text)                                                                       \
	(const struct arm_hook[])                                                                  \
	{                                                                                          \
		{SC_ARGS_NOFORK, text},                                                            \
		{                                                                                  \
			0                                                                          \
		}                                                                                  \
	}

const struct arm_impl arm_deferred = {
	.hooks = DEFERRED_HOOKS("tracepoint/syscalls/sys_enter_%s schedules a BPF task_work "
				"(resume); its sleepable callback reads with bpf_copy_from_user "
				"before the call returns (faults pages in)"),
	.progs = deferred_progs,
	.supported = resume_supported,
};

const struct arm_impl arm_deferred_signal = {
	.hooks = DEFERRED_HOOKS("tracepoint/syscalls/sys_enter_%s schedules a BPF task_work "
				"(signal: interrupts a blocking call); its callback reads with "
				"bpf_copy_from_user"),
	.progs = deferred_progs,
	.supported = signal_supported,
};

const struct arm_impl arm_deferred_on_fail = {
	.hooks = DEFERRED_HOOKS("bpf_probe_read_user at tracepoint/syscalls/sys_enter_%s; only if "
				"that failed, a BPF task_work reads with bpf_copy_from_user"),
	.progs = deferred_progs,
	.supported = resume_supported,
};
