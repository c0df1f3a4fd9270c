/* SPDX-License-Identifier: BSD-2-Clause */
/* The BPF side's lifecycle: open, probe each arm's programs, load what works, attach. */
#ifndef BPFAULT_LOADER_H
#define BPFAULT_LOADER_H

#include <stdbool.h>
#include "model.h"

struct probe_bpf;

struct probe {
	struct probe_bpf *skel;
	bool ok[ARM__COUNT];	   /* arm can run */
	char why[ARM__COUNT][256]; /* when not: why */
	volatile struct bpfault_ctl *ctl;
	volatile struct bpfault_out *out;
	int iter_link; /* the iter arm's task iterator link fd, -1 if not attached */
};

/*
 * Load and attach the programs the wanted arms need for the wanted syscalls (want_arm indexed
 * by enum bpfault_arm, want_sc by syscall table index). Arms that cannot run are marked with a
 * reason; returns 0 if the BPF object could be loaded at all, else -errno with the reason in why.
 */
int probe_start(struct probe *p, const bool *want_arm, const bool *want_sc, char *why, size_t len);
void probe_stop(struct probe *p);
/* the kernel BTF CO-RE relocates against: $BPFAULT_BTF, else /sys/kernel/btf/vmlinux */
const char *kernel_btf_path(void);
/* libbpf's last warning, for error messages */
const char *probe_last_libbpf_msg(void);
/* libbpf version string "1.1" */
const char *probe_libbpf_version(void);

#endif
