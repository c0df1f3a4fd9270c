// SPDX-License-Identifier: BSD-2-Clause
/*
 * damon: the buffer's page was reclaimed by a DAMON scheme, as production proactive reclaim
 * does: a kdamond of bpfault's own on the physical address space (paddr operations; this kind
 * of kernel has no vaddr) with a `pageout` scheme for idle regions and a memory-cgroup filter
 * that lets only the pages of bpfault's damon cgroup through. The cell's pool is written from
 * inside that cgroup, then left alone; DAMON finds it idle and pages it out to swap. A trial uses
 * the next slot without touching it first, and rewrites it after the call.
 *
 * A kdamond slot can only be added while no kdamond runs (the sysfs interface answers EBUSY and
 * rebuilds every kdamond directory from scratch), so bpfault records the configuration of the
 * kdamonds it finds (every writable file under admin/kdamonds), stops them, adds its own slot,
 * writes their configuration back and restarts those that ran. Every step of the way back (stop
 * ours and theirs, the old number of slots, their files, their state) is registered with the
 * restore before anything changes (sys_write_at_exit).
 *
 * If DAMON does not page out the pool in bounded time, the state is unsupported here, with what
 * was measured.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "common.h"
#include "sysstate.h"
#include "pool.h"

#define KD	    "/sys/kernel/mm/damon/admin/kdamonds"
#define POOL_SLOTS  1024u /* SLOT_PAGES each */
#define EVICT_SHARE 0.95  /* of the pool's pages DAMON must page out ... */
#define EVICT_SECS  30	  /* ... within this time, or the state is unsupported here */
#define PM_PRESENT  (1ull << 63)
#define PM_PFN	    ((1ull << 55) - 1)

struct kv {
	char path[256];
	char val[80];
};

/* the run's kdamond and cgroup, shared by every damon cell */
static struct {
	int tried, err; /* set up once: err is the outcome */
	char why[144];
	int slot;		   /* our kdamond's index */
	char cg[1600];		   /* our cgroup's directory */
	char memcg[1200];	   /* its path as DAMON's memcg filter names it */
	unsigned long long lo, hi; /* the physical range monitored */
} dm;

struct dcell {
	uint64_t *nonce; /* per slot */
	uint64_t next;
	size_t cur;
	int pagemap;
};

static int wrf(const char *val, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* write val to the file KD/<fmt...> */
static int wrf(const char *val, const char *fmt, ...)
{
	char p[512];
	va_list ap;
	int n = snprintf(p, sizeof(p), "%s/", KD);

	va_start(ap, fmt);
	vsnprintf(p + n, sizeof(p) - (size_t)n, fmt, ap);
	va_end(ap);
	return write_str(p, val);
}

static int damon_supported(const struct host_caps *h, char *why, size_t len)
{
	char v[32];

	(void)h;
	if (read_str(KD "/nr_kdamonds", v, sizeof(v))) {
		snprintf(why, len, "no DAMON sysfs interface (%s)", KD);
		return -EOPNOTSUPP;
	}
	if (dm.tried && dm.err) {
		snprintf(why, len, "%s", dm.why);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* ---- the kdamonds found: their writable files, in an order that rebuilds them ---- */

struct snap {
	struct kv *v;
	size_t n, cap;
};

static int snap_add(struct snap *s, const char *path, const char *val)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 128;
		struct kv *nv = realloc(s->v, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		s->v = nv;
		s->cap = cap;
	}
	if (snprintf(s->v[s->n].path, sizeof(s->v[0].path), "%s", path) >=
		    (int)sizeof(s->v[0].path) ||
	    snprintf(s->v[s->n].val, sizeof(s->v[0].val), "%s", val) >= (int)sizeof(s->v[0].val))
		return -E2BIG;
	s->n++;
	return 0;
}

/* dir's files: nr_* first (they make the sub-directories), then the others, then the
 * sub-directories; read-only files and the kdamond's state are left out */
static int snap_dir(struct snap *s, const char *dir, int depth)
{
	int err = 0;

	for (int pass = 0; pass < 3 && !err; pass++) {
		DIR *d = opendir(dir);
		struct dirent *e;

		if (!d)
			return -errno;
		while (!err && (e = readdir(d))) {
			char p[512], v[80];
			struct stat st;

			if (e->d_name[0] == '.' || !strcmp(e->d_name, "state") ||
			    !strcmp(e->d_name, "tried_regions") || !strcmp(e->d_name, "stats"))
				continue;
			snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
			if (lstat(p, &st) < 0)
				continue;
			if (S_ISDIR(st.st_mode)) {
				if (pass == 2)
					err = depth > 12 ? -ELOOP : snap_dir(s, p, depth + 1);
				continue;
			}
			if (!S_ISREG(st.st_mode) || !(st.st_mode & S_IWUSR) ||
			    (pass == 0) != !strncmp(e->d_name, "nr_", 3) || pass == 2)
				continue;
			if (read_str(p, v, sizeof(v)) == 0 && v[0])
				err = snap_add(s, p, v);
		}
		closedir(d);
	}
	return err;
}

/* wait until kdamond i reads state want (a stop waits for its thread) */
static int wait_state(int i, const char *want)
{
	char p[128], v[16];

	snprintf(p, sizeof(p), KD "/%d/state", i);
	for (int t = 0; t < 500; t++) {
		if (read_str(p, v, sizeof(v)) == 0 && !strcmp(v, want))
			return 0;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

/* register the way back, newest first: ours off, theirs off, n slots, their files, theirs on */
static int push_undo(const struct snap *s, int n, const bool *on)
{
	char p[128], v[16];
	int err = 0;

	for (int i = 0; i < n && !err; i++)
		if (on[i]) {
			snprintf(p, sizeof(p), KD "/%d/state", i);
			err = sys_write_at_exit(p, "on");
		}
	for (size_t k = s->n; k-- > 0 && !err;)
		err = sys_write_at_exit(s->v[k].path, s->v[k].val);
	snprintf(v, sizeof(v), "%d", n);
	if (!err)
		err = sys_write_at_exit(KD "/nr_kdamonds", v);
	for (int i = 0; i < n && !err; i++) {
		snprintf(p, sizeof(p), KD "/%d/state", i);
		err = sys_write_at_exit(p, "off");
	}
	snprintf(p, sizeof(p), KD "/%d/state", n);
	return err ? err : sys_write_at_exit(p, "off");
}

/* stop the kdamonds found, add a slot, rebuild theirs, restart those that ran; our slot's index
 */
static int take_slot(char *why, size_t len)
{
	struct snap s = {0};
	bool on[16] = {false};
	char v[32], p[128];
	int n, err;

	if ((err = read_str(KD "/nr_kdamonds", v, sizeof(v))))
		return err;
	n = atoi(v);
	if (n < 0 || n >= (int)(sizeof(on) / sizeof(on[0]))) {
		snprintf(why, len, "%d kdamonds: too many to rebuild", n);
		return -E2BIG;
	}
	for (int i = 0; i < n; i++) {
		snprintf(p, sizeof(p), KD "/%d/state", i);
		on[i] = read_str(p, v, sizeof(v)) == 0 && !strcmp(v, "on");
		snprintf(p, sizeof(p), KD "/%d", i);
		if ((err = snap_dir(&s, p, 0)))
			break;
	}
	if (!err)
		err = push_undo(&s, n, on);
	for (int i = 0; i < n && !err; i++)
		if (on[i] && !(err = wrf("off", "%d/state", i)))
			err = wait_state(i, "off");
	snprintf(v, sizeof(v), "%d", n + 1);
	if (!err)
		err = write_str(KD "/nr_kdamonds", v);
	for (size_t k = 0; k < s.n && !err; k++)
		if (write_str(s.v[k].path, s.v[k].val) < 0 && g_verbose)
			info("damon: rebuilding %s = %s: %s", s.v[k].path, s.v[k].val,
			     strerror(errno));
	for (int i = 0; i < n && !err; i++)
		if (on[i])
			err = wrf("on", "%d/state", i);
	free(s.v);
	if (err) {
		snprintf(why, len, "cannot add a kdamond slot (%d found): %s", n, strerror(-err));
		return err;
	}
	return n;
}

/* our kdamond: paddr over [lo, hi), one pageout scheme for idle regions, our memcg only */
static int configure(int k, bool commit, const char **failed)
{
	char lo[32], hi[32];
	const char *C = "%d/contexts/0", *S = "%d/contexts/0/schemes/0";
	char c[64], sc[64], f[160];
	int err = 0;

	snprintf(c, sizeof(c), C, k);
	snprintf(sc, sizeof(sc), S, k);
	snprintf(lo, sizeof(lo), "%llu", dm.lo);
	snprintf(hi, sizeof(hi), "%llu", dm.hi);
	if (!commit) {
		const char *kv[][2] = {
			{"contexts/nr_contexts", "1"},
			{"contexts/0/operations", "paddr"},
			{"contexts/0/monitoring_attrs/intervals/sample_us", "1000"},
			{"contexts/0/monitoring_attrs/intervals/aggr_us", "20000"},
			{"contexts/0/monitoring_attrs/intervals/update_us", "1000000"},
			{"contexts/0/monitoring_attrs/nr_regions/min", "10"},
			{"contexts/0/monitoring_attrs/nr_regions/max", "1000"},
			{"contexts/0/targets/nr_targets", "1"},
			{"contexts/0/targets/0/regions/nr_regions", "1"},
			{"contexts/0/schemes/nr_schemes", "1"},
			{"contexts/0/schemes/0/action", "pageout"},
			{"contexts/0/schemes/0/access_pattern/nr_accesses/min", "0"},
			{"contexts/0/schemes/0/access_pattern/nr_accesses/max", "0"},
			{"contexts/0/schemes/0/access_pattern/sz/min", "0"},
			{"contexts/0/schemes/0/access_pattern/sz/max", "18446744073709551615"},
			{"contexts/0/schemes/0/access_pattern/age/min", "5"},
			{"contexts/0/schemes/0/access_pattern/age/max", "4294967295"},
			{"contexts/0/schemes/0/ops_filters/nr_filters", "1"},
			{"contexts/0/schemes/0/ops_filters/0/type", "memcg"},
			{"contexts/0/schemes/0/ops_filters/0/matching", "Y"},
			{"contexts/0/schemes/0/ops_filters/0/allow", "Y"},
		};

		for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]) && !err; i++)
			if ((err = wrf(kv[i][1], "%d/%s", k, kv[i][0])))
				*failed = kv[i][0];
		snprintf(f, sizeof(f), "%s/ops_filters/0/memcg_path", sc);
		if (!err)
			err = wrf(dm.memcg, "%s", f);
	}
	/* end first: start must stay below end */
	if (!err)
		err = wrf(hi, "%s/targets/0/regions/0/end", c);
	if (!err)
		err = wrf(lo, "%s/targets/0/regions/0/start", c);
	if (!err && (err = wrf(commit ? "commit" : "on", "%d/state", k)))
		*failed = "state";
	return err;
}

/* the cgroup's path as the memory controller names it (DAMON's memcg_path), from inside it */
static int own_memcg_path(char *out, size_t len)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[1200];
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, ":memory:");

		line[strcspn(line, "\n")] = 0;
		if (p || !strncmp(line, "0::", 3)) {
			snprintf(out, len, "%s", p ? p + 8 : line + 3);
			err = 0;
			if (p)
				break;
		}
	}
	fclose(f);
	return err;
}

static int damon_init(void)
{
	char why[256];
	int err;

	if (dm.tried)
		return dm.err;
	dm.tried = 1;
	err = sys_memcg_init(why, sizeof(why));
	if (!err)
		err = sys_memcg_child("damon", dm.cg, sizeof(dm.cg));
	if (!err)
		err = sys_memcg_enter(dm.cg);
	if (!err) {
		err = own_memcg_path(dm.memcg, sizeof(dm.memcg));
		sys_memcg_enter(NULL);
	}
	if (err) {
		snprintf(dm.why, sizeof(dm.why), "no memory cgroup for DAMON's filter: %s",
			 strerror(-err));
		return dm.err = err;
	}
	dm.slot = take_slot(dm.why, sizeof(dm.why));
	if (dm.slot < 0)
		return dm.err = dm.slot;
	return 0;
}

/* ---- the cell's pool ---- */

static uint8_t *slot_buf(const struct cellrt *c, size_t s)
{
	return c->region + s * (size_t)SLOT_PAGES * PAGE_SZ + c->offset;
}

/* share of the pool's buffer pages not present; also their physical range if any is */
static double pool_out(const struct cellrt *c, unsigned long long *lo, unsigned long long *hi)
{
	const struct dcell *d = c->priv;
	size_t n = 0, out = 0;

	*lo = ~0ull;
	*hi = 0;
	for (size_t s = 0; s < c->nslots; s++) {
		uintptr_t a = (uintptr_t)slot_buf(c, s) & ~(uintptr_t)(PAGE_SZ - 1);
		uintptr_t e = (uintptr_t)slot_buf(c, s) + c->size + kind_is_str(c->sc->kind);

		for (; a < e; a += PAGE_SZ, n++) {
			uint64_t pm = 0;

			if (pread(d->pagemap, &pm, 8, (off_t)(a / PAGE_SZ * 8)) != 8 ||
			    !(pm & PM_PRESENT)) {
				out++;
				continue;
			}
			if ((pm & PM_PFN) * PAGE_SZ < *lo)
				*lo = (pm & PM_PFN) * PAGE_SZ;
			if ((pm & PM_PFN) * PAGE_SZ + PAGE_SZ > *hi)
				*hi = (pm & PM_PFN) * PAGE_SZ + PAGE_SZ;
		}
	}
	return n ? (double)out / (double)n : 0;
}

/* widen the monitored range to the pool's present pages, then wait for DAMON to page them out */
static int evict_pool(struct cellrt *c)
{
	struct timespec t0, t;
	unsigned long long lo, hi;
	double share = pool_out(c, &lo, &hi);
	bool first = dm.hi == 0;

	if (hi) {
		const char *failed = "the target region";
		int err;

		dm.lo = first || lo < dm.lo ? lo : dm.lo;
		dm.hi = hi > dm.hi ? hi : dm.hi;
		err = configure(dm.slot, !first, &failed);
		if (err) {
			snprintf(c->unsup, sizeof(c->unsup), "cannot configure kdamond %d (%s): %s",
				 dm.slot, failed, strerror(-err));
			return -EOPNOTSUPP;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		share = pool_out(c, &lo, &hi);
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (share >= EVICT_SHARE)
			return 0;
		if (t.tv_sec - t0.tv_sec >= EVICT_SECS)
			break;
		usleep(50000);
	}
	snprintf(c->unsup, sizeof(c->unsup),
		 "DAMON paged out %.1f%% of the pool's pages in %d s (needs %.0f%%)", 100 * share,
		 EVICT_SECS, 100 * EVICT_SHARE);
	return -EOPNOTSUPP;
}

static int damon_setup(struct cellrt *c)
{
	size_t len = (size_t)POOL_SLOTS * SLOT_PAGES * PAGE_SZ;
	struct dcell *d = calloc(1, sizeof(*d));
	int err;

	if (!d)
		return -ENOMEM;
	c->priv = d;
	d->pagemap = -1;
	err = damon_init();
	if (err) {
		snprintf(c->unsup, sizeof(c->unsup), "%s", dm.why);
		return -EOPNOTSUPP;
	}
	d->nonce = calloc(POOL_SLOTS, sizeof(*d->nonce));
	d->pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (!d->nonce || d->pagemap < 0)
		return d->nonce ? -errno : -ENOMEM;
	c->nslots = POOL_SLOTS;
	c->slot = 0;
	err = sys_memcg_enter(dm.cg); /* the pool is charged to the cgroup DAMON's filter lets in */
	if (err)
		return err;
	c->region = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c->region == MAP_FAILED) {
		c->region = NULL;
		err = -errno;
	} else {
		madvise(c->region, len, MADV_NOHUGEPAGE);
		for (size_t s = 0; s < c->nslots; s++) {
			d->nonce[s] = c->seed ^ ((uint64_t)(s + 1) * 0x9e3779b97f4a7c15ull);
			state_fill(c, slot_buf(c, s), d->nonce[s]);
		}
	}
	sys_memcg_enter(NULL);
	if (err)
		return err;
	c->buf = slot_buf(c, 0);
	return evict_pool(c);
}

/* the next slot, untouched since DAMON paged it out; after a full pass, wait for it again */
static int damon_prepare(struct cellrt *c, uint64_t *nonce)
{
	struct dcell *d = c->priv;
	size_t pos = c->slot % c->nslots;
	int err;

	if (pos == 0 && c->slot > 0) {
		err = evict_pool(c);
		if (err)
			return err == -EOPNOTSUPP ? -ETIMEDOUT : err;
	}
	d->cur = pos;
	c->buf = slot_buf(c, pos);
	d->next = *nonce;
	*nonce = d->nonce[pos];
	return 0;
}

/* after the call: a fresh nonce in the used slot, for its next use */
static void damon_after(struct cellrt *c)
{
	struct dcell *d = c->priv;

	state_fill(c, slot_buf(c, d->cur), d->next);
	d->nonce[d->cur] = d->next;
	c->slot++;
}

static void damon_teardown(struct cellrt *c)
{
	struct dcell *d = c->priv;

	if (c->region)
		munmap(c->region, (size_t)POOL_SLOTS * SLOT_PAGES * PAGE_SZ);
	c->region = NULL;
	if (d) {
		if (d->pagemap >= 0)
			close(d->pagemap);
		free(d->nonce);
		free(d);
	}
	c->priv = NULL;
}

const struct state_desc state_damon = {
	.name = "damon",
	.help = "paged out by a DAMON pageout scheme (paddr, idle, memcg filter) of bpfault's own",
	.needs_swap = true,
	.needs_memcg = true,
	.nonresident = true,
	.supported = damon_supported,
	.setup = damon_setup,
	.prepare = damon_prepare,
	.after = damon_after,
	.teardown = damon_teardown,
};
