/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A kernel set: the runs of one matrix on several kernels, as `bpfault run --kernel K ...`
 * (repeated) leaves them: DIR/index.json ("format": "bpfault-kernels/1") and DIR/<release>/
 * each. Report, compare, gate and baseline read it through kset_load(). The index is input like
 * any other: an entry's "dir" must be one plain path component (no "/", not "..").
 */
#ifndef BPFAULT_KSET_H
#define BPFAULT_KSET_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include "results.h"

#define KSET_FORMAT "bpfault-kernels/1"
#define KSET_MAX    16

struct kset_kernel {
	char spec[64];	   /* what --kernel named: host, debian-6.1, an image path (cut) */
	char release[128]; /* the kernel release: the axis label */
	char dir[PATH_MAX];
	char status[128]; /* the index's word on how it ran ("ok", "exit status 1", ...) */
	int exit_status;
	bool loaded;	    /* run holds its results */
	char why[512];	    /* !loaded: why not (one line) */
	struct res_run run; /* when loaded */
};

struct kset {
	char dir[PATH_MAX];
	bool single; /* one run directory (or .json) that has no index.json */
	int n;
	struct kset_kernel k[KSET_MAX];
};

/* DIR holds an index.json (a multi-kernel run directory) */
bool kset_is_index(const char *dir);
/*
 * Load DIR/index.json and every kernel's results. A kernel whose results cannot be loaded is
 * kept with loaded false and why (its run failed or is not there). Returns 0, or -EINVAL /
 * -ENOMEM with one line in err (a bad index: not JSON, wrong format, a bad entry).
 */
int kset_load(const char *dir, struct kset *ks, char *err, size_t errlen);
/* a kernel set from an index directory, or from one run (DIR or .json): a set of one with
 * single true; 0 or -EINVAL / -ENOMEM with err */
int kset_load_any(const char *path, struct kset *ks, char *err, size_t errlen);
void kset_free(struct kset *ks);
/* the kernel of that release, or NULL */
const struct kset_kernel *kset_find(const struct kset *ks, const char *release);
/* number of kernels loaded */
int kset_nloaded(const struct kset *ks);
/* a kernel release fit to be a file name: [A-Za-z0-9._+-], not starting with '.', <= 120 */
bool kset_release_ok(const char *s);

#endif
