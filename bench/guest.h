/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Kernels as a matrix dimension: 'bpfault run --kernel K' runs the matrix in a qemu guest booted
 * with kernel K (kcache.c finds or unpacks the kernel, guest.c boots it and runs the host's own
 * bpfault inside it over a read-only 9p view of the host's root).
 */
#ifndef BPFAULT_GUEST_H
#define BPFAULT_GUEST_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define GUEST_MAX_KERNELS 8
#define KCACHE_DIR	  "/var/cache/bpfault/kernels"

/* what 'bpfault run' hands over when it sees --kernel */
struct guest_req {
	int argc;
	char **argv;	  /* the run command's arguments, argv[0] = "run" */
	const bool *drop; /* argv entries that --kernel, --guest-timeout and -o consumed */
	const char *kernels[GUEST_MAX_KERNELS];
	int nkernels;
	const char *outdir;	 /* NULL: results/<UTC time> */
	const char *matrix_file; /* NULL: lists */
	unsigned timeout_s;	 /* per guest; 0: the default */
};

/* a bootable kernel: its image and its modules directory (lib/modules/<release>) */
struct kernel_img {
	char spec[PATH_MAX]; /* as given: debian-6.1, or IMAGE[:MODULES] */
	char release[128];
	char image[PATH_MAX];
	char moddir[PATH_MAX];
};

/* the run command's exit status over every kernel of q */
int guest_run_kernels(const struct guest_req *q);

/* true if spec names the running kernel ("host") */
bool kernel_is_host(const char *spec);
/*
 * Resolve spec into k: a Debian alias (debian-6.1, debian-6.12) is looked up with apt and, once,
 * downloaded and unpacked into KCACHE_DIR; a path is IMAGE[:MODULES_DIR] (default modules:
 * /lib/modules/<release read from the image>). 0, -EINVAL (bad spec, why set), or -errno.
 */
int kernel_resolve(const char *spec, struct kernel_img *k, char *why, size_t len);

/*
 * Run argv[0] (an absolute path) with argv, in cwd (NULL: unchanged), stdout to out_fd (-1: to
 * /dev/null; -2: inherited), stderr likewise to err_fd. Its exit status, 128+signal, or -errno.
 */
int spawn_wait(char *const argv[], const char *cwd, int out_fd, int err_fd);
/* like spawn_wait, stdout captured into buf (NUL-terminated, truncated to len - 1) */
int spawn_capture(char *const argv[], char *buf, size_t len);
/* the first of the absolute paths in cands that is an executable file, or NULL */
const char *find_tool(const char *const *cands);

#endif
