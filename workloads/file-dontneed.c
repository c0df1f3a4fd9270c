// SPDX-License-Identifier: BSD-2-Clause
/* file-dontneed: a shared file mapping, MADV_DONTNEED: the PTE zapped, the page still cached. */
#include <sys/mman.h>
#include "pool.h"

static int file_dontneed_prepare(struct cellrt *c, uint64_t *nonce)
{
	int err = file_next(c, nonce);

	return err ? err : advise_span(c, MADV_DONTNEED);
}

const struct state_desc state_file_dontneed = {
	.name = "file-dontneed",
	.help = "shared file mapping, MADV_DONTNEED: PTE zapped, page still cached",
	.nonresident = true,
	.setup = file_setup,
	.prepare = file_dontneed_prepare,
	.teardown = file_teardown,
};
