// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bpfault read probes: each arm reads the trial's user buffer at its hook, checks it against the
 * expected pattern and records flags, the helper's return and its own cost. No user byte leaves
 * this program.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "probe.h"
#include "kfuncs.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u32 targ_tgid = 0;
/* the largest read of the run in words, set by the loader: the verifier walks each compare loop
 * this many times, not BPFAULT_MAX_BUF / 8 (a 64-byte run verifies in a fraction of the time) */
const volatile __u32 max_words = BPFAULT_MAX_BUF / 8;

struct bpfault_ctl ctl = {};
struct bpfault_out out = {};

/* pointers saved at enter, per thread, one per hook family */
struct saved_ptr {
	__u64 tp;
	__u64 raw;
	__u64 btf;
};

/* LRU: forked trials (execve) use a new thread id each time; old ones must not fill the map */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct saved_ptr);
} saved_ptrs SEC(".maps");

/* forget a thread whose saved pointers are all consumed */
static __always_inline void saved_put(__u32 tid, struct saved_ptr *s)
{
	if (!s->tp && !s->raw && !s->btf)
		bpf_map_delete_elem(&saved_ptrs, &tid);
}

struct scratch {
	__u64 w[BPFAULT_MAX_BUF / 8 + 1]; /* + the NUL of a string */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

static __always_inline int is_target(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	return tgid == targ_tgid || (ctl.tgid && tgid == ctl.tgid);
}

static __always_inline int armed(int arm)
{
	return ctl.arm_mask & (1u << arm);
}

/* how an arm reads: the plain helper, the sleepable copy, or into a dynptr (bpf/kfuncs.h) */
enum read_method {
	RM_PROBE = 0,  /* bpf_probe_read_user(_str): fails and zeroes on a missing page */
	RM_COPY = 1,   /* bpf_copy_from_user: sleepable, faults the page in */
	RM_DYNPTR = 2, /* bpf_probe_read_user(_str)_dynptr into the scratch: fails, keeps it */
	RM_TASK = 3,   /* bpf_copy_from_user_task: sleepable, another task's memory (iter) */
};

#define DST_CANARY 0xa5c3a5c3a5c3a5c3ULL /* a dynptr read's prior fill: non-zero, not a pattern */

/* copied over the scratch before a dynptr read (one helper call, not a loop to verify) */
static const __u64 canary_fill[BPFAULT_MAX_BUF / 8 + 1] = {[0 ... BPFAULT_MAX_BUF / 8] =
								   DST_CANARY};

static __always_inline long read_user(void *dst, __u32 size, __u64 ptr, int method, int str,
				      struct task_struct *task)
{
	if (size == 0 || size > BPFAULT_MAX_BUF + 8)
		return -22;
	if (method == RM_COPY)
		return bpf_copy_from_user(dst, size, (const void *)ptr);
	if (method == RM_TASK)
		return task ? bpf_copy_from_user_task(dst, size, (const void *)ptr, task, 0) : -3;
	if (method == RM_DYNPTR)
		return read_user_dynptr(dst, sizeof(struct scratch), size, ptr, str);
	if (str)
		return bpf_probe_read_user_str(dst, size, (const void *)ptr);
	return bpf_probe_read_user(dst, size, (const void *)ptr);
}

#define CMP_ANY	  1 /* a word is not zero */
#define CMP_BAD	  2 /* a word is not what was expected */
#define CMP_MOVED 4 /* a word is not the prior fill DST_CANARY (dynptr reads) */

/*
 * Compare the first nwords words of s with the pattern of nonce (str: the printable string
 * pattern; or with zeros): CMP_* bits. Inlined into read_check(): 6.1's verifier gives up on it
 * as a global function (E2BIG, over a million instructions), though it passes 6.18's.
 */
static __always_inline int compare_words(const struct scratch *s, __u32 nwords, __u64 nonce,
					 __u32 expect_zero, __u32 str)
{
	__u64 any = 0, bad = 0, moved = 0;
	__u32 i;

	/* one loop per kind of expected word: no branch inside a loop, which keeps the verifier's
	 * states few enough for 6.1's million-instruction limit */
	if (expect_zero) {
		for (i = 0; i < BPFAULT_MAX_BUF / 8 && i < max_words && i < nwords; i++) {
			any |= s->w[i];
			moved |= s->w[i] ^ DST_CANARY;
		}
		bad = any;
	} else if (str) {
		for (i = 0; i < BPFAULT_MAX_BUF / 8 && i < max_words && i < nwords; i++) {
			any |= s->w[i];
			bad |= s->w[i] ^ bpfault_str_word(nonce, i);
			moved |= s->w[i] ^ DST_CANARY;
		}
	} else {
		for (i = 0; i < BPFAULT_MAX_BUF / 8 && i < max_words && i < nwords; i++) {
			any |= s->w[i];
			bad |= s->w[i] ^ bpfault_pattern_word(nonce, i);
			moved |= s->w[i] ^ DST_CANARY;
		}
	}
	return (any ? CMP_ANY : 0) | (bad ? CMP_BAD : 0) | (moved ? CMP_MOVED : 0);
}

/* read ptr (task's memory for RM_TASK), compare with the pattern, return RD_* flags; *ret gets
 * the helper's return */
static __noinline int read_check(__u64 ptr, int method, __u32 kind, __s32 *ret,
				 struct task_struct *task)
{
	__u32 zero = 0, size = ctl.size, nwords;
	__u64 nonce = ctl.nonce;
	int expect_zero = ctl.expect_zero, extra = 0, any, bad, moved, cmp;
	int sleepable = method == RM_COPY || method == RM_TASK;
	int plain = !sleepable; /* string reads that return the string's length */
	struct scratch *s;
	long r;

	s = bpf_map_lookup_elem(&scratch_map, &zero);
	if (!s)
		return 0;
	if (size == 0 || size > BPFAULT_MAX_BUF || size / 8 > max_words)
		return 0; /* not fired: the engine counts it missed, never a short compare */
	nwords = size / 8;
	if (method == RM_DYNPTR) /* a known prior fill, to tell "kept" from "zeroed" */
		bpf_probe_read_kernel(s, size + 8, canary_fill);
	if (kind == KIND_MSG) {
		/* the msghdr, whole as agents read it; then its msg_iov, as writev's iovec array */
		r = read_user(s, sizeof(struct user_msghdr), ptr, method, 0, task);
		if (r < 0) {
			*ret = r;
			return RD_FIRED | RD_FAULT | RD_HDR_FAULT |
			       (method == RM_DYNPTR && s->w[1] == DST_CANARY ? RD_KEPT : 0);
		}
		ptr = s->w[offsetof(struct user_msghdr, msg_iov) / 8];
		if (method == RM_DYNPTR)
			bpf_probe_read_kernel(s, sizeof(struct user_msghdr), canary_fill);
		kind = KIND_IOV;
	}
	if (kind == KIND_IOV || kind == KIND_ARGV) {
		/* the array first (iov_base, iov_len or argv[0], argv[1]), then what it points at
		 */
		r = read_user(s, 16, ptr, method, 0, task);
		if (r < 0) {
			*ret = r;
			return RD_FIRED | RD_FAULT | RD_IOV_FAULT |
			       (method == RM_DYNPTR && s->w[1] == DST_CANARY ? RD_KEPT : 0);
		}
		ptr = kind == KIND_IOV ? s->w[0] : s->w[1];
		if (method == RM_DYNPTR)
			s->w[0] = s->w[1] = DST_CANARY;
	}
	if (kind == KIND_STR || kind == KIND_ARGV) {
		/* size bytes and the NUL; a sleepable read copies them as plain bytes */
		r = read_user(s, size + 1, ptr, method, plain, task);
		if (r >= 0 && (sleepable ? ((__u8 *)s->w)[size] != 0 : r != (long)size + 1))
			extra = 1; /* a string of the wrong length */
		/*
		 * An empty string (an untouched page reads as zeros): 1 (its NUL) on recent
		 * kernels, 0 on older ones (6.1, 6.12), whose strncpy_from_user_nofault() did not
		 * count the NUL of an empty string; any other length is a wrong read on both.
		 */
		if (expect_zero && r >= 0)
			extra = sleepable ? ((__u8 *)s->w)[0] != 0 : r > 1;
	} else {
		r = read_user(s, size, ptr, method, 0, task);
	}
	*ret = r;
	/* an empty string read from a zero page copies one byte: compare nothing else */
	if ((kind == KIND_STR || kind == KIND_ARGV) && expect_zero && plain)
		nwords = 0;
	cmp = compare_words(s, nwords, nonce, expect_zero, kind == KIND_STR || kind == KIND_ARGV);
	any = cmp & CMP_ANY;
	bad = cmp & CMP_BAD;
	moved = cmp & CMP_MOVED;
	if (r < 0)
		return RD_FIRED | RD_FAULT | (!any && !expect_zero ? RD_ZEROED : 0) |
		       (method == RM_DYNPTR && !moved && s->w[0] == DST_CANARY ? RD_KEPT : 0);
	if (!bad && !extra)
		return RD_FIRED | RD_OK;
	if (!any && !expect_zero)
		return RD_FIRED | RD_ZEROED;
	return RD_FIRED | RD_MISMATCH;
}

/*
 * KIND_ARGV: position pos (1 .. BPFAULT_NPOS - 1, probe.h) read on its own, as a tool that reads
 * each argument whatever happened to the others: its pointer from the array at base (direct:
 * base is argv[2]'s string in the new image, the others follow it), then its string. 1 if it
 * holds its expected string.
 */
static __noinline int read_pos(__u64 base, __u32 pos, int method, int direct,
			       struct task_struct *task)
{
	int sleepable = method == RM_COPY || method == RM_TASK;
	__u32 zero = 0;
	struct scratch *s;
	__u64 ptr;
	long r;

	s = bpf_map_lookup_elem(&scratch_map, &zero);
	if (!s || pos == 0 || pos >= BPFAULT_NPOS)
		return 0;
	if (direct) {
		ptr = base + (pos - 1) * (BPFAULT_POS_SIZE + 1);
	} else {
		if (read_user(s, 8, base + bpfault_pos_slot(pos) * 8, method, 0, task) < 0)
			return 0;
		ptr = s->w[0];
	}
	r = read_user(s, BPFAULT_POS_SIZE + 1, ptr, method, !sleepable, task);
	if (r < 0 ||
	    (sleepable ? ((__u8 *)s->w)[BPFAULT_POS_SIZE] != 0 : r != BPFAULT_POS_SIZE + 1))
		return 0;
	return !(compare_words(s, BPFAULT_POS_SIZE / 8, bpfault_pos_nonce(ctl.nonce, pos), 0, 1) &
		 CMP_BAD);
}

/* every position of the arm's read, none skipped for an earlier failure: pos_ok, pos_lost */
static __always_inline void argv_positions(int arm, __u64 base, int method, int direct,
					   struct task_struct *task)
{
	__u32 ok, failed, lost = 0, pos;
	int r;

	if (arm < 0 || arm >= ARM__COUNT)
		return;
	ok = out.arm[arm].flags & RD_OK ? 1 : 0;
	failed = !ok;
	for (pos = 1; pos < BPFAULT_NPOS; pos++) {
		r = read_pos(base, pos, method, direct, task);
		ok |= (__u32)(r & 1) << pos;
		lost |= failed & r;
		failed |= !r;
	}
	out.arm[arm].pos_ok = ok;
	out.arm[arm].pos_lost = lost;
}

static __always_inline void do_arm_task(int arm, __u64 ptr, int method, __u32 kind,
					struct task_struct *task)
{
	__u64 t0 = bpf_ktime_get_ns();
	__s32 ret = 0;
	int flags = read_check(ptr, method, kind, &ret, task);

	if (arm < 0 || arm >= ARM__COUNT)
		return;
	out.arm[arm].ret = ret;
	out.arm[arm].flags = flags;
	out.arm[arm].cost_ns = bpf_ktime_get_ns() - t0; /* argv[1]'s read, as before positions */
	if (kind == KIND_ARGV)
		argv_positions(arm, ptr, method, 0, task);
}

static __always_inline void do_arm_kind(int arm, __u64 ptr, int method, __u32 kind)
{
	do_arm_task(arm, ptr, method, kind, NULL);
}

static __always_inline void do_arm(int arm, __u64 ptr, int method)
{
	do_arm_kind(arm, ptr, method, ctl.kind);
}

static __always_inline struct saved_ptr *saved_get(__u32 tid)
{
	struct saved_ptr *s = bpf_map_lookup_elem(&saved_ptrs, &tid);

	if (!s) {
		struct saved_ptr init = {};

		bpf_map_update_elem(&saved_ptrs, &tid, &init, BPF_NOEXIST);
		s = bpf_map_lookup_elem(&saved_ptrs, &tid);
	}
	return s;
}

/* ---- tracepoint/syscalls: the per-syscall hooks ---- */

static __always_inline int tp_enter(__u64 ptr)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct saved_ptr *s;

	if (!is_target() || ptr != ctl.buf)
		return 0;
	out.events++;
	if (armed(ARM_ENTER) || armed(ARM_RETRY))
		do_arm(ARM_ENTER, ptr, 0);
	if (armed(ARM_EXIT) || armed(ARM_RETRY)) {
		s = saved_get(tid);
		if (s)
			s->tp = ptr;
	}
	return 0;
}

static __always_inline int tp_exit(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct saved_ptr *s;
	__u64 ptr;

	if (!is_target())
		return 0;
	s = bpf_map_lookup_elem(&saved_ptrs, &tid);
	if (!s || !s->tp)
		return 0;
	ptr = s->tp;
	s->tp = 0;
	saved_put(tid, s);
	if (armed(ARM_EXIT))
		do_arm(ARM_EXIT, ptr, 0);
	if (armed(ARM_RETRY)) {
		if (out.arm[ARM_ENTER].flags & RD_OK) {
			out.arm[ARM_RETRY] = out.arm[ARM_ENTER];
		} else {
			do_arm(ARM_RETRY, ptr, 0);
			out.arm[ARM_RETRY].cost_ns += out.arm[ARM_ENTER].cost_ns;
		}
	}
	return 0;
}

/*
 * One enter and one exit program per syscall of the registry whose buffer is an argument:
 * tp_enter_<id> reads argument argi (bpf/units.def says which), tp_exit_<id> the saved pointer.
 */
#define TP_PROGS(id, name, argi, argname, kind)                                                    \
	SEC("tracepoint/syscalls/sys_enter_" #id)                                                  \
	int tp_enter_##id(struct trace_event_raw_sys_enter *ctx)                                   \
	{                                                                                          \
		return tp_enter(ctx->args[argi]);                                                  \
	}                                                                                          \
	SEC("tracepoint/syscalls/sys_exit_" #id)                                                   \
	int tp_exit_##id(struct trace_event_raw_sys_exit *ctx)                                     \
	{                                                                                          \
		return tp_exit();                                                                  \
	}
#define NO_PROGS(id, name, kind, where)
#define BASE_PROGS(id, name, base, argi, argname, kind) /* the programs of its base syscall */
BPFAULT_SYSCALLS(TP_PROGS, NO_PROGS, BASE_PROGS)
#undef TP_PROGS
#undef NO_PROGS
#undef BASE_PROGS

/* ---- generic raw_tp and tp_btf sys_enter/sys_exit, as most agents hook ---- */

/* syscall argument i (0-based) from the syscall's pt_regs: libbpf's per-architecture CO-RE
 * accessors (x86's fourth argument is r10, s390's and arm64's first is orig_*) */
static __always_inline __u64 regs_arg(struct pt_regs *regs, __u32 i)
{
	switch (i) {
	case 0:
		return PT_REGS_PARM1_CORE_SYSCALL(regs);
	case 1:
		return PT_REGS_PARM2_CORE_SYSCALL(regs);
	case 2:
		return PT_REGS_PARM3_CORE_SYSCALL(regs);
	case 3:
		return PT_REGS_PARM4_CORE_SYSCALL(regs);
	default:
		return PT_REGS_PARM5_CORE_SYSCALL(regs);
	}
}

static __always_inline int gen_enter(struct pt_regs *regs, long id, int arm_enter, int arm_exit,
				     int family)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct saved_ptr *s;
	__u64 ptr;

	if (!is_target() || id != ctl.nr)
		return 0;
	ptr = regs_arg(regs, ctl.argi);
	if (ptr != ctl.buf)
		return 0;
	if (armed(arm_enter))
		do_arm(arm_enter, ptr, 0);
	if (armed(arm_exit)) {
		s = saved_get(tid);
		if (!s)
			return 0;
		if (family)
			s->btf = ptr;
		else
			s->raw = ptr;
	}
	return 0;
}

/*
 * The exit of the call whose enter saved a pointer: a thread's syscalls do not nest, so the next
 * sys_exit on a thread with a saved pointer is that call's (execve's too: same thread, new image).
 * No syscall number is read here, so nothing architecture-specific (x86's orig_ax) is needed.
 */
static __always_inline int gen_exit(int arm_exit, int family)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct saved_ptr *s;
	__u64 ptr;

	if (!is_target() || !armed(arm_exit))
		return 0;
	s = bpf_map_lookup_elem(&saved_ptrs, &tid);
	if (!s)
		return 0;
	ptr = family ? s->btf : s->raw;
	if (!ptr)
		return 0;
	if (family)
		s->btf = 0;
	else
		s->raw = 0;
	saved_put(tid, s);
	do_arm(arm_exit, ptr, 0);
	return 0;
}

SEC("raw_tp/sys_enter")
int BPF_PROG(raw_enter, struct pt_regs *regs, long id)
{
	return gen_enter(regs, id, ARM_RAW_ENTER, ARM_RAW_EXIT, 0);
}

SEC("raw_tp/sys_exit")
int BPF_PROG(raw_exit, struct pt_regs *regs, long ret)
{
	return gen_exit(ARM_RAW_EXIT, 0);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(btf_enter, struct pt_regs *regs, long id)
{
	return gen_enter(regs, id, ARM_BTF_ENTER, ARM_BTF_EXIT, 1);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(btf_exit, struct pt_regs *regs, long ret)
{
	return gen_exit(ARM_BTF_EXIT, 1);
}

/* ---- sleepable uprobe on the workload's call site (perturbing: runs in trials of its own) ---- */

SEC("uprobe.s")
int BPF_KPROBE(sleep_call, long nr, long a0, long a1, long a2, long a3)
{
	__u64 ptr;

	if (!is_target() || !armed(ARM_SLEEP))
		return 0;
	/* bpfault_call(nr, a0, a1, a2, a3): the pointer is syscall argument argi */
	switch (ctl.argi) {
	case 0:
		ptr = a0;
		break;
	case 1:
		ptr = a1;
		break;
	case 2:
		ptr = a2;
		break;
	default:
		ptr = a3;
		break;
	}
	if (ptr != ctl.buf)
		return 0;
	do_arm(ARM_SLEEP, ptr, 1);
	return 0;
}

/* ---- in-kernel function hooks (need function tracing; locked down on some machines) ---- */

static __always_inline int fn_hook(int arm, __u64 ptr)
{
	if (!is_target() || !armed(arm) || ptr != ctl.buf)
		return 0;
	do_arm(arm, ptr, 0);
	return 0;
}

SEC("fentry/vfs_write")
int BPF_PROG(fentry_vfs_write, struct file *file, const char *buf, size_t count, loff_t *pos)
{
	return fn_hook(ARM_FENTRY, (__u64)buf);
}

SEC("kprobe/vfs_write")
int BPF_KPROBE(kprobe_vfs_write, struct file *file, const char *buf)
{
	return fn_hook(ARM_KPROBE, (__u64)buf);
}

/* ---- io_uring: the buffer is in the SQE, not a syscall argument; user_data carries it ---- */

static __always_inline int submit_hook(__u64 ptr)
{
	if (!is_target() || !armed(ARM_SUBMIT) || ptr != ctl.buf)
		return 0;
	do_arm(ARM_SUBMIT, ptr, 0);
	return 0;
}

SEC("tracepoint/io_uring/io_uring_submit_req")
int uring_submit(struct trace_event_raw_io_uring_submit_req *ctx)
{
	return submit_hook(ctx->user_data);
}

/* the same tracepoint before its rename (6.1 has it): user_data found by CO-RE */
struct trace_event_raw_io_uring_submit_sqe___old {
	unsigned long long user_data;
} __attribute__((preserve_access_index));

SEC("tracepoint/io_uring/io_uring_submit_sqe")
int uring_submit_sqe(struct trace_event_raw_io_uring_submit_sqe___old *ctx)
{
	return submit_hook(ctx->user_data);
}

SEC("tracepoint/io_uring/io_uring_complete")
int uring_complete(struct trace_event_raw_io_uring_complete *ctx)
{
	__u64 ptr = ctx->user_data;

	if (!is_target() || !armed(ARM_LATER) || ptr != ctl.buf || ctl.kind == KIND_ARGV)
		return 0;
	do_arm(ARM_LATER, ptr, 0);
	return 0;
}

/* ---- execve: after the exec, argv[1] (and the later positions) as the kernel copied them to the
 * new image's stack ---- */

SEC("tracepoint/sched/sched_process_exec")
int exec_later(void *ctx)
{
	struct task_struct *t;
	__u64 start;

	if (!is_target() || !armed(ARM_LATER) || ctl.kind != KIND_ARGV)
		return 0;
	t = (struct task_struct *)bpf_get_current_task();
	start = BPF_CORE_READ(t, mm, arg_start);
	do_arm_kind(ARM_LATER, start + ctl.later_off, 0, KIND_STR);
	argv_positions(ARM_LATER, start + ctl.later_off + ctl.size + 1, RM_PROBE, 1, NULL);
	return 0;
}

/* ---- arms at the kernel's frontier, each with programs of its own ---- */

/* an arm's own sys_enter_<id> program <prefix>_<id>, calling fn(argument argi); the arm's
 * BPFAULT_SYSCALLS(X, ARM_TP_NONE) line makes one per syscall of the registry */
#define ARM_TP_ENTER(prefix, id, argi, fn)                                                         \
	SEC("tracepoint/syscalls/sys_enter_" #id)                                                  \
	int prefix##_##id(struct trace_event_raw_sys_enter *ctx)                                   \
	{                                                                                          \
		return fn(ctx->args[argi]);                                                        \
	}
#define ARM_TP_NONE(id, name, kind, where)
#define ARM_TP_VAR(id, name, base, argi, argname, kind) /* the programs of its base syscall */

#include "deferred.bpf.h"
#include "dynptr.bpf.h"
#include "exitmm.bpf.h"
#include "sleeptp.bpf.h"
#include "iter.bpf.h"
