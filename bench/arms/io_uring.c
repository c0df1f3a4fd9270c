// SPDX-License-Identifier: BSD-2-Clause
/*
 * Arms at hooks that are not the syscall's: io_uring submission and completion, and execve's
 * (and execveat's) sched_process_exec (argv read from the new image) for `later`.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "arms.h"
#include "loader.h"
#include "probe.skel.h"

/* the names the submission tracepoint had: io_uring_submit_sqe became io_uring_submit_req (6.2) */
#define SUBMIT_NEW "io_uring_submit_req"
#define SUBMIT_OLD "io_uring_submit_sqe"

/* true if this kernel has tracepoint io_uring/<name>: its BTF has btf_trace_<name> */
static bool tp_present(const char *name)
{
	static struct btf *vm;
	static bool tried;
	char t[96];

	if (!tried) {
		tried = true;
		vm = btf__parse(kernel_btf_path(), NULL);
		if (libbpf_get_error(vm))
			vm = NULL;
	}
	snprintf(t, sizeof(t), "btf_trace_%s", name);
	return !vm || btf__find_by_name_kind(vm, t, BTF_KIND_TYPEDEF) >= 0;
}

/* the program of the name this kernel's tracepoint has (the older one only if the newer is
 * missing): the other one is never loaded, its CO-RE struct need not exist */
static int submit_progs(struct probe_bpf *s, int sc, struct bpf_program **out, int max)
{
	(void)sc;
	if (max < 1)
		return 0;
	out[0] = !tp_present(SUBMIT_NEW) && tp_present(SUBMIT_OLD) ? s->progs.uring_submit_sqe
								   : s->progs.uring_submit;
	return 1;
}

static int submit_supported(char *why, size_t len)
{
	if (tp_present(SUBMIT_NEW) || tp_present(SUBMIT_OLD))
		return 0;
	snprintf(why, len,
		 "no tracepoint io_uring/" SUBMIT_NEW " or io_uring/" SUBMIT_OLD " on this kernel");
	return -ENOENT;
}

static int later_progs(struct probe_bpf *s, int sc, struct bpf_program **out, int max)
{
	if (max < 1)
		return 0;
	/* it serves the exec family (argv from the new image) and io_uring's writes */
	out[0] = syscalls[sc].kind == KIND_ARGV ? s->progs.exec_later : s->progs.uring_complete;
	return 1;
}

const struct arm_impl arm_submit = {
	.hooks = (const struct arm_hook[]){{SC_uring_write,
					    "tracepoint/io_uring/"
					    "io_uring_submit_req, io_uring_submit_sqe "
					    "on older kernels (at submission, the "
					    "SQE's buffer)"},
					   {0}},
	.progs = submit_progs,
	.supported = submit_supported,
};

const struct arm_impl arm_later = {
	.hooks = (const struct arm_hook[]){{SC_uring_write, "tracepoint/io_uring/io_uring_complete "
							    "(after the kernel did the write)"},
					   {SC_execve, "tracepoint/sched/sched_process_exec "
						       "(argv[1] from the new image's "
						       "mm->arg_start)"},
					   {SC_execveat, "tracepoint/sched/sched_process_exec "
							 "(argv[1] from the new image's "
							 "mm->arg_start)"},
					   {0}},
	.progs = later_progs,
};
