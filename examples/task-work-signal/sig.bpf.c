// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Does a BPF task_work scheduled with the _signal variant interrupt a blocking write? */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "kfuncs.h" /* bpf/kfuncs.h */

char LICENSE[] SEC("license") = "Dual BSD/GPL";
const volatile __u32 targ_tgid = 0;
__u32 use_signal = 0, armed = 0;
__u64 target_fd = 0, enters = 0, exits = 0, callbacks = 0, sched_err = 0;
__s64 last_ret = 0;
__u64 restarts = 0;

struct v {
	__u64 x;
	struct bpf_task_work tw;
};
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct v);
} m SEC(".maps");

static int cb(struct bpf_map *map, void *key, void *value)
{
	__sync_fetch_and_add(&callbacks, 1);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_write")
int on_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct v init = {}, *v;
	int r;

	if ((bpf_get_current_pid_tgid() >> 32) != targ_tgid || !armed || ctx->args[0] != target_fd)
		return 0;
	enters++;
	bpf_map_update_elem(&m, &tid, &init, BPF_NOEXIST);
	v = bpf_map_lookup_elem(&m, &tid);
	if (!v)
		return 0;
	if (use_signal)
		r = bpf_task_work_schedule_signal_impl(bpf_get_current_task_btf(), &v->tw, &m, cb,
						       NULL);
	else
		r = bpf_task_work_schedule_resume_impl(bpf_get_current_task_btf(), &v->tw, &m, cb,
						       NULL);
	if (r)
		sched_err++;
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_write")
int on_exit(struct trace_event_raw_sys_exit *ctx)
{
	if ((bpf_get_current_pid_tgid() >> 32) != targ_tgid || !armed)
		return 0;
	exits++;
	last_ret = ctx->ret;
	if (ctx->ret == -512) /* ERESTARTSYS: interrupted, restarted */
		restarts++;
	return 0;
}
