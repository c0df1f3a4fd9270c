/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * dynptr: at sys_enter_<syscall>, bpf_probe_read_user_dynptr / _str_dynptr into a dynptr over the
 * scratch map value (read_check's RM_DYNPTR). On a missing page it fails like enter but leaves the
 * destination as it was: RD_KEPT, never RD_ZEROED. Programs dynptr_<syscall>.
 */

static __always_inline int dynptr_enter(__u64 ptr)
{
	if (is_target() && armed(ARM_DYNPTR) && ptr == ctl.buf)
		do_arm(ARM_DYNPTR, ptr, RM_DYNPTR);
	return 0;
}

#define DYNPTR_PROG(id, name, argi, argname, kind) ARM_TP_ENTER(dynptr, id, argi, dynptr_enter)
BPFAULT_SYSCALLS(DYNPTR_PROG, ARM_TP_NONE, ARM_TP_VAR)
