/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers the page states share (workloads/pool.c). */
#ifndef BPFAULT_POOL_H
#define BPFAULT_POOL_H

#include "model.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

/* the buffer is a NUL-terminated string (openat, execve) */
bool is_str(const struct cellrt *c);
size_t slot_bytes(void);
/* page-aligned span of the trial's buffer */
void span(const struct cellrt *c, uint8_t **start, size_t *len);
/* madvise() the page-aligned span of the trial's buffer; 0 or -errno */
int advise_span(const struct cellrt *c, int advice);
/* one anonymous slot, rewritten every trial */
int anon_setup(struct cellrt *c);
void anon_teardown(struct cellrt *c);
/* a pool of slots in a shared mapping of a file on the work directory's file system */
int file_setup(struct cellrt *c);
void file_teardown(struct cellrt *c);
/* next slot of the pool (regenerating it after a full pass), mapped and present; *nonce: the
 * pattern the slot carries */
int file_next(struct cellrt *c, uint64_t *nonce);

#endif
