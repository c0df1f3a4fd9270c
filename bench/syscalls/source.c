// SPDX-License-Identifier: BSD-2-Clause
/*
 * The read family's source: the kernel WRITES the buffer of read(), pread64(), so the bytes an
 * arm can judge at exit are those the kernel wrote there, and the sink is their source. Before
 * each call the source is given the trial's expected bytes (the pattern of the trial's nonce, or
 * zeros for a state that reads as zeros), the same bytes the page state left in the buffer: an
 * enter read judges the page's old contents, an exit read what the kernel wrote. A sink the
 * kernel never touches (null: read() returns 0) leaves the page as it was.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "syscalls.h"

/* the fd the call reads from: a pipe's or socket pair's other end, else the sink itself */
int source_fd(const struct cellrt *c)
{
	return c->fd2 >= 0 ? c->fd2 : c->fd;
}

/* give the source the trial's expected bytes (a file: at offset 0); 0 or -errno */
int source_fill(struct cellrt *c)
{
	uint64_t tmp[BPFAULT_MAX_BUF / 8 + 1];
	ssize_t n;

	if (c->st->expect_zero)
		memset(tmp, 0, c->size);
	else
		pattern_fill(tmp, c->size, c->nonce, false);
	n = c->fd2 >= 0 ? write(c->fd, tmp, c->size) : pwrite(c->fd, tmp, c->size, 0);
	if (n < 0)
		return -errno;
	return n == (ssize_t)c->size || !c->sk->touches_buffer ? 0 : -EIO;
}

const char *read_all(struct cellrt *c, long r)
{
	if (!c->sk->touches_buffer)
		return r == 0 ? NULL : "a read of a sink the kernel never touches returned data";
	return r == (long)c->size ? NULL : "short or failed read";
}

const char *seekable_sink(const struct sink_desc *k)
{
	if (k->is_none)
		return "needs a data sink (file, null)";
	return !strcmp(k->name, "file") || !strcmp(k->name, "null")
		       ? NULL
		       : "needs a sink with file positions (file, null)";
}

const char *readable_sink(const struct sink_desc *k)
{
	if (k->is_none)
		return "needs a data source (file, null, pipe, socket)";
	return strcmp(k->name, "direct") ? NULL : "O_DIRECT reads are not measured";
}
