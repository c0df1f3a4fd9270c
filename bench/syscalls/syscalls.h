/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers shared by the syscalls (bench/syscalls/). */
#ifndef BPFAULT_SYSCALLS_H
#define BPFAULT_SYSCALLS_H

#include "model.h"

/* check: the call wrote all c->size bytes */
const char *wrote_all(struct cellrt *c, long r);
/* sink_ok: a data sink (not none) / no data sink (none) */
const char *data_sink(const struct sink_desc *k);
const char *path_only(const struct sink_desc *k);

#endif
