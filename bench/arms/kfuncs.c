// SPDX-License-Identifier: BSD-2-Clause
/* Does the running kernel have a kfunc? bpf/kfuncs.h declares them weak, so the object loads
 * either way; an arm that needs one asks the kernel's BTF first (its supported()). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include "arms.h"
#include "loader.h"

static struct btf *kernel_btf(int *err)
{
	static struct btf *btf;
	static int load_err;

	if (!btf && !load_err) {
		btf = btf__parse(kernel_btf_path(), NULL);
		if (!btf)
			load_err = -errno;
	}
	*err = load_err;
	return btf;
}

int kernel_has_kfunc(const char *const *any, const char *since, char *why, size_t len)
{
	int err;
	struct btf *btf = kernel_btf(&err);

	if (!btf) {
		snprintf(why, len, "cannot read kernel BTF %s: %s", kernel_btf_path(),
			 strerror(-err));
		return err;
	}
	for (const char *const *n = any; *n; n++)
		if (btf__find_by_name_kind(btf, *n, BTF_KIND_FUNC) > 0)
			return 0;
	snprintf(why, len, "this kernel has no %s kfunc (added in %s)", any[0], since);
	return -EOPNOTSUPP;
}
