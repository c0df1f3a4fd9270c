// SPDX-License-Identifier: BSD-2-Clause
/* resident: the control. An anonymous slot, touched and mlock()ed: no arm may ever fail. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include "pool.h"

static int resident_setup(struct cellrt *c)
{
	int err = anon_setup(c);

	if (err)
		return err;
	memset(c->region, 0x5a, slot_bytes());
	if (mlock(c->region, slot_bytes()) < 0)
		return -errno;
	return 0;
}

static int resident_prepare(struct cellrt *c, uint64_t *nonce)
{
	state_fill(c, c->buf, *nonce);
	return 0;
}

const struct state_desc state_resident = {
	.name = "resident",
	.help = "control: anonymous, touched and mlock()ed",
	.control = true,
	.setup = resident_setup,
	.prepare = resident_prepare,
	.teardown = anon_teardown,
};
