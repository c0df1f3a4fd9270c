// SPDX-License-Identifier: BSD-2-Clause
/*
 * bpfault selfbench: the overhead benchmark behind 'make bench'. One cell, in alternating blocks
 * (ABBA): a bare loop (same page-out, ground truth and call, no BPF attached) and bpfault's trial
 * loop with the arms attached. Prints trials/s of each and their ratio.
 */
#include <stdio.h>
#include <stdlib.h>
#include "common.h"
#include "run.h"
#include "sysstate.h"

struct bench_acc {
	uint64_t t_bare, t_bpf, n_bare, n_bpf;
};

static void bench_print(const struct cellacc *cell, const struct bench_acc *b)
{
	double bare = (double)b->n_bare / ((double)b->t_bare / 1e9);
	double bpf = (double)b->n_bpf / ((double)b->t_bpf / 1e9);
	const struct res_cell *c = &cell->res;

	printf("selfbench: %s/%s/%s size %u, arms", c->syscall, c->state, c->sink, c->size);
	for (int i = 0; i < c->narms; i++)
		printf(" %s (fail %.1f%%)", c->arms[i].name, 100 * c->arms[i].fail_rate);
	printf(", non-resident before %.1f%% of %llu trials\n",
	       100.0 * (double)c->nonresident_before / (double)c->trials,
	       (unsigned long long)c->trials);
	printf("bare loop   %8llu trials  %9.0f trials/s  %7.2f us/trial\n",
	       (unsigned long long)b->n_bare, bare, 1e6 / bare);
	printf("bpfault     %8llu trials  %9.0f trials/s  %7.2f us/trial\n",
	       (unsigned long long)b->n_bpf, bpf, 1e6 / bpf);
	printf("ratio (bpfault / bare throughput): %.3f\n", bpf / bare);
	printf("RESULT bare_tps=%.0f bpfault_tps=%.0f ratio=%.4f trials=%llu\n", bare, bpf,
	       bpf / bare, (unsigned long long)(b->n_bare + b->n_bpf));
}

/* the ABBA blocks; 0, or an exit status after printing the error */
static int bench_blocks(struct session *s, struct cellacc *c, struct bench_acc *b, uint64_t *rng)
{
	const struct matrix *m = s->m;
	uint64_t rounds = (m->max_trials + m->block - 1) / m->block;

	for (uint64_t k = 0; k < 2 * rounds && !sys_stop_signal(); k++) {
		bool bpf = (k % 4 == 1) || (k % 4 == 2); /* bare, bpf, bpf, bare, ... */
		uint64_t t0, n = 0;
		int err;

		if (!bpf && s->eng.probe.skel) {
			probe_stop(&s->eng.probe);
		} else if (bpf && !s->eng.probe.skel && (err = session_probe(s))) {
			return session_status(s, err);
		}
		t0 = now_ns();
		for (; n < m->block; n++) {
			if (bpf ? cell_trial(&s->eng, c, c->main_mask, splitmix(rng))
				: cell_trial_bare(&s->eng, c, splitmix(rng))) {
				err_msg("selfbench: %s", c->err);
				return EXIT_INTERNAL;
			}
		}
		*(bpf ? &b->t_bpf : &b->t_bare) += now_ns() - t0;
		*(bpf ? &b->n_bpf : &b->n_bare) += n;
	}
	return 0;
}

int selfbench(struct session *s, struct runner *r)
{
	struct bench_acc b = {0};
	char why[200];
	int rc;

	if (session_blocked(s, s->m->cells[0].st, why, sizeof(why))) {
		err_msg("selfbench: unsupported: %s", why);
		return EXIT_SKIP;
	}
	rc = runner_init(r, s, NULL);
	if (rc)
		die(EXIT_INTERNAL, "selfbench: out of memory");
	if (r->cells[0].err[0]) {
		err_msg("selfbench: %s", r->cells[0].err);
		return EXIT_SKIP;
	}
	rc = bench_blocks(s, &r->cells[0], &b, &r->rng);
	if (rc)
		return rc;
	cell_finish(&r->cells[0]);
	bench_print(&r->cells[0], &b);
	runner_done(r);
	free(r->res.cells);
	return sys_stop_signal() ? EXIT_INTERRUPTED : EXIT_OK;
}
