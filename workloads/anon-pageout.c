// SPDX-License-Identifier: BSD-2-Clause
/* anon-pageout: an anonymous page written, then MADV_PAGEOUT to swap (bpfault sets up zram). */
#include <sys/mman.h>
#include "pool.h"

static int anon_pageout_prepare(struct cellrt *c, uint64_t *nonce)
{
	state_fill(c, c->buf, *nonce);
	return advise_span(c, MADV_PAGEOUT);
}

const struct state_desc state_anon_pageout = {
	.name = "anon-pageout",
	.help = "anonymous page written, then MADV_PAGEOUT to swap (zram)",
	.needs_swap = true,
	.nonresident = true,
	.setup = anon_setup,
	.prepare = anon_pageout_prepare,
	.teardown = anon_teardown,
};
