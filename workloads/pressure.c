// SPDX-License-Identifier: BSD-2-Clause
/*
 * The pressure states: real reclaim under a memory cgroup limit, at graded levels.
 *
 * Each pressure cell gets a memory cgroup of its own (a child of bpfault.<pid>, see
 * sys_memcg_init) holding its pool and a hog: a child process holding a locked ballast of
 * anonymous memory. The limit is the pool plus HEADROOM; the ballast is HEADROOM plus the level's
 * share `over` of the pool, so about that share of the pool does not fit, and reclaim, which
 * cannot touch the locked ballast, chooses which pool pages go to swap (zram), by their age, as
 * it does in production. Every trial that finds its slot swapped out brings it back (charged to
 * the cell's cgroup, which recorded the swap-out) and so evicts another, the coldest: the level
 * holds for as long as the cell runs. (A hog that kept rewriting an unlocked area, as before, kept
 * its pages young under reclaim's scan; reclaim then found nothing to evict within its retries
 * and the cgroup's OOM killer killed the hog a few seconds in.)
 *
 * The pool is written with bpfault moved into the cgroup (so it is charged there), then bpfault
 * moves back: nothing else of it is under pressure. A trial never touches its slot before the
 * call; each pass over the pool uses a fresh random order, so a slot ages about one pass between
 * uses (a fixed cyclic order is LRU's worst case and makes every level all-or-nothing). How much
 * of a pool really was evicted is not assumed: the engine records the pagemap truth of every
 * trial, and the level is checked while the cell runs: every second the cell's cgroup usage and
 * swap are sampled (pressure_record(), in meta.pressure); a cgroup that fell below its limit, or
 * a hog that died, stops the cell.
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
#include <jansson.h>
#include <math.h>
#include <unistd.h>
#include "common.h"
#include "model.h"
#include "sysstate.h"

#define POOL_SLOTS    2048u	    /* SLOT_PAGES each: 16 MiB of address space per cell */
#define HEADROOM      (32ull << 20) /* the cgroup's limit: the pool plus this */
#define HOG_TIMEOUT   60	    /* s to wait for a hog's ballast */
#define MAX_CELLS     256	    /* pressure cells in one run */
#define SAMPLE_NS     1000000000ull /* the level is sampled this often while a cell runs */
#define MAX_SAMPLES   4096	    /* kept per cell (then every other one is dropped) */
#define SLACK	      (4ull << 20)  /* a held level: cgroup usage within this of its limit */
#define HOLD_SLACK    (4ull << 20)  /* the hard limit above the level (sys_memcg_hold) */
#define SQUEEZE_EVERY 4		    /* trials (each swaps in at most a slot) between squeezes */

struct hogctl {
	volatile uint64_t go;	  /* set by bpfault once the pool is written */
	volatile uint64_t target; /* bytes of ballast the hog locks (set before go) */
	volatile uint64_t ready;  /* 1: locked; 2: mlock failed (errno in err) */
	volatile int64_t err;
};

struct sample {
	float t;	 /* s since the cell's setup */
	uint64_t usage;	 /* the cgroup's charged memory */
	uint64_t swap;	 /* its swap */
	uint64_t trials; /* trials of the cell so far */
};

/* workloads/pressure-stressng.c: stress-ng as the hog of pressure-stressng */
void stressng_exec(uint64_t target);

struct level {
	const char *name;
	double over; /* the share of the pool that does not fit */
	/* an external hog (pressure-stressng): exec'd to keep target bytes written, in its own
	 * process group; NULL: our own locked ballast */
	void (*exec)(uint64_t target);
};

static const struct level levels[] = {
	{"low", 0.1, NULL},
	{"mid", 0.3, NULL},
	{"high", 0.7, NULL},
	{"stressng", 0.3, stressng_exec},
};

struct pcell {
	const struct level *lv;
	char cg[1600]; /* the cell's cgroup directory */
	pid_t hog;     /* its hog */
	struct hogctl *ctl;
	bool dead;	   /* the hog died */
	uint64_t *nonce;   /* per slot: the nonce its pattern carries */
	uint32_t *order;   /* this pass's order of the slots: a fresh permutation each pass */
	uint64_t rng;	   /* for the permutations (seeded from the cell's seed) */
	uint64_t next;	   /* the nonce for the slot in use, written after the call */
	size_t cur;	   /* the slot in use */
	size_t npages;	   /* pages of the pool the buffers span (charged to the cgroup) */
	uint64_t limit;	   /* the cgroup's limit */
	uint64_t t0, last; /* setup time, last sample (ns) */
	struct sample *samples;
	size_t nsamples, step; /* kept samples; every step-th sample is kept */
	uint64_t nseen;	       /* samples taken */
	int low;	       /* consecutive samples below the limit */
	int noswap;	       /* consecutive samples with (almost) nothing in swap */
	struct cellrt *c;
};

static unsigned ncg;		       /* cgroups made, for their names */
static struct pcell *cells[MAX_CELLS]; /* live cells, for pressure_record() */

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

/* the hog: locks its ballast, then sleeps until killed; never returns */
static void hog_main(struct hogctl *ctl, int avoid_cpu, const struct level *lv)
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
	CPU_ZERO(&set);
	for (int i = 0; i < (int)sysconf(_SC_NPROCESSORS_ONLN) && i < CPU_SETSIZE; i++)
		if (i != avoid_cpu)
			CPU_SET(i, &set);
	if (CPU_COUNT(&set) == 0 || sched_setaffinity(0, sizeof(set), &set) < 0)
		setpriority(PRIO_PROCESS, 0, 10);
	for (size_t i = 0; i < MAX_CELLS; i++)
		if (pools[i].p)
			munmap(pools[i].p, pools[i].len);
	while (!ctl->go)
		nanosleep(&ms, NULL);
	if (lv->exec) {
		lv->exec(ctl->target);
		_exit(127);
	}
	a = mmap(NULL, ctl->target, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a != MAP_FAILED)
		madvise(a, ctl->target, MADV_NOHUGEPAGE);
	/* locked: reclaim never scans it, so it evicts pool pages only, the coldest first */
	if (a == MAP_FAILED || mlock(a, ctl->target) < 0) {
		ctl->err = errno;
		ctl->ready = 2;
		_exit(1);
	}
	for (size_t off = 0; off < ctl->target; off += PAGE_SZ)
		a[off] = 1; /* dirty: never shared with the zero page */
	ctl->ready = 1;
	for (;;)
		pause();
}

static int hog_start(struct pcell *pc)
{
	int cpu = sched_getcpu(), err;
	pid_t pid;

	pc->ctl = mmap(NULL, sizeof(*pc->ctl), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		       -1, 0);
	if (pc->ctl == MAP_FAILED) {
		pc->ctl = NULL;
		return -errno;
	}
	fflush(NULL);
	pid = fork(); /* bpfault is in the cell's cgroup now: so is the child */
	if (pid < 0)
		return -errno;
	if (pid == 0)
		hog_main(pc->ctl, cpu, pc->lv);
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
				"kill "
				"in its cgroup? was swap turned off?): its cell stops",
				pc->lv->name, (int)pc->hog, si.si_status);
		else
			err_msg("pressure-%s: the hog (pid %d) exited with %d: its cell stops",
				pc->lv->name, (int)pc->hog, si.si_status);
	}
	return pc->dead;
}

/* the cgroup's charged memory and swap now */
static void sample(struct pcell *pc)
{
	struct sample *sm;
	uint64_t usage = 0, swap = 0;

	sys_memcg_usage(pc->cg, &usage, &swap);
	pc->last = now_ns();
	pc->low = usage + SLACK < pc->limit ? pc->low + 1 : 0;
	/* the pool's evicted share is in swap: a quarter of the level's share at least */
	pc->noswap = pc->nseen && (double)swap < pc->lv->over * (double)(pc->npages * PAGE_SZ) / 4
			     ? pc->noswap + 1
			     : 0;
	if (pc->nseen++ % pc->step)
		return;
	if (pc->nsamples == MAX_SAMPLES) { /* keep every other one: the whole cell, coarser */
		for (size_t i = 0; i < MAX_SAMPLES / 2; i++)
			pc->samples[i] = pc->samples[2 * i];
		pc->nsamples = MAX_SAMPLES / 2;
		pc->step *= 2;
	}
	sm = &pc->samples[pc->nsamples++];
	sm->t = (float)((double)(pc->last - pc->t0) / 1e9);
	sm->usage = usage;
	sm->swap = swap;
	sm->trials = pc->c->slot;
}

/* let the hog lock its ballast (reclaim evicts the pool's coldest pages meanwhile) */
static int settle(struct pcell *pc)
{
	struct timespec ms = {0, 1000000};
	int at_limit_ms = 0;

	pc->ctl->go = 1;
	for (int i = 0; i < HOG_TIMEOUT * 1000 && !sys_stop_signal(); i++) {
		if (pc->lv->exec) { /* an external hog: the cgroup at its limit for a second */
			uint64_t usage = 0, swap = 0;

			sys_memcg_usage(pc->cg, &usage, &swap);
			at_limit_ms = usage + (8ull << 20) < pc->limit ? 0 : at_limit_ms + 1;
		}
		if (pc->ctl->ready == 1 || at_limit_ms >= 1000) {
			sample(pc);
			return 0;
		}
		if (hog_dead(pc))
			return pc->ctl->ready == 2 ? -(int)pc->ctl->err : -ECHILD;
		nanosleep(&ms, NULL);
	}
	return sys_stop_signal() ? -EINTR : -ETIMEDOUT;
}

static int pool_register(struct pcell *pc, void *p, size_t len)
{
	for (size_t i = 0; i < MAX_CELLS; i++)
		if (!pools[i].p) {
			pools[i].p = p;
			pools[i].len = len;
			cells[i] = pc;
			return 0;
		}
	err_msg("pressure: at most %d pressure cells in one run", MAX_CELLS);
	return -ENOSPC;
}

static void pool_unregister(void *p)
{
	for (size_t i = 0; i < MAX_CELLS; i++)
		if (pools[i].p == p) {
			pools[i].p = NULL;
			cells[i] = NULL;
		}
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
	pc->samples = calloc(MAX_SAMPLES, sizeof(*pc->samples));
	if (!pc->nonce || !pc->order || !pc->samples)
		return -ENOMEM;
	pc->c = c;
	pc->step = 1;
	pc->t0 = now_ns();
	for (size_t s = 0; s < c->nslots; s++)
		pc->order[s] = (uint32_t)s;
	snprintf(name, sizeof(name), "%s.%u", lv->name, ++ncg);
	err = sys_memcg_child(name, pc->cg, sizeof(pc->cg));
	if (err)
		return err;
	pc->limit = HEADROOM + pool;
	err = sys_memcg_hold(pc->cg, pc->limit, HOLD_SLACK);
	if (err)
		return err;
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
		err = pool_register(pc, c->region, c->nslots * slot_bytes());
	}
	for (size_t s = 0; !err && s < c->nslots; s++) {
		pc->nonce[s] = c->seed ^ ((uint64_t)(s + 1) * 0x9e3779b97f4a7c15ull);
		state_fill(c, slot_buf(c, s), pc->nonce[s]);
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

int pressure_stressng_setup(struct cellrt *c)
{
	return pressure_setup(c, &levels[3]);
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

	if (hog_dead(pc))
		return -ECHILD; /* no pressure any more: the cell must not go on */
	/* reclaim back to the level (in bpfault, between trials, never inside a call) once the
	 * trials' swap-ins took the cgroup above it: v1 by lowering the limit, v2 by writing
	 * memory.high (sys_memcg_squeeze) */
	if (c->slot % SQUEEZE_EVERY == 0)
		sys_memcg_squeeze(pc->cg, pc->limit, HOLD_SLACK);
	if (now_ns() - pc->last >= SAMPLE_NS) {
		sample(pc);
		if (pc->low >= 3 || pc->noswap >= 3) {
			err_msg("pressure-%s: for 3 s the cgroup held %.1f MiB of its %.1f MiB "
				"level "
				"with %.2f MiB in swap: the level is lost, its cell stops",
				pc->lv->name, (double)pc->samples[pc->nsamples - 1].usage / 1048576,
				(double)pc->limit / 1048576,
				(double)pc->samples[pc->nsamples - 1].swap / 1048576);
			snprintf(c->unsup, sizeof(c->unsup),
				 "the level was lost: for 3 s the cgroup held %.1f of its %.1f MiB "
				 "with %.2f MiB in swap",
				 (double)pc->samples[pc->nsamples - 1].usage / 1048576,
				 (double)pc->limit / 1048576,
				 (double)pc->samples[pc->nsamples - 1].swap / 1048576);
			return -EIO;
		}
	}
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

	state_fill(c, slot_buf(c, pc->cur), pc->next);
	pc->nonce[pc->cur] = pc->next;
	c->slot++;
}

void pressure_teardown(struct cellrt *c)
{
	struct pcell *pc = c->priv;

	if (pc && pc->lv->exec && pc->hog > 0)
		kill(-pc->hog, SIGKILL); /* its workers too; the restore reaps the leader */
	if (c->region) {
		pool_unregister(c->region);
		munmap(c->region, c->nslots * slot_bytes());
	}
	c->region = NULL;
	if (pc) {
		if (pc->ctl)
			munmap(pc->ctl, sizeof(*pc->ctl));
		free(pc->nonce);
		free(pc->order);
		free(pc->samples);
	}
	free(pc);
	c->priv = NULL;
}

/* one cell's record: the level as sampled over time */
static json_t *cell_record(const struct pcell *pc)
{
	json_t *o = json_object(), *t = json_array(), *u = json_array(), *sw = json_array(),
	       *tr = json_array();
	uint64_t umin = UINT64_MAX, umax = 0;

	for (size_t i = 0; i < pc->nsamples; i++) {
		const struct sample *sm = &pc->samples[i];

		json_array_append_new(t, json_real(round(sm->t * 10) / 10));
		json_array_append_new(u, json_integer((json_int_t)sm->usage));
		json_array_append_new(sw, json_integer((json_int_t)sm->swap));
		json_array_append_new(tr, json_integer((json_int_t)sm->trials));
		if (i > 0) { /* the first sample is taken before any trial */
			umin = sm->usage < umin ? sm->usage : umin;
			umax = sm->usage > umax ? sm->usage : umax;
		}
	}
	json_object_set_new(o, "limit_bytes", json_integer((json_int_t)pc->limit));
	json_object_set_new(o, "pool_bytes", json_integer((json_int_t)pc->npages * PAGE_SZ));
	json_object_set_new(o, "ballast_bytes", json_integer((json_int_t)pc->ctl->target));
	json_object_set_new(o, "held_s",
			    json_real(pc->nsamples ? pc->samples[pc->nsamples - 1].t : 0));
	json_object_set_new(o, "usage_min_bytes",
			    umin == UINT64_MAX ? json_null() : json_integer((json_int_t)umin));
	json_object_set_new(o, "usage_max_bytes", json_integer((json_int_t)umax));
	json_object_set_new(o, "t_s", t);
	json_object_set_new(o, "usage_bytes", u);
	json_object_set_new(o, "swap_bytes", sw);
	json_object_set_new(o, "trials", tr);
	return o;
}

json_t *pressure_record(void)
{
	json_t *r = NULL;

	for (size_t i = 0; i < MAX_CELLS; i++) {
		const struct pcell *pc = cells[i];
		char key[256];

		if (!pc || !pc->ctl)
			continue;
		if (!r)
			r = json_object();
		snprintf(key, sizeof(key), "%s/%s/%s/%u/%u", pc->c->sc->name, pc->c->st->name,
			 pc->c->sk->name, pc->c->size, pc->c->offset);
		json_object_set_new(r, key, cell_record(pc));
	}
	return r;
}
