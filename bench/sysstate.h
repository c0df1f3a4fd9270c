/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * System state a run changes (tracefs mount, zram swap, RLIMIT_MEMLOCK, the work directory) and
 * its restoration: every change registers an undo step, in memory and in the journal (journal.h,
 * written before the change); sys_restore() runs them in reverse, once, in the main flow: on
 * normal exit, on error (atexit) and after a stop signal (the run loop polls sys_stop_signal()).
 */
#ifndef BPFAULT_SYSSTATE_H
#define BPFAULT_SYSSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* install SIGINT/SIGTERM/SIGHUP handlers and the atexit restore */
void sys_init(void);
/* the stop-signal handlers alone, first thing in a command that will change the system (run,
 * selfbench): from then on a stop signal is never lost, also where the parent left SIGINT
 * ignored (a job started with '&' by a script), and never kills the run half set up */
void sys_catch_stop(void);
/* execv("/proc/self/exe", argv) with a stop signal already caught, or arriving during the exec,
 * kept pending for the new image's sys_catch_stop(); returns -errno if the exec failed */
int sys_exec_self(char *const argv[]);
/* the signal that asked us to stop, or 0. Handlers only set this flag (every signal whose
 * default is to terminate: INT TERM HUP QUIT USR1 USR2 ALRM XCPU VTALRM PROF); the main flow
 * stops, flushes and restores, once. Crashes (SEGV BUS ILL FPE ABRT) and SIGKILL are undone
 * from the journal by the next run or 'bpfault cleanup' (journal.h). */
int sys_stop_signal(void);
/* in a forked child: every signal back to its default disposition */
void sys_child_signals(void);
/* the undo steps of dead runs that sys_lock() undid when it took the lock */
int sys_recovered(void);

#define SYS_LOCK_PATH "/run/bpfault.lock"
/* one run at a time on a machine: what a run changes (swap, tracefs, cgroups) is global.
 * Waits for another run to finish (a stop signal ends the wait: -EINTR); once the lock is
 * held, undoes what dead runs left (journal_recover(), telling the user); 0 or -errno */
int sys_lock(void);
/* mount tracefs at /sys/kernel/tracing unless present; 0 or -errno (reason in why) */
int sys_ensure_tracefs(char *why, size_t len);
/* swap on: use what is on, else set up zram (zram0 or a hot-added device); describes it */
int sys_ensure_swap(char *desc, size_t len);
/* RLIMIT_MEMLOCK to infinity, restored later */
int sys_raise_memlock(void);
/* pin this process to cpu; 0 or -errno */
int sys_pin_cpu(int cpu);
/* remove a directory (one level of files) at restore time */
void sys_remove_dir_at_exit(const char *path);
/*
 * Memory cgroups (the pressure states). sys_memcg_init finds a memory cgroup hierarchy (cgroup v2
 * with the memory controller, else the v1 memory hierarchy) and makes bpfault's own cgroup,
 * bpfault.<pid>, under this process's cgroup or the nearest ancestor that can have
 * memory-controlled children. Everything is removed at restore, after this process was moved
 * back to the cgroup it was found in. 0 or -errno, with the reason in why.
 */
int sys_memcg_init(char *why, size_t len);
/* "cgroup v2 at PATH" / "cgroup v1 at PATH", or "none" */
const char *sys_memcg_desc(void);
/* a child cgroup name of bpfault.<pid>: its directory in path; removed at restore */
int sys_memcg_child(const char *name, char *path, size_t len);
/* a cgroup's memory limit (memory.max, or v1 memory.limit_in_bytes), in bytes */
int sys_memcg_limit(const char *path, unsigned long long bytes);
/*
 * Hold a cgroup at target bytes without its OOM killer: the charges of a workload that swaps
 * pages back in must never fail (a failed charge in a copy from user space would fail the call).
 * v2: memory.high = target, memory.max = target + slack (set once). v1 has no memory.high:
 * the limit is target + slack, and sys_memcg_squeeze(), called every millisecond by a helper
 * process, reclaims back to target (by writing the limit down and up again) when usage is above.
 */
int sys_memcg_hold(const char *path, uint64_t target, uint64_t slack);
int sys_memcg_squeeze(const char *path, uint64_t target, uint64_t slack);
/* a cgroup's charged memory (memory.current / memory.usage_in_bytes) and swap in bytes */
int sys_memcg_usage(const char *path, uint64_t *usage, uint64_t *swap);
/* workloads/pressure.c: the pressure cells' levels as sampled over time, for meta.pressure
 * (an object keyed by cell key), or NULL when no pressure cell was set up */
struct json_t *pressure_record(void);
/* move this process into the cgroup at path, or back where it was found (path NULL) */
int sys_memcg_enter(const char *path);
/* SIGKILL and reap a child process at restore time; register it after its cgroup, so that it
 * is killed before the cgroup is removed. The caller must not reap it (waitid WNOWAIT only).
 * 0, or -ENOSPC: no room for the step, the child was killed and reaped now */
int sys_kill_at_exit(pid_t pid);

/* write val (< 80 bytes) to path at restore time (steps run newest first); 0 or -errno */
int sys_write_at_exit(const char *path, const char *val);

/* run and forget all undo steps, newest first */
void sys_restore(void);
/* a one-line description of swap as found (for meta) */
void sys_swap_summary(char *buf, size_t len);

/* write s to a (sysfs/cgroupfs) file, never through a symlink; 0 or -errno */
int write_str(const char *path, const char *s);
/* a (sysfs/cgroupfs) file's first line, never through a symlink; 0 or -errno */
int read_str(const char *path, char *buf, size_t len);

#endif
