// SPDX-License-Identifier: BSD-2-Clause
/*
 * Guest kernels: a Debian alias resolved with apt and unpacked once into a root-owned cache
 * (KCACHE_DIR/<release>/{boot,lib/modules}), or a kernel developer's own image and modules.
 * Every directory of the cache is opened without following symlinks and must be root's and
 * writable by root alone; entries appear by rename only when complete.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"
#include "guest.h"

/* the Debian 12 kernels an alias names: the apt package pattern, and the release it unpacks to */
static const struct alias {
	const char *name, *pkg_re, *rel_glob;
} aliases[] = {
	{"debian-6.1", "^linux-image-6\\.1\\.0-[0-9]+-amd64-unsigned$", "6.1.0-*-amd64"},
	{"debian-6.12", "^linux-image-6\\.12\\.[0-9]+\\+deb12-amd64-unsigned$",
	 "6.12.*+deb12-amd64"},
};

const char *find_tool(const char *const *cands)
{
	for (; *cands; cands++)
		if (access(*cands, X_OK) == 0)
			return *cands;
	return NULL;
}

static void redirect(int fd, int to)
{
	int nul;

	if (fd == -2)
		return;
	if (fd >= 0) {
		dup2(fd, to);
		return;
	}
	nul = open("/dev/null", O_WRONLY);
	if (nul >= 0)
		dup2(nul, to);
}

int spawn_wait(char *const argv[], const char *cwd, int out_fd, int err_fd)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		redirect(out_fd, STDOUT_FILENO);
		redirect(err_fd, STDERR_FILENO);
		if (cwd && chdir(cwd))
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int spawn_capture(char *const argv[], char *buf, size_t len)
{
	char tmpl[] = "/tmp/bpfault-out.XXXXXX";
	int fd = mkstemp(tmpl), rc;
	ssize_t n;

	if (fd < 0)
		return -errno;
	unlink(tmpl);
	rc = spawn_wait(argv, NULL, fd, -1);
	n = pread(fd, buf, len - 1, 0);
	buf[n > 0 ? n : 0] = 0;
	close(fd);
	return rc;
}

bool kernel_is_host(const char *spec)
{
	return !strcmp(spec, "host");
}

static bool safe_release(const char *r)
{
	if (!*r || *r == '.' || strlen(r) >= 128)
		return false;
	for (; *r; r++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-~",
			    *r))
			return false;
	return true;
}

/* open (making it if missing) name under dirfd: a real directory of root's, writable by root only
 */
static int safe_subdir(int dirfd, const char *name, bool make)
{
	struct stat st;
	int fd;

	if (make && mkdirat(dirfd, name, 0755) && errno != EEXIST)
		return -errno;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || st.st_uid != 0 || (st.st_mode & 022)) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

/* KCACHE_DIR, made safely; an fd or -errno */
static int cache_open(char *why, size_t len)
{
	const char *parts[] = {"var", "cache", "bpfault", "kernels"};
	int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	for (size_t i = 0; fd >= 0 && i < ARRAY_SIZE(parts); i++) {
		int next = safe_subdir(fd, parts[i], i >= 2);

		close(fd);
		fd = next;
	}
	if (fd < 0)
		snprintf(why, len, "kernel cache %s: %s (must be root's, not a symlink)",
			 KCACHE_DIR, strerror(-fd));
	return fd;
}

/* fill k from the cache entry of release rel under cfd; 0 or -ENOENT */
static int cache_entry(int cfd, const char *rel, struct kernel_img *k)
{
	int d = safe_subdir(cfd, rel, false);
	struct stat st;
	char p[PATH_MAX];

	if (d < 0)
		return -ENOENT;
	snprintf(p, sizeof(p), "boot/vmlinuz-%s", rel);
	if (fstatat(d, p, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode)) {
		close(d);
		return -ENOENT;
	}
	close(d);
	snprintf(k->release, sizeof(k->release), "%s", rel);
	snprintf(k->image, sizeof(k->image), "%s/%s/boot/vmlinuz-%s", KCACHE_DIR, rel, rel);
	snprintf(k->moddir, sizeof(k->moddir), "%s/%s/lib/modules/%s", KCACHE_DIR, rel, rel);
	return 0;
}

/* the newest cached release matching glob, into rel; 0 or -ENOENT */
static int cache_newest(int cfd, const char *glob, char *rel, size_t len)
{
	DIR *d = fdopendir(dup(cfd));
	struct dirent *e;

	*rel = 0;
	if (!d)
		return -ENOENT;
	while ((e = readdir(d)))
		if (!fnmatch(glob, e->d_name, 0) && strverscmp(e->d_name, rel) > 0)
			snprintf(rel, len, "%.127s", e->d_name);
	closedir(d);
	return *rel ? 0 : -ENOENT;
}

/* the newest package apt knows matching re, into pkg; 0 or -ENOENT */
static int apt_newest(const char *re, char *pkg, size_t len)
{
	static char out[1 << 16];
	char *argv[] = {"/usr/bin/apt-cache", "search", "--names-only", (char *)re, NULL};
	char *line, *save;

	*pkg = 0;
	if (spawn_capture(argv, out, sizeof(out)) != 0)
		return -ENOENT;
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		line[strcspn(line, " ")] = 0;
		if (strverscmp(line, pkg) > 0)
			snprintf(pkg, len, "%s", line);
	}
	return *pkg ? 0 : -ENOENT;
}

/* the .deb apt-get download left in dir, into path */
static int find_deb(const char *dir, char *path, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int err = -ENOENT;

	if (!d)
		return -errno;
	while ((e = readdir(d)))
		if (!fnmatch("*.deb", e->d_name, 0) && e->d_name[0] != '.') {
			snprintf(path, len, "%s/%s", dir, e->d_name);
			err = 0;
		}
	closedir(d);
	return err;
}

static void rm_tree(const char *path)
{
	char *argv[] = {"/usr/bin/rm", "-rf", "--one-file-system", "--", (char *)path, NULL};

	spawn_wait(argv, NULL, -1, -1);
}

/* download pkg, unpack it, depmod it, and move it into the cache as rel */
static int cache_fill(const char *pkg, const char *rel, char *why, size_t len)
{
	char tmp[] = KCACHE_DIR "/.new-XXXXXX", deb[PATH_MAX], root[PATH_MAX], dst[PATH_MAX];
	char *dl[] = {"/usr/bin/apt-get", "download", "-q", (char *)pkg, NULL};
	char *x[] = {"/usr/bin/dpkg-deb", "-x", deb, root, NULL};
	char *dm[] = {"/usr/sbin/depmod", "-b", root, (char *)rel, NULL};
	int rc;

	if (!mkdtemp(tmp)) {
		snprintf(why, len, "cannot make a directory in %s: %s", KCACHE_DIR,
			 strerror(errno));
		return -errno;
	}
	snprintf(root, sizeof(root), "%s/root", tmp);
	info("bpfault: downloading %s (once, into %s)", pkg, KCACHE_DIR);
	rc = spawn_wait(dl, tmp, -1, -2);
	if (rc || find_deb(tmp, deb, sizeof(deb))) {
		snprintf(why, len, "apt-get download %s failed (status %d)", pkg, rc);
		goto fail;
	}
	rc = spawn_wait(x, NULL, -1, -2);
	if (rc) {
		snprintf(why, len, "dpkg-deb -x %s failed (status %d)", deb, rc);
		goto fail;
	}
	if (access(dm[0], X_OK)) {
		snprintf(why, len, "no %s (apt-get install kmod)", dm[0]);
		goto fail;
	}
	rc = spawn_wait(dm, NULL, -1, -2);
	if (rc) {
		snprintf(why, len, "depmod -b %s %s failed (status %d)", root, rel, rc);
		goto fail;
	}
	snprintf(dst, sizeof(dst), "%s/%s", KCACHE_DIR, rel);
	if (rename(root, dst) && errno != EEXIST && errno != ENOTEMPTY) {
		snprintf(why, len, "cannot move %s to %s: %s", root, dst, strerror(errno));
		goto fail;
	}
	rm_tree(tmp);
	return 0;
fail:
	rm_tree(tmp);
	return -EIO;
}

static int resolve_alias(const struct alias *a, struct kernel_img *k, char *why, size_t len)
{
	char pkg[256], rel[128];
	int cfd = cache_open(why, len), err;

	if (cfd < 0)
		return cfd;
	if (apt_newest(a->pkg_re, pkg, sizeof(pkg)) == 0) {
		/* linux-image-<release>-unsigned */
		snprintf(rel, sizeof(rel), "%.*s", (int)(strlen(pkg) - 21), pkg + 12);
		err = cache_entry(cfd, rel, k);
		if (err && safe_release(rel) && !cache_fill(pkg, rel, why, len))
			err = cache_entry(cfd, rel, k);
		else if (err && !why[0])
			snprintf(why, len, "bad release '%s' from package %s", rel, pkg);
	} else if (cache_newest(cfd, a->rel_glob, rel, sizeof(rel)) == 0) {
		err = cache_entry(cfd, rel, k); /* apt knows none: use what was fetched before */
	} else {
		snprintf(why, len, "apt knows no package matching %s, and %s has no %s", a->pkg_re,
			 KCACHE_DIR, a->rel_glob);
		err = -ENOENT;
	}
	close(cfd);
	if (err && !why[0])
		snprintf(why, len, "%s: unpacked kernel %s incomplete", a->name, rel);
	return err;
}

/* the release string in an x86 bzImage's setup header, into rel; 0 or -EINVAL */
static int bzimage_release(const char *path, char *rel, size_t len)
{
	unsigned char h[0x8000];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? pread(fd, h, sizeof(h) - 1, 0) : -1;
	unsigned off;

	if (fd >= 0)
		close(fd);
	if (n < 0x210 || memcmp(h + 0x202, "HdrS", 4))
		return -EINVAL;
	off = 0x200u + (h[0x20e] | (unsigned)h[0x20f] << 8);
	if (off >= (size_t)n)
		return -EINVAL;
	h[n] = 0;
	snprintf(rel, len, "%.*s", (int)strcspn((char *)h + off, " "), (char *)h + off);
	return 0;
}

/* IMAGE[:MODULES_DIR] */
static int resolve_path(const char *spec, struct kernel_img *k, char *why, size_t len)
{
	const char *colon = strchr(spec, ':');
	char img[PATH_MAX], mods[PATH_MAX];
	struct stat st;

	snprintf(img, sizeof(img), "%.*s", colon ? (int)(colon - spec) : (int)strlen(spec), spec);
	if (!realpath(img, k->image) || stat(k->image, &st) || !S_ISREG(st.st_mode)) {
		snprintf(why, len,
			 "--kernel '%s': not a kernel alias (%s, %s, host) or an image file", spec,
			 aliases[0].name, aliases[1].name);
		return -EINVAL;
	}
	if (bzimage_release(k->image, k->release, sizeof(k->release)) ||
	    !safe_release(k->release)) {
		snprintf(why, len, "--kernel '%s': not an x86 bzImage with a release string", img);
		return -EINVAL;
	}
	if (colon)
		snprintf(mods, sizeof(mods), "%s", colon + 1);
	else
		snprintf(mods, sizeof(mods), "/lib/modules/%s", k->release);
	if (!realpath(mods, k->moddir) || stat(k->moddir, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(why, len,
			 "--kernel '%s': no modules directory %s (give IMAGE:MODULES_DIR)", spec,
			 mods);
		return -EINVAL;
	}
	return 0;
}

int kernel_resolve(const char *spec, struct kernel_img *k, char *why, size_t len)
{
	memset(k, 0, sizeof(*k));
	*why = 0;
	snprintf(k->spec, sizeof(k->spec), "%s", spec);
	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
		if (!strcmp(spec, aliases[i].name))
			return resolve_alias(&aliases[i], k, why, len);
	if (!strncmp(spec, "debian-", 7)) {
		snprintf(why, len, "--kernel '%s': known Debian kernels are %s and %s", spec,
			 aliases[0].name, aliases[1].name);
		return -EINVAL;
	}
	return resolve_path(spec, k, why, len);
}
