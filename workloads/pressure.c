// SPDX-License-Identifier: BSD-2-Clause
/*
 * The pressure states: real reclaim under a memory cgroup limit, at graded levels.
 *
 * Each pressure cell gets a memory cgroup of its own (a child of bpfault.<pid>, see
 * sys_memcg_init) holding its pool and a hog: a child process that keeps rewriting an anonymous
 * area, so that reclaim in the cgroup keeps evicting the coldest pages to swap (zram), as it does
 * in production. The limit is the pool plus HEADROOM; the hog keeps HEADROOM plus the level's
 * share `over` of the pool written and, rewritten every few milliseconds, stays hotter than any
 * pool slot, so about that share of the pool does not fit, and reclaim chooses which pages go.
 *
 * The pool is written with bpfault moved into the cgroup (so it is charged there; swap-ins are
 * charged back to the cgroup recorded at swap-out), then bpfault moves back: nothing else of it
 * is under pressure. A trial never touches its slot before the call; each pass over the pool uses
 * a fresh random order, so a slot ages about one pass between uses (a fixed cyclic order is LRU's
 * worst case and makes every level all-or-nothing). Only the cell in use runs its hog (the others
 * are stopped), so cells interleaved in rounds do not press on each other's pools. How much of a
 * pool really was evicted is not assumed: the engine records the pagemap truth of every trial.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common.h"
#include "model.h"
#include "sysstate.h"

#define POOL_SLOTS  2048u	  /* SLOT_PAGES each: 16 MiB of address space per cell */
#define HEADROOM    (32ull << 20) /* the cgroup's limit: the pool plus this */
#define HOG_MAX	    (1ull << 30)  /* the hog's address space; it writes its target only */
#define HOG_TIMEOUT 60		  /* s to wait for a hog's pass */
#define MAX_CELLS   64		  /* pressure cells in one run */

struct hogctl {
	volatile uint64_t go;	  /* set by bpfault once the pool is written */
	volatile uint64_t target; /* bytes the hog keeps written (set before go) */
	volatile uint64_t passes; /* full passes the hog made over its target */
};

struct level {
	const char *name;
	double over; /* the share of the pool that does not fit */
};

static const struct level levels[] = {
	{"low", 0.1},
	{"mid", 0.3},
	{"high", 0.7},
};

struct pcell {
	const struct level *lv;
	char cg[1600]; /* the cell's cgroup directory */
	pid_t hog;     /* its hog */
	struct hogctl *ctl;
	bool dead;	 /* the hog died */
	uint64_t *nonce; /* per slot: the nonce its pattern carries */
	uint32_t *order; /* this pass's order of the slots: a fresh permutation each pass */
	uint64_t rng;	 /* for the permutations (seeded from the cell's seed) */
	uint64_t next;	 /* the nonce for the slot in use, written after the call */
	size_t cur;	 /* the slot in use */
	size_t npages;	 /* pages of the pool the buffers span (charged to the cgroup) */
};

static struct pcell *active; /* the cell whose hog runs */
static unsigned ncg;	     /* cgroups made, for their names */

/* every pool, so that a hog forked later can unmap them (no pages shared with a hog) */
static struct {
	void *p;
	size_t len;
} pools[MAX_CELLS];

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static size_t slot_bytes(void)
{
	return (size_t)SLOT_PAGES * PAGE_SZ;
}

static bool is_str(const struct cellrt *c)
{
	return kind_is_str(c->sc->kind);
}

static uint8_t *slot_buf(const struct cellrt *c, size_t s)
{
	return c->region + s * slot_bytes() + c->offset;
}

/* pages of a slot the buffer spans */
static size_t span_pages(const struct cellrt *c)
{
	size_t end = c->offset + c->size + (is_str(c) ? 1 : 0);

	return (end + PAGE_SZ - 1) / PAGE_SZ - c->offset / PAGE_SZ;
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (write(fd, s, strlen(s)) < 0) { /* best effort */
		}
		close(fd);
	}
}

/* the hog: never returns */
static void hog_main(struct hogctl *ctl, int avoid_cpu)
{
	struct timespec ms = {0, 1000000};
	cpu_set_t set;
	uint8_t *a;

	/* terminal signals must not reach it, nor bpfault's handlers run in it */
	sys_child_signals();
	prctl(PR_SET_NAME, "bpfault-hog");
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(0);
#ifdef SYS_close_range
	syscall(SYS_close_range, 3u, ~0u, 0u);
#endif
	/* an OOM in the cgroup kills the hog, never bpfault */
	write_file("/proc/self/oom_score_adj", "1000");
	/* off bpfault's CPU when there is another; else below it */
	CPU_ZERO(&set);
	for (int i = 0; i < (int)sysconf(_SC_NPROCESSORS_ONLN) && i < CPU_SETSIZE; i++)
		if (i != avoid_cpu)
			CPU_SET(i, &set);
	if (CPU_COUNT(&set) == 0 || sched_setaffinity(0, sizeof(set), &set) < 0)
		setpriority(PRIO_PROCESS, 0, 10);
	for (size_t i = 0; i < MAX_CELLS; i++)
		if (pools[i].p)
			munmap(pools[i].p, pools[i].len);
	a = mmap(NULL, HOG_MAX, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		 -1, 0);
	if (a == MAP_FAILED)
		_exit(1);
	madvise(a, HOG_MAX, MADV_NOHUGEPAGE);
	while (!ctl->go)
		nanosleep(&ms, NULL);
	{
		const char *e = getenv("HOG_US");
		if (e)
			ms.tv_nsec = atol(e) * 1000;
	}
	for (uint64_t pass = 1;; pass++) {
		size_t t = ctl->target < HOG_MAX ? ctl->target : HOG_MAX;

		/* write every page: dirty anonymous pages can only go to swap */
		for (size_t off = 0; off < t; off += PAGE_SZ)
			a[off] = (uint8_t)(pass + off / PAGE_SZ);
		ctl->passes = pass;
		nanosleep(&ms, NULL); /* a hog that fits need not spin */
	}
}

static int hog_start(struct pcell *pc)
{
	int cpu = sched_getcpu(), err;
	pid_t pid;

	pc->ctl = mmap(NULL, PAGE_SZ, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (pc->ctl == MAP_FAILED) {
		pc->ctl = NULL;
		return -errno;
	}
	fflush(NULL);
	pid = fork(); /* bpfault is in the cell's cgroup now: so is the child */
	if (pid < 0)
		return -errno;
	if (pid == 0)
		hog_main(pc->ctl, cpu);
	pc->hog = pid;
	err = sys_kill_at_exit(pid);
	if (err)
		pc->hog = 0; /* killed and reaped already: no restore step was left for it */
	return err;
}

/* has the hog died? (not reaped here: the restore reaps it, so its pid cannot be reused) */
static bool hog_dead(struct pcell *pc)
{
	siginfo_t si = {0};

	if (pc->dead)
		return true;
	if (waitid(P_PID, (id_t)pc->hog, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid) {
		pc->dead = true;
		if (si.si_code == CLD_KILLED || si.si_code == CLD_DUMPED)
			err_msg("pressure-%s: the hog (pid %d) was killed by signal %d (an OOM "
				"kill in "
				"its cgroup? was swap turned off?): its cell stops",
				pc->lv->name, (int)pc->hog, si.si_status);
		else
			err_msg("pressure-%s: the hog (pid %d) exited with %d: its cell stops",
				pc->lv->name, (int)pc->hog, si.si_status);
	}
	return pc->dead;
}

static void switch_to(struct pcell *pc)
{
	if (active == pc)
		return;
	if (active && active->hog > 0)
		kill(active->hog, SIGSTOP);
	if (pc && pc->hog > 0)
		kill(pc->hog, SIGCONT);
	active = pc;
}

/* let the hog reach its target (two full passes: reclaim evicts the pool's coldest pages), then
 * stop it until its cell is in use */
static int settle(struct pcell *pc)
{
	struct timespec ms = {0, 1000000};
	uint64_t p0 = pc->ctl->passes;

	pc->ctl->go = 1;
	switch_to(pc);
	for (int i = 0; i < HOG_TIMEOUT * 1000; i++) {
		if (pc->ctl->passes >= p0 + 2) {
			switch_to(NULL);
			return 0;
		}
		if (hog_dead(pc))
			return -ECHILD;
		nanosleep(&ms, NULL);
	}
	return -ETIMEDOUT;
}

static int pool_register(void *p, size_t len)
{
	for (size_t i = 0; i < MAX_CELLS; i++)
		if (!pools[i].p) {
			pools[i].p = p;
			pools[i].len = len;
			return 0;
		}
	return -ENOSPC;
}

static void pool_unregister(void *p)
{
	for (size_t i = 0; i < MAX_CELLS; i++)
		if (pools[i].p == p)
			pools[i].p = NULL;
}

static void shuffle(struct pcell *pc, size_t n)
{
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = (size_t)(splitmix64(&pc->rng) % (i + 1));
		uint32_t t = pc->order[i];

		pc->order[i] = pc->order[j];
		pc->order[j] = t;
	}
}

static int pressure_setup(struct cellrt *c, const struct level *lv)
{
	unsigned long long pool;
	struct pcell *pc;
	char why[256], name[64];
	int err, err2;

	err = sys_memcg_init(why, sizeof(why)); /* done in setup_system; cached */
	if (err)
		return err;
	pc = calloc(1, sizeof(*pc));
	if (!pc)
		return -ENOMEM;
	c->priv = pc;
	pc->lv = lv;
	c->nslots = POOL_SLOTS;
	c->slot = 0;
	pc->rng = c->seed ^ 0x70726573737572ull;
	pc->npages = c->nslots * span_pages(c);
	pool = (unsigned long long)pc->npages * PAGE_SZ;
	pc->nonce = calloc(c->nslots, sizeof(*pc->nonce));
	pc->order = calloc(c->nslots, sizeof(*pc->order));
	if (!pc->nonce || !pc->order)
		return -ENOMEM;
	for (size_t s = 0; s < c->nslots; s++)
		pc->order[s] = (uint32_t)s;
	snprintf(name, sizeof(name), "%s.%u", lv->name, ++ncg);
	err = sys_memcg_child(name, pc->cg, sizeof(pc->cg));
	if (err)
		return err;
	err = sys_memcg_limit(pc->cg, HEADROOM + pool);
	if (err)
		return err;
	switch_to(NULL); /* no hog runs while a pool is written */
	err = sys_memcg_enter(pc->cg);
	if (err)
		return err;
	err = hog_start(pc); /* before the pool exists: the child shares none of it */
	if (!err) {
		c->region = mmap(NULL, c->nslots * slot_bytes(), PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (c->region == MAP_FAILED) {
			c->region = NULL;
			err = -errno;
		}
	}
	if (!err) {
		madvise(c->region, c->nslots * slot_bytes(), MADV_NOHUGEPAGE);
		err = pool_register(c->region, c->nslots * slot_bytes());
	}
	for (size_t s = 0; !err && s < c->nslots; s++) {
		pc->nonce[s] = c->seed ^ ((uint64_t)(s + 1) * 0x9e3779b97f4a7c15ull);
		pattern_fill(slot_buf(c, s), c->size, pc->nonce[s], is_str(c));
	}
	err2 = sys_memcg_enter(NULL); /* only the pool is charged to the cell's cgroup */
	if (err || err2)
		return err ? err : err2;
	pc->ctl->target = HEADROOM + (uint64_t)(lv->over * (double)pool);
	err = settle(pc);
	if (err)
		return err;
	c->buf = slot_buf(c, 0);
	return 0;
}

int pressure_low_setup(struct cellrt *c)
{
	return pressure_setup(c, &levels[0]);
}

int pressure_mid_setup(struct cellrt *c)
{
	return pressure_setup(c, &levels[1]);
}

int pressure_high_setup(struct cellrt *c)
{
	return pressure_setup(c, &levels[2]);
}

/* select the next slot and report its nonce; the slot is not touched before the call */
int pressure_prepare(struct cellrt *c, uint64_t *nonce)
{
	struct pcell *pc = c->priv;
	size_t pos = c->slot % c->nslots;

	switch_to(pc);
	if (hog_dead(pc))
		return -ECHILD; /* no pressure any more: the cell must not go on */
	if (pos == 0)
		shuffle(pc, c->nslots);
	pc->cur = pc->order[pos];
	c->buf = slot_buf(c, pc->cur);
	pc->next = *nonce; /* the slot's pattern after this use */
	*nonce = pc->nonce[pc->cur];
	return 0;
}

/* after the call: rewrite the used slot with a fresh nonce for its next use */
void pressure_after(struct cellrt *c)
{
	struct pcell *pc = c->priv;

	pattern_fill(slot_buf(c, pc->cur), c->size, pc->next, is_str(c));
	pc->nonce[pc->cur] = pc->next;
	c->slot++;
}

void pressure_teardown(struct cellrt *c)
{
	struct pcell *pc = c->priv;

	if (pc && active == pc)
		switch_to(NULL);
	if (c->region) {
		pool_unregister(c->region);
		munmap(c->region, c->nslots * slot_bytes());
	}
	c->region = NULL;
	if (pc) {
		if (pc->ctl)
			munmap(pc->ctl, PAGE_SZ);
		free(pc->nonce);
		free(pc->order);
	}
	free(pc);
	c->priv = NULL;
}
