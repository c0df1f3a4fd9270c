/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared by the libFuzzer harnesses: the input as a file (the parsers take paths). */
#ifndef BPFAULT_FUZZ_UTIL_H
#define BPFAULT_FUZZ_UTIL_H

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char fuzz_dir[] = "/tmp/bpfault-fuzz.XXXXXX";

/* at exit: the private directory and the files in it (only regular files are made there) */
static inline void fuzz_cleanup(void)
{
	DIR *d = opendir(fuzz_dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	rmdir(fuzz_dir);
}

/* write data to a file named name in a private directory made once; its path */
static inline const char *fuzz_file(const uint8_t *data, size_t size, const char *name)
{
	static char path[64];
	static int made;
	int fd;

	if (!made) {
		if (!mkdtemp(fuzz_dir))
			abort();
		atexit(fuzz_cleanup);
		made = 1;
	}
	snprintf(path, sizeof(path), "%s/%s", fuzz_dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);
	return path;
}

#endif
