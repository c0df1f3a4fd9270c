/* SPDX-License-Identifier: BSD-2-Clause */
/* The BPF side's lifecycle: open, check hooks, load the wanted arms' programs once, attach. */
#ifndef BPFAULT_LOADER_H
#define BPFAULT_LOADER_H

#include <pthread.h>
#include <stdbool.h>
#include "model.h"

struct probe_bpf;

#define PROBE_WHY 256

struct probe {
	struct probe_bpf *skel;
	bool ok[ARM__COUNT];		 /* arm can run (with PROBE_LOAD_ONLY: its programs load) */
	char why[ARM__COUNT][PROBE_WHY]; /* when not: why */
	int loads; /* object loads it took (1 unless some arm failed); list: minimal programs */
	volatile struct bpfault_ctl *ctl;
	volatile struct bpfault_out *out;
	int after_link[ARM__COUNT]; /* arms with after_call: their link's fd, else -1 */
	unsigned max_words;	    /* the largest read the programs serve, in 8-byte words */
	pthread_t detach_th[256];   /* probe_detach_start's threads, one a link (at most one a
				     * program of the object), joined by probe_stop */
	int ndetach;
};

enum probe_mode {
	PROBE_ATTACH, /* load and attach: ready for trials */
	/* bpfault list: per program, a minimal one of its type, flags and hook is loaded (not its
	 * code: that is verified when a run loads it); nothing attached; ctl and out stay NULL */
	PROBE_LOAD_ONLY,
};

/*
 * Load (and attach) the programs the wanted arms need for the wanted syscalls (want_arm indexed
 * by enum bpfault_arm, want_sc by enum sc_id) in one object load. An arm the kernel cannot have
 * (its supported(), a missing tracepoint, a program that does not load or attach) is marked with
 * its reason and left out; returns 0 if the object could be loaded at all, else -errno with the
 * reason in why. max_size: the largest read (ctl.size) any trial will ask for, 0 for
 * BPFAULT_MAX_BUF; the programs are verified for reads up to it (and refuse larger ones).
 */
int probe_start(struct probe *p, const bool *want_arm, const bool *want_sc, unsigned max_size,
		enum probe_mode mode, char *why, size_t len);
/* start detaching every link in threads of its own (a tracepoint's detach waits ~30 ms for RCU
 * grace periods): the caller's remaining work overlaps the waits; probe_stop joins them */
void probe_detach_start(struct probe *p);
/* every link detached (probe_detach_start's joined), the object closed */
void probe_stop(struct probe *p);
/*
 * At the end of a run: probe_stop() without waiting for the kernel. A perf-event tracepoint's
 * last close waits for RCU grace periods under event_mutex (30-45 ms a tracepoint, serial
 * however it is closed), which would add ~80 ms to every run's exit. The links' fds are handed
 * to a helper process ('bpfault-release', /proc/self/exe, holding nothing else: no stdio, no
 * directory, no memory of the run's), our copies closed (no longer the last: at once), and the
 * helper closes its copies, so the waits happen in it, after or while this process ends. The
 * programs are disabled before the helper's turn. 0, or -1 with nothing done (probe_stop() then).
 */
int probe_release_elsewhere(struct probe *p);
/* the helper: argv 'bpfault-release __release N' (main() runs it before anything else) */
int probe_release_main(int argc, char **argv);
#define PROBE_MAX_HANDOFF 256
/* the kernel BTF CO-RE relocates against: $BPFAULT_BTF, else /sys/kernel/btf/vmlinux */
const char *kernel_btf_path(void);
/* libbpf's last warning, for error messages */
const char *probe_last_libbpf_msg(void);
/* libbpf version string "1.1" */
const char *probe_libbpf_version(void);

#endif
