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
/* sink_ok: the socket sink only (sendto, sendmsg) */
const char *socket_only(const struct sink_desc *k);

/* check: a path that does not exist (ENOENT, ENAMETOOLONG) */
const char *no_such_path(struct cellrt *c, long r);

/* the read family's source (source.c): the fd read from, and the trial's bytes given to it */
int source_fd(const struct cellrt *c);
int source_fill(struct cellrt *c);
/* check: read all c->size bytes (0 from a sink the kernel never touches) */
const char *read_all(struct cellrt *c, long r);
/* sink_ok: a sink with file positions (file, null) / one that can be read (not direct) */
const char *seekable_sink(const struct sink_desc *k);
const char *readable_sink(const struct sink_desc *k);

/* execve and its failing call paths (execve.c): the shared page with argv and envp */
int exec_setup(struct cellrt *c);
void exec_teardown(struct cellrt *c);
/* in the forked child: argv [path, <pattern>, argv[2..]] and envp in the shared page, after it
 * wrote the later positions' strings and their ground truth to the shared page (report[1]);
 * returns argv (argv[0] is the path's copy on the shared page); _exit(120) if it cannot read its
 * pagemap */
char **exec_args(struct cellrt *c, const char *path, char ***envp);
/* in the forked child: execve(path, exec_args(...)) */
long exec_call(struct cellrt *c, const char *path);
/* check: the exec'd program exited 0 */
const char *exited_zero(struct cellrt *c, long r);
/* check: the exec failed and the child said so (exit status 121) */
const char *exec_failed(struct cellrt *c, long r);

#endif
