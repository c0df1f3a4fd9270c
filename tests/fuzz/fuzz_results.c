// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer harness: results files and baselines (res_load), then what gate and compare do with
 * one: gate its rows against itself, write it back out.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"
#include "gate.h"
#include "results.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct res_run r;
	char err[512];
	json_t *j;

	g_quiet = 1;
	if (res_load(fuzz_file(data, size, "results.json"), &r, err, sizeof(err)) != 0) {
		if (!memchr(err, 0, sizeof(err)))
			__builtin_trap();
		return 0;
	}
	j = res_to_json(&r);
	if (j) {
		char *s = json_dumps(j, 0);

		free(s);
		json_decref(j);
	}
	for (int i = 0; i < r.ncells; i++) {
		const struct res_cell *c = &r.cells[i];
		struct gate_row rows[RES_MAX_ARMS];
		int n = 0;

		for (int a = 0; a < c->narms; a++, n++) {
			memset(&rows[n], 0, sizeof(rows[n]));
			rows[n].k0 = rows[n].k1 = c->arms[a].fails;
			rows[n].n0 = rows[n].n1 = c->arms[a].n;
			rows[n].deff0 = rows[n].deff1 = stats_deff(&c->arms[a].blocks);
			rows[n].v = GATE_SAME;
		}
		gate_decide(rows, (size_t)n, 0.05, 0);
	}
	res_free(&r);
	return 0;
}
