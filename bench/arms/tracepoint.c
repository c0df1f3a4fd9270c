// SPDX-License-Identifier: BSD-2-Clause
/* Arms at the per-syscall tracepoints: enter, exit, retry (tracepoint/syscalls/sys_*_<id>). */
#include "arms.h"
#include "probe.skel.h"

int tp_syscall_progs(struct probe_bpf *s, int sc, bool exit, struct bpf_program **out, int max)
{
	if (max < 2)
		return 0;
	switch (sc) {
#define TP_CASE(id, name, argi, argname, kind)                                                     \
	case SC_##id:                                                                              \
		out[0] = s->progs.tp_enter_##id;                                                   \
		out[1] = s->progs.tp_exit_##id;                                                    \
		return exit ? 2 : 1;
#define TP_NONE(id, name, kind, where)
		BPFAULT_SYSCALLS(TP_CASE, TP_NONE)
	}
	return 0;
}

static int enter_progs(struct probe_bpf *s, int sc, struct bpf_program **out, int max)
{
	return tp_syscall_progs(s, sc, false, out, max);
}

/* exit and retry need the enter program too: it saves the pointer */
static int exit_progs(struct probe_bpf *s, int sc, struct bpf_program **out, int max)
{
	return tp_syscall_progs(s, sc, true, out, max);
}

const struct arm_impl arm_enter = {
	.hooks = (const struct arm_hook[]){{SC_ARGS, "tracepoint/syscalls/sys_enter_%s"}, {0}},
	.progs = enter_progs,
};

const struct arm_impl arm_exit = {
	.hooks = (const struct arm_hook[]){{SC_ARGS, "tracepoint/syscalls/sys_exit_%1$s, pointer "
						     "saved at sys_enter_%1$s"},
					   {0}},
	.progs = exit_progs,
};

const struct arm_impl arm_retry = {
	.hooks = (const struct arm_hook[]){{SC_ARGS, "tracepoint/syscalls/sys_enter_%1$s; if that "
						     "read failed, again at sys_exit_%1$s"},
					   {0}},
	.progs = exit_progs,
};
