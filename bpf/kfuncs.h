/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Kernel functions the frontier arms call, declared by hand: bpftool 7.1's vmlinux.h has no kfunc
 * prototypes, and libbpf 1.1.2 has no bpf_ksym_exists(). Every one is weak: a kfunc the running
 * kernel lacks resolves to 0, the verifier drops the call as dead code, and the rest of the object
 * still loads. User space tells the arm unsupported from the kernel's BTF (bench/frontier.c).
 */
#ifndef BPFAULT_KFUNCS_H
#define BPFAULT_KFUNCS_H

#ifndef __weak
#define __weak __attribute__((weak))
#endif

/* libbpf >= 1.2 has it in bpf_helpers.h */
#ifndef bpf_ksym_exists
#define bpf_ksym_exists(sym) (!!(&(sym)))
#endif

/* 6.18: BPF task_work, the callback runs in the task's context before it returns to user space */
extern int bpf_task_work_schedule_resume_impl(struct task_struct *task, struct bpf_task_work *tw,
					      void *map__map, bpf_task_work_callback_t callback,
					      void *aux__prog) __ksym __weak;
extern int bpf_task_work_schedule_signal_impl(struct task_struct *task, struct bpf_task_work *tw,
					      void *map__map, bpf_task_work_callback_t callback,
					      void *aux__prog) __ksym __weak;
/* the later names, with the program argument implicit */
extern int bpf_task_work_schedule_resume(struct task_struct *task, struct bpf_task_work *tw,
					 void *map__map,
					 bpf_task_work_callback_t callback) __ksym __weak;
extern int bpf_task_work_schedule_signal(struct task_struct *task, struct bpf_task_work *tw,
					 void *map__map,
					 bpf_task_work_callback_t callback) __ksym __weak;

/* 6.16: user reads into a dynptr; the non-sleepable ones fail without zeroing the destination */
extern int bpf_probe_read_user_dynptr(struct bpf_dynptr *dptr, __u32 off, __u32 size,
				      const void *unsafe_ptr__ign) __ksym __weak;
extern int bpf_probe_read_user_str_dynptr(struct bpf_dynptr *dptr, __u32 off, __u32 size,
					  const void *unsafe_ptr__ign) __ksym __weak;

/* read size bytes at ptr into dst (dsz bytes of map memory) through a dynptr over it */
static __always_inline long read_user_dynptr(void *dst, __u32 dsz, __u32 size, __u64 ptr, int str)
{
	struct bpf_dynptr dp;

	if (!bpf_ksym_exists(bpf_probe_read_user_dynptr) ||
	    !bpf_ksym_exists(bpf_probe_read_user_str_dynptr))
		return -38; /* ENOSYS */
	if (bpf_dynptr_from_mem(dst, dsz, 0, &dp))
		return -22;
	if (str)
		return bpf_probe_read_user_str_dynptr(&dp, 0, size, (const void *)ptr);
	return bpf_probe_read_user_dynptr(&dp, 0, size, (const void *)ptr);
}

#endif
