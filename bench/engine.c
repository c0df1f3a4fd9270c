// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"
#include "engine.h"
#include "stats.h"

#define PM_PRESENT (1ull << 63)
#define PM_SWAPPED (1ull << 62)

/* an arm the cell asked for that cannot read in it: reported with the reason, never counted */
static void add_unsup(struct res_cell *r, const char *arm, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add_unsup(struct res_cell *r, const char *arm, const char *fmt, ...)
{
	va_list ap;

	if (r->nunsup >= RES_MAX_ARMS)
		return; /* cannot happen: every arm is once in arms or unsup (engine.h) */
	snprintf(r->unsup[r->nunsup].name, RES_NAME, "%s", arm);
	va_start(ap, fmt);
	vsnprintf(r->unsup[r->nunsup].why, sizeof(r->unsup[0].why), fmt, ap);
	va_end(ap);
	r->nunsup++;
}

/* the arms of the cell that can read in it, and the ones that cannot (with the reason) */
static void cell_arms(struct cellacc *c, const struct cellspec *s, const struct probe *p)
{
	struct res_cell *r = &c->res;
	char why[160];

	for (size_t i = 0; i < narms; i++) {
		const struct arm_desc *a = &arms[i];

		if (!(s->arm_mask & (1u << a->id)))
			continue;
		if (arm_serves(a, s->sc, why, sizeof(why))) {
			add_unsup(r, a->name, "%s", why);
			continue;
		}
		if (!p->ok[a->id]) {
			add_unsup(r, a->name, "%s", p->why[a->id]);
			continue;
		}
		if (r->narms >= RES_MAX_ARMS)
			continue; /* cannot happen (engine.h) */
		c->idx[a->id] = r->narms;
		c->arm[r->narms] = a;
		snprintf(r->arms[r->narms].name, RES_NAME, "%s", a->name);
		r->arms[r->narms].cost_ns = NAN;
		truth_clear(&r->arms[r->narms]);
		r->arms[r->narms].has_levels = s->sc->kind == KIND_MSG;
		r->narms++;
		if (a->perturbing)
			c->pert_mask |= 1u << a->id;
		else
			c->main_mask |= 1u << a->id;
	}
}

/* each arm with its registry partner, when both read in the main trials; in registry order */
static void cell_pairs(struct cellacc *c)
{
	struct res_cell *r = &c->res;

	for (int i = 0; i < r->narms; i++) {
		const struct arm_desc *a = c->arm[i], *b, *t;
		bool dup = false;

		if (a->pair == ARM_NONE || c->idx[a->pair] < 0)
			continue;
		b = &arms[a->pair];
		if (a->perturbing || b->perturbing)
			continue;
		if (b->id < a->id)
			t = a, a = b, b = t;
		for (int k = 0; k < r->npairs && !dup; k++)
			dup = c->pair_id[k][0] == a->id && c->pair_id[k][1] == b->id;
		if (dup || r->npairs >= RES_MAX_PAIRS)
			continue; /* the bound cannot be hit: a pair per arm at most (engine.h) */
		snprintf(r->pairs[r->npairs].a, RES_NAME, "%s", a->name);
		snprintf(r->pairs[r->npairs].b, RES_NAME, "%s", b->name);
		c->pair_id[r->npairs][0] = (uint8_t)a->id;
		c->pair_id[r->npairs][1] = (uint8_t)b->id;
		r->npairs++;
	}
}

void cell_init(struct cellacc *c, const struct cellspec *s, const struct probe *p, int index,
	       uint64_t seed, const char *unsup)
{
	struct res_cell *r = &c->res;

	memset(c, 0, sizeof(*c));
	c->spec = *s;
	snprintf(r->syscall, sizeof(r->syscall), "%s", s->sc->name);
	snprintf(r->state, sizeof(r->state), "%s", s->st->name);
	snprintf(r->sink, sizeof(r->sink), "%s", s->sk->name);
	r->size = s->size;
	r->offset = s->offset;
	r->expect_zero = s->st->expect_zero;
	if (unsup)
		snprintf(c->unsup, sizeof(c->unsup), "%s", unsup);
	cell_status_store(r, CELL_PENDING, NULL);
	for (int i = 0; i < ARM__COUNT; i++)
		c->idx[i] = -1;
	cell_arms(c, s, p);
	cell_pairs(c);
	c->rt.st = s->st;
	c->rt.sk = s->sk;
	c->rt.sc = s->sc;
	c->rt.size = s->size;
	c->rt.offset = s->offset;
	c->rt.fd = c->rt.fd2 = c->rt.region_fd = -1;
	c->rt.seed = seed ^ ((uint64_t)index << 48);
}

int cell_setup(struct engine *e, struct cellacc *c)
{
	int err;

	c->rt.workdir = e->workdir;
	if (c->spec.sc->impl->setup) {
		err = c->spec.sc->impl->setup(&c->rt);
		if (err == -EOPNOTSUPP &&
		    c->rt.unsup[0]) { /* this syscall cannot run in the cell */
			snprintf(c->unsup, sizeof(c->unsup), "%.140s", c->rt.unsup);
			return err;
		}
		if (err) {
			snprintf(c->err, sizeof(c->err), "%s set-up failed: %s", c->spec.sc->name,
				 strerror(-err));
			return err;
		}
	}
	err = c->spec.st->setup(&c->rt);
	if (err == -EOPNOTSUPP && c->rt.unsup[0]) { /* found out in set-up (damon: measured) */
		snprintf(c->unsup, sizeof(c->unsup), "%.140s", c->rt.unsup);
		return err;
	}
	if (err) {
		snprintf(c->err, sizeof(c->err), "page state set-up failed: %s", strerror(-err));
		return err;
	}
	err = c->spec.sk->open(&c->rt);
	if (err) {
		snprintf(c->err, sizeof(c->err), "sink set-up failed: %s", strerror(-err));
		return err;
	}
	c->set_up = true;
	return 0;
}

void cell_teardown(struct cellacc *c)
{
	if (c->rt.sk)
		c->spec.sk->close(&c->rt);
	c->spec.st->teardown(&c->rt);
	if (c->spec.sc->impl->teardown)
		c->spec.sc->impl->teardown(&c->rt);
	c->set_up = false;
}

#define GT_NONRES  1u
#define GT_SWAPPED 2u
#define GT_INCORE  4u

/* ground truth just before the call: page-table entries (fd: a /proc/<self>/pagemap) and
 * page-cache residency; GT_* bits */
static int ground_truth(int fd, const struct cellacc *c, unsigned *bits)
{
	uintptr_t a = (uintptr_t)c->rt.buf & ~(uintptr_t)(PAGE_SZ - 1);
	uintptr_t end = (uintptr_t)c->rt.buf + c->rt.size + kind_is_str(c->spec.sc->kind);
	size_t npages = (end - a + PAGE_SZ - 1) / PAGE_SZ;
	uint64_t pm[SLOT_PAGES];
	unsigned char vec[SLOT_PAGES];
	unsigned b = GT_INCORE;
	ssize_t n;

	n = pread(fd, pm, npages * 8, (off_t)(a / PAGE_SZ * 8));
	if (n != (ssize_t)(npages * 8))
		return n < 0 ? -errno : -EIO;
	if (mincore((void *)a, npages * PAGE_SZ, vec) < 0)
		return -errno;
	for (size_t i = 0; i < npages; i++) {
		if (!(pm[i] & PM_PRESENT))
			b |= GT_NONRES;
		if (pm[i] & PM_SWAPPED)
			b |= GT_SWAPPED;
		if (!(vec[i] & 1))
			b &= ~GT_INCORE;
	}
	*bits = b;
	return 0;
}

static void count_truth(struct cellacc *c, unsigned bits)
{
	c->res.nonresident_before += !!(bits & GT_NONRES);
	c->res.swapped_before += !!(bits & GT_SWAPPED);
	c->res.incore_before += !!(bits & GT_INCORE);
}

#define CHILD_PENDING 0x80000000u

/*
 * A call that replaces the process (execve) runs in a child forked after the page state was
 * prepared (a fork keeps swap entries and absent PTEs as they are): the child records the ground
 * truth in its own page tables, tells BPF its tgid, and makes the call. Returns the child's exit
 * status (the exec'd program's), or -errno.
 */
static long call_in_child(struct engine *e, struct cellacc *c, unsigned *bits)
{
	volatile unsigned *report = c->rt.shared;
	int status;
	pid_t pid;

	report[0] = report[1] = CHILD_PENDING;
	pid = fork();
	if (pid < 0)
		return -errno;
	c->last.pid = pid;
	if (pid == 0) {
		int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
		unsigned b = 0;

		if (fd < 0 || ground_truth(fd, c, &b))
			_exit(120);
		*report = b;
		if (e->probe.ctl)
			e->probe.ctl->tgid = (__u32)getpid();
		c->spec.sc->impl->issue(&c->rt);
		_exit(121); /* the exec failed */
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (e->probe.ctl)
		e->probe.ctl->tgid = 0;
	if (*report & CHILD_PENDING)
		return -ECHILD;
	*bits = *report;
	/* the later argv/envp positions' ground truth, when the call wrote it (exec_call) */
	c->last.has_pos_truth = !(report[1] & CHILD_PENDING);
	c->last.pos_absent = c->last.has_pos_truth ? report[1] : 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -ECHILD;
}

static void count_read(struct cellacc *c, int id, const struct bpfault_rec *rec)
{
	struct res_arm *a = &c->res.arms[c->idx[id]];

	a->n++;
	if (!(rec->flags & RD_FIRED)) {
		a->missed++;
		return;
	}
	a->ok += !!(rec->flags & RD_OK);
	a->fault += !!(rec->flags & RD_FAULT);
	a->zeroed += !!(rec->flags & RD_ZEROED);
	a->kept += !!(rec->flags & RD_KEPT);
	if (a->has_levels && (rec->flags & RD_FAULT)) {
		if (rec->flags & RD_HDR_FAULT)
			a->levels.msghdr++;
		else if (rec->flags & RD_IOV_FAULT)
			a->levels.iovec++;
		else
			a->levels.data++;
	}
	a->mismatch += !!(rec->flags & RD_MISMATCH);
	samples_add(&c->cost[id], (double)rec->cost_ns);
}

/* arms that read after the call returned, from user space (iter): read now */
static int fetch_after(struct engine *e, uint32_t mask)
{
	int err = 0;

	if (!e->probe.ctl)
		return 0;
	e->probe.ctl->t_return = now_ns();
	for (int id = 0; id < ARM__COUNT && !err; id++)
		if ((mask & (1u << id)) && arms[id].impl->after_call &&
		    e->probe.after_link[id] >= 0)
			err = arms[id].impl->after_call(e->probe.after_link[id]);
	return err;
}

/* the arm a perturbing trial group runs, for messages ("" for the main group) */
static const char *group_name(const struct cellacc *c, uint32_t mask)
{
	for (size_t i = 0; i < narms; i++)
		if (mask == (1u << arms[i].id) && (c->pert_mask & mask))
			return arms[i].name;
	return "";
}

/* this process's and thread's ids, asked of the kernel once (two system calls a trial less);
 * trials run on one thread, and a forked trial's child never comes back here */
static pid_t self_pid(void)
{
	static pid_t pid;

	return pid ? pid : (pid = getpid());
}

static pid_t self_tid(void)
{
	static pid_t tid;

	return tid ? tid : (tid = gettid());
}

/*
 * prepare, ground truth, call: the part of a trial that a run without BPF does too. Every trial
 * records its ground truth (*bits, GT_*) and the syscall's wall time (*call_ns); the primary
 * group's also go into the cell's counts.
 */
static int trial_call(struct engine *e, struct cellacc *c, uint32_t mask, uint64_t nonce,
		      bool primary, unsigned *bits_out, double *call_ns)
{
	volatile struct bpfault_ctl *ctl = e->probe.ctl;
	unsigned bits = 0;
	const char *why;
	uint64_t t0;
	long r;
	int err;

	err = c->spec.st->prepare(&c->rt, &nonce);
	if (err) {
		/* the state's own reason where it gave one */
		snprintf(c->err, sizeof(c->err), "preparing %s failed: %.110s", c->spec.st->name,
			 c->rt.unsup[0] ? c->rt.unsup : strerror(-err));
		return err;
	}
	c->rt.nonce = nonce; /* the read family's source gives the kernel these bytes */
	if (ctl) {
		/* the pointer the call passes: the iovec or argv array, else the buffer */
		ctl->buf = (uintptr_t)(c->rt.iov ? c->rt.iov : c->rt.buf);
		ctl->nonce = nonce;
		ctl->size = c->rt.size;
		ctl->expect_zero = c->spec.st->expect_zero;
		ctl->arm_mask = mask;
		ctl->nr = (__s32)c->spec.sc->impl->nr;
		ctl->argi = (__u32)c->spec.sc->argi;
		ctl->kind = (__u32)c->spec.sc->kind;
		ctl->later_off = c->rt.later_off;
		ctl->iter_tid = (__u32)self_tid();
		ctl->t_return = 0;
		memset((void *)e->probe.out, 0, sizeof(*e->probe.out));
	}
	c->last = (struct trial_rec){.nonce = nonce, .pid = self_pid(), .size = c->rt.size};
	c->last.t_ns = now_ns();
	if (c->spec.sc->impl->forks) {
		t0 = now_ns();
		r = call_in_child(e, c, &bits);
		*call_ns = (double)(now_ns() - t0);
	} else {
		err = ground_truth(e->pagemap_fd, c, &bits);
		if (err) {
			snprintf(c->err, sizeof(c->err), "reading /proc/self/pagemap: %s",
				 strerror(-err));
			return err;
		}
		t0 = now_ns();
		r = c->spec.sc->impl->issue(&c->rt);
		*call_ns = (double)(now_ns() - t0);
		err = fetch_after(e, mask);
		if (err) {
			snprintf(c->err, sizeof(c->err), "reading after the call failed: %s",
				 strerror(-err));
			return err;
		}
	}
	*bits_out = bits;
	if (primary)
		count_truth(c, bits);
	c->last.absent = !!(bits & GT_NONRES);
	c->rt.calls++;
	c->spec.sk->after(&c->rt);
	if (c->spec.st->after)
		c->spec.st->after(&c->rt);
	why = c->spec.sc->impl->check(&c->rt, r);
	if (why) {
		/* in a perturbing arm's trial: the strategy changed the workload's own result */
		const char *g = group_name(c, mask);

		snprintf(c->err, sizeof(c->err), "%s returned %ld (%s)%s%s: %s", c->spec.sc->name,
			 r, r < 0 ? strerror((int)-r) : "", *g ? " in a trial of arm " : "", g,
			 why);
		return r < 0 ? (int)r : -EIO;
	}
	if (primary)
		c->res.trials++;
	else
		c->pert_trials++;
	return 0;
}

int cell_trial_bare(struct engine *e, struct cellacc *c, uint64_t nonce)
{
	unsigned bits;
	double call_ns;

	return trial_call(e, c, 0, nonce, true, &bits, &call_ns);
}

int cell_round(struct engine *e, struct cellacc *c, uint64_t (*nonce)(void *), void *arg)
{
	int err = 0;

	/* no arm can read here (all unsupported): the trials still measure the page state */
	if (c->main_mask || !c->pert_mask)
		err = cell_trial(e, c, c->main_mask, nonce(arg));
	/* each perturbing arm in trials of its own: one arm's fault-in must not serve another */
	for (int id = 0; id < ARM__COUNT && !err; id++)
		if (c->pert_mask & (1u << id))
			err = cell_trial(e, c, 1u << id, nonce(arg));
	/* and the same call with no arm reading, the reference of what a strategy adds to it */
	if (c->pert_mask && !err)
		err = cell_trial(e, c, 0, nonce(arg));
	return err;
}

int cell_trial(struct engine *e, struct cellacc *c, uint32_t mask, uint64_t nonce)
{
	bool fail[ARM__COUNT] = {false};
	/* the primary group gets the cell's ground truth, the trial count and the pairs: the main
	 * group, or without one the first perturbing arm's */
	uint32_t first = c->main_mask ? c->main_mask : c->pert_mask & -c->pert_mask;
	bool primary = mask == first;
	struct bpfault_out out;
	unsigned bits = 0;
	double call_ns = 0;
	int err;

	err = trial_call(e, c, mask, nonce, primary, &bits, &call_ns);
	if (err)
		return err;
	memcpy(&out, (const void *)e->probe.out, sizeof(out));
	truth_call(&c->truth, mask, call_ns);
	for (int id = 0; id < ARM__COUNT; id++) {
		if (!(mask & (1u << id)))
			continue;
		count_read(c, id, &out.arm[id]);
		fail[id] = !(out.arm[id].flags & RD_OK);
		c->last.fail |= (uint32_t)fail[id] << id;
		truth_count(&c->truth, id, bits & GT_NONRES, fail[id], out.arm[id].delay_ns);
		if (c->spec.sc->kind == KIND_ARGV)
			truth_pos(&c->truth.arm[id].pos, out.arm[id].pos_ok, out.arm[id].pos_lost,
				  (uint32_t) !!(bits & GT_NONRES) | (c->last.pos_absent & ~1u),
				  c->last.has_pos_truth);
	}
	c->last.primary = primary;
	if (c->on_trial)
		c->on_trial(c, &c->last);
	if (!primary)
		return 0;
	for (int i = 0; i < c->res.npairs; i++) {
		struct res_pair *p = &c->res.pairs[i];
		bool fa = fail[c->pair_id[i][0]], fb = fail[c->pair_id[i][1]];

		if (fa && fb)
			p->both++;
		else if (fa)
			p->a_only++;
		else if (fb)
			p->b_only++;
		else
			p->neither++;
	}
	return 0;
}

double cell_halfwidth(const struct cellacc *c)
{
	double w = 0;

	for (int i = 0; i < c->res.narms; i++) {
		const struct res_arm *a = &c->res.arms[i];
		struct stats_ci ci;

		if (a->n == 0)
			return INFINITY;
		ci = stats_wilson(a->n - a->ok, a->n, STATS_Z95);
		if ((ci.hi - ci.lo) / 2 > w)
			w = (ci.hi - ci.lo) / 2;
	}
	return w;
}

static void set_status(struct cellacc *c)
{
	struct arm_facts af[RES_MAX_ARMS];
	struct cell_facts f = {
		.unsupported = c->unsup[0] ? c->unsup : NULL,
		.error = c->err[0] ? c->err : NULL,
		.trials = c->res.trials,
		.nonresident = c->res.nonresident_before,
		.control = c->spec.st->control,
		.nonresident_state = c->spec.st->nonresident,
		.narms = c->res.narms,
		.arms = af,
	};
	char why[256];

	for (int i = 0; i < c->res.narms; i++) {
		const struct res_arm *a = &c->res.arms[i];

		af[i] = (struct arm_facts){
			.name = a->name,
			.n = a->n,
			.ok = a->ok,
			.missed = a->missed,
			/* execve's exit hooks run in the new image, and a tool arm (no registry
			 * descriptor) is what is measured: their failure is the finding */
			.exempt = !c->arm[i] ||
				  (c->arm[i]->at_exit && c->spec.sc->impl->replaces_image),
		};
	}
	cell_status_store(&c->res, cell_status_rule(&f, why, sizeof(why)), why);
}

void cell_finish(struct cellacc *c)
{
	struct res_cell *r = &c->res;

	for (int id = 0; id < ARM__COUNT; id++) {
		struct res_arm *a;
		struct stats_median m;

		if (c->idx[id] < 0)
			continue;
		a = &r->arms[c->idx[id]];
		res_arm_finish(a);
		truth_finish(&c->truth, id, a);
		a->cost_ns = NAN;
		a->cost_ci95[0] = a->cost_ci95[1] = NAN;
		a->ncost = 0;
		for (size_t k = 0; k < RES_COST_SAMPLES && c->cost[id].n; k++) {
			size_t at = k * c->cost[id].n / RES_COST_SAMPLES;

			if (k && at == (k - 1) * c->cost[id].n / RES_COST_SAMPLES)
				continue; /* fewer samples than slots: each once */
			a->cost_samples[a->ncost++] = (float)c->cost[id].v[at];
		}
		if (c->cost[id].n > 0) {
			double *tmp = malloc(c->cost[id].n * sizeof(double));

			if (tmp) {
				memcpy(tmp, c->cost[id].v, c->cost[id].n * sizeof(double));
				if (stats_median_ci(tmp, c->cost[id].n, 0.05, &m) == 0) {
					a->cost_ns = m.median;
					a->cost_ci95[0] = m.ci.lo;
					a->cost_ci95[1] = m.ci.hi;
				}
				free(tmp);
			}
		}
	}
	for (int i = 0; i < r->npairs; i++) {
		r->pairs[i].p = stats_mcnemar_exact(r->pairs[i].a_only, r->pairs[i].b_only);
		r->pairs[i].p_mid = stats_mcnemar_midp(r->pairs[i].a_only, r->pairs[i].b_only);
	}
	set_status(c);
}

void cell_free(struct cellacc *c)
{
	for (int i = 0; i < ARM__COUNT; i++)
		samples_free(&c->cost[i]);
	truth_free(&c->truth);
}
