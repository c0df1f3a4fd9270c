// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer harness: tool definitions (tool_def_parse, bench/tooldef.c); built only when that
 * parser is in the tree (see fuzz.mk). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"
#include "tool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tool_def d;
	char why[512], *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	g_quiet = 1;
	memset(&d, 0, sizeof(d));
	tool_def_parse(s, "fuzz.json", &d, why, sizeof(why));
	tool_def_free(&d); /* also after a failed parse: nothing may leak */
	free(s);
	return 0;
}
