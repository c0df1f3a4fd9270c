/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers shared by the arm families (bench/arms/). */
#ifndef BPFAULT_ARMS_H
#define BPFAULT_ARMS_H

#include "model.h"

/* the tracepoint programs of syscall sc: tp_enter_<id> and (with exit) tp_exit_<id>; count */
int tp_syscall_progs(struct probe_bpf *s, int sc, bool exit, struct bpf_program **out, int max);

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

#endif
