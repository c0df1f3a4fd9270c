/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel axis (analysis, no I/O): for a kernel set (kset.h), per syscall x sink, each arm's
 * worst failure rate over the non-resident states on each kernel (the answer's figure, kernel by
 * kernel), or why the arm did not run there. Every view (HTML heatmaps, Markdown, text) renders
 * it.
 */
#ifndef BPFAULT_KAXIS_H
#define BPFAULT_KAXIS_H

#include "analysis.h"
#include "kset.h"

enum kx_kind {
	KX_NOTRUN,   /* the kernel's run has no such arm in this syscall x sink */
	KX_MEASURED, /* worst, lo, hi */
	KX_UNSUP,    /* the kernel cannot run it: why */
};

struct kx_val {
	enum kx_kind kind;
	double worst, lo, hi; /* KX_MEASURED: as an_arm */
	bool safe;
	int why; /* KX_UNSUP: index into whys */
};

struct kx_group {
	const char *sys, *sink;
	int narms;
	const char **arms; /* the arms measured or unsupported on some kernel, canonical order */
	struct kx_val *v;  /* [arm * nk + kernel] */
};

struct kaxis {
	int nk;
	const struct kset_kernel *k[KSET_MAX]; /* the loaded kernels, in index order */
	struct res_index x[KSET_MAX];
	struct an_summary sum[KSET_MAX];
	int ngroups;
	struct kx_group *groups;
	int nwhy;
	const char **whys; /* distinct reasons, numbered from 1 in views */
};

/* 0 or -ENOMEM; a kernel set with no loaded kernel gives no group */
int kx_build(const struct kset *ks, struct kaxis *kx);
void kx_free(struct kaxis *kx);
static inline const struct kx_val *kx_val(const struct kx_group *g, int nk, int arm, int k)
{
	return &g->v[(size_t)arm * (size_t)nk + (size_t)k];
}
/* kernel k measured some arm of group g (its run has the syscall x sink) */
bool kx_group_ran(const struct kx_group *g, int nk, int k);
/* the arms of group g measured and safe on every kernel whose run has the group; writes their
 * indexes to out (narms entries), returns how many */
int kx_safe_everywhere(const struct kaxis *kx, const struct kx_group *g, int *out);

#endif
