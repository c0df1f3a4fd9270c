// SPDX-License-Identifier: BSD-2-Clause
/* The dynptr arm (bpf/dynptr.bpf.h): a read into a dynptr at sys_enter_<syscall>, which fails
 * like enter on a missing page but leaves the destination as it was. */
#include "arms.h"
#include "probe.skel.h"

SC_PROG(dynptr_progs, dynptr)

static int dynptr_supported(char *why, size_t len)
{
	static const char *const plain[] = {"bpf_probe_read_user_dynptr", NULL};
	static const char *const str[] = {"bpf_probe_read_user_str_dynptr", NULL};
	int err = kernel_has_kfunc(plain, "6.16", why, len);

	return err ? err : kernel_has_kfunc(str, "6.16", why, len);
}

const struct arm_impl arm_dynptr = {
	.hooks = (const struct arm_hook[]){{SC_ARGS, "tracepoint/syscalls/sys_enter_%s, "
						     "bpf_probe_read_user(_str)_dynptr (fails "
						     "without zeroing the destination)"},
					   {0}},
	.progs = dynptr_progs,
	.supported = dynptr_supported,
};
