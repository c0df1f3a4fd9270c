// SPDX-License-Identifier: BSD-2-Clause
/* pressure-low/-mid/-high: real reclaim under a memory cgroup limit (workloads/pressure.c). */
#include "model.h"

int pressure_low_setup(struct cellrt *c);
int pressure_mid_setup(struct cellrt *c);
int pressure_high_setup(struct cellrt *c);
int pressure_prepare(struct cellrt *c, uint64_t *nonce);
void pressure_after(struct cellrt *c);
void pressure_teardown(struct cellrt *c);

#define PRESSURE_STATE(lvl)                                                                        \
	{                                                                                          \
		.name = "pressure-" #lvl,                                                          \
		.help = "memory cgroup limit and a hog (" #lvl                                     \
			"): reclaim evicts to zram, partly resident",                              \
		.needs_swap = true, .needs_memcg = true, .graded = true,                           \
		.setup = pressure_##lvl##_setup, .prepare = pressure_prepare,                      \
		.after = pressure_after, .teardown = pressure_teardown,                            \
	}

const struct state_desc state_pressure_low = PRESSURE_STATE(low);
const struct state_desc state_pressure_mid = PRESSURE_STATE(mid);
const struct state_desc state_pressure_high = PRESSURE_STATE(high);
