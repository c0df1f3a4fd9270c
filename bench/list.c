// SPDX-License-Identifier: BSD-2-Clause
/* bpfault list: what exists, and what this kernel supports (and why not) */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cmds.h"
#include "common.h"
#include "loader.h"
#include "sysstate.h"

static void swap_note(char *buf, size_t len)
{
	char s[256];

	sys_swap_summary(s, sizeof(s));
	if (strcmp(s, "none"))
		snprintf(buf, len, "ok (swap on: %s)", s);
	else if (access("/sys/block/zram0/disksize", R_OK) == 0)
		snprintf(buf, len, "ok (no swap on; bpfault sets up zram for the run)");
	else
		snprintf(buf, len, "unsupported: no swap and no zram device");
}

int cmd_list(int argc, char **argv)
{
	bool want_arm[ARM__COUNT], want_sc[64], probed = false;
	struct probe p = {0};
	char why[512] = "", swap[300], memcg[400], why2[256];

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: bpfault list\n  prints states, sinks, arms and syscalls, and which "
		       "this kernel supports (probing the arms needs root)\n");
		return EXIT_OK;
	}
	if (argc > 1) {
		err_msg("list: unexpected argument '%s'", argv[1]);
		return EXIT_USAGE;
	}
	memset(want_arm, 1, sizeof(want_arm));
	memset(want_sc, 0, sizeof(want_sc));
	memset(want_sc, 1, nsyscalls);
	if (geteuid() == 0) {
		g_quiet = 1;
		sys_init();
		sys_lock();
		sys_raise_memlock(); /* not needed on kernels with memcg-accounted BPF memory */
		if (sys_ensure_tracefs(why, sizeof(why)) == 0 &&
		    probe_start(&p, want_arm, want_sc, why, sizeof(why)) == 0)
			probed = true;
		g_quiet = 0;
	} else {
		snprintf(why, sizeof(why), "not root: cannot probe BPF");
	}
	swap_note(swap, sizeof(swap));
	if (geteuid() != 0)
		snprintf(memcg, sizeof(memcg), "memory cgroup: unknown (not root)");
	else if (sys_memcg_init(why2, sizeof(why2)) == 0)
		snprintf(memcg, sizeof(memcg), "memory cgroup: %s", sys_memcg_desc());
	else
		snprintf(memcg, sizeof(memcg), "unsupported: no memory cgroup: %s", why2);
	printf("syscalls:\n");
	for (size_t i = 0; i < nsyscalls; i++)
		printf("  %-14s ok (nr %ld, buffer is argument %u)\n", syscalls[i].name,
		       syscalls[i].nr, syscalls[i].argi);
	printf("page states:\n");
	for (size_t i = 0; i < nstates; i++) {
		char why3[160] = "";

		if (states[i].supported && states[i].supported(why3, sizeof(why3)) < 0) {
			printf("  %-14s %-60s unsupported: %s\n", states[i].name, states[i].help,
			       why3);
			continue;
		}
		printf("  %-14s %-60s %s%s%s\n", states[i].name, states[i].help,
		       states[i].needs_swap ? swap : "ok", states[i].needs_memcg ? "; " : "",
		       states[i].needs_memcg ? memcg : "");
	}
	printf("sinks:\n");
	for (size_t i = 0; i < nsinks; i++)
		printf("  %-14s %s\n", sinks[i].name, sinks[i].help);
	printf("arms:\n");
	for (size_t i = 0; i < narms; i++) {
		const struct arm_desc *a = &arms[i];
		char st[700];

		if (!probed)
			snprintf(st, sizeof(st), "unknown (%s)", why);
		else if (p.ok[a->id])
			snprintf(st, sizeof(st), "ok");
		else
			snprintf(st, sizeof(st), "unsupported: %s", p.why[a->id]);
		printf("  %-14s %-s%s\n      %s\n", a->name, a->perturbing ? "[own trials] " : "",
		       a->hook, st);
	}
	printf("  %-14s %s\n      %s\n", "later",
	       "a non-syscall hook after the kernel used the memory (sched_process_exec, "
	       "io_uring_complete)",
	       "not applicable to the syscalls above (write has no later hook)");
	if (probed)
		probe_stop(&p);
	sys_restore();
	return EXIT_OK;
}
