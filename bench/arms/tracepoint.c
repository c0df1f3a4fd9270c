// SPDX-License-Identifier: BSD-2-Clause
/* Arms at the per-syscall tracepoints: enter, exit, retry (tracepoint/syscalls/sys_*_<id>). */
#include <errno.h>
#include "arms.h"
#include "probe.skel.h"

int sc_progs(struct probe_bpf *s, int sc, struct sc_progs *p)
{
	switch (sc) {
#define SC_PROGS_OF(id)                                                                            \
	*p = (struct sc_progs){.tp_enter = s->progs.tp_enter_##id,                                 \
			       .tp_exit = s->progs.tp_exit_##id,                                   \
			       .dynptr = s->progs.dynptr_##id,                                     \
			       .sleep_tp = s->progs.sleep_tp_##id,                                 \
			       .deferred = s->progs.deferred_##id};                                \
	return 0;
#define SC_PROGS_ARG(id, name, argi, argname, kind)                                                \
	case SC_##id:                                                                              \
		SC_PROGS_OF(id)
#define SC_PROGS_NONE(id, name, kind, where)
#define SC_PROGS_VAR(id, name, base, argi, argname, kind)                                          \
	case SC_##id:                                                                              \
		SC_PROGS_OF(base)
		BPFAULT_SYSCALLS(SC_PROGS_ARG, SC_PROGS_NONE, SC_PROGS_VAR)
	}
	return -ENOENT;
}

int tp_syscall_progs(struct probe_bpf *s, int sc, bool exit, struct bpf_program **out, int max)
{
	struct sc_progs p;

	if (max < 2 || sc_progs(s, sc, &p))
		return 0;
	out[0] = p.tp_enter;
	out[1] = p.tp_exit;
	return exit ? 2 : 1;
}

static int enter_progs(struct probe_bpf *s, int sc, struct bpf_program **out, int max)
{
	return tp_syscall_progs(s, sc, false, out, max);
}

/*
 * exit and retry need the enter program too: it saves the pointer. A successful execveat returns
 * through sys_exit_execve, not sys_exit_execveat (measured: the new image's exit is execve's, as
 * Falco's libs found), a failed one through its own: both exits for execveat.
 */
static int exit_progs(struct probe_bpf *s, int sc, struct bpf_program **out, int max)
{
	int n = tp_syscall_progs(s, sc, true, out, max);

	if (sc == SC_execveat && n == 2 && max > 2)
		out[n++] = s->progs.tp_exit_execve;
	return n;
}

#define EXECVEAT_EXIT                                                                              \
	"tracepoint/syscalls/sys_exit_execve (a successful execveat returns there) and "           \
	"sys_exit_execveat, pointer saved at sys_enter_execveat"

const struct arm_impl arm_enter = {
	.hooks = (const struct arm_hook[]){{SC_ARGS, "tracepoint/syscalls/sys_enter_%s"}, {0}},
	.progs = enter_progs,
};

const struct arm_impl arm_exit = {
	.hooks = (const struct arm_hook[]){{SC_execveat, EXECVEAT_EXIT},
					   {SC_ARGS, "tracepoint/syscalls/sys_exit_%1$s, pointer "
						     "saved at sys_enter_%1$s"},
					   {0}},
	.progs = exit_progs,
};

const struct arm_impl arm_retry = {
	.hooks = (const struct arm_hook[]){{SC_execveat, "tracepoint/syscalls/sys_enter_execveat; "
							 "if that read failed, again at the exit "
							 "(" EXECVEAT_EXIT ")"},
					   {SC_ARGS, "tracepoint/syscalls/sys_enter_%1$s; if that "
						     "read failed, again at sys_exit_%1$s"},
					   {0}},
	.progs = exit_progs,
};
