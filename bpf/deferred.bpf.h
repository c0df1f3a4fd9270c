/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * deferred, deferred-signal, deferred-on-fail: at sys_enter_<syscall> (not sleepable) a per-thread
 * value holding a struct bpf_task_work is filled with the trial's pointer and nonce and scheduled;
 * the callback runs in the task's context before it returns to user space, may sleep, and reads
 * with bpf_copy_from_user (faulting the page in: perturbing, trials of its own). Included at the
 * end of probe.bpf.c (ctl, out, read_check, do_arm); programs deferred_<syscall>.
 */

struct deferred {
	__u64 ptr;	  /* the syscall's pointer, as the enter hook saw it */
	__u64 nonce;	  /* the trial's, to refuse a stale callback */
	__u64 t_enter;	  /* bpf_ktime_get_ns() at the enter hook */
	__u64 cost_enter; /* ns spent at enter: the read (on-fail) and the schedule */
	__u32 arm;
	__u32 pad;
	struct bpf_task_work tw;
};

/* keyed by thread: a second schedule of a pending value returns -EBUSY */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct deferred);
} deferred_map SEC(".maps");

static int deferred_cb(struct bpf_map *map, void *key, void *value)
{
	struct deferred *v = value;
	__u64 t0 = bpf_ktime_get_ns();
	__u32 arm = v->arm;
	__s32 ret = 0;
	int flags;

	if (arm < ARM_DEFERRED || arm > ARM_DEFERRED_ON_FAIL)
		return 0;
	/* ctl still holds this trial: the callback runs before the call returns */
	if (v->nonce != ctl.nonce || v->ptr != ctl.buf)
		flags = RD_FIRED | RD_MISMATCH;
	else
		flags = read_check(v->ptr, RM_COPY, ctl.kind, &ret, NULL);
	out.arm[arm].ret = ret;
	out.arm[arm].flags = flags;
	out.arm[arm].cost_ns = v->cost_enter + (bpf_ktime_get_ns() - t0);
	out.arm[arm].delay_ns = t0 - v->t_enter;
	if (ctl.kind == KIND_ARGV && flags != (RD_FIRED | RD_MISMATCH))
		argv_positions(arm, v->ptr, RM_COPY, 0, NULL);
	return 0;
}

/* the 6.18 name with _impl, or the later one without: whichever this kernel has */
static __always_inline int deferred_schedule(struct deferred *v, int sig)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if (sig) {
		if (bpf_ksym_exists(bpf_task_work_schedule_signal))
			return bpf_task_work_schedule_signal(task, &v->tw, &deferred_map,
							     deferred_cb);
		if (bpf_ksym_exists(bpf_task_work_schedule_signal_impl))
			return bpf_task_work_schedule_signal_impl(task, &v->tw, &deferred_map,
								  deferred_cb, NULL);
		return -38;
	}
	if (bpf_ksym_exists(bpf_task_work_schedule_resume))
		return bpf_task_work_schedule_resume(task, &v->tw, &deferred_map, deferred_cb);
	if (bpf_ksym_exists(bpf_task_work_schedule_resume_impl))
		return bpf_task_work_schedule_resume_impl(task, &v->tw, &deferred_map, deferred_cb,
							  NULL);
	return -38; /* ENOSYS */
}

static __always_inline int deferred_enter(__u64 ptr)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 t0 = bpf_ktime_get_ns();
	struct deferred *v;
	int arm, r;

	if (!is_target() || ptr != ctl.buf)
		return 0;
	if (armed(ARM_DEFERRED))
		arm = ARM_DEFERRED;
	else if (armed(ARM_DEFERRED_SIGNAL))
		arm = ARM_DEFERRED_SIGNAL;
	else if (armed(ARM_DEFERRED_ON_FAIL))
		arm = ARM_DEFERRED_ON_FAIL;
	else
		return 0;
	if (arm == ARM_DEFERRED_ON_FAIL) {
		/* what an agent ships: the cheap read first, the deferral only if it failed */
		do_arm(ARM_DEFERRED_ON_FAIL, ptr, RM_PROBE);
		if (out.arm[ARM_DEFERRED_ON_FAIL].flags & RD_OK)
			return 0;
	}
	v = bpf_map_lookup_elem(&deferred_map, &tid);
	if (!v) {
		struct deferred init = {};

		bpf_map_update_elem(&deferred_map, &tid, &init, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&deferred_map, &tid);
	}
	if (!v) {
		out.arm[arm].ret = -12; /* ENOMEM */
		out.arm[arm].flags = RD_FIRED | RD_FAULT;
		return 0;
	}
	v->ptr = ptr;
	v->nonce = ctl.nonce;
	v->arm = arm;
	v->t_enter = t0;
	r = deferred_schedule(v, arm == ARM_DEFERRED_SIGNAL);
	v->cost_enter = bpf_ktime_get_ns() - t0;
	if (r) { /* not scheduled: the arm ends with nothing */
		out.arm[arm].ret = r;
		out.arm[arm].flags = RD_FIRED | RD_FAULT;
		out.arm[arm].cost_ns = v->cost_enter;
		return 0;
	}
	/* the callback fills the record; if it never runs, the trial counts as missed */
	out.arm[arm].flags = 0;
	return 0;
}

#define DEFERRED_PROG(id, name, argi, argname, kind)                                               \
	ARM_TP_ENTER(deferred, id, argi, deferred_enter)
BPFAULT_SYSCALLS(DEFERRED_PROG, ARM_TP_NONE, ARM_TP_VAR)
