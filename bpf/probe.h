/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Shared between bpf/probe.bpf.c and user space: the per-trial control block that user space
 * writes before each call, the per-arm records the BPF programs write back, and the pattern
 * both sides compute from a per-trial nonce. Nothing here ever carries user bytes.
 */
#ifndef BPFAULT_PROBE_H
#define BPFAULT_PROBE_H

#define BPFAULT_MAX_BUF 4096 /* largest read, bytes; sizes are multiples of 8 */

#include "units.def"

/* Arms, in the registry's order (bpf/units.def); ARM_NONE: no arm (a pair partner of none) */
enum bpfault_arm {
#define BPFAULT_ARM_ENUM(ID, id, name, family, at_exit, perturbing, pair, style, reads) ARM_##ID,
	BPFAULT_ARMS(BPFAULT_ARM_ENUM)
#undef BPFAULT_ARM_ENUM
		ARM__COUNT,
};
#define ARM_NONE (-1)

/* arm_mask is a 32-bit word: one bit per arm */
_Static_assert(ARM__COUNT <= 32, "struct bpfault_ctl.arm_mask has 32 bits");

/* what the syscall's pointer argument points at */
enum bpfault_kind {
	KIND_BUF = 0,  /* size bytes of data (write) */
	KIND_STR = 1,  /* a NUL-terminated string of size bytes (openat's path) */
	KIND_IOV = 2,  /* a struct iovec whose iov_base holds size bytes (writev) */
	KIND_ARGV = 3, /* an argv array whose argv[1] is a string of size bytes (execve) */
	KIND_MSG = 4,  /* a struct user_msghdr, msg_iov[0].iov_base holds size bytes (sendmsg) */
};

/*
 * KIND_ARGV's positions, each read on its own: 0 is argv[1] (size bytes, in the page state's
 * buffer), then argv[2..BPFAULT_NARGS] and envp[0..BPFAULT_NENV-1], each BPFAULT_POS_SIZE bytes
 * and its NUL on a resident page, carrying the string pattern of bpfault_pos_nonce(nonce, pos).
 * envp is the pointer array right after argv's NULL: envp == &argv[BPFAULT_NARGS + 2]. In the new
 * image (execve's later hooks) the strings follow one another from argv[1] on.
 */
#define BPFAULT_NARGS	 4 /* argv[1..4] */
#define BPFAULT_NENV	 2 /* envp[0..1] */
#define BPFAULT_NPOS	 (BPFAULT_NARGS + BPFAULT_NENV)
#define BPFAULT_POS_SIZE 32 /* "/nonexistent/bf-" and the position's nonce in hex */

/* the argv/envp slot (pointer index from argv) of position pos */
static inline __u32 bpfault_pos_slot(__u32 pos)
{
	return pos < BPFAULT_NARGS ? pos + 1 : pos + 2;
}

/* the nonce of position pos's string: the trial's for argv[1] */
static inline __u64 bpfault_pos_nonce(__u64 nonce, __u32 pos)
{
	return nonce ^ ((__u64)pos * 0x9e3779b97f4a7c15ULL);
}

/* flags of one read */
#define RD_FIRED     (1u << 0) /* the hook ran and tried to read */
#define RD_OK	     (1u << 1) /* bytes equal the expected pattern */
#define RD_FAULT     (1u << 2) /* helper returned < 0 */
#define RD_ZEROED    (1u << 3) /* destination all zero (pattern expected non-zero) */
#define RD_MISMATCH  (1u << 4) /* no error, not all zero, not the pattern */
#define RD_IOV_FAULT (1u << 5) /* KIND_IOV, KIND_MSG: the iovec array itself could not be read */
#define RD_KEPT	     (1u << 6) /* fault, and the destination still holds its prior fill (dynptr) */
#define RD_HDR_FAULT (1u << 7) /* KIND_MSG: the msghdr itself could not be read */

/* what user space asks for, one trial at a time */
struct bpfault_ctl {
	__u64 buf;	   /* the user pointer the call passes; other calls are ignored */
	__u64 nonce;	   /* pattern seed of this trial */
	__u32 size;	   /* bytes to read, multiple of 8, <= BPFAULT_MAX_BUF */
	__u32 expect_zero; /* 1: an untouched page, judged by the helper's return */
	__u32 arm_mask;	   /* 1 << enum bpfault_arm for each arm that reads in this trial */
	__s32 nr;	   /* syscall number, for the generic raw_tp/tp_btf hooks */
	__u32 argi;	   /* which syscall argument is the pointer (0-based) */
	__u32 kind;	   /* enum bpfault_kind: how the pointer leads to the bytes */
	__u32 tgid;	   /* a forked trial's process (execve), counted besides bpfault's own */
	__u32 later_off;   /* execve: argv[1]'s offset from mm->arg_start in the new image */
	__u32 iter_tid;	   /* the thread that makes the call, for the iter arm's task iterator */
	__u64 t_return;	   /* iter: CLOCK_MONOTONIC ns when the call returned, before the fetch */
};

struct bpfault_rec {
	__s32 ret;	/* helper return of the (last) read */
	__u32 flags;	/* RD_* */
	__u64 cost_ns;	/* time in the arm's read and check */
	__u64 delay_ns; /* deferred arms: from the enter hook to the callback's read; 0 otherwise */
	__u32 pos_ok;	/* KIND_ARGV: bit p, position p read and matched (bit 0: RD_OK) */
	__u32 pos_lost; /* KIND_ARGV: 1 if a position after the first failed one matched */
};

struct bpfault_out {
	struct bpfault_rec arm[ARM__COUNT];
	__u64 events; /* hook invocations that matched the target (sanity) */
};

/* splitmix64 finaliser: the expected 8-byte word i of a buffer with this nonce */
static inline __u64 bpfault_pattern_word(__u64 nonce, __u64 i)
{
	__u64 z = nonce + (i + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31)) | 0x0101010101010101ULL; /* no zero byte: usable as a string */
}

/* the shift of byte k of a word in memory order */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define BF_SH(k) (8 * (k))
#else
#define BF_SH(k) (56 - 8 * (k))
#endif
#define BF_PACK8(a, b, c, d, e, f, g, h)                                                           \
	((__u64)(a) << BF_SH(0) | (__u64)(b) << BF_SH(1) | (__u64)(c) << BF_SH(2) |                \
	 (__u64)(d) << BF_SH(3) | (__u64)(e) << BF_SH(4) | (__u64)(f) << BF_SH(5) |                \
	 (__u64)(g) << BF_SH(6) | (__u64)(h) << BF_SH(7))

/*
 * The expected word i of a string (openat's path, execve's argv[1]): printable and carrying the
 * nonce, so that a third-party tool's output can be matched to its trial. The bytes are
 * "/nonexistent/bf-" (a path that does not exist), the nonce in 16 lower-case hex digits, then
 * letters a-z drawn from the buffer pattern. Branch-free per byte: cheap for the verifier.
 */
static inline __u64 bpfault_str_word(__u64 nonce, __u64 i)
{
	__u64 w = 0, src, b;
	int k;

	if (i == 0)
		return BF_PACK8('/', 'n', 'o', 'n', 'e', 'x', 'i', 's');
	if (i == 1)
		return BF_PACK8('t', 'e', 'n', 't', '/', 'b', 'f', '-');
	if (i < 4) {
		src = i == 2 ? nonce >> 32 : nonce;
		for (k = 0; k < 8; k++) {
			b = (src >> (28 - 4 * k)) & 0xf; /* nibbles, most significant first */
			b += '0' + ((b + 6) >> 4) * ('a' - '0' - 10); /* 0-9, a-f */
			w |= b << BF_SH(k);
		}
		return w;
	}
	src = bpfault_pattern_word(nonce, i);
	for (k = 0; k < 8; k++)
		w |= ('a' + ((src >> (8 * k)) & 0xff) % 26) << BF_SH(k);
	return w;
}

/* byte i of that string */
static inline __u8 bpfault_str_byte(__u64 nonce, __u32 i)
{
	return (__u8)(bpfault_str_word(nonce, i / 8) >> BF_SH(i % 8));
}

#endif
