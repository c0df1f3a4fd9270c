// SPDX-License-Identifier: BSD-2-Clause
/* The runner: cells run in shuffled rounds of blocks; results are flushed as they come, and the
 * run is marked complete only when every cell has finished. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "common.h"
#include "run.h"
#include "sysstate.h"

uint64_t splitmix(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

int runner_init(struct runner *r, struct session *s, const char *outdir)
{
	const struct matrix *m = s->m;

	memset(r, 0, sizeof(*r));
	r->s = s;
	r->outdir = outdir;
	r->rng = m->seed;
	r->t_start = now_ns();
	r->cells = calloc((size_t)m->ncells, sizeof(*r->cells));
	r->res.cells = calloc((size_t)m->ncells, sizeof(*r->res.cells));
	r->cell_ns = calloc((size_t)m->ncells, sizeof(*r->cell_ns));
	if (!r->cells || !r->res.cells || !r->cell_ns)
		return -ENOMEM;
	r->res.ncells = m->ncells;
	for (int i = 0; i < m->ncells; i++) {
		char buf[200];
		const char *why = session_blocked(s, m->cells[i].st, buf, sizeof(buf));

		cell_init(&r->cells[i], &m->cells[i], &s->eng.probe, i, m->seed, why);
		if (!why)
			cell_setup(&s->eng, &r->cells[i]);
	}
	return 0;
}

int runner_flush(struct runner *r, bool complete)
{
	struct rusage ru;
	char end[64];
	json_t *pr;
	int err;

	for (int i = 0; i < r->res.ncells; i++) {
		cell_finish(&r->cells[i]);
		r->res.cells[i] = r->cells[i].res;
	}
	utc_now(end, sizeof(end), "%Y-%m-%dT%H:%M:%SZ");
	json_object_set_new(r->res.meta, "end_utc", json_string(end));
	json_object_set_new(r->res.meta, "complete", json_boolean(complete));
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		json_object_set_new(r->res.meta, "max_rss_kib", json_integer(ru.ru_maxrss));
	json_object_set_new(r->res.meta, "elapsed_s",
			    json_real((double)(now_ns() - r->t_start) / 1e9));
	pr = pressure_record(); /* the pressure levels as sampled (workloads/pressure.c) */
	if (pr)
		json_object_set_new(r->res.meta, "pressure", pr);
	r->res.complete = complete;
	err = res_write_dir(&r->res, r->outdir);
	if (err && !r->flush_err) { /* said once; the run then exits 99 */
		err_msg("run: cannot write results to %s: %s", r->outdir,
			err == -ELOOP ? "a symlink is in the way (refused)" : strerror(-err));
		r->flush_err = err;
	}
	return err;
}

static bool cell_is_done(const struct matrix *m, const struct cellacc *c)
{
	if (c->done || c->err[0] || c->unsup[0])
		return true;
	if (c->res.trials >= m->max_trials)
		return true;
	if (m->precision > 0 && c->res.trials >= m->min_trials && cell_halfwidth(c) <= m->precision)
		return true;
	return false;
}

/* the trials a cell will have run when it stops: where its interval will be narrow enough, by
 * the half-width's 1/sqrt(n) law, between min_trials and max_trials; 0 if not started */
static double trials_target(const struct matrix *m, const struct cellacc *c)
{
	double n = (double)c->res.trials, lo = (double)m->min_trials, hi = (double)m->max_trials;
	double h, target;

	if (m->precision <= 0)
		return hi;
	if (n == 0)
		return 0;
	h = cell_halfwidth(c);
	target = n * (h / m->precision) * (h / m->precision);
	return target < lo ? lo : target > hi ? hi : target;
}

/*
 * The time left, in s: every unfinished cell's trials left at that cell's own measured time
 * per trial (cells differ a hundredfold: execve, pressure); a cell not yet started counts as
 * the mean of those started. *most: the same if no cell stops before max_trials.
 */
static double eta(const struct runner *r, uint64_t busy_ns, uint64_t trials, double *most)
{
	const struct matrix *m = r->s->m;
	double spt_mean = trials ? (double)busy_ns / 1e9 / (double)trials : 0;
	double sum = 0, target_mean = (double)m->min_trials, est = 0;
	int nstarted = 0;

	for (int i = 0; i < m->ncells; i++)
		if (r->cells[i].res.trials)
			sum += trials_target(m, &r->cells[i]), nstarted++;
	if (nstarted && m->precision > 0)
		target_mean = sum / nstarted;
	*most = 0;
	for (int i = 0; i < m->ncells; i++) {
		const struct cellacc *c = &r->cells[i];
		double n = (double)c->res.trials,
		       spt = n ? (double)r->cell_ns[i] / 1e9 / n : spt_mean;
		double target = n ? trials_target(m, c) : target_mean;

		if (cell_is_done(m, c))
			continue;
		est += (target > n ? target - n : 0) * spt;
		*most += ((double)m->max_trials - n) * spt;
	}
	return est;
}

struct progress {
	bool on, tty;
	uint64_t t0, last, busy_ns, trials; /* trials: main and perturbing */
};

/* on a terminal a line redrawn 4 times a second; elsewhere (CI logs) a plain line every 5 s */
static void progress(const struct runner *r, struct progress *p, bool last)
{
	const struct matrix *m = r->s->m;
	uint64_t t = now_ns();
	double el = (double)(t - p->t0) / 1e9, most, left;
	int done = 0;
	char line[160];

	if (!p->on || (!last && t - p->last < (p->tty ? 250000000ull : 5000000000ull)))
		return;
	if (last && !p->tty)
		return;
	p->last = t;
	for (int i = 0; i < m->ncells; i++)
		done += cell_is_done(m, &r->cells[i]);
	left = eta(r, p->busy_ns, p->trials, &most);
	if (p->busy_ns > 0 && t - p->t0 > p->busy_ns) { /* flushes and the rest, as so far */
		left *= (double)(t - p->t0) / (double)p->busy_ns;
		most *= (double)(t - p->t0) / (double)p->busy_ns;
	}
	snprintf(line, sizeof(line), "%d/%d cells done, %llu trials, %.0f trials/s, %.0f s, ", done,
		 m->ncells, (unsigned long long)p->trials, el > 0 ? (double)p->trials / el : 0.0,
		 el);
	if (done == m->ncells)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "finished");
	else
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
			 "ETA ~%.*f s (at most %.*f s)", left < 10 ? 1 : 0, left, most < 10 ? 1 : 0,
			 most);
	if (p->tty)
		fprintf(stderr, "\r\033[K%s", line);
	else
		fprintf(stderr, "bpfault: %s\n", line);
}

static uint64_t next_nonce(void *rng)
{
	return splitmix(rng);
}

/* one block of trials of cell c; returns the trials run */
static uint64_t run_block(struct runner *r, struct cellacc *c)
{
	const struct matrix *m = r->s->m;
	uint64_t n = 0;

	for (uint64_t t = 0; t < m->block && !c->err[0]; t++) {
		if (cell_round(&r->s->eng, c, next_nonce, &r->rng))
			break;
		n++;
		if (c->res.trials >= m->max_trials)
			break;
	}
	for (int j = 0; j < c->res.narms; j++) /* one block per arm (stats_deff) */
		stats_blocks_close(&c->res.arms[j].blocks, c->res.arms[j].n,
				   c->res.arms[j].n - c->res.arms[j].ok);
	return n;
}

/* the unfinished cells in a seeded random order; returns how many, *ndone the others */
static int round_order(struct runner *r, int *order, int *ndone)
{
	const struct matrix *m = r->s->m;
	int n = 0;

	*ndone = 0;
	for (int i = 0; i < m->ncells; i++) {
		if (cell_is_done(m, &r->cells[i]))
			r->cells[i].done = true, (*ndone)++;
		else
			order[n++] = i;
	}
	for (int i = n - 1; i > 0; i--) { /* Fisher–Yates, seeded */
		int j = (int)(splitmix(&r->rng) % (uint64_t)(i + 1)), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	return n;
}

int runner_rounds(struct runner *r)
{
	int *order = calloc((size_t)r->s->m->ncells, sizeof(int));
	uint64_t last_flush = now_ns(), t;
	struct progress p = {!g_quiet, isatty(STDERR_FILENO), last_flush, last_flush, 0, 0};
	int sig = 0;

	if (!order)
		return -ENOMEM;
	for (;;) {
		int ndone, n = round_order(r, order, &ndone);

		if (n == 0)
			break;
		for (int k = 0; k < n && !sig; k++) {
			t = now_ns();
			p.trials += run_block(r, &r->cells[order[k]]);
			t = now_ns() - t;
			r->cell_ns[order[k]] += t;
			p.busy_ns += t;
			progress(r, &p, false);
			sig = sys_stop_signal();
		}
		if (sig)
			break;
		if (now_ns() - last_flush > 2000000000ull) {
			runner_flush(r, false);
			last_flush = now_ns();
		}
	}
	progress(r, &p, true);
	if (p.on && p.tty)
		fputc('\n', stderr);
	free(order);
	return sig;
}

int runner_done(struct runner *r)
{
	int ninvalid = 0;

	for (int i = 0; i < r->res.ncells; i++) {
		if (r->cells[i].set_up)
			cell_teardown(&r->cells[i]);
		cell_free(&r->cells[i]);
		if (r->res.cells[i].status == RS_INVALID)
			ninvalid++;
	}
	free(r->cells);
	free(r->cell_ns);
	r->cells = NULL;
	r->cell_ns = NULL;
	return ninvalid;
}
