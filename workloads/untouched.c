// SPDX-License-Identifier: BSD-2-Clause
/* untouched: a private anonymous page dropped before each call; the next touch sees zeros. */
#include <sys/mman.h>
#include "pool.h"

static int untouched_prepare(struct cellrt *c, uint64_t *nonce)
{
	(void)nonce;
	return advise_span(c, MADV_DONTNEED);
}

const struct state_desc state_untouched = {
	.name = "untouched",
	.help = "fresh anonymous page, never touched (reads as zeros)",
	.nonresident = true,
	.expect_zero = true,
	.setup = anon_setup,
	.prepare = untouched_prepare,
	.teardown = anon_teardown,
};
