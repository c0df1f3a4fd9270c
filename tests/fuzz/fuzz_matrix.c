// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer harness: matrix files (mx_load_file, then what a run derives from the matrix). */
#include <stdint.h>
#include <string.h>
#include "common.h"
#include "matrix.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct matrix m;
	char err[512], id[32];

	g_quiet = 1;
	mx_defaults(&m);
	if (mx_load_file(&m, fuzz_file(data, size, "matrix.json"), err, sizeof(err)) == 0) {
		mx_add_controls(&m);
		mx_id(&m, id, sizeof(id));
	} else if (!memchr(err, 0, sizeof(err))) {
		__builtin_trap(); /* the reason must be a string */
	}
	return 0;
}
