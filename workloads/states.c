// SPDX-License-Identifier: BSD-2-Clause
/*
 * Page states: how a trial's buffer is made (non-)resident just before the call. Each state puts
 * only this trial's page(s) into the state, right before the call, so read-ahead and fault-around
 * cannot undo a batch; the ground truth is still checked per trial (bench/trial.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "model.h"
#include "wl.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define FILE_SLOTS 512u /* pool of file-backed slots: one pattern generation per pass */

void pattern_fill(void *buf, uint32_t size, uint64_t nonce, bool str)
{
	uint64_t *w = buf;

	for (uint32_t i = 0; i < size / 8; i++)
		w[i] = bpfault_pattern_word(nonce, i);
	if (str)
		((uint8_t *)buf)[size] = 0;
}

static bool is_str(const struct cellrt *c)
{
	return kind_is_str(c->sc->kind);
}

static size_t slot_bytes(void)
{
	return (size_t)SLOT_PAGES * PAGE_SZ;
}

/* page-aligned span of the trial's buffer */
static void span(const struct cellrt *c, uint8_t **start, size_t *len)
{
	uintptr_t a = (uintptr_t)c->buf & ~(uintptr_t)(PAGE_SZ - 1);
	size_t bytes = c->size + (is_str(c) ? 1 : 0);
	uintptr_t e = ((uintptr_t)c->buf + bytes + PAGE_SZ - 1) & ~(uintptr_t)(PAGE_SZ - 1);

	*start = (uint8_t *)a;
	*len = e - a;
}

/* madvise() the page-aligned span of the trial's buffer; 0 or -errno */
int advise_span(const struct cellrt *c, int advice)
{
	uint8_t *s;
	size_t l;

	span(c, &s, &l);
	return madvise(s, l, advice) < 0 ? -errno : 0;
}

/* ---- anonymous states: one slot, rewritten every trial ---- */

int anon_setup(struct cellrt *c)
{
	c->nslots = 1;
	c->region = mmap(NULL, slot_bytes(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	if (c->region == MAP_FAILED) {
		c->region = NULL;
		return -errno;
	}
	c->buf = c->region + c->offset;
	return 0;
}

void anon_teardown(struct cellrt *c)
{
	if (c->region)
		munmap(c->region, c->nslots * slot_bytes());
	c->region = NULL;
}

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
	pattern_fill(c->buf, c->size, *nonce, is_str(c));
	return 0;
}

static int untouched_prepare(struct cellrt *c, uint64_t *nonce)
{
	(void)nonce;
	/* a private anonymous page dropped: the next touch sees a fresh zero page */
	return advise_span(c, MADV_DONTNEED);
}

static int anon_pageout_prepare(struct cellrt *c, uint64_t *nonce)
{
	pattern_fill(c->buf, c->size, *nonce, is_str(c));
	return advise_span(c, MADV_PAGEOUT);
}

/* ---- file-backed states: a pool of slots in a shared mapping of a file on disk ---- */

static uint64_t file_nonce(const struct cellrt *c, size_t slot)
{
	return c->seed ^ (c->gen << 32) ^ ((uint64_t)slot * 0x9e3779b97f4a7c15ull);
}

/* write a new pattern generation into every slot, clean it, drop the old mappings */
static int file_regenerate(struct cellrt *c)
{
	size_t total = c->nslots * slot_bytes();
	uint8_t *tmp = malloc(total);
	ssize_t w;

	if (!tmp)
		return -ENOMEM;
	c->gen++;
	memset(tmp, 0xa5, total);
	for (size_t s = 0; s < c->nslots; s++)
		pattern_fill(tmp + s * slot_bytes() + c->offset, c->size, file_nonce(c, s),
			     is_str(c));
	w = pwrite(c->region_fd, tmp, total, 0);
	free(tmp);
	if (w != (ssize_t)total)
		return w < 0 ? -errno : -EIO;
	/* clean pages can be evicted by MADV_PAGEOUT; dirty ones would be kept */
	if (fdatasync(c->region_fd) < 0)
		return -errno;
	return 0;
}

static int file_setup(struct cellrt *c)
{
	char path[PATH_MAX];
	int err;

	snprintf(path, sizeof(path), "%s/pool.%p", c->workdir, (void *)c);
	c->region_fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (c->region_fd < 0)
		return -errno;
	unlink(path);
	c->nslots = FILE_SLOTS;
	if (ftruncate(c->region_fd, (off_t)(c->nslots * slot_bytes())) < 0)
		return -errno;
	c->region = mmap(NULL, c->nslots * slot_bytes(), PROT_READ | PROT_WRITE, MAP_SHARED,
			 c->region_fd, 0);
	if (c->region == MAP_FAILED) {
		c->region = NULL;
		return -errno;
	}
	/* no read-ahead on faults: a fault must not bring neighbouring slots back */
	if (madvise(c->region, c->nslots * slot_bytes(), MADV_RANDOM) < 0)
		return -errno;
	c->slot = 0;
	c->gen = 0;
	err = file_regenerate(c);
	return err;
}

static void file_teardown(struct cellrt *c)
{
	anon_teardown(c);
	if (c->region_fd >= 0)
		close(c->region_fd);
	c->region_fd = -1;
}

/* next slot (regenerating the pool after a full pass), mapped and present */
static int file_next(struct cellrt *c, uint64_t *nonce)
{
	size_t s = c->slot++ % c->nslots;
	uint8_t *p;
	size_t l;
	int err;

	if (s == 0 && c->slot > 1) {
		err = file_regenerate(c);
		if (err)
			return err;
	}
	c->buf = c->region + s * slot_bytes() + c->offset;
	*nonce = file_nonce(c, s);
	span(c, &p, &l);
	for (size_t i = 0; i < l; i += PAGE_SZ)
		(void)*(volatile uint8_t *)(p + i); /* map it: madvise acts on mapped pages */
	return 0;
}

static int file_pageout_prepare(struct cellrt *c, uint64_t *nonce)
{
	int err = file_next(c, nonce);

	return err ? err : advise_span(c, MADV_PAGEOUT);
}

static int file_dontneed_prepare(struct cellrt *c, uint64_t *nonce)
{
	int err = file_next(c, nonce);

	return err ? err : advise_span(c, MADV_DONTNEED);
}

/* workloads/pressure.c */
int pressure_low_setup(struct cellrt *c);
int pressure_mid_setup(struct cellrt *c);
int pressure_high_setup(struct cellrt *c);
int pressure_prepare(struct cellrt *c, uint64_t *nonce);
void pressure_after(struct cellrt *c);
void pressure_teardown(struct cellrt *c);

#define PRESSURE_HELP(lvl)                                                                         \
	"memory cgroup limit and a hog (" lvl "): reclaim evicts to zram, partly resident"

const struct state_desc states[] = {
	{.name = "resident",
	 .help = "control: anonymous, touched and mlock()ed",
	 .setup = resident_setup,
	 .prepare = resident_prepare,
	 .teardown = anon_teardown},
	{.name = "untouched",
	 .help = "fresh anonymous page, never touched (reads as zeros)",
	 .nonresident = true,
	 .expect_zero = true,
	 .setup = anon_setup,
	 .prepare = untouched_prepare,
	 .teardown = anon_teardown},
	{.name = "anon-pageout",
	 .help = "anonymous page written, then MADV_PAGEOUT to swap (zram)",
	 .needs_swap = true,
	 .nonresident = true,
	 .setup = anon_setup,
	 .prepare = anon_pageout_prepare,
	 .teardown = anon_teardown},
	{.name = "file-pageout",
	 .help = "shared file mapping, MADV_PAGEOUT: page cache evicted",
	 .nonresident = true,
	 .setup = file_setup,
	 .prepare = file_pageout_prepare,
	 .teardown = file_teardown},
	{.name = "file-dontneed",
	 .help = "shared file mapping, MADV_DONTNEED: PTE zapped, page still cached",
	 .nonresident = true,
	 .setup = file_setup,
	 .prepare = file_dontneed_prepare,
	 .teardown = file_teardown},
	{.name = "pressure-low",
	 .help = PRESSURE_HELP("low"),
	 .needs_swap = true,
	 .graded = true,
	 .needs_memcg = true,
	 .setup = pressure_low_setup,
	 .prepare = pressure_prepare,
	 .after = pressure_after,
	 .teardown = pressure_teardown},
	{.name = "pressure-mid",
	 .help = PRESSURE_HELP("mid"),
	 .needs_swap = true,
	 .graded = true,
	 .needs_memcg = true,
	 .setup = pressure_mid_setup,
	 .prepare = pressure_prepare,
	 .after = pressure_after,
	 .teardown = pressure_teardown},
	{.name = "pressure-high",
	 .help = PRESSURE_HELP("high"),
	 .needs_swap = true,
	 .graded = true,
	 .needs_memcg = true,
	 .setup = pressure_high_setup,
	 .prepare = pressure_prepare,
	 .after = pressure_after,
	 .teardown = pressure_teardown},
	STRADDLE_STATES,
	SWAPCACHE_STATE,
	THP_STATE,
	UFFD_STATE,
	STRESSNG_STATE,
	DAMON_STATE,
};
const size_t nstates = sizeof(states) / sizeof(states[0]);

const struct state_desc *find_state(const char *name)
{
	for (size_t i = 0; i < nstates; i++)
		if (!strcmp(states[i].name, name))
			return &states[i];
	return NULL;
}
