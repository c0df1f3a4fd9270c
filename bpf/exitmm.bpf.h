/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * exit-mm (execve): at sys_exit_execve, argv[1] read from the new image's mm->arg_start, as
 * Falco's modern probe does; beside later (sched_process_exec, exec_later in probe.bpf.c).
 */

SEC("tracepoint/syscalls/sys_exit_execve")
int exit_mm_execve(struct trace_event_raw_sys_exit *ctx)
{
	struct task_struct *t;
	__u64 start;

	if (!is_target() || !armed(ARM_EXIT_MM) || ctl.kind != KIND_ARGV || ctx->ret != 0)
		return 0;
	t = (struct task_struct *)bpf_get_current_task();
	start = BPF_CORE_READ(t, mm, arg_start);
	do_arm_kind(ARM_EXIT_MM, start + ctl.later_off, RM_PROBE, KIND_STR);
	return 0;
}
