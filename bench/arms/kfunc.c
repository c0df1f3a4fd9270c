// SPDX-License-Identifier: BSD-2-Clause
/* Arms inside the kernel, before it copies the buffer: fentry and kprobe on vfs_write. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include "arms.h"
#include "probe.skel.h"

ONE_PROG(fentry_progs, fentry_vfs_write)

ONE_PROG(kprobe_progs, kprobe_vfs_write)

static const char *fentry_reason(int err)
{
	return err == -EPERM ? " (function tracing is locked down on this kernel)" : "";
}

/* a kprobe needs the kprobe PMU (or kprobe_events): known before any load */
static int kprobe_supported(char *why, size_t len)
{
	if (access("/sys/bus/event_source/devices/kprobe", F_OK) == 0)
		return 0;
	snprintf(why, len,
		 "this kernel has no kprobe PMU and no kprobe_events: kprobes "
		 "unavailable");
	return -ENOENT;
}

const struct arm_impl arm_fentry = {
	.hooks = (const struct arm_hook[]){{SC_write, "fentry/vfs_write (in-kernel, before the "
						      "copy)"},
					   {0}},
	.progs = fentry_progs,
	.reason = fentry_reason,
};

const struct arm_impl arm_kprobe = {
	.hooks = (const struct arm_hook[]){{SC_write, "kprobe/vfs_write (in-kernel, before the "
						      "copy)"},
					   {0}},
	.progs = kprobe_progs,
	.supported = kprobe_supported,
};
