/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * iter: "fetch it later from user space". After the call returned, the tool reads its task
 * iterator (a link filtered to the workload's task; bench/frontier.c), and this sleepable program
 * copies the buffer out of the workload's memory with bpf_copy_from_user_task (faulting the page
 * in). It reads what the buffer holds after the call, not what the call was given.
 */

SEC("iter.s/task")
int iter_task(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	__u64 t0;

	if (!task || !armed(ARM_ITER) || ctl.kind == KIND_ARGV)
		return 0;
	/* the workload's thread that made the call (the link may iterate more) */
	if (task->tgid != targ_tgid || task->pid != ctl.iter_tid)
		return 0;
	t0 = bpf_ktime_get_ns();
	do_arm_task(ARM_ITER, ctl.buf, RM_TASK, ctl.kind, task);
	/* from the call's return to this read's start: what "later" means here */
	if (ctl.t_return && t0 > ctl.t_return)
		out.arm[ARM_ITER].delay_ns = t0 - ctl.t_return;
	return 0;
}
