// SPDX-License-Identifier: BSD-2-Clause
/*
 * What the page states share: the pattern, the buffer's page span, an anonymous slot, and a pool
 * of file-backed slots. Each state puts only this trial's page(s) into the state, right before
 * the call, so read-ahead and fault-around cannot undo a batch; the ground truth is still checked
 * per trial (bench/engine.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "pool.h"

#define FILE_SLOTS 512u /* pool of file-backed slots: one pattern generation per pass */

void pattern_fill(void *buf, uint32_t size, uint64_t nonce, bool str)
{
	uint64_t *w = buf;

	for (uint32_t i = 0; i < size / 8; i++)
		w[i] = str ? bpfault_str_word(nonce, i) : bpfault_pattern_word(nonce, i);
	if (str)
		((uint8_t *)buf)[size] = 0;
}

void state_fill(const struct cellrt *c, void *buf, uint64_t nonce)
{
	if (c->sc->impl->fill)
		c->sc->impl->fill(c, buf, nonce);
	else
		pattern_fill(buf, c->size, nonce, is_str(c));
}

bool is_str(const struct cellrt *c)
{
	return kind_is_str(c->sc->kind);
}

size_t slot_bytes(void)
{
	return (size_t)SLOT_PAGES * PAGE_SZ;
}

/* page-aligned span of the trial's buffer */
void span(const struct cellrt *c, uint8_t **start, size_t *len)
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
		state_fill(c, tmp + s * slot_bytes() + c->offset, file_nonce(c, s));
	w = pwrite(c->region_fd, tmp, total, 0);
	free(tmp);
	if (w != (ssize_t)total)
		return w < 0 ? -errno : -EIO;
	/* clean pages can be evicted by MADV_PAGEOUT; dirty ones would be kept */
	if (fdatasync(c->region_fd) < 0)
		return -errno;
	return 0;
}

int file_setup(struct cellrt *c)
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

void file_teardown(struct cellrt *c)
{
	anon_teardown(c);
	if (c->region_fd >= 0)
		close(c->region_fd);
	c->region_fd = -1;
}

/* next slot (regenerating the pool after a full pass), mapped and present */
int file_next(struct cellrt *c, uint64_t *nonce)
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
