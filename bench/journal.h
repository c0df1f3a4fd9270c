/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The durable record of what a run changes on the machine (swap, zram, tracefs, cgroups,
 * sysctl-like writes, work directories, child processes), so that a run killed by SIGKILL or a
 * crash is undone by the next run or by `bpfault cleanup`.
 *
 * Each process that changes anything keeps /run/bpfault/journal.<pid>.<start time>: one line
 * per change, written and fsync'd BEFORE the change is made (after it, where the name is only
 * known then: a hot-added zram device, a forked child, a mkdtemp directory), and a cancel line
 * when the change then failed. A full restore removes the file. Every undo step is safe to run
 * when its change never happened, so replaying a journal in reverse is always correct.
 */
#ifndef BPFAULT_JOURNAL_H
#define BPFAULT_JOURNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/resource.h>

#define JOURNAL_DIR "/run/bpfault"

enum undo_kind {
	U_UMOUNT,      /* umount path (tracefs) */
	U_SWAPOFF,     /* swapoff path */
	U_ZRAM_RESET,  /* write 1 to path (/sys/block/zramN/reset) */
	U_ZRAM_REMOVE, /* hot_remove zram id */
	U_RLIMIT,      /* RLIMIT_MEMLOCK (in-process only, never journaled) */
	U_RMDIR,       /* remove directory path (one level of files) */
	U_CGROUP,      /* remove cgroup path (its processes killed first) */
	U_KILL,	       /* SIGKILL process id (start: its start time, so a reused pid is spared) */
	U_WRITE,       /* write val to path */
	U__COUNT,
};

struct undo {
	enum undo_kind kind;
	int id;
	long long start;
	char val[80];
	char path[PATH_MAX];
	struct rlimit rl; /* U_RLIMIT */
};

/* append a record (fsync'd); 0 or -errno (the change may then go ahead unrecorded: warned once) */
int journal_add(const struct undo *u);
/* the last record's change did not happen */
void journal_cancel(void);
/* everything was undone: remove this process's journal */
void journal_done(void);
/*
 * Under the run lock: undo what dead processes' journals record, newest first, telling the user
 * each step on stderr (unless quiet); remove those journals. Returns the number of steps undone,
 * or -errno.
 */
int journal_recover(bool quiet);
/* the start time of process pid (field 22 of /proc/pid/stat), or -1 */
long long proc_start_time(int pid);

/* sysstate.c: perform one undo step; foreign: the change was made by another (dead) process */
void sys_undo_apply(const struct undo *u, bool foreign);
/* a short description of an undo step, for messages */
void undo_describe(const struct undo *u, char *buf, size_t len);

#endif
