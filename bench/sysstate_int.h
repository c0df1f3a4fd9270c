/* SPDX-License-Identifier: BSD-2-Clause */
/* Internal to sysstate.c and memcg.c: the undo list and small file helpers. */
#ifndef BPFAULT_SYSSTATE_INT_H
#define BPFAULT_SYSSTATE_INT_H

#include "journal.h"

/* record an undo step, in memory and in the journal, BEFORE its change; NULL: out of memory */
struct undo *push_full(enum undo_kind k, const char *path, int id, const char *val);
static inline struct undo *push(enum undo_kind k, const char *path, int id)
{
	return push_full(k, path, id, NULL);
}
/* the change of the last push() did not happen */
void cancel(void);
/* memcg.c: move this process out (to where it was found), then remove the cgroup at path */
void cg_remove(const char *path);

#endif
