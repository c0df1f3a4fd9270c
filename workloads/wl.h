/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers the page states share (workloads/states.c) and the table entries of the other files. */
#ifndef BPFAULT_WL_H
#define BPFAULT_WL_H

#include "model.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

/* one private anonymous slot of SLOT_PAGES pages; c->buf at c->offset in it */
int anon_setup(struct cellrt *c);
void anon_teardown(struct cellrt *c);
/* madvise() the page-aligned span of the trial's buffer; 0 or -errno */
int advise_span(const struct cellrt *c, int advice);

/*
 * The states of the other files: their functions, and each one's table entry (one line in
 * states.c's table names it) until the unit registry takes them.
 */

/* workloads/straddle.c */
int straddle_prepare(struct cellrt *c, uint64_t *nonce);
int straddle_rev_prepare(struct cellrt *c, uint64_t *nonce);
const char *straddle_fits(uint32_t size, uint32_t offset, bool str);
#define STRADDLE_STATES                                                                            \
	{.name = "straddle",                                                                       \
	 .help = "buffer crossing a page boundary: first page present, next page paged out",       \
	 .needs_swap = true,                                                                       \
	 .nonresident = true,                                                                      \
	 .setup = anon_setup,                                                                      \
	 .prepare = straddle_prepare,                                                              \
	 .teardown = anon_teardown,                                                                \
	 .fits = straddle_fits},                                                                   \
	{                                                                                          \
		.name = "straddle-rev",                                                            \
		.help = "buffer crossing a page boundary: first page paged out, next page "        \
			"present",                                                                 \
		.needs_swap = true, .nonresident = true, .setup = anon_setup,                      \
		.prepare = straddle_rev_prepare, .teardown = anon_teardown, .fits = straddle_fits  \
	}

/* workloads/swapcache.c */
int swapcache_prepare(struct cellrt *c, uint64_t *nonce);
#define SWAPCACHE_STATE                                                                            \
	{                                                                                          \
		.name = "swapcache",                                                               \
		.help = "anonymous page swapped out, read back into the swap cache unmapped "      \
			"(WILLNEED)",                                                              \
		.needs_swap = true, .nonresident = true, .setup = anon_setup,                      \
		.prepare = swapcache_prepare, .teardown = anon_teardown                            \
	}

/* workloads/thp.c */
int thp_supported(char *why, size_t len);
int thp_setup(struct cellrt *c);
int thp_prepare(struct cellrt *c, uint64_t *nonce);
void thp_teardown(struct cellrt *c);
#define THP_STATE                                                                                  \
	{                                                                                          \
		.name = "thp-pageout",                                                             \
		.help = "transparent huge page (MADV_HUGEPAGE, fresh each trial), MADV_PAGEOUT "   \
			"to swap",                                                                 \
		.needs_swap = true, .nonresident = true, .setup = thp_setup,                       \
		.prepare = thp_prepare, .teardown = thp_teardown, .supported = thp_supported       \
	}

/* workloads/uffd.c */
int uffd_supported(char *why, size_t len);
int uffd_setup(struct cellrt *c);
int uffd_prepare(struct cellrt *c, uint64_t *nonce);
void uffd_teardown(struct cellrt *c);
#define UFFD_STATE                                                                                 \
	{                                                                                          \
		.name = "uffd-missing",                                                            \
		.help = "missing page of a userfaultfd range: the kernel asks a bpfault thread "   \
			"for it",                                                                  \
		.nonresident = true, .setup = uffd_setup, .prepare = uffd_prepare,                 \
		.teardown = uffd_teardown, .supported = uffd_supported                             \
	}

/* workloads/stressng.c, with the pressure states' pool (workloads/pressure.c) */
int stressng_supported(char *why, size_t len);
void stressng_exec(uint64_t target);
int pressure_stressng_setup(struct cellrt *c);
int pressure_prepare(struct cellrt *c, uint64_t *nonce);
void pressure_after(struct cellrt *c);
void pressure_teardown(struct cellrt *c);
#define STRESSNG_STATE                                                                             \
	{                                                                                          \
		.name = "pressure-stressng",                                                       \
		.help = "memory cgroup limit and stress-ng --vm as the hog: reclaim evicts to "    \
			"zram",                                                                    \
		.needs_swap = true, .graded = true, .needs_memcg = true,                           \
		.setup = pressure_stressng_setup, .prepare = pressure_prepare,                     \
		.after = pressure_after, .teardown = pressure_teardown,                            \
		.supported = stressng_supported                                                    \
	}

/* workloads/damon.c */
int damon_supported(char *why, size_t len);
int damon_setup(struct cellrt *c);
int damon_prepare(struct cellrt *c, uint64_t *nonce);
void damon_after(struct cellrt *c);
void damon_teardown(struct cellrt *c);
#define DAMON_STATE                                                                                \
	{                                                                                          \
		.name = "damon",                                                                   \
		.help = "paged out by a DAMON pageout scheme (paddr, idle, memcg filter) of "      \
			"bpfault's own",                                                           \
		.needs_swap = true, .nonresident = true, .needs_memcg = true,                      \
		.setup = damon_setup, .prepare = damon_prepare, .after = damon_after,              \
		.teardown = damon_teardown, .supported = damon_supported                           \
	}

#endif
