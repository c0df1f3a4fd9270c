// SPDX-License-Identifier: BSD-2-Clause
/*
 * Tool definitions: finding one (shipped, by name; or a user's file, by path), reading it safely,
 * and parsing it strictly (unknown keys rejected, types and ranges checked). An error names the
 * file and the line of the offending key: jansson gives positions for syntax errors only, so the
 * line of a key is found by looking for its quoted name after its parent's position.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tool.h"

#define DEF_MAX_BYTES (64 * 1024)

/* the syscalls whose buffers are printable strings with the nonce: the only ones a tool can be
 * scored on */
static const char *const scorable[] = {"openat", "execve", "execve-argv"};

static const struct {
	const char *name;
	int sig;
} stop_signals[] = {
	{"INT", SIGINT}, {"TERM", SIGTERM}, {"HUP", SIGHUP}, {"KILL", SIGKILL}, {"USR1", SIGUSR1},
};

struct pctx {
	const char *text, *file;
	char *why;
	size_t len;
};

static int line_at(const char *text, size_t off)
{
	int line = 1;

	for (size_t i = 0; i < off && text[i]; i++)
		line += text[i] == '\n';
	return line;
}

/* the offset of "key" at or after from (from itself if it is not found) */
static size_t key_off(const struct pctx *c, size_t from, const char *key)
{
	char pat[96];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\"", key);
	p = strstr(c->text + from, pat);
	return p ? (size_t)(p - c->text) : from;
}

static int __attribute__((format(printf, 3, 4)))
bad(const struct pctx *c, size_t off, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->why, c->len, "%s:%d: %s", c->file, line_at(c->text, off), msg);
	return -EINVAL;
}

/* every key of obj must be in allowed (NULL-terminated) */
static int check_keys(const struct pctx *c, json_t *obj, size_t off, const char *what,
		      const char *const *allowed)
{
	const char *k;
	json_t *v;

	if (!json_is_object(obj))
		return bad(c, off, "%s must be an object", what);
	json_object_foreach(obj, k, v)
	{
		size_t i;

		for (i = 0; allowed[i] && strcmp(allowed[i], k); i++)
			;
		if (!allowed[i])
			return bad(c, key_off(c, off, k), "unknown key \"%s\" in %s", k, what);
	}
	return 0;
}

/* a string member: NULL if absent and optional */
static int get_str(const struct pctx *c, json_t *obj, size_t off, const char *key, bool required,
		   const char **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v)
		return required ? bad(c, off, "missing key \"%s\"", key) : 0;
	if (!json_is_string(v) || !json_string_length(v))
		return bad(c, key_off(c, off, key), "\"%s\" must be a non-empty string", key);
	*out = json_string_value(v);
	return 0;
}

static int get_uint(const struct pctx *c, json_t *obj, size_t off, const char *key, unsigned min,
		    unsigned max, unsigned *out)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return 0; /* keeps the default in *out */
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return bad(c, key_off(c, off, key), "\"%s\" must be an integer in [%u, %u]", key,
			   min, max);
	*out = (unsigned)json_integer_value(v);
	return 0;
}

static int dup_into(char **dst, const char *s)
{
	*dst = strdup(s);
	return *dst ? 0 : -ENOMEM;
}

/* a placeholder is '{' lowercase letters '}' and must be {pid}, {tgid} or {comm}; any other brace
 * (a bpftrace program's) is literal */
int tool_placeholder(const char *p)
{
	static const char *const ok[] = {"{pid}", "{tgid}", "{comm}"};
	size_t n = 1;

	if (*p != '{')
		return 0;
	while (p[n] >= 'a' && p[n] <= 'z')
		n++;
	if (n == 1 || p[n] != '}')
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
		if (!strncmp(p, ok[i], n + 1))
			return (int)i + 1;
	return -1;
}

static int check_placeholders(const struct pctx *c, size_t off, const char *s)
{
	for (const char *p = strchr(s, '{'); p; p = strchr(p + 1, '{'))
		if (tool_placeholder(p) < 0)
			return bad(c, off, "unknown placeholder %.*s (known: {pid} {tgid} {comm})",
				   (int)(strchr(p, '}') - p + 1), p);
	return 0;
}

/* an array of non-empty strings, 1..max of them, duplicated into dst */
static int get_strv(const struct pctx *c, json_t *root, size_t off, const char *key, bool required,
		    int max, char **dst, int *n)
{
	json_t *a = json_object_get(root, key), *v;
	size_t i, koff = key_off(c, off, key);

	*n = 0;
	if (!a)
		return required ? bad(c, off, "missing key \"%s\"", key) : 0;
	if (!json_is_array(a) || !json_array_size(a) || json_array_size(a) > (size_t)max)
		return bad(c, koff, "\"%s\" must be an array of 1 to %d strings", key, max);
	json_array_foreach(a, i, v)
	{
		if (!json_is_string(v) || !json_string_length(v))
			return bad(c, koff, "\"%s\"[%zu] must be a non-empty string", key, i);
		if (dup_into(&dst[(*n)++], json_string_value(v)))
			return -ENOMEM;
	}
	return 0;
}

static int compile(const struct pctx *c, size_t off, const char *key, const char *re, regex_t *out,
		   bool *has)
{
	int rc = regcomp(out, re, REG_EXTENDED);
	char msg[128];

	if (rc) {
		regerror(rc, out, msg, sizeof(msg));
		return bad(c, key_off(c, off, key), "bad regex \"%s\": %s", re, msg);
	}
	*has = true;
	return 0;
}

static int group_ok(const struct pctx *c, size_t off, const char *key, const regex_t *re, int g)
{
	if (g > (int)re->re_nsub)
		return bad(c, key_off(c, off, key), "\"%s\" is %d but the regex has %zu group(s)",
			   key, g, re->re_nsub);
	return 0;
}

static int parse_ready(const struct pctx *c, json_t *root, size_t off, struct tool_def *d)
{
	static const char *const keys[] = {"regex", "delay_ms", "settle_ms", "timeout_ms", NULL};
	json_t *o = json_object_get(root, "ready");
	const char *re;
	int err;

	if (!o)
		return bad(c, off, "missing key \"ready\"");
	off = key_off(c, off, "ready");
	d->ready_timeout_ms = 10000;
	if ((err = check_keys(c, o, off, "\"ready\"", keys)) ||
	    (err = get_str(c, o, off, "regex", false, &re)) ||
	    (err = get_uint(c, o, off, "delay_ms", 0, 60000, &d->ready_delay_ms)) ||
	    (err = get_uint(c, o, off, "settle_ms", 0, 60000, &d->ready_settle_ms)) ||
	    (err = get_uint(c, o, off, "timeout_ms", 1, 300000, &d->ready_timeout_ms)))
		return err;
	if (!re == !json_object_get(o, "delay_ms"))
		return bad(c, off, "\"ready\" needs exactly one of \"regex\" and \"delay_ms\"");
	return re ? compile(c, off, "regex", re, &d->ready_re, &d->has_ready_re) : 0;
}

static int parse_event(const struct pctx *c, json_t *root, size_t off, struct tool_def *d)
{
	static const char *const keys[] = {"regex",	 "value_group", "pid_group",
					   "json_value", "json_pid",	NULL};
	json_t *o = json_object_get(root, "event");
	const char *re, *jv, *jp;
	unsigned vg = 0, pg = 0;
	int err;

	if (!o)
		return bad(c, off, "missing key \"event\"");
	off = key_off(c, off, "event");
	if ((err = check_keys(c, o, off, "\"event\"", keys)) ||
	    (err = get_str(c, o, off, "regex", false, &re)) ||
	    (err = get_str(c, o, off, "json_value", false, &jv)) ||
	    (err = get_str(c, o, off, "json_pid", false, &jp)) ||
	    (err = get_uint(c, o, off, "value_group", 1, 9, &vg)) ||
	    (err = get_uint(c, o, off, "pid_group", 1, 9, &pg)))
		return err;
	if (!re == !jv)
		return bad(c, off, "\"event\" needs exactly one of \"regex\" and \"json_value\"");
	if (jv) {
		if (vg || pg)
			return bad(c, off, "\"value_group\"/\"pid_group\" go with \"regex\"");
		if (dup_into(&d->json_value, jv) || (jp && dup_into(&d->json_pid, jp)))
			return -ENOMEM;
		return 0;
	}
	if (jp)
		return bad(c, key_off(c, off, "json_pid"), "\"json_pid\" goes with \"json_value\"");
	if (!vg)
		return bad(c, off, "\"event\" with a \"regex\" needs \"value_group\"");
	d->value_group = (int)vg;
	d->pid_group = (int)pg;
	if ((err = compile(c, off, "regex", re, &d->event_re, &d->has_event_re)) ||
	    (err = group_ok(c, off, "value_group", &d->event_re, d->value_group)))
		return err;
	return group_ok(c, off, "pid_group", &d->event_re, d->pid_group);
}

static int parse_drops(const struct pctx *c, json_t *root, size_t off, struct tool_def *d)
{
	static const char *const keys[] = {"regex", "group", NULL};
	json_t *o = json_object_get(root, "drops");
	const char *re;
	unsigned g = 1;
	int err;

	if (!o)
		return 0;
	off = key_off(c, off, "drops");
	if ((err = check_keys(c, o, off, "\"drops\"", keys)) ||
	    (err = get_str(c, o, off, "regex", true, &re)) ||
	    (err = get_uint(c, o, off, "group", 1, 9, &g)) ||
	    (err = compile(c, off, "regex", re, &d->drops_re, &d->has_drops_re)))
		return err;
	d->drops_group = (int)g;
	return group_ok(c, off, "group", &d->drops_re, d->drops_group);
}

static int parse_stop(const struct pctx *c, json_t *root, size_t off, struct tool_def *d)
{
	static const char *const skeys[] = {"signal", "grace_ms", NULL};
	static const char *const dkeys[] = {"quiet_ms", "timeout_ms", NULL};
	json_t *s = json_object_get(root, "stop"), *dr = json_object_get(root, "drain");
	size_t soff = key_off(c, off, "stop"), doff = key_off(c, off, "drain");
	const char *sig = NULL;
	size_t i;
	int err;

	d->stop_signal = SIGINT;
	d->stop_grace_ms = 3000;
	d->drain_quiet_ms = 300;
	d->drain_timeout_ms = 5000;
	if (s && ((err = check_keys(c, s, soff, "\"stop\"", skeys)) ||
		  (err = get_str(c, s, soff, "signal", false, &sig)) ||
		  (err = get_uint(c, s, soff, "grace_ms", 0, 60000, &d->stop_grace_ms))))
		return err;
	if (dr && ((err = check_keys(c, dr, doff, "\"drain\"", dkeys)) ||
		   (err = get_uint(c, dr, doff, "quiet_ms", 10, 60000, &d->drain_quiet_ms)) ||
		   (err = get_uint(c, dr, doff, "timeout_ms", 10, 300000, &d->drain_timeout_ms))))
		return err;
	if (!sig)
		return 0;
	for (i = 0; i < ARRAY_SIZE(stop_signals) && strcmp(sig, stop_signals[i].name); i++)
		;
	if (i == ARRAY_SIZE(stop_signals))
		return bad(c, key_off(c, soff, "signal"),
			   "\"signal\" must be one of INT, TERM, HUP, KILL, USR1");
	d->stop_signal = stop_signals[i].sig;
	return 0;
}

static bool env_name_ok(const char *k)
{
	if (!*k || (*k >= '0' && *k <= '9'))
		return false;
	for (; *k; k++)
		if (!((*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') || *k == '_'))
			return false;
	return true;
}

static int parse_env(const struct pctx *c, json_t *root, size_t off, struct tool_def *d)
{
	json_t *o = json_object_get(root, "env"), *v;
	const char *k;

	if (!o)
		return 0;
	off = key_off(c, off, "env");
	if (!json_is_object(o) || json_object_size(o) > TOOL_MAX_ENV)
		return bad(c, off, "\"env\" must be an object of at most %d strings", TOOL_MAX_ENV);
	json_object_foreach(o, k, v)
	{
		if (!env_name_ok(k) || !json_is_string(v))
			return bad(c, key_off(c, off, k),
				   "\"env\": \"%s\" must be NAME ([A-Z_][A-Z0-9_]*) = a string", k);
		if (asprintf(&d->env[d->nenv], "%s=%s", k, json_string_value(v)) < 0) {
			d->env[d->nenv] = NULL;
			return -ENOMEM;
		}
		d->nenv++;
	}
	return 0;
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= sizeof(((struct tool_def *)0)->name) || s[0] == '.')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

static int parse_one_of(const struct pctx *c, json_t *root, size_t off, const char *key,
			const char *const *names, int nnames, bool required, int *out)
{
	const char *s;
	int err = get_str(c, root, off, key, required, &s);

	if (err || !s)
		return err;
	for (int i = 0; i < nnames; i++)
		if (!strcmp(s, names[i])) {
			*out = i;
			return 0;
		}
	return bad(c, key_off(c, off, key), "\"%s\": unknown value \"%s\"", key, s);
}

static int parse_top(const struct pctx *c, json_t *root, struct tool_def *d)
{
	static const char *const keys[] = {
		"schema",   "name",  "description", "package", "command", "needs",
		"syscalls", "reads", "ready",	    "output",  "event",	  "drops",
		"stop",	    "drain", "env",	    "args",    NULL};
	static const char *const reads[] = {"unknown", "enter", "exit"};
	static const char *const streams[] = {"", "stdout", "stderr"};
	static const char *const args[] = {"first", "all"};
	const char *schema, *name, *desc;
	int err, r = 0, all = 0;

	if ((err = check_keys(c, root, 0, "the definition", keys)) ||
	    (err = get_str(c, root, 0, "schema", true, &schema)))
		return err;
	if (strcmp(schema, TOOL_SCHEMA))
		return bad(c, key_off(c, 0, "schema"), "\"schema\" must be \"%s\"", TOOL_SCHEMA);
	if ((err = get_str(c, root, 0, "name", true, &name)))
		return err;
	if (!name_ok(name))
		return bad(c, key_off(c, 0, "name"), "\"name\" must be [A-Za-z0-9._-], 1-63 chars");
	snprintf(d->name, sizeof(d->name), "%s", name);
	if ((err = get_str(c, root, 0, "description", false, &desc)) ||
	    (err = get_str(c, root, 0, "package", false, &name)) ||
	    (desc && dup_into(&d->description, desc)) || (name && dup_into(&d->package, name)) ||
	    (err = get_strv(c, root, 0, "command", true, TOOL_MAX_ARGS, d->argv, &d->argc)) ||
	    (err = get_strv(c, root, 0, "needs", false, TOOL_MAX_NEEDS, d->needs, &d->nneeds)) ||
	    (err = get_strv(c, root, 0, "syscalls", true, TOOL_MAX_SYSCALL, d->syscalls,
			    &d->nsyscalls)) ||
	    (err = parse_one_of(c, root, 0, "reads", reads, 3, true, &r)))
		return err ? err : -ENOMEM;
	d->reads = (enum tool_reads)r;
	d->stream = 1;
	if ((err = parse_one_of(c, root, 0, "output", streams, 3, false, &d->stream)) ||
	    (err = parse_one_of(c, root, 0, "args", args, 2, false, &all)))
		return err;
	d->all_args = all == 1;
	for (int i = 0; i < d->argc; i++)
		if ((err = check_placeholders(c, key_off(c, 0, "command"), d->argv[i])))
			return err;
	for (int i = 0; i < d->nsyscalls; i++) {
		size_t k;

		for (k = 0; k < ARRAY_SIZE(scorable) && strcmp(scorable[k], d->syscalls[i]); k++)
			;
		if (k == ARRAY_SIZE(scorable))
			return bad(
				c, key_off(c, 0, "syscalls"),
				"\"syscalls\": \"%s\" cannot be scored (known: openat, execve, execve-argv)",
				d->syscalls[i]);
	}
	if ((err = parse_ready(c, root, 0, d)) || (err = parse_event(c, root, 0, d)) ||
	    (err = parse_drops(c, root, 0, d)) || (err = parse_stop(c, root, 0, d)))
		return err;
	return parse_env(c, root, 0, d);
}

int tool_def_parse(const char *text, const char *file, struct tool_def *d, char *why, size_t len)
{
	struct pctx c = {.text = text, .file = file, .why = why, .len = len};
	json_error_t je;
	json_t *root;
	int err;

	memset(d, 0, sizeof(*d));
	snprintf(d->file, sizeof(d->file), "%s", file);
	root = json_loads(text, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(why, len, "%s:%d: %s", file, je.line, je.text);
		return -EINVAL;
	}
	err = parse_top(&c, root, d);
	json_decref(root);
	if (err == -ENOMEM)
		snprintf(why, len, "%s: out of memory", file);
	if (err)
		tool_def_free(d);
	return err;
}

void tool_def_free(struct tool_def *d)
{
	char **lists[] = {d->argv, d->env, d->needs, d->syscalls};

	for (size_t l = 0; l < ARRAY_SIZE(lists); l++)
		for (char **p = lists[l]; *p; p++)
			free(*p);
	free(d->description);
	free(d->package);
	free(d->json_value);
	free(d->json_pid);
	if (d->has_ready_re)
		regfree(&d->ready_re);
	if (d->has_event_re)
		regfree(&d->event_re);
	if (d->has_drops_re)
		regfree(&d->drops_re);
	memset(d, 0, sizeof(*d));
}

/* read a regular file (never a FIFO or device: opened non-blocking, checked by fstat) */
static int read_def(const char *path, bool nofollow, char **text)
{
	int fd = open(path,
		      O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (nofollow ? O_NOFOLLOW : 0));
	struct stat st;
	ssize_t n = 0, r;
	int err = 0;

	if (fd < 0)
		return errno == ELOOP ? -EPERM : -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > DEF_MAX_BYTES) {
		err = !S_ISREG(st.st_mode) ? -EINVAL : -EFBIG;
		goto out;
	}
	*text = malloc((size_t)st.st_size + 1);
	if (!*text) {
		err = -ENOMEM;
		goto out;
	}
	while (n < st.st_size && (r = read(fd, *text + n, (size_t)(st.st_size - n))) > 0)
		n += r;
	(*text)[n] = '\0';
out:
	close(fd);
	return err;
}

/* the shipped definition NAME: beside the binary's real path (bench/tools/ in a source tree,
 * ../share/bpfault/tools/ in a relocated install), then in the compiled-in data directory */
static int find_shipped(const char *name, char *path, size_t len)
{
	static const char *const rel[] = {"bench/tools", "../share/bpfault/tools"};
	char exe[PATH_MAX - 128], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		for (size_t i = 0; slash && i < ARRAY_SIZE(rel); i++)
			if ((size_t)snprintf(path, len, "%s/%s/%s.json", exe, rel[i], name) < len &&
			    !access(path, R_OK))
				return 0;
	}
	if ((size_t)snprintf(path, len, "%s/tools/%s.json", BPFAULT_DATADIR, name) >= len)
		return -ENOENT;
	return access(path, R_OK) ? -ENOENT : 0;
}

int tool_def_load(const char *arg, struct tool_def *d, char *why, size_t len)
{
	bool user = strchr(arg, '/') != NULL;
	char path[PATH_MAX], *text = NULL;
	int err;

	memset(d, 0, sizeof(*d));
	if (!user && (!name_ok(arg) || find_shipped(arg, path, sizeof(path)))) {
		snprintf(why, len,
			 "no tool definition named '%s' (shipped: bench/tools/*.json; a "
			 "file of your own is named by a path such as ./%s.json)",
			 arg, arg);
		return -ENOENT;
	}
	if (user)
		snprintf(path, sizeof(path), "%s", arg);
	err = read_def(path, !user, &text);
	if (err) {
		snprintf(why, len, "%s: %s", path,
			 err == -EINVAL ? "not a regular file" : strerror(-err));
		return err == -ENOENT ? -ENOENT : -EINVAL;
	}
	err = tool_def_parse(text, path, d, why, len);
	free(text);
	if (!err && !user && strcmp(d->name, arg)) {
		snprintf(why, len, "%s: \"name\" is '%s', not '%s'", path, d->name, arg);
		tool_def_free(d);
		return -EINVAL;
	}
	return err;
}

static bool is_exec_file(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISREG(st.st_mode) && !access(p, X_OK);
}

int tool_which(const char *cmd, char *out, size_t len)
{
	const char *path = getenv("PATH");
	char dirs[4096], *save = NULL;

	if (strchr(cmd, '/')) {
		if (cmd[0] != '/' || !is_exec_file(cmd))
			return -ENOENT;
		snprintf(out, len, "%s", cmd);
		return 0;
	}
	snprintf(dirs, sizeof(dirs), "%s",
		 path && *path ? path
			       : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	for (char *dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		if (dir[0] != '/')
			continue; /* never the current directory or a relative one */
		snprintf(out, len, "%s/%s", dir, cmd);
		if (is_exec_file(out))
			return 0;
	}
	return -ENOENT;
}

int tool_def_installed(const struct tool_def *d, char *why, size_t len)
{
	char p[PATH_MAX];

	for (int i = -1; i < d->nneeds; i++) {
		const char *cmd = i < 0 ? d->argv[0] : d->needs[i];

		if (tool_which(cmd, p, sizeof(p))) {
			snprintf(why, len, "tool %s is not installed: %s not found%s%s%s", d->name,
				 cmd, cmd[0] == '/' ? "" : " in PATH",
				 d->package ? "; its package: " : "", d->package ? d->package : "");
			return -ENOENT;
		}
	}
	return 0;
}

bool tool_serves(const struct tool_def *d, const char *syscall)
{
	for (int i = 0; i < d->nsyscalls; i++)
		if (!strcmp(d->syscalls[i], syscall))
			return true;
	return false;
}
