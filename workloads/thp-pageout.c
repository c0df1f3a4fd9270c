// SPDX-License-Identifier: BSD-2-Clause
/*
 * thp-pageout: the buffer lies in a transparent huge page (an anonymous 2 MiB-aligned region with
 * MADV_HUGEPAGE, faulted in fresh each trial), which MADV_PAGEOUT then swaps out. The kernel
 * either swaps the huge page out whole (vmstat thp_swpout) or splits it first
 * (thp_swpout_fallback, thp_split_page): both are recorded per cell and reported at its end,
 * with the number of trials whose buffer really was in a huge page before the page-out
 * (/proc/kpageflags, KPF_THP of the buffer's frame).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "common.h"
#include "pool.h"

#define THP_ENABLED "/sys/kernel/mm/transparent_hugepage/enabled"
#define THP_SIZE    "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size"
#define KPF_THP	    22
#define PM_PFN	    ((1ull << 55) - 1)

static const char *const vm_keys[] = {"thp_swpout", "thp_swpout_fallback", "thp_split_page",
				      "thp_split_pmd"};
#define NKEYS (sizeof(vm_keys) / sizeof(vm_keys[0]))

struct thp {
	uint8_t *map; /* the mapping: two huge pages, so one aligned huge page fits */
	size_t hsize, maplen;
	uint8_t *huge; /* the aligned huge page */
	int pagemap, kpf;
	uint64_t trials, huge_before;
	unsigned long long vm0[NKEYS];
};

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	bool ok;

	if (!f)
		return -errno;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	return ok ? 0 : -EIO;
}

static int thp_supported(const struct host_caps *h, char *why, size_t len)
{
	char v[128];

	(void)h;
	if (read_line(THP_ENABLED, v, sizeof(v))) {
		snprintf(why, len, "no transparent huge pages in this kernel (%s)", THP_ENABLED);
		return -EOPNOTSUPP;
	}
	if (strstr(v, "[never]")) {
		snprintf(why, len, "transparent huge pages are off (%s: never)", THP_ENABLED);
		return -EOPNOTSUPP;
	}
	if (access("/proc/kpageflags", R_OK) < 0) {
		snprintf(why, len, "cannot read /proc/kpageflags to verify a huge page: %s",
			 strerror(errno));
		return -EOPNOTSUPP;
	}
	return 0;
}

static void vm_read(unsigned long long *v)
{
	FILE *f = fopen("/proc/vmstat", "re");
	char k[64];
	unsigned long long x;

	memset(v, 0, NKEYS * sizeof(*v));
	if (!f)
		return;
	while (fscanf(f, "%63s %llu", k, &x) == 2)
		for (size_t i = 0; i < NKEYS; i++)
			if (!strcmp(k, vm_keys[i]))
				v[i] = x;
	fclose(f);
}

static int thp_setup(struct cellrt *c)
{
	struct thp *t = calloc(1, sizeof(*t));
	char v[64];

	if (!t)
		return -ENOMEM;
	c->priv = t;
	t->pagemap = t->kpf = -1;
	if (read_line(THP_SIZE, v, sizeof(v)) || (t->hsize = strtoul(v, NULL, 10)) < PAGE_SZ)
		return -EOPNOTSUPP;
	t->maplen = 2 * t->hsize;
	t->map = mmap(NULL, t->maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t->map == MAP_FAILED) {
		t->map = NULL;
		return -errno;
	}
	t->huge = (uint8_t *)(((uintptr_t)t->map + t->hsize - 1) & ~(uintptr_t)(t->hsize - 1));
	if (madvise(t->huge, t->hsize, MADV_HUGEPAGE) < 0)
		return -errno;
	t->pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	t->kpf = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	if (t->pagemap < 0 || t->kpf < 0)
		return -errno;
	c->region = t->huge;
	c->nslots = 1;
	c->buf = t->huge + c->offset;
	vm_read(t->vm0);
	return 0;
}

/* is the buffer's first page part of a transparent huge page? */
static bool is_huge(const struct thp *t, const void *p)
{
	uint64_t pm = 0, flags = 0;

	if (pread(t->pagemap, &pm, 8, (off_t)((uintptr_t)p / PAGE_SZ * 8)) != 8 || !(pm >> 63))
		return false;
	if (pread(t->kpf, &flags, 8, (off_t)((pm & PM_PFN) * 8)) != 8)
		return false;
	return (flags >> KPF_THP) & 1;
}

static int thp_prepare(struct cellrt *c, uint64_t *nonce)
{
	struct thp *t = c->priv;

	/* a fresh huge page each trial: the old one is (partly) in swap */
	if (madvise(t->huge, t->hsize, MADV_DONTNEED) < 0)
		return -errno;
	state_fill(c, c->buf, *nonce);
	t->trials++;
	t->huge_before += is_huge(t, c->buf);
	if (madvise(t->huge, t->hsize, MADV_PAGEOUT) < 0)
		return -errno;
	return 0;
}

static void thp_teardown(struct cellrt *c)
{
	struct thp *t = c->priv;
	unsigned long long v[NKEYS];

	if (!t)
		return;
	if (t->trials) {
		vm_read(v);
		/* lines of at most 100 columns, as all of bpfault run's */
		info("thp-pageout %s/%s: %llu of %llu trials in a huge page before the page-out",
		     c->sc->name, c->sk->name, (unsigned long long)t->huge_before,
		     (unsigned long long)t->trials);
		info("    vmstat during the cell: thp_swpout +%llu (whole), thp_swpout_fallback +%llu "
		     "(split first),",
		     v[0] - t->vm0[0], v[1] - t->vm0[1]);
		info("    thp_split_page +%llu, thp_split_pmd +%llu", v[2] - t->vm0[2],
		     v[3] - t->vm0[3]);
	}
	if (t->map)
		munmap(t->map, t->maplen);
	if (t->pagemap >= 0)
		close(t->pagemap);
	if (t->kpf >= 0)
		close(t->kpf);
	free(t);
	c->priv = NULL;
	c->region = NULL;
}

const struct state_desc state_thp_pageout = {
	.name = "thp-pageout",
	.help = "transparent huge page (MADV_HUGEPAGE, fresh each trial), MADV_PAGEOUT to swap",
	.needs_swap = true,
	.nonresident = true,
	.supported = thp_supported,
	.setup = thp_setup,
	.prepare = thp_prepare,
	.teardown = thp_teardown,
};
