// SPDX-License-Identifier: BSD-2-Clause
/*
 * pressure-stressng: the pressure states' cgroup and pool (workloads/pressure.c), with Debian's
 * stress-ng as the hog instead of bpfault's own, so that graded results do not depend on one
 * generator. stress-ng's vm stressor (--vm-keep: one mapping, rewritten for ever with the
 * write64 method) keeps the target written inside the cell's memory cgroup, whose limit makes
 * reclaim evict the pool's coldest pages to swap. (Its page-swap stressor pages out only its own
 * pages with MADV_PAGEOUT: it makes swap traffic but no reclaim of anyone else's memory.)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pool.h"

/* workloads/pressure.c: the pressure states' pool and cgroup, with this hog */
int pressure_stressng_setup(struct cellrt *c);
int pressure_prepare(struct cellrt *c, uint64_t *nonce);
void pressure_after(struct cellrt *c);
void pressure_teardown(struct cellrt *c);
void stressng_exec(uint64_t target);

/* fixed places only: bpfault runs as root and never takes a program from PATH or "." */
static const char *const stressng_paths[] = {"/usr/bin/stress-ng", "/usr/local/bin/stress-ng"};

static const char *stressng_path(void)
{
	struct stat st;

	for (size_t i = 0; i < sizeof(stressng_paths) / sizeof(stressng_paths[0]); i++)
		if (stat(stressng_paths[i], &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == 0 &&
		    !(st.st_mode & (S_IWGRP | S_IWOTH)) && access(stressng_paths[i], X_OK) == 0)
			return stressng_paths[i];
	return NULL;
}

static int stressng_supported(const struct host_caps *h, char *why, size_t len)
{
	(void)h;
	if (stressng_path())
		return 0;
	snprintf(why, len, "stress-ng is not installed (apt-get install stress-ng)");
	return -EOPNOTSUPP;
}

/* in the hog's process (in the cell's cgroup): become stress-ng; returns only on failure */
void stressng_exec(uint64_t target)
{
	const char *path = stressng_path();
	char bytes[32];
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (!path)
		return;
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	snprintf(bytes, sizeof(bytes), "%llub", (unsigned long long)target);
	execl(path, "stress-ng", "--vm", "1", "--vm-bytes", bytes, "--vm-keep", "--vm-method",
	      "write64", "--timeout", "0", "--quiet", (char *)NULL);
}

const struct state_desc state_pressure_stressng = {
	.name = "pressure-stressng",
	.help = "memory cgroup limit and stress-ng --vm as the hog: reclaim evicts to zram",
	.needs_swap = true,
	.needs_memcg = true,
	.graded = true,
	.supported = stressng_supported,
	.setup = pressure_stressng_setup,
	.prepare = pressure_prepare,
	.after = pressure_after,
	.teardown = pressure_teardown,
};
