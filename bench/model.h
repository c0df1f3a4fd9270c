/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The descriptor tables: page states (workloads/), sinks, syscalls and arms. Adding a page state,
 * sink or syscall means one table entry and its functions; nothing else dispatches on names.
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

/* how the buffer is put into a page state before each call */
struct state_desc {
	const char *name;
	const char *help;
	bool needs_swap;  /* anonymous page-out: swap must be on (bpfault sets up zram) */
	bool nonresident; /* preparation must leave the buffer's page(s) not present */
	bool expect_zero; /* the buffer reads as zeros (untouched) */
	/* allocate the cell's buffers; 0 or -errno */
	int (*setup)(struct cellrt *c);
	/* write the pattern at c->buf and put it into the state; *nonce: in, the trial's nonce;
	 * out, the nonce the buffer really carries (file pools fix theirs). 0 or -errno */
	int (*prepare)(struct cellrt *c, uint64_t *nonce);
	void (*teardown)(struct cellrt *c);
	/* optional: after each call (and the sink's after): ready the used buffer for its next use
	 */
	void (*after)(struct cellrt *c);
	/* graded: partially resident by design (pressure): neither the "state took on" rule of
	 * nonresident states nor the "never fails" rule of controls applies; ground truth tells */
	bool graded;
	bool needs_memcg; /* a memory cgroup (pressure): unsupported without one */
};

/* where the data goes */
struct sink_desc {
	const char *name;
	const char *help;
	int (*open)(struct cellrt *c);	 /* sets c->fd */
	void (*after)(struct cellrt *c); /* after each call: drain, rewind */
	void (*close)(struct cellrt *c);
	/* optional: NULL if a buffer of size bytes at offset suits the sink, else why not */
	const char *(*fits)(uint32_t size, uint32_t offset);
};

/* the syscall a trial issues */
struct syscall_desc {
	const char *name;
	long nr;
	int argi; /* which argument is the buffer; -1: not an argument (io_uring's SQE) */
	int kind; /* enum bpfault_kind */
	/* issue the call through bpfault_call(); returns the syscall's result or -errno */
	long (*issue)(struct cellrt *c);
	/* NULL if the result r is what a trial expects, else why not */
	const char *(*check)(struct cellrt *c, long r);
	/* names of the tracepoint programs in the skeleton (enter, exit) */
	const char *tp_enter, *tp_exit;
	/* NULL if the sink works with this syscall, else why not */
	const char *(*sink_ok)(const struct sink_desc *k);
	bool forks;	  /* the call replaces the process (execve): it runs in a child */
	bool replaces_mm; /* after the call the old address space is gone: exit hooks see another */
	/* optional: per-cell resources of the call (writev's iovec, io_uring's ring) */
	int (*setup)(struct cellrt *c);
	void (*teardown)(struct cellrt *c);
};

/* one read strategy at one hook */
struct arm_desc {
	const char *name;
	int id;		 /* enum bpfault_arm */
	bool perturbing; /* faults pages in: runs in trials of its own */
	const char *hook;
	const char *progs[2]; /* skeleton programs it needs (besides the per-syscall tp ones) */
	bool needs_tp;	      /* needs the per-syscall tracepoints */
	const char *only;     /* the one syscall its hook serves, or NULL for all */
	bool needs_arg;	      /* reads the pointer from the syscall's arguments */
	bool at_exit;	      /* reads at the syscall's exit, through a pointer saved at enter */
	bool sleepable;	      /* its programs load with BPF_F_SLEEPABLE (sleep-tp) */
	const char *tp_progs; /* its own sys_enter programs, "<tp_progs>_<syscall>" per syscall */
};

extern const struct state_desc states[];
extern const size_t nstates;
extern const struct sink_desc sinks[];
extern const size_t nsinks;
extern const struct syscall_desc syscalls[];
extern const size_t nsyscalls;
extern const struct arm_desc arms[];
extern const size_t narms;

const struct state_desc *find_state(const char *name);
const struct sink_desc *find_sink(const char *name);
const struct syscall_desc *find_syscall(const char *name);
const struct arm_desc *find_arm(const char *name);

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
	uint32_t later_off; /* execve: argv[1]'s offset from the new image's arg_start */
	uint64_t calls;
	const char *workdir; /* where files are made (a disk file system) */
	void *priv;	     /* the page state's own per-cell data (pressure: slot nonces) */
};

/* the workload's call site: the sleepable uprobe arm attaches here */
long bpfault_call(long nr, long a0, long a1, long a2);

/* the pointer leads to a NUL-terminated string */
static inline bool kind_is_str(int kind)
{
	return kind == KIND_STR || kind == KIND_ARGV;
}

/* fill buf with the pattern for nonce (size multiple of 8), and a NUL after it for strings */
void pattern_fill(void *buf, uint32_t size, uint64_t nonce, bool str);

#endif
