// SPDX-License-Identifier: BSD-2-Clause
/* file-pageout: a shared file mapping, MADV_PAGEOUT: the PTE and the page cache page gone. */
#include <sys/mman.h>
#include "pool.h"

static int file_pageout_prepare(struct cellrt *c, uint64_t *nonce)
{
	int err = file_next(c, nonce);

	return err ? err : advise_span(c, MADV_PAGEOUT);
}

const struct state_desc state_file_pageout = {
	.name = "file-pageout",
	.help = "shared file mapping, MADV_PAGEOUT: page cache evicted",
	.nonresident = true,
	.setup = file_setup,
	.prepare = file_pageout_prepare,
	.teardown = file_teardown,
};
