/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared by the libFuzzer harnesses: the input as a file (the parsers take paths). */
#ifndef BPFAULT_FUZZ_UTIL_H
#define BPFAULT_FUZZ_UTIL_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* write data to a file named name in a private directory made once; its path */
static inline const char *fuzz_file(const uint8_t *data, size_t size, const char *name)
{
	static char dir[] = "/tmp/bpfault-fuzz.XXXXXX", path[64];
	static int made;
	int fd;

	if (!made) {
		if (!mkdtemp(dir))
			abort();
		made = 1;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);
	return path;
}

#endif
