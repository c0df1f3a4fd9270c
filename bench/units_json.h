/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef BPFAULT_UNITS_JSON_H
#define BPFAULT_UNITS_JSON_H

#include <jansson.h>
#include "matrix.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* which units: indexed by enum bpfault_arm, sc_id, st_id, sk_id */
struct unit_sets {
	bool arm[ARM__COUNT], sc[SC__COUNT], st[ST__COUNT], sk[SK__COUNT];
};

/* the "units" object of those units (see units_json) */
json_t *units_json_sets(const struct unit_sets *u);
/* meta.units (README "Results"): the arms, syscalls, states and sinks the cells use, each
 * with its facts, in the registry's (canonical) order; NULL if out of memory */
json_t *units_json(const struct cellspec *cells, int ncells);

#endif
