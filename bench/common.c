// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include "common.h"

int g_quiet;
char **g_argv;
int g_verbose;

/* write s to f with every control character escaped (\n, \t, \x1b, ...): one line, no ESC */
static void put_escaped(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p == '\r')
			fputs("\\r", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
}

static void __attribute__((format(printf, 2, 0)))
vline(const char *prefix, const char *fmt, va_list ap)
{
	char buf[2048];
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(buf, sizeof(buf), fmt, aq);
	va_end(aq);
	if (n < 0)
		snprintf(buf, sizeof(buf), "(unprintable message)");
	fputs(prefix, stderr);
	put_escaped(stderr, buf);
	if (n >= (int)sizeof(buf))
		fputs("...", stderr);
	fputc('\n', stderr);
}

static void __attribute__((format(printf, 1, 0))) vmsg(const char *fmt, va_list ap)
{
	vline("bpfault: ", fmt, ap);
}

void err_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(status);
}

void info(const char *fmt, ...)
{
	va_list ap;

	if (g_quiet)
		return;
	va_start(ap, fmt);
	vline("", fmt, ap);
	va_end(ap);
}

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int parse_double(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (*end || isnan(v))
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int opt_alpha(const char *cmd, const char *s, double *out)
{
	if (parse_double(s, 0, 1, out) || *out <= 0 || *out >= 1) {
		err_msg("%s: --alpha must be in (0,1), not '%s'", cmd, s);
		return -1;
	}
	return 0;
}

int open_dir_nofollow(const char *path)
{
	int fd;

	if (!path || !*path)
		return -ENOENT;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOTDIR) { /* O_DIRECTORY|O_NOFOLLOW on a symlink says ENOTDIR */
		struct stat st;

		if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
			return -ELOOP;
		errno = ENOTDIR;
	}
	return fd < 0 ? -errno : fd;
}

int create_excl_at(int dirfd, const char *name, unsigned mode)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);

	return fd < 0 ? -errno : fd;
}

int create_temp_at(int dirfd, const char *prefix, unsigned mode, char *name, size_t len)
{
	static uint64_t ctr;

	for (int i = 0; i < 100; i++) {
		uint64_t r =
			now_ns() ^ ((uint64_t)getpid() << 32) ^ (++ctr * 0x9e3779b97f4a7c15ull);
		int fd;

		if (snprintf(name, len, "%s.tmp.%012llx", prefix,
			     (unsigned long long)(r & 0xffffffffffffull)) >= (int)len)
			return -ENAMETOOLONG;
		fd = create_excl_at(dirfd, name, mode);
		if (fd != -EEXIST)
			return fd;
	}
	return -EEXIST;
}

/* split path into its directory (opened, no symlink followed at its last component) and base */
static int open_parent(const char *path, const char **base)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (!*path)
		return -ENOENT;
	if (!slash) {
		*base = path;
		return open_dir_nofollow(".");
	}
	*base = slash + 1;
	if (!**base)
		return -EISDIR;
	if ((size_t)(slash - path) >= sizeof(dir))
		return -ENAMETOOLONG;
	if (slash == path)
		return open_dir_nofollow("/");
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = 0;
	return open_dir_nofollow(dir);
}

static int write_all(int fd, const char *data, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		off += (size_t)w;
	}
	return 0;
}

int write_file_atomic(const char *path, const char *data, size_t len)
{
	char tmp[NAME_MAX + 1];
	const char *base;
	int dfd, fd, err;

	dfd = open_parent(path, &base);
	if (dfd < 0)
		return dfd;
	fd = create_temp_at(dfd, base, 0644, tmp, sizeof(tmp));
	if (fd < 0) {
		close(dfd);
		return fd;
	}
	err = write_all(fd, data, len);
	if (!err && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && !err)
		err = -errno;
	/* renameat replaces whatever is at base (a planted symlink too) without following it */
	if (!err && renameat(dfd, tmp, dfd, base) < 0)
		err = -errno;
	if (err)
		unlinkat(dfd, tmp, 0);
	else
		fsync(dfd);
	close(dfd);
	return err;
}

int read_file(const char *path, char **data, size_t *len)
{
	size_t cap = 65536, n = 0;
	struct stat st;
	char *buf;
	int fd, err = 0;

	/* O_NONBLOCK: opening a FIFO without a writer must not hang; cleared once it is regular */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err = S_ISDIR(st.st_mode) ? -EISDIR : -ENOTREG;
		close(fd);
		return err;
	}
	if (st.st_size > READ_FILE_MAX) {
		close(fd);
		return -EFBIG;
	}
	fcntl(fd, F_SETFL, 0);
	buf = malloc(cap + 1);
	while (buf) {
		ssize_t r;

		if (n == cap) {
			char *nb = cap < READ_FILE_MAX ? realloc(buf, cap * 2 + 1) : NULL;

			if (!nb) {
				err = cap < READ_FILE_MAX ? -ENOMEM : -EFBIG;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			err = r < 0 ? -errno : 0;
			break;
		}
		n += (size_t)r;
	}
	close(fd);
	if (!buf)
		return -ENOMEM;
	if (err) {
		free(buf);
		return err;
	}
	buf[n] = 0;
	*data = buf;
	if (len)
		*len = n;
	return 0;
}

const char *file_strerror(int err)
{
	return err == -ENOTREG ? "not a regular file" : strerror(-err);
}

json_t *json_load_input(const char *path, size_t flags, json_error_t *je)
{
	char *data;
	size_t len;
	json_t *root;
	int err = read_file(path, &data, &len);

	if (err) {
		memset(je, 0, sizeof(*je));
		je->line = -1;
		snprintf(je->text, sizeof(je->text), "%s", file_strerror(err));
		snprintf(je->source, sizeof(je->source), "%s", path);
		return NULL;
	}
	root = json_loadb(data, len, flags, je);
	free(data);
	return root;
}

int mkdir_p(const char *path, unsigned mode)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

void sb_vprintf(struct sbuf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	if (b->err)
		return;
	for (;;) {
		va_copy(aq, ap);
		n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, aq);
		va_end(aq);
		if (n < 0) {
			b->err = -EINVAL;
			return;
		}
		if (b->s && (size_t)n < b->cap - b->len)
			break;
		size_t nc = (b->cap ? b->cap * 2 : 4096) + (size_t)n;
		char *ns = realloc(b->s, nc);

		if (!ns) {
			b->err = -ENOMEM;
			return;
		}
		b->s = ns;
		b->cap = nc;
	}
	b->len += (size_t)n;
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(b, fmt, ap);
	va_end(ap);
}

void sb_free(struct sbuf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

int find_helper(const char *name, char *path, size_t len)
{
	char dirs[] = SAFE_PATH;

	if (!*name || strchr(name, '/'))
		return -ENOENT;
	for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d;
	     d = strtok_r(NULL, ":", &save)) {
		struct stat st;

		if (snprintf(path, len, "%s/%s", d, name) >= (int)len)
			continue;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

bool env_is(const char *name, const char *value)
{
	const char *v = getenv(name);

	return v && !strcmp(v, value);
}
