// SPDX-License-Identifier: BSD-2-Clause
/*
 * straddle, straddle-rev: a buffer (or string with its NUL) that crosses a page boundary, one
 * of its two pages present and the other paged out to swap. A tool that reads a fixed length
 * (16, 64, 128, 256 or 4096 bytes) from a pointer near the end of a page meets this: the read
 * spans the next page too. bpf_probe_read_user{,_str} fail the whole read (and zero the whole
 * destination) when any byte is on an absent page; they never return the present part.
 *
 * The buffer is where the cell's size and offset put it; cells whose buffer stays on one page are
 * dropped from the matrix (straddle_fits), so use an offset near the page's end (e.g. 4088).
 */
#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include "pool.h"

static const char *straddle_fits(uint32_t size, uint32_t offset, bool str)
{
	uint32_t last = offset + size + (str ? 1 : 0) - 1;

	if (offset / PAGE_SZ == last / PAGE_SZ)
		return "the buffer does not cross a page boundary (straddle needs offset + size > "
		       "4096)";
	return NULL;
}

/* write the pattern (both pages present), then page out one of the two pages */
static int straddle_out(struct cellrt *c, uint64_t *nonce, unsigned which)
{
	uintptr_t first = (uintptr_t)c->buf & ~(uintptr_t)(PAGE_SZ - 1);

	state_fill(c, c->buf, *nonce);
	if (madvise((void *)(first + which * PAGE_SZ), PAGE_SZ, MADV_PAGEOUT) < 0)
		return -errno;
	return 0;
}

/* first page present, next page absent */
static int straddle_prepare(struct cellrt *c, uint64_t *nonce)
{
	return straddle_out(c, nonce, 1);
}

/* first page absent, next page present */
static int straddle_rev_prepare(struct cellrt *c, uint64_t *nonce)
{
	return straddle_out(c, nonce, 0);
}

const struct state_desc state_straddle = {
	.name = "straddle",
	.help = "buffer crossing a page boundary: first page present, next page paged out",
	.needs_swap = true,
	.nonresident = true,
	.setup = anon_setup,
	.prepare = straddle_prepare,
	.teardown = anon_teardown,
	.fits = straddle_fits,
};

const struct state_desc state_straddle_rev = {
	.name = "straddle-rev",
	.help = "buffer crossing a page boundary: first page paged out, next page present",
	.needs_swap = true,
	.nonresident = true,
	.setup = anon_setup,
	.prepare = straddle_rev_prepare,
	.teardown = anon_teardown,
	.fits = straddle_fits,
};
