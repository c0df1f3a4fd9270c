/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers shared by the arm families (bench/arms/). */
#ifndef BPFAULT_ARMS_H
#define BPFAULT_ARMS_H

#include "model.h"

/* the tracepoint programs of syscall sc: tp_enter_<id> and (with exit) tp_exit_<id>; count */
int tp_syscall_progs(struct probe_bpf *s, int sc, bool exit, struct bpf_program **out, int max);

#endif
