// SPDX-License-Identifier: BSD-2-Clause
/*
 * bench-bare N DIR: the bare workload of 'make bench' (scripts/bench), for a counting bpftrace
 * script to attach to. N trials of bpfault's write/file-pageout/file cell with nothing of
 * bpfault's BPF: the same steps as its trial loop (workloads/pool.c, workloads/file-pageout.c,
 * the "file" sink in bench/sinks.c, the ground truth in bench/engine.c): a pool of 512 two-page
 * slots in a shared mapping of a file in DIR, rewritten and cleaned every pass; per trial the
 * slot's page mapped, MADV_PAGEOUT, pagemap and mincore() read, a 64-byte write() to a file.
 * Pinned to the last CPU like bpfault. Prints how many trials found the page not present.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE	   4096u
#define SLOT	   (2u * PAGE)
#define SLOTS	   512u
#define SIZE	   64u
#define PM_PRESENT (1ull << 63)

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* a new pattern in every slot, written and made clean (clean pages can be paged out) */
static void regenerate(int fd, uint64_t gen)
{
	static uint8_t tmp[SLOTS * SLOT];

	memset(tmp, 0xa5, sizeof(tmp));
	for (uint32_t s = 0; s < SLOTS; s++)
		for (uint32_t i = 0; i < SIZE / 8; i++)
			((uint64_t *)(tmp + s * SLOT))[i] =
				(gen << 32) ^ s ^ (i * 0x9e3779b97f4a7c15ull);
	if (pwrite(fd, tmp, sizeof(tmp), 0) != (ssize_t)sizeof(tmp) || fdatasync(fd) < 0)
		die("pool");
}

int main(int argc, char **argv)
{
	char pool[4096], sink[4096];
	unsigned long n, absent = 0;
	int pfd, sfd, pm;
	uint8_t *region;
	cpu_set_t cpus;

	if (argc != 3 || !(n = strtoul(argv[1], NULL, 10)))
		return fprintf(stderr, "usage: bench-bare N DIR\n"), 2;
	CPU_ZERO(&cpus);
	CPU_SET(sysconf(_SC_NPROCESSORS_ONLN) - 1, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus) < 0)
		die("pin");
	snprintf(pool, sizeof(pool), "%s/pool", argv[2]);
	snprintf(sink, sizeof(sink), "%s/sink", argv[2]);
	pfd = open(pool, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	sfd = open(sink, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (pfd < 0 || sfd < 0 || pm < 0)
		die("open");
	unlink(pool);
	unlink(sink);
	if (ftruncate(pfd, SLOTS * SLOT) < 0)
		die("ftruncate");
	region = mmap(NULL, SLOTS * SLOT, PROT_READ | PROT_WRITE, MAP_SHARED, pfd, 0);
	if (region == MAP_FAILED || madvise(region, SLOTS * SLOT, MADV_RANDOM) < 0)
		die("mmap");
	for (unsigned long t = 0; t < n; t++) {
		uint8_t *buf = region + (t % SLOTS) * SLOT;
		uint64_t e;
		unsigned char vec;

		if (t % SLOTS == 0)
			regenerate(pfd, t / SLOTS);
		(void)*(volatile uint8_t *)buf; /* map it: madvise acts on mapped pages */
		if (madvise(buf, PAGE, MADV_PAGEOUT) < 0)
			die("madvise");
		if (pread(pm, &e, 8, (off_t)((uintptr_t)buf / PAGE * 8)) != 8 ||
		    mincore(buf, PAGE, &vec) < 0)
			die("pagemap");
		absent += !(e & PM_PRESENT);
		if (write(sfd, buf, SIZE) != SIZE)
			die("write");
		if ((t & 1023) == 0)
			lseek(sfd, 0, SEEK_SET);
	}
	printf("bench-bare: %lu trials, page not present before %lu\n", n, absent);
	return 0;
}
