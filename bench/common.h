/* SPDX-License-Identifier: BSD-2-Clause */
/* Exit statuses, error reporting and small helpers shared by every bpfault subcommand. */
#ifndef BPFAULT_COMMON_H
#define BPFAULT_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Exit statuses (Automake's conventions where they apply), see README "Exit status" */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* a gate found a regression, or a run was invalid */
	EXIT_USAGE = 2,		/* bad usage or a bad input file */
	EXIT_SKIP = 77,		/* the environment cannot run it (not root, no BTF, no BPF) */
	EXIT_INTERNAL = 99,	/* a bug or an unexpected system failure */
	EXIT_INTERRUPTED = 130, /* SIGINT/SIGTERM: partial results flushed, marked incomplete */
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* print "bpfault: <message>" on stderr, one line */
void err_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* print the message and exit with status */
void die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
/* informational line on stderr unless quiet */
void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern int g_quiet;
extern char **g_argv; /* main()'s argv, to exec ourselves again */
extern int g_verbose;

/* strict numeric parsing: whole string, range-checked; 0 on success, -EINVAL/-ERANGE */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int parse_double(const char *s, double min, double max, double *out);
/* a significance level for --alpha, in (0,1); else "<cmd>: --alpha must be ..." and -1 */
int opt_alpha(const char *cmd, const char *s, double *out);

/*
 * Files bpfault creates never follow a symlink (it runs as root in directories others may write
 * to): new files are made with O_CREAT|O_EXCL|O_NOFOLLOW on a directory fd, directories are
 * opened with O_DIRECTORY|O_NOFOLLOW.
 */
/* open a directory, refusing a symlink as its last component (-ELOOP); fd or -errno */
int open_dir_nofollow(const char *path);
/* create a new file name in dirfd (O_EXCL|O_NOFOLLOW): fd or -errno (-EEXIST if anything is
 * there, a symlink too) */
int create_excl_at(int dirfd, const char *name, unsigned mode);
/* create a new temporary file "<prefix>.tmp.<random>" in dirfd; its name in name; fd or -errno */
int create_temp_at(int dirfd, const char *prefix, unsigned mode, char *name, size_t len);
/* write a whole file atomically: a new temporary in the file's directory (opened without
 * following a symlink), fsync, renameat over the name (which replaces, never follows, a
 * symlink there); 0 or -errno */
int write_file_atomic(const char *path, const char *data, size_t len);
/* input files: regular files only, at most READ_FILE_MAX bytes */
#define READ_FILE_MAX (1ll << 30)
#define ENOTREG	      4095 /* not a regular file (a FIFO, device, socket...): file_strerror() */
/* read a whole regular file into a NUL-terminated malloc'd buffer; 0 or -errno (-ENOTREG for a
 * FIFO or device: never blocks on one, -EISDIR, -EFBIG over READ_FILE_MAX) */
int read_file(const char *path, char **data, size_t *len);
/* strerror() that also knows -ENOTREG */
const char *file_strerror(int err);
/* json_load_file() through read_file(): a FIFO or device fails at once; on a read error
 * je->line is -1 and je->text says why */
struct json_t;
struct json_error_t;
struct json_t *json_load_input(const char *path, size_t flags, struct json_error_t *je);
/* mkdir -p; 0 or -errno */
int mkdir_p(const char *path, unsigned mode);

/*
 * A growable string, zero-initialised ({0}) before use. On failure err is set (-ENOMEM, or -EINVAL
 * for an encoding error) and every later append is dropped, so callers check err once at the end.
 */
struct sbuf {
	char *s; /* NUL-terminated once anything was appended; NULL before */
	size_t len, cap;
	int err;
};
void sb_vprintf(struct sbuf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_free(struct sbuf *b); /* and zero it for reuse */

/* helper programs (mkswap, gnuplot) are looked up here only, never through the caller's PATH */
#define SAFE_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
/* the absolute path of an executable regular file name in SAFE_PATH; 0 or -ENOENT */
int find_helper(const char *name, char *path, size_t len);

/* monotonic time in ns */
uint64_t now_ns(void);
/* the environment variable name is set to exactly value */
bool env_is(const char *name, const char *value);

#endif
