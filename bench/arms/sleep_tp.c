// SPDX-License-Identifier: BSD-2-Clause
/*
 * The sleep-tp arm (bpf/sleeptp.bpf.h): a sleepable syscall tracepoint reading with
 * bpf_copy_from_user. libbpf 1.1.2 has no tp.s/ sections, so the loader sets BPF_F_SLEEPABLE
 * (.sleepable); kernels before sleepable tracepoints (7.2) refuse it in the verifier's words.
 */
#include "arms.h"
#include "probe.skel.h"

static int sleep_tp_progs(struct probe_bpf *s, int sc, struct bpf_program **out, int max)
{
	if (max < 1)
		return 0;
	switch (sc) {
#define SLEEP_TP_CASE(id, name, argi, argname, kind)                                               \
	case SC_##id:                                                                              \
		out[0] = s->progs.sleep_tp_##id;                                                   \
		return 1;
#define SLEEP_TP_NONE(id, name, kind, where)
#define SLEEP_TP_VAR(id, name, base, argi, argname, kind)                                          \
	case SC_##id:                                                                              \
		out[0] = s->progs.sleep_tp_##base;                                                 \
		return 1;
		BPFAULT_SYSCALLS(SLEEP_TP_CASE, SLEEP_TP_NONE, SLEEP_TP_VAR)
	}
	return 0;
}

const struct arm_impl arm_sleep_tp = {
	.hooks = (const struct arm_hook[]){{SC_ARGS, "sleepable tracepoint/syscalls/sys_enter_%s "
						     "(BPF_F_SLEEPABLE), bpf_copy_from_user "
						     "(faults pages in)"},
					   {0}},
	.progs = sleep_tp_progs,
	.sleepable = true,
};
