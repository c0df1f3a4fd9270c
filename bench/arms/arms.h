/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers shared by the arm families (bench/arms/). */
#ifndef BPFAULT_ARMS_H
#define BPFAULT_ARMS_H

#include "model.h"

/* the tracepoint programs of syscall sc: tp_enter_<id> and (with exit) tp_exit_<id>; count */
int tp_syscall_progs(struct probe_bpf *s, int sc, bool exit, struct bpf_program **out, int max);

/*
 * The families of programs bpf/probe.bpf.c makes one of per syscall of the registry whose
 * buffer is an argument (<family>_<id>, from BPFAULT_SYSCALLS). A family more: a field here and
 * in sc_progs(); a syscall more: nothing (a VAR syscall has its base's programs).
 */
struct sc_progs {
	struct bpf_program *tp_enter, *tp_exit, *dynptr, *sleep_tp, *deferred;
};

/* syscall sc's programs: 0, or -ENOENT when it has none (its buffer is no syscall argument) */
int sc_progs(struct probe_bpf *s, int sc, struct sc_progs *p);

/* 0 if the kernel's BTF has one of the kfuncs any (NULL-ended), else -errno and why ("this
 * kernel has no <any[0]> kfunc (added in <since>)") */
int kernel_has_kfunc(const char *const *any, const char *since, char *why, size_t len);

/* an arm's progs() when it needs one program, whatever the syscall: ONE_PROG(fn, skeleton prog) */
#define ONE_PROG(fn, prog)                                                                         \
	static int fn(struct probe_bpf *s, int sc, struct bpf_program **out, int max)              \
	{                                                                                          \
		(void)sc;                                                                          \
		if (max < 1)                                                                       \
			return 0;                                                                  \
		out[0] = s->progs.prog;                                                            \
		return 1;                                                                          \
	}

/* an arm's progs() when it needs syscall sc's program of one family: SC_PROG(fn, family) */
#define SC_PROG(fn, family)                                                                        \
	static int fn(struct probe_bpf *s, int sc, struct bpf_program **out, int max)              \
	{                                                                                          \
		struct sc_progs p;                                                                 \
                                                                                                   \
		if (max < 1 || sc_progs(s, sc, &p))                                                \
			return 0;                                                                  \
		out[0] = p.family;                                                                 \
		return 1;                                                                          \
	}

#endif
