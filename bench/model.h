/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The descriptors of the units (page states, sinks, syscalls, arms). The tables are generated
 * from the registry, bpf/units.def (bench/units.c); each unit's behaviour lives in its own file.
 * Nothing dispatches on names: cells carry descriptor pointers.
 */
#ifndef BPFAULT_MODEL_H
#define BPFAULT_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <linux/types.h>
#include "probe.h"

#define PAGE_SZ	   4096u
#define SLOT_PAGES 2u /* a buffer may cross into a second page */

struct cellrt;
struct probe_bpf;
struct bpf_program;
struct bpf_link;

/* Unit numbers, in the registry's order (bpf/units.def) */
enum sc_id {
#define SC_ENUM_ARG(id, name, argi, argname, kind)	 SC_##id,
#define SC_ENUM_OTHER(id, name, kind, where)		 SC_##id,
#define SC_ENUM_VAR(id, name, base, argi, argname, kind) SC_##id,
	BPFAULT_SYSCALLS(SC_ENUM_ARG, SC_ENUM_OTHER, SC_ENUM_VAR)
#undef SC_ENUM_ARG
#undef SC_ENUM_OTHER
#undef SC_ENUM_VAR
		SC__COUNT,
};
enum st_id {
#define ST_ENUM(id) ST_##id,
	BPFAULT_STATES(ST_ENUM)
#undef ST_ENUM
		ST__COUNT,
};
enum sk_id {
#define SK_ENUM(id) SK_##id,
	BPFAULT_SINKS(SK_ENUM)
#undef SK_ENUM
		SK__COUNT,
};

/* what the host offers the page states (set up by the runner): NULL if available, else why not */
struct host_caps {
	const char *no_swap;
	const char *no_memcg;
};

/* how the buffer is put into a page state before each call (one file each in workloads/) */
struct state_desc {
	const char *name;
	const char *help;
	bool control;	  /* the buffer is resident: no arm may ever fail (a run's control cells) */
	bool needs_swap;  /* anonymous page-out: swap must be on (bpfault sets up zram) */
	bool needs_memcg; /* a memory cgroup (pressure): unsupported without one */
	bool nonresident; /* preparation must leave the buffer's page(s) not present */
	bool expect_zero; /* the buffer reads as zeros (untouched) */
	/* graded: partially resident by design (pressure): neither the "state took on" rule of
	 * nonresident states nor the "never fails" rule of controls applies; ground truth tells */
	bool graded;
	/* optional: 0 if the state can run on this host, else -errno with the reason in why; asked
	 * after the swap and memory cgroup it needs (from h) were found */
	int (*supported)(const struct host_caps *h, char *why, size_t len);
	/* allocate the cell's buffers; 0 or -errno */
	int (*setup)(struct cellrt *c);
	/* write the pattern at c->buf and put it into the state; *nonce: in, the trial's nonce;
	 * out, the nonce the buffer really carries (file pools fix theirs). 0 or -errno */
	int (*prepare)(struct cellrt *c, uint64_t *nonce);
	void (*teardown)(struct cellrt *c);
	/* optional: after each call (and the sink's after): ready the used buffer for its next use
	 */
	void (*after)(struct cellrt *c);
	/* optional: NULL if a buffer of size bytes at offset (str: and its NUL) suits the state,
	 * else why not (the cell is dropped from the matrix) */
	const char *(*fits)(uint32_t size, uint32_t offset, bool str);
};

/* where the data goes */
struct sink_desc {
	const char *name;
	const char *help;
	bool touches_buffer;		 /* the kernel reads the buffer (false: null, none) */
	bool is_none;			 /* no data sink at all (calls that take a path or argv) */
	int (*open)(struct cellrt *c);	 /* sets c->fd */
	void (*after)(struct cellrt *c); /* after each call: drain, rewind */
	void (*close)(struct cellrt *c);
	/* optional: NULL if a buffer of size bytes at offset suits the sink, else why not */
	const char *(*fits)(uint32_t size, uint32_t offset);
};

/* a syscall's behaviour (bench/syscalls/<name>.c); its buffer's place is in the registry */
struct syscall_impl {
	long nr;
	const char *help;
	/* issue the call through bpfault_call(); returns the syscall's result or -errno */
	long (*issue)(struct cellrt *c);
	/* NULL if the result r is what a trial expects, else why not */
	const char *(*check)(struct cellrt *c, long r);
	/* NULL if the sink works with this syscall, else why not */
	const char *(*sink_ok)(const struct sink_desc *k);
	bool forks;	     /* the call replaces the process (execve): it runs in a child */
	bool replaces_image; /* after the call the old image is gone: exit hooks see another */
	/* optional: what a page state writes at buf in place of the pattern of nonce (c->size
	 * bytes): sendmsg-iov and sendmsg-hdr put the structure that leads to the data there */
	void (*fill)(const struct cellrt *c, void *buf, uint64_t nonce);
	/* optional: per-cell resources of the call (writev's iovec, io_uring's ring); -EOPNOTSUPP
	 * with the reason in c->unsup: the cell cannot run (reported unsupported) */
	int (*setup)(struct cellrt *c);
	void (*teardown)(struct cellrt *c);
};

/* the syscall a trial issues: the registry's facts and its behaviour */
struct syscall_desc {
	const char *name;
	int id;		   /* enum sc_id */
	int base;	   /* the syscall it is a variant of (VAR in units.def), else id */
	int argi;	   /* which argument is the buffer; -1: not an argument (io_uring's SQE) */
	const char *where; /* where the buffer is, in words ("argument 1 (buf)") */
	int kind;	   /* enum bpfault_kind */
	const char *tp;	   /* tracepoint suffix sys_enter_<tp>, or NULL */
	const struct syscall_impl *impl;
};

/* the hook of an arm for the syscalls it serves: sc is an enum sc_id, SC_ARGS for every syscall
 * that passes the buffer as an argument, or SC_ARGS_NOFORK for those of them bpfault calls in its
 * own process (not in a forked child: execve and its kin); "%s" in hook is the syscall's
 * tracepoint suffix */
#define SC_ARGS	       (-1)
#define SC_ARGS_NOFORK (-2)
struct arm_hook {
	int sc;
	const char *hook;
};

/* an arm's behaviour (bench/arms/<family>.c) */
struct arm_impl {
	const struct arm_hook *hooks; /* ended by {0, NULL} */
	/* the skeleton programs it needs for syscall sc; returns how many (<= max) */
	int (*progs)(struct probe_bpf *s, int sc, struct bpf_program **out, int max);
	/* optional: attach one of them (default: bpf_program__attach); NULL with errno set */
	struct bpf_link *(*attach)(struct bpf_program *prog);
	/* optional: 0 if this kernel can have the arm at all, else -errno with the reason */
	int (*supported)(char *why, size_t len);
	/* optional: what an errno from loading or attaching its programs means ("" if nothing) */
	const char *(*reason)(int err);
	bool sleepable; /* its programs load with BPF_F_SLEEPABLE (libbpf 1.1.2 has no tp.s/) */
	/* optional: read after the call returned, from user space (iter): link_fd is the link of
	 * its first program; 0 or -errno */
	int (*after_call)(int link_fd);
};

/* one read strategy at one hook: the registry's facts and its behaviour */
struct arm_desc {
	const char *name;
	int id;		    /* enum bpfault_arm */
	const char *family; /* tracepoint, raw_tp, tp_btf, uprobe, fentry, kprobe, io_uring, ... */
	bool at_exit;	    /* reads at the syscall's exit, through a pointer saved at enter */
	bool perturbing;    /* faults pages in: runs in trials of its own */
	int pair;	    /* the arm it is compared with first, or ARM_NONE */
	int style;	    /* plot-style slot */
	const char *reads;  /* helper(s) */
	const struct arm_impl *impl;
};

extern const struct state_desc *const states[ST__COUNT];
extern const struct sink_desc *const sinks[SK__COUNT];
extern const struct syscall_desc syscalls[SC__COUNT];
extern const struct arm_desc arms[ARM__COUNT];
extern const size_t nstates, nsinks, nsyscalls, narms; /* ST__COUNT, SK__COUNT, ... */

const struct state_desc *find_state(const char *name);
const struct sink_desc *find_sink(const char *name);
const struct syscall_desc *find_syscall(const char *name);
/* the syscall whose hooks and tool scoring serve sc: its base when sc is a variant that
 * succeeds and replaces the image as its base does (execve-argv: other memory in the page
 * state), else sc itself (a variant whose call fails, as execve-enoent, is measured apart) */
const struct syscall_desc *sc_behaves_as(const struct syscall_desc *sc);
const struct arm_desc *find_arm(const char *name);

/* the hook text of arm a for syscall sc into buf; NULL if the arm does not serve sc */
const char *arm_hook(const struct arm_desc *a, const struct syscall_desc *sc, char *buf,
		     size_t len);
/* NULL if arm a can read in cells of syscall sc, else why not (into buf) */
const char *arm_serves(const struct arm_desc *a, const struct syscall_desc *sc, char *buf,
		       size_t len);
/* 0 if state st can run with host h, else -errno with the reason */
int state_supported(const struct state_desc *st, const struct host_caps *h, char *why, size_t len);

/* runtime of one cell: its buffers, fds and state */
struct cellrt {
	const struct state_desc *st;
	const struct sink_desc *sk;
	const struct syscall_desc *sc;
	uint32_t size, offset;
	/* buffer region: slots of SLOT_PAGES pages */
	uint8_t *region;
	size_t nslots, slot;
	int region_fd;	    /* file-backed states: the backing file */
	uint64_t gen;	    /* file-backed: pattern generation of the pool */
	uint64_t seed;	    /* cell seed, for nonces */
	uint8_t *buf;	    /* this trial's buffer (region + slot + offset) */
	int fd, fd2;	    /* sink fds (pipe: fd2 is the read end) */
	void *iov;	    /* KIND_IOV: the iovec (resident, locked) pointing at buf */
	void *ring;	    /* io_uring: the cell's ring */
	void *shared;	    /* forks: a shared page for the child's report, and the argv array */
	void *own;	    /* the syscall's own resident memory (sendmsg: msghdr, iovec, data) */
	uint32_t later_off; /* execve: argv[1]'s offset from the new image's arg_start */
	uint64_t calls;
	const char *workdir; /* where files are made (a disk file system) */
	void *priv;	     /* the page state's own per-cell data (pressure: slot nonces) */
	char unsup[144];     /* a set-up that returns -EOPNOTSUPP says why here */
	uint64_t nonce;	     /* this trial's pattern (after prepare) */
};

/* the workload's call site: the sleepable uprobe arm attaches here */
long bpfault_call(long nr, long a0, long a1, long a2, long a3, long a4, long a5);

/* the pointer leads to a NUL-terminated string */
static inline bool kind_is_str(int kind)
{
	return kind == KIND_STR || kind == KIND_ARGV;
}

/* fill buf with the pattern for nonce (size multiple of 8), and a NUL after it for strings */
void pattern_fill(void *buf, uint32_t size, uint64_t nonce, bool str);
/* what a page state writes at buf (c->size bytes) for a trial of nonce: the pattern, or what the
 * syscall puts in the state's page instead (its fill: sendmsg-iov's iovec, sendmsg-hdr's msghdr) */
void state_fill(const struct cellrt *c, void *buf, uint64_t nonce);

#endif
