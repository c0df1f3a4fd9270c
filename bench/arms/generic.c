// SPDX-License-Identifier: BSD-2-Clause
/* Arms at the generic syscall hooks most agents use: raw_tp and tp_btf sys_enter/sys_exit. */
#include "arms.h"
#include "probe.skel.h"

ONE_PROG(raw_enter_progs, raw_enter)

static int raw_exit_progs(struct probe_bpf *s, int sc, struct bpf_program **out, int max)
{
	(void)sc;
	if (max < 2)
		return 0;
	out[0] = s->progs.raw_enter;
	out[1] = s->progs.raw_exit;
	return 2;
}

ONE_PROG(btf_enter_progs, btf_enter)

static int btf_exit_progs(struct probe_bpf *s, int sc, struct bpf_program **out, int max)
{
	(void)sc;
	if (max < 2)
		return 0;
	out[0] = s->progs.btf_enter;
	out[1] = s->progs.btf_exit;
	return 2;
}

const struct arm_impl arm_raw_enter = {
	.hooks = (const struct arm_hook[]){{SC_ARGS, "raw_tp/sys_enter (generic, as most agents "
						     "hook)"},
					   {0}},
	.progs = raw_enter_progs,
};

const struct arm_impl arm_raw_exit = {
	.hooks = (const struct arm_hook[]){{SC_ARGS, "raw_tp/sys_exit, pointer saved at "
						     "raw_tp/sys_enter"},
					   {0}},
	.progs = raw_exit_progs,
};

const struct arm_impl arm_btf_enter = {
	.hooks = (const struct arm_hook[]){{SC_ARGS, "tp_btf/sys_enter"}, {0}},
	.progs = btf_enter_progs,
};

const struct arm_impl arm_btf_exit = {
	.hooks = (const struct arm_hook[]){{SC_ARGS, "tp_btf/sys_exit, pointer saved at "
						     "tp_btf/sys_enter"},
					   {0}},
	.progs = btf_exit_progs,
};
