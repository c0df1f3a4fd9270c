/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * System state a run changes (tracefs mount, zram swap, RLIMIT_MEMLOCK, the work directory) and
 * its restoration: every change registers an undo step; sys_restore() runs them in reverse on
 * normal exit, on error (atexit) and after SIGINT/SIGTERM (the run loop polls sys_stop_signal()).
 */
#ifndef BPFAULT_SYSSTATE_H
#define BPFAULT_SYSSTATE_H

#include <stdbool.h>
#include <stddef.h>

/* install SIGINT/SIGTERM/SIGHUP handlers and the atexit restore */
void sys_init(void);
/* the signal that asked us to stop, or 0 */
int sys_stop_signal(void);

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
/* run and forget all undo steps, newest first */
void sys_restore(void);
/* a one-line description of swap as found (for meta) */
void sys_swap_summary(char *buf, size_t len);

#endif
