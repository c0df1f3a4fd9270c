// SPDX-License-Identifier: BSD-2-Clause
/*
 * swapcache: an anonymous page swapped out and read back into the swap cache without being
 * mapped. MADV_PAGEOUT writes it to swap and leaves a swap entry in the PTE; MADV_WILLNEED on the
 * swapped range starts swap read-ahead, which reads the page into the swap cache but does not map
 * it. pagemap says not present and swapped; mincore() says resident (it counts swap-cache pages
 * of anonymous mappings). The next access is a minor fault, yet a BPF read, which may not fault,
 * still fails: what decides is the PTE, not where the page is.
 */
#include <sys/mman.h>
#include "pool.h"

static int swapcache_prepare(struct cellrt *c, uint64_t *nonce)
{
	int err;

	state_fill(c, c->buf, *nonce);
	err = advise_span(c, MADV_PAGEOUT);
	return err ? err : advise_span(c, MADV_WILLNEED);
}

const struct state_desc state_swapcache = {
	.name = "swapcache",
	.help = "anonymous page swapped out, read back into the swap cache unmapped (WILLNEED)",
	.needs_swap = true,
	.nonresident = true,
	.setup = anon_setup,
	.prepare = swapcache_prepare,
	.teardown = anon_teardown,
};
