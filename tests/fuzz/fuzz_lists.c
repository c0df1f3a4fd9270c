// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer harness: the command-line lists of 'bpfault run' (-s -p -k -a --size --offset):
 * up to six newline-separated lists, an empty one meaning "not given". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"
#include "matrix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct matrix m;
	const char *f[6] = {NULL};
	char err[512], *s = malloc(size + 1), *p;
	struct mx_lists l;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	p = s;
	for (int i = 0; i < 6 && p; i++) {
		char *nl = strchr(p, '\n');

		if (nl)
			*nl = 0;
		f[i] = *p ? p : NULL;
		p = nl ? nl + 1 : NULL;
	}
	l = (struct mx_lists){f[0], f[1], f[2], f[3], f[4], f[5]};
	g_quiet = 1;
	mx_defaults(&m);
	if (mx_add_lists(&m, &l, err, sizeof(err)) == 0)
		mx_add_controls(&m);
	free(s);
	return 0;
}
