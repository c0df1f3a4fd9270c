// SPDX-License-Identifier: BSD-2-Clause
/*
 * bpfault report DIR: plots of DIR/results.json (gnuplot, one fork/exec per plot with the scripts
 * in scripts/plot-*.gp) and a self-contained DIR/report.html. Everything is made in
 * DIR/.report.tmp.XXXXXX and renamed into place only when all of it is done, so a failure leaves
 * no partial report behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cmds.h"
#include "common.h"
#include "report.h"
#include "results.h"
#include "stats.h"

/* ---- escaping appenders for struct sbuf (common.h) ---- */

/* HTML-escaped text */
static void sb_esc(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			sb_printf(b, "&lt;");
			break;
		case '>':
			sb_printf(b, "&gt;");
			break;
		case '&':
			sb_printf(b, "&amp;");
			break;
		case '"':
			sb_printf(b, "&quot;");
			break;
		case '\'':
			sb_printf(b, "&#39;");
			break;
		default:
			sb_printf(b, "%c", *s);
		}
	}
}

/* a gnuplot single-quoted string: ' is doubled, control characters become spaces */
static void sb_gpq(struct sbuf *b, const char *s)
{
	sb_printf(b, "'");
	for (; *s; s++) {
		if (*s == '\'')
			sb_printf(b, "''");
		else
			sb_printf(b, "%c", (unsigned char)*s < 0x20 ? ' ' : *s);
	}
	sb_printf(b, "'");
}

char *report_html_escape(const char *s, char *dst, size_t len)
{
	struct sbuf b = {0};

	sb_esc(&b, s);
	if (len)
		snprintf(dst, len, "%s", b.s && !b.err ? b.s : "");
	sb_free(&b);
	return dst;
}

/* a string as it may appear in a gnuplot data file: double-quoted, no quotes or newlines inside */
static void data_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++)
		fputc(*s == '"' ? '\'' : (unsigned char)*s < 0x20 ? ' ' : *s, f);
	fputc('"', f);
}

/* a file-name-safe copy: [A-Za-z0-9._-], anything else becomes '_' */
static void safe_name(char *dst, size_t len, const char *s)
{
	size_t j = 0;

	for (; *s && j + 1 < len; s++) {
		char ch = *s;

		dst[j++] = ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			    (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_')
				   ? ch
				   : '_';
	}
	dst[j] = 0;
}

/* percent with a precision that suits it */
static const char *pct_prec(double v, int prec, char *buf, size_t len)
{
	double x = v * 100;

	if (!isfinite(v)) {
		snprintf(buf, len, "n/a");
		return buf;
	}
	/* never round a rate that is not exactly 0 or 1 to "0" or "100" */
	for (;; prec++) {
		snprintf(buf, len, "%.*f", prec, x);
		if (prec >= 4 ||
		    ((v <= 0 || strtod(buf, NULL) > 0) && (v >= 1 || strtod(buf, NULL) < 100)))
			return buf;
	}
}

/* percent with a precision that suits it */
static const char *pct(double v, char *buf, size_t len)
{
	return pct_prec(v, v == 0 || v >= 0.1 ? 1 : 2, buf, len);
}

/* snprintf for paths, one-line: truncation is checked where the roots are made */
static int pathf(char *dst, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int pathf(char *dst, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(dst, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* ---- ordered name sets (syscalls, states, sinks, arms) ---- */

struct names {
	int n, cap;
	char (*v)[RES_NAME];
	int *rank;
};

/* canonical orders, as in DESIGN.md; anything else follows in order of appearance */
static const char *const state_order[] = {"resident",	  "untouched",	   "anon-pageout",
					  "file-pageout", "file-dontneed", "pressure"};
/* the arms in bpfault's canonical order; the position also picks each arm's plot style (its
 * slot in scripts/plot-common.gp), so an arm looks the same in every plot of every run */
static const char *const arm_order[] = {"enter",    "exit",	 "retry",    "raw-enter",
					"raw-exit", "btf-enter", "btf-exit", "sleep",
					"fentry",   "kprobe",	 "submit",   "later"};

static int names_find(const struct names *n, const char *s)
{
	for (int i = 0; i < n->n; i++)
		if (!strcmp(n->v[i], s))
			return i;
	return -1;
}

static int names_add(struct names *n, const char *s, const char *const *order, size_t norder)
{
	int i = names_find(n, s);

	if (i >= 0)
		return 0;
	if (n->n == n->cap) {
		int ncap = n->cap ? n->cap * 2 : 16;
		void *nv = realloc(n->v, (size_t)ncap * sizeof(*n->v));

		if (!nv)
			return -ENOMEM;
		n->v = nv;
		nv = realloc(n->rank, (size_t)ncap * sizeof(*n->rank));
		if (!nv)
			return -ENOMEM;
		n->rank = nv;
		n->cap = ncap;
	}
	snprintf(n->v[n->n], RES_NAME, "%s", s);
	n->rank[n->n] = 1000 + n->n;
	for (size_t k = 0; k < norder; k++)
		if (!strcmp(order[k], s))
			n->rank[n->n] = (int)k;
	n->n++;
	return 0;
}

/* stable sort by rank (insertion sort: the sets are small) */
static void names_sort(struct names *n)
{
	for (int i = 1; i < n->n; i++) {
		char tmp[RES_NAME];
		int r = n->rank[i], j = i - 1;

		memcpy(tmp, n->v[i], RES_NAME);
		while (j >= 0 && n->rank[j] > r) {
			memcpy(n->v[j + 1], n->v[j], RES_NAME);
			n->rank[j + 1] = n->rank[j];
			j--;
		}
		memcpy(n->v[j + 1], tmp, RES_NAME);
		n->rank[j + 1] = r;
	}
}

static void names_free(struct names *n)
{
	free(n->v);
	free(n->rank);
	memset(n, 0, sizeof(*n));
}

/* ---- the plotting context ---- */

enum plot_kind { PK_FAIL, PK_HEAT, PK_FACTOR, PK_COST, PK_COMPARE, PK_N };

struct plot {
	enum plot_kind kind;
	char name[160];
	char caption[320];
};

struct gp {
	char tmp[PATH_MAX - 64]; /* work directory (inside the output directory) */
	char data[PATH_MAX];	 /* tmp/data: gnuplot input */
	char plots[PATH_MAX];	 /* tmp/plots: gnuplot output */
	char gpdir[PATH_MAX];	 /* where the plot-*.gp scripts are */
	char gnuplot[PATH_MAX];
	bool png, svg;
	struct plot *list;
	int nlist, caplist;
	int ndata;
	char *err;
	size_t errlen;
};

struct rep {
	struct gp g;
	const struct res_run *run;
	struct names sys, states, sinks, arms;
};

static int fail(struct gp *g, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct gp *g, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(g->err, g->errlen, fmt, ap);
	va_end(ap);
	return status;
}

/* gnuplot on PATH, or -ENOENT */
static int find_gnuplot(char *out, size_t len)
{
	const char *path = getenv("PATH");
	char *dup, *save = NULL;
	int ret = -ENOENT;

	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	dup = strdup(path);
	if (!dup)
		return -ENOMEM;
	for (char *d = strtok_r(dup, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		pathf(out, len, "%s/gnuplot", *d ? d : ".");
		if (access(out, X_OK) == 0) {
			ret = 0;
			break;
		}
	}
	free(dup);
	return ret;
}

/* the plot scripts: $BPFAULT_SCRIPTS, then scripts/ beside the binary, then ./scripts */
static int find_scripts(char *out, size_t len)
{
	char exe[PATH_MAX], probe[PATH_MAX + 32];
	const char *env = getenv("BPFAULT_SCRIPTS");
	ssize_t n;

	if (env && *env) {
		pathf(out, len, "%s", env);
		pathf(probe, sizeof(probe), "%s/plot-common.gp", out);
		return access(probe, R_OK) == 0 ? 0 : -ENOENT;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = 0;
		char *slash = strrchr(exe, '/');

		if (slash) {
			*slash = 0;
			pathf(out, len, "%s/scripts", exe);
			pathf(probe, sizeof(probe), "%s/plot-common.gp", out);
			if (access(probe, R_OK) == 0)
				return 0;
		}
	}
	if (getcwd(exe, sizeof(exe))) {
		pathf(out, len, "%s/scripts", exe);
		pathf(probe, sizeof(probe), "%s/plot-common.gp", out);
		if (access(probe, R_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
	return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

static void rm_rf(const char *path)
{
	if (path[0])
		nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int gp_init(struct gp *g, const char *outdir, const char *prefix, char *err, size_t errlen)
{
	memset(g, 0, sizeof(*g));
	g->err = err;
	g->errlen = errlen;
	g->png = g->svg = true;
	if (find_gnuplot(g->gnuplot, sizeof(g->gnuplot)))
		return fail(g, EXIT_SKIP, "gnuplot not found on PATH (install gnuplot-nox)");
	if (find_scripts(g->gpdir, sizeof(g->gpdir)))
		return fail(g, EXIT_SKIP,
			    "plot scripts not found (scripts/plot-common.gp beside the binary or "
			    "in $BPFAULT_SCRIPTS)");
	if (snprintf(g->tmp, sizeof(g->tmp), "%s/%s.XXXXXX", outdir, prefix) >= (int)sizeof(g->tmp))
		return fail(g, EXIT_USAGE, "%s: path too long", outdir);
	if (!mkdtemp(g->tmp)) {
		int e = errno;

		g->tmp[0] = 0;
		return fail(g, EXIT_USAGE, "cannot create a work directory in %s: %s", outdir,
			    strerror(e));
	}
	pathf(g->data, sizeof(g->data), "%s/data", g->tmp);
	pathf(g->plots, sizeof(g->plots), "%s/plots", g->tmp);
	if (mkdir(g->data, 0755) < 0 || mkdir(g->plots, 0755) < 0)
		return fail(g, EXIT_INTERNAL, "%s: %s", g->tmp, strerror(errno));
	return EXIT_OK;
}

static void gp_fini(struct gp *g)
{
	rm_rf(g->tmp);
	free(g->list);
	g->list = NULL;
}

static FILE *gp_data_open(struct gp *g, char *path, size_t len)
{
	FILE *f;

	pathf(path, len, "%s/d%03d.dat", g->data, g->ndata++);
	f = fopen(path, "we");
	if (!f)
		fail(g, EXIT_INTERNAL, "%s: %s", path, strerror(errno));
	return f;
}

static int gp_data_close(struct gp *g, FILE *f, const char *path)
{
	bool bad = ferror(f);

	if (fclose(f) || bad)
		return fail(g, EXIT_INTERNAL, "%s: write failed", path);
	return EXIT_OK;
}

/* the last non-empty line of gnuplot's stderr: its error message */
static void gp_last_line(const char *log, char *out, size_t len)
{
	char *data = NULL, *last = NULL;

	out[0] = 0;
	if (read_file(log, &data, NULL))
		return;
	for (char *save = NULL, *l = strtok_r(data, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save))
		if (strspn(l, " \t^") != strlen(l))
			last = l;
	if (last)
		snprintf(out, len, "%s", last + strspn(last, " \t"));
	free(data);
}

/*
 * Run `gnuplot -e VARS SCRIPT` for plot NAME in every wanted format; the script draws
 * out.'.'.fmt for each fmt in fmts. Checks the exit status and that each file came out.
 */
static int gp_draw(struct gp *g, const char *script, struct sbuf *vars, const char *name,
		   enum plot_kind kind, const char *caption)
{
	char spath[PATH_MAX + 32], log[PATH_MAX + 32], out[PATH_MAX + 200], msg[512];
	int status;
	pid_t pid;

	pathf(spath, sizeof(spath), "%s/%s", g->gpdir, script);
	pathf(log, sizeof(log), "%s/gnuplot.log", g->tmp);
	pathf(out, sizeof(out), "%s/%s", g->plots, name);
	sb_printf(vars, "; gpdir=");
	sb_gpq(vars, g->gpdir);
	sb_printf(vars, "; out=");
	sb_gpq(vars, out);
	sb_printf(vars, "; fmts='%s%s%s'", g->png ? "png" : "", g->png && g->svg ? " " : "",
		  g->svg ? "svg" : "");
	if (vars->err)
		return fail(g, EXIT_INTERNAL, "out of memory");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return fail(g, EXIT_INTERNAL, "fork: %s", strerror(errno));
	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR), lf;

		lf = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (nul < 0 || lf < 0)
			_exit(126);
		dup2(nul, 0);
		dup2(nul, 1);
		dup2(lf, 2);
		execl(g->gnuplot, "gnuplot", "-e", vars->s, spath, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return fail(g, EXIT_INTERNAL, "waitpid: %s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return fail(g, EXIT_SKIP, "cannot execute %s", g->gnuplot);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		gp_last_line(log, msg, sizeof(msg));
		return fail(g, EXIT_INTERNAL, "gnuplot failed drawing %s (%s): %s", name, script,
			    msg[0] ? msg : "no message");
	}
	for (int k = 0; k < 2; k++) {
		struct stat st;

		if (!(k ? g->svg : g->png))
			continue;
		pathf(out, sizeof(out), "%s/%s.%s", g->plots, name, k ? "svg" : "png");
		if (stat(out, &st) < 0 || st.st_size == 0)
			return fail(g, EXIT_INTERNAL, "gnuplot drew no %s.%s", name,
				    k ? "svg" : "png");
	}
	if (g->nlist == g->caplist) {
		int ncap = g->caplist ? g->caplist * 2 : 16;
		struct plot *nl = realloc(g->list, (size_t)ncap * sizeof(*nl));

		if (!nl)
			return fail(g, EXIT_INTERNAL, "out of memory");
		g->list = nl;
		g->caplist = ncap;
	}
	g->list[g->nlist].kind = kind;
	snprintf(g->list[g->nlist].name, sizeof(g->list[0].name), "%s", name);
	snprintf(g->list[g->nlist].caption, sizeof(g->list[0].caption), "%s", caption);
	g->nlist++;
	return EXIT_OK;
}

/* vars common to every plot: data file, titles */
static void vars_start(struct sbuf *v, const char *data, const char *title, const char *subtitle)
{
	sb_printf(v, "data=");
	sb_gpq(v, data);
	sb_printf(v, "; title=");
	sb_gpq(v, title);
	sb_printf(v, "; subtitle=");
	sb_gpq(v, subtitle);
}

/*
 * An arm's style slot (1-based): its place in arm_order, so that its colour and fill are the same
 * in every plot and every run; an arm outside that order takes the slots after it, in the order
 * the run lists it (all: every arm of the run).
 */
static int arm_slot(const struct names *all, const char *arm)
{
	int extra = 0;

	for (size_t k = 0; k < ARRAY_SIZE(arm_order); k++)
		if (!strcmp(arm_order[k], arm))
			return (int)k + 1;
	for (int i = 0; i < all->n; i++) {
		bool known = false;

		if (!strcmp(all->v[i], arm))
			break;
		for (size_t k = 0; k < ARRAY_SIZE(arm_order) && !known; k++)
			known = !strcmp(arm_order[k], all->v[i]);
		extra += !known;
	}
	return (int)ARRAY_SIZE(arm_order) + extra + 1;
}

/* arms='a b c'; ai='1 2 5' (each arm's style slot: arm_slot()) */
static void vars_arms(struct sbuf *v, const struct names *all, const struct names *some)
{
	char sn[RES_NAME];

	sb_printf(v, "; narms=%d; arms='", some->n);
	for (int i = 0; i < some->n; i++) {
		safe_name(sn, sizeof(sn), some->v[i]);
		sb_printf(v, "%s%s", i ? " " : "", sn);
	}
	sb_printf(v, "'; ai='");
	for (int i = 0; i < some->n; i++)
		sb_printf(v, "%s%d", i ? " " : "", arm_slot(all, some->v[i]));
	sb_printf(v, "'");
}

static void num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, " %.6g", v);
	else
		fprintf(f, " NaN");
}

static bool has_rate(const struct res_arm *a)
{
	return a && a->n > 0 && isfinite(a->fail_rate);
}

/*
 * The size/offset that stands for a syscall x sink in its per-state plots: the one with the most
 * cells "ok", the first in the run on ties. Returns that count (0: none ok; -1: no cell).
 */
static int pick_combo(const struct res_run *run, const char *sys, const char *sink, uint32_t *size,
		      uint32_t *off)
{
	int best = -1;

	for (int i = 0; i < run->ncells; i++) {
		const struct res_cell *c = &run->cells[i];
		int cnt = 0;

		if (strcmp(c->syscall, sys) || strcmp(c->sink, sink))
			continue;
		for (int j = 0; j < run->ncells; j++) {
			const struct res_cell *d = &run->cells[j];

			cnt += !strcmp(d->syscall, sys) && !strcmp(d->sink, sink) &&
			       d->size == c->size && d->offset == c->offset && res_cell_ok(d);
		}
		if (cnt > best) {
			best = cnt;
			*size = c->size;
			*off = c->offset;
		}
	}
	return best;
}

/* ---- plot 1: failure rate per arm across page states, per syscall x sink ---- */

static int plot_fail(struct rep *r)
{
	const struct res_run *run = r->run;
	struct gp *g = &r->g;
	int ret = EXIT_OK;

	for (int si = 0; si < r->sys.n; si++) {
		for (int ki = 0; ki < r->sinks.n; ki++) {
			const char *sys = r->sys.v[si], *sink = r->sinks.v[ki];
			uint32_t size = 0, off = 0;
			int best = pick_combo(run, sys, sink, &size, &off);

			if (best <= 0)
				continue;

			struct names arms = {0};
			const struct res_cell *row[64];
			const char *label[64];
			int nrow = 0;

			for (int st = 0; st < r->states.n && nrow < 64; st++) {
				for (int i = 0; i < run->ncells; i++) {
					const struct res_cell *c = &run->cells[i];

					if (strcmp(c->syscall, sys) || strcmp(c->sink, sink) ||
					    strcmp(c->state, r->states.v[st]) || c->size != size ||
					    c->offset != off)
						continue;
					row[nrow] = c;
					label[nrow++] = r->states.v[st];
					if (!res_cell_ok(c))
						break;
					for (int a = 0; a < c->narms; a++)
						if (has_rate(&c->arms[a]) &&
						    names_add(&arms, c->arms[a].name, arm_order,
							      ARRAY_SIZE(arm_order)))
							ret = fail(g, EXIT_INTERNAL,
								   "out of memory");
					break;
				}
			}
			names_sort(&arms);
			if (ret || arms.n == 0) {
				names_free(&arms);
				if (ret)
					return ret;
				continue;
			}

			char path[PATH_MAX], name[160], s1[RES_NAME], s2[RES_NAME], title[256],
				sub[256], cap[320];
			FILE *f = gp_data_open(g, path, sizeof(path));

			if (!f) {
				names_free(&arms);
				return EXIT_INTERNAL;
			}
			fprintf(f, "# state nonresident%%");
			for (int a = 0; a < arms.n; a++)
				fprintf(f, " %s%% lo hi", arms.v[a]);
			fprintf(f, "\n");
			for (int i = 0; i < nrow; i++) {
				const struct res_cell *c = row[i];
				char lab[RES_NAME + 32];
				bool ok = res_cell_ok(c);

				snprintf(lab, sizeof(lab), "%s%s", label[i],
					 ok			       ? ""
					 : c->status == RS_UNSUPPORTED ? "\\n(unsupported)"
								       : "\\n(invalid)");
				data_str(f, lab);
				num(f, ok && c->trials ? 100.0 * (double)c->nonresident_before /
								 (double)c->trials
						       : NAN);
				for (int a = 0; a < arms.n; a++) {
					const struct res_arm *ar =
						ok ? res_find_arm(c, arms.v[a]) : NULL;

					if (has_rate(ar)) {
						num(f, 100 * ar->fail_rate);
						num(f, 100 * ar->ci95[0]);
						num(f, 100 * ar->ci95[1]);
					} else {
						fprintf(f, " NaN NaN NaN");
					}
				}
				fprintf(f, "\n");
			}
			if (gp_data_close(g, f, path)) {
				names_free(&arms);
				return EXIT_INTERNAL;
			}
			safe_name(s1, sizeof(s1), sys);
			safe_name(s2, sizeof(s2), sink);
			pathf(name, sizeof(name), "fail-%s-%s", s1, s2);
			snprintf(title, sizeof(title),
				 "%s, sink %s: failure rate per arm and page state", sys, sink);
			snprintf(sub, sizeof(sub),
				 "%u-byte buffer at offset %u; whiskers: 95%% Wilson interval; "
				 "dashed: "
				 "measured non-resident fraction",
				 size, off);
			snprintf(cap, sizeof(cap),
				 "%s into sink %s (%u bytes at offset %u): failure rate of each "
				 "arm per "
				 "page state, with 95%% intervals and the measured non-resident "
				 "fraction.",
				 sys, sink, size, off);

			struct sbuf v = {0};

			vars_start(&v, path, title, sub);
			vars_arms(&v, &r->arms, &arms);
			sb_printf(&v, "; nrows=%d", nrow);
			ret = gp_draw(g, "plot-fail.gp", &v, name, PK_FAIL, cap);
			sb_free(&v);
			names_free(&arms);
			if (ret)
				return ret;
		}
	}
	return EXIT_OK;
}

/* ---- plot 2: heatmap syscall x state, one panel per arm, one figure per sink ---- */

static int plot_heat(struct rep *r)
{
	const struct res_run *run = r->run;
	struct gp *g = &r->g;
	int ret = EXIT_OK;

	for (int ki = 0; ki < r->sinks.n; ki++) {
		const char *sink = r->sinks.v[ki];
		struct names ys = {0}, xs = {0}, arms = {0};
		bool several = false;
		int err = 0;

		for (int i = 0; i < run->ncells; i++) {
			const struct res_cell *c = &run->cells[i];

			if (strcmp(c->sink, sink) || !res_cell_ok(c))
				continue;
			err |= names_add(&ys, c->syscall, NULL, 0);
			err |= names_add(&xs, c->state, state_order, ARRAY_SIZE(state_order));
			for (int a = 0; a < c->narms; a++)
				if (has_rate(&c->arms[a]))
					err |= names_add(&arms, c->arms[a].name, arm_order,
							 ARRAY_SIZE(arm_order));
			for (int j = 0; j < i; j++) {
				const struct res_cell *d = &run->cells[j];

				if (res_cell_ok(d) && !strcmp(d->sink, sink) &&
				    !strcmp(d->syscall, c->syscall) && !strcmp(d->state, c->state))
					several = true;
			}
		}
		names_sort(&xs);
		names_sort(&arms);
		if (err) {
			ret = fail(g, EXIT_INTERNAL, "out of memory");
			goto next;
		}
		if (!arms.n)
			goto next;

		char path[PATH_MAX], tics[PATH_MAX + 8], name[160], s2[RES_NAME], title[256],
			sub[256], cap[320];
		FILE *f = gp_data_open(g, path, sizeof(path));

		if (!f) {
			ret = EXIT_INTERNAL;
			goto next;
		}
		for (int a = 0; a < arms.n; a++) {
			fprintf(f, "# arm %s: x y fail%% label measured\n", arms.v[a]);
			for (int y = 0; y < ys.n; y++) {
				for (int x = 0; x < xs.n; x++) {
					double v = NAN;
					char lab[32];

					for (int i = 0; i < run->ncells; i++) {
						const struct res_cell *c = &run->cells[i];
						const struct res_arm *ar;

						if (strcmp(c->sink, sink) || !res_cell_ok(c) ||
						    strcmp(c->syscall, ys.v[y]) ||
						    strcmp(c->state, xs.v[x]))
							continue;
						ar = res_find_arm(c, arms.v[a]);
						if (has_rate(ar) && !(v >= 100 * ar->fail_rate))
							v = 100 * ar->fail_rate;
					}
					if (isfinite(v)) {
						pct_prec(v / 100, v < 10 ? 1 : 0, lab,
							 sizeof(lab) - 1);
						strcat(lab, "%");
					} else {
						snprintf(lab, sizeof(lab), "n/a");
					}
					fprintf(f, "%d %d", x, y);
					num(f, isfinite(v) ? v : 0);
					fprintf(f, " ");
					data_str(f, lab);
					fprintf(f, " %d\n", isfinite(v));
				}
				fprintf(f, "\n");
			}
			fprintf(f, "\n\n");
		}
		if ((ret = gp_data_close(g, f, path)))
			goto next;
		pathf(tics, sizeof(tics), "%s.tics", path);
		f = fopen(tics, "we");
		if (!f) {
			ret = fail(g, EXIT_INTERNAL, "%s: %s", tics, strerror(errno));
			goto next;
		}
		fprintf(f, "set xtics (");
		for (int x = 0; x < xs.n; x++) {
			struct sbuf q = {0};

			sb_gpq(&q, xs.v[x]);
			fprintf(f, "%s%s %d", x ? ", " : "", q.s ? q.s : "''", x);
			sb_free(&q);
		}
		fprintf(f, ")\nset ytics (");
		for (int y = 0; y < ys.n; y++) {
			struct sbuf q = {0};

			sb_gpq(&q, ys.v[y]);
			fprintf(f, "%s%s %d", y ? ", " : "", q.s ? q.s : "''", y);
			sb_free(&q);
		}
		fprintf(f, ")\n");
		if ((ret = gp_data_close(g, f, tics)))
			goto next;
		safe_name(s2, sizeof(s2), sink);
		pathf(name, sizeof(name), "heat-%s", s2);
		snprintf(title, sizeof(title),
			 "Failure rate (%%) by syscall and page state, sink %s", sink);
		snprintf(sub, sizeof(sub), "one panel per arm%s; darker = fails more often",
			 several ? "; max over buffer sizes and offsets" : "");
		snprintf(
			cap, sizeof(cap),
			"Sink %s: failure rate of every syscall in every page state, one panel per "
			"arm%s.",
			sink,
			several ? " (the highest over the buffer sizes and offsets measured)" : "");

		struct sbuf v = {0};

		vars_start(&v, path, title, sub);
		vars_arms(&v, &r->arms, &arms);
		sb_printf(&v, "; nx=%d; ny=%d; tics=", xs.n, ys.n);
		sb_gpq(&v, tics);
		ret = gp_draw(g, "plot-heatmap.gp", &v, name, PK_HEAT, cap);
		sb_free(&v);
	next:
		names_free(&ys);
		names_free(&xs);
		names_free(&arms);
		if (ret)
			return ret;
	}
	return EXIT_OK;
}

/* ---- plot 3: failure rate against a graded factor (size, offset) ---- */

static uint32_t factor_val(const struct res_cell *c, int fac)
{
	return fac == 0 ? c->size : c->offset;
}

/* same cell apart from the factor */
static bool same_group(const struct res_cell *a, const struct res_cell *b, int fac)
{
	return !strcmp(a->syscall, b->syscall) && !strcmp(a->state, b->state) &&
	       !strcmp(a->sink, b->sink) && factor_val(a, !fac) == factor_val(b, !fac);
}

static int cmp_cell_fac0(const void *a, const void *b)
{
	const struct res_cell *x = *(const struct res_cell *const *)a,
			      *y = *(const struct res_cell *const *)b;

	return (x->size > y->size) - (x->size < y->size);
}

static int cmp_cell_fac1(const void *a, const void *b)
{
	const struct res_cell *x = *(const struct res_cell *const *)a,
			      *y = *(const struct res_cell *const *)b;

	return (x->offset > y->offset) - (x->offset < y->offset);
}

static int plot_factor(struct rep *r)
{
	static const char *const fname[] = {"size", "offset"};
	const struct res_run *run = r->run;
	struct gp *g = &r->g;
	bool *done = calloc((size_t)run->ncells + 1, sizeof(bool));
	const struct res_cell **grp = calloc((size_t)run->ncells + 1, sizeof(*grp));
	int ret = EXIT_OK;

	if (!done || !grp) {
		free(done);
		free(grp);
		return fail(g, EXIT_INTERNAL, "out of memory");
	}
	for (int fac = 0; fac < 2 && !ret; fac++) {
		memset(done, 0, (size_t)run->ncells * sizeof(bool));
		for (int i = 0; i < run->ncells && !ret; i++) {
			const struct res_cell *c = &run->cells[i];
			struct names arms = {0};
			int n = 0, err = 0;

			if (done[i] || !res_cell_ok(c))
				continue;
			for (int j = i; j < run->ncells; j++) {
				const struct res_cell *d = &run->cells[j];

				if (done[j] || !res_cell_ok(d) || !same_group(c, d, fac))
					continue;
				done[j] = true;
				grp[n++] = d;
				for (int a = 0; a < d->narms; a++)
					if (has_rate(&d->arms[a]))
						err |= names_add(&arms, d->arms[a].name, arm_order,
								 ARRAY_SIZE(arm_order));
			}
			names_sort(&arms);
			if (err)
				ret = fail(g, EXIT_INTERNAL, "out of memory");
			if (n < 2 || !arms.n || err) {
				names_free(&arms);
				continue;
			}
			qsort(grp, (size_t)n, sizeof(*grp), fac ? cmp_cell_fac1 : cmp_cell_fac0);

			char path[PATH_MAX], name[160], s1[RES_NAME], s2[RES_NAME], s3[RES_NAME],
				title[256], sub[256], cap[320], xl[64];
			FILE *f = gp_data_open(g, path, sizeof(path));
			uint32_t lo = factor_val(grp[0], fac), hi = factor_val(grp[n - 1], fac);

			if (!f) {
				names_free(&arms);
				ret = EXIT_INTERNAL;
				break;
			}
			for (int a = 0; a < arms.n; a++) {
				fprintf(f, "# arm %s: %s fail%% lo hi\n", arms.v[a], fname[fac]);
				for (int k = 0; k < n; k++) {
					const struct res_arm *ar = res_find_arm(grp[k], arms.v[a]);

					if (!has_rate(ar))
						continue;
					fprintf(f, "%u", factor_val(grp[k], fac));
					num(f, 100 * ar->fail_rate);
					num(f, 100 * ar->ci95[0]);
					num(f, 100 * ar->ci95[1]);
					fprintf(f, "\n");
				}
				fprintf(f, "\n\n");
			}
			fprintf(f, "# ground truth: %s nonresident%%\n", fname[fac]);
			for (int k = 0; k < n; k++) {
				fprintf(f, "%u", factor_val(grp[k], fac));
				num(f, grp[k]->trials ? 100.0 * (double)grp[k]->nonresident_before /
								(double)grp[k]->trials
						      : NAN);
				fprintf(f, "\n");
			}
			if ((ret = gp_data_close(g, f, path))) {
				names_free(&arms);
				break;
			}
			safe_name(s1, sizeof(s1), c->syscall);
			safe_name(s2, sizeof(s2), c->state);
			safe_name(s3, sizeof(s3), c->sink);
			pathf(name, sizeof(name), "%s-%s-%s-%s-%s%u", fname[fac], s1, s2, s3,
			      fac ? "s" : "o", factor_val(c, !fac));
			snprintf(title, sizeof(title), "%s, %s, sink %s: failure rate against %s",
				 c->syscall, c->state, c->sink,
				 fac ? "offset in the page" : "buffer size");
			snprintf(sub, sizeof(sub), "%s %u bytes; bands: 95%% Wilson interval",
				 fac ? "buffer size" : "offset", factor_val(c, !fac));
			snprintf(xl, sizeof(xl), "%s (bytes%s)", fac ? "offset" : "buffer size",
				 !fac && lo > 0 && hi / lo >= 16 ? ", log scale" : "");
			snprintf(cap, sizeof(cap),
				 "%s in state %s into sink %s: failure rate of each arm against "
				 "the %s "
				 "(%u to %u bytes), with 95%% interval bands and the measured "
				 "non-resident fraction.",
				 c->syscall, c->state, c->sink, fac ? "offset" : "buffer size", lo,
				 hi);

			struct sbuf v = {0};

			vars_start(&v, path, title, sub);
			vars_arms(&v, &r->arms, &arms);
			sb_printf(&v, "; xlab=");
			sb_gpq(&v, xl);
			sb_printf(&v, "; logx=%d", !fac && lo > 0 && hi / lo >= 16);
			ret = gp_draw(g, "plot-factor.gp", &v, name, PK_FACTOR, cap);
			sb_free(&v);
			names_free(&arms);
		}
	}
	free(done);
	free(grp);
	return ret;
}

/* ---- plot 4: cost per arm across page states, per syscall x sink ---- */

static bool has_cost(const struct res_cell *c)
{
	if (!res_cell_ok(c))
		return false;
	for (int a = 0; a < c->narms; a++)
		if (isfinite(c->arms[a].cost_ns))
			return true;
	return false;
}

/*
 * The cell with cost standing for a syscall/state/sink: the one at the plot's size/offset when
 * it has cost, else the one with the most trials (the first on ties); NULL: none has cost.
 */
static const struct res_cell *cost_cell(const struct res_run *run, const char *sys,
					const char *state, const char *sink, uint32_t size,
					uint32_t off)
{
	const struct res_cell *best = NULL;

	for (int i = 0; i < run->ncells; i++) {
		const struct res_cell *c = &run->cells[i];

		if (strcmp(c->syscall, sys) || strcmp(c->state, state) || strcmp(c->sink, sink) ||
		    !has_cost(c))
			continue;
		if (c->size == size && c->offset == off)
			return c;
		if (!best || c->trials > best->trials)
			best = c;
	}
	return best;
}

/* one cost plot: cost-SYS-SINK, x page state, a bar per arm with cost */
static int plot_cost_one(struct rep *r, const char *sys, const char *sink)
{
	const struct res_run *run = r->run;
	struct gp *g = &r->g;
	const struct res_cell *row[64];
	const char *label[64];
	struct names arms = {0};
	uint32_t size = 0, off = 0;
	int nrow = 0, ncost = 0, err = 0, ret;
	bool other_combo = false;

	if (pick_combo(run, sys, sink, &size, &off) < 0)
		return EXIT_OK;
	/* per state: its cell with cost, else its cell at the plot's size/offset (drawn empty) */
	for (int st = 0; st < r->states.n && nrow < 64; st++) {
		const char *state = r->states.v[st];
		const struct res_cell *c = cost_cell(run, sys, state, sink, size, off);

		for (int i = 0; i < run->ncells && !c; i++) {
			const struct res_cell *d = &run->cells[i];

			if (!strcmp(d->syscall, sys) && !strcmp(d->state, state) &&
			    !strcmp(d->sink, sink) && d->size == size && d->offset == off)
				c = d;
		}
		if (!c)
			continue;
		row[nrow] = c;
		label[nrow++] = state;
		if (!has_cost(c))
			continue;
		ncost++;
		other_combo |= c->size != size || c->offset != off;
		for (int a = 0; a < c->narms; a++)
			if (isfinite(c->arms[a].cost_ns))
				err |= names_add(&arms, c->arms[a].name, arm_order,
						 ARRAY_SIZE(arm_order));
	}
	names_sort(&arms);
	if (err) {
		names_free(&arms);
		return fail(g, EXIT_INTERNAL, "out of memory");
	}
	if (!ncost || !arms.n) {
		names_free(&arms);
		return EXIT_OK;
	}

	char path[PATH_MAX];
	FILE *f = gp_data_open(g, path, sizeof(path));

	if (!f) {
		names_free(&arms);
		return EXIT_INTERNAL;
	}
	fprintf(f, "# state then per arm: median_ns lo hi\n");
	/* lo, hi: range of the medians; ylo: lowest positive value drawn; ymax: highest */
	double lo = INFINITY, hi = 0, ylo = INFINITY, ymax = 0;

	for (int i = 0; i < nrow; i++) {
		const struct res_cell *c = row[i];
		char lab[RES_NAME + 64];

		if (has_cost(c) && (c->size != size || c->offset != off))
			snprintf(lab, sizeof(lab), "%s\\n(%u B @ %u)", label[i], c->size,
				 c->offset);
		else
			snprintf(lab, sizeof(lab), "%s%s", label[i],
				 has_cost(c)		       ? ""
				 : c->status == RS_UNSUPPORTED ? "\\n(unsupported)"
				 : !res_cell_ok(c)	       ? "\\n(invalid)"
							       : "\\n(no cost measured)");
		data_str(f, lab);
		for (int a = 0; a < arms.n; a++) {
			const struct res_arm *ar = has_cost(c) ? res_find_arm(c, arms.v[a]) : NULL;

			if (ar && isfinite(ar->cost_ns)) {
				double m = ar->cost_ns;
				double l = isfinite(ar->cost_ci95[0]) ? ar->cost_ci95[0] : m;
				double h = isfinite(ar->cost_ci95[1]) ? ar->cost_ci95[1] : m;

				if (m > 0) {
					lo = fmin(lo, m);
					hi = fmax(hi, m);
				}
				ylo = fmin(ylo, l > 0 ? l : m > 0 ? m : INFINITY);
				ymax = fmax(ymax, fmax(h, m));
				num(f, m);
				num(f, l);
				num(f, h);
			} else {
				fprintf(f, " NaN NaN NaN");
			}
		}
		fprintf(f, "\n");
	}
	if ((ret = gp_data_close(g, f, path))) {
		names_free(&arms);
		return ret;
	}

	/* medians 30 times apart or more (a sleepable read against a failing one): log scale */
	bool logy = isfinite(lo) && hi / lo >= 30;
	double y0 = logy ? pow(10, floor(log10(ylo))) : 0.0, ytop;
	char name[160], s1[RES_NAME], s2[RES_NAME], title[256], sub[320], cap[320], combo[96];
	struct sbuf v = {0};

	if (!(ymax > 0))
		ymax = 1;
	/* headroom for the value labels above the whiskers */
	ytop = logy ? pow(10, log10(ymax) + 0.2 * (log10(ymax) - log10(y0)) + 0.05) : ymax * 1.2;
	snprintf(combo, sizeof(combo), "%u-byte buffer at offset %u%s", size, off,
		 other_combo ? " (others as labelled)" : "");
	safe_name(s1, sizeof(s1), sys);
	safe_name(s2, sizeof(s2), sink);
	pathf(name, sizeof(name), "cost-%s-%s", s1, s2);
	snprintf(title, sizeof(title), "%s, sink %s: cost of a read per arm and page state", sys,
		 sink);
	snprintf(sub, sizeof(sub),
		 "%s; bars: median ns per read; whiskers: its 95%% distribution-free "
		 "interval%s",
		 combo, logy ? "; log scale" : "");
	snprintf(cap, sizeof(cap),
		 "%s into sink %s (%u bytes at offset %u%s): median cost of each arm's read, in ns "
		 "per read, per page state, with 95%% distribution-free intervals of the median%s.",
		 sys, sink, size, off, other_combo ? ", other sizes as labelled" : "",
		 logy ? " (log scale)" : "");
	vars_start(&v, path, title, sub);
	vars_arms(&v, &r->arms, &arms);
	sb_printf(&v, "; nrows=%d; logy=%d; ylo=%g; ytop=%g", nrow, logy, y0, ytop);
	ret = gp_draw(g, "plot-cost.gp", &v, name, PK_COST, cap);
	sb_free(&v);
	names_free(&arms);
	return ret;
}

static int plot_cost(struct rep *r)
{
	for (int si = 0; si < r->sys.n; si++)
		for (int ki = 0; ki < r->sinks.n; ki++) {
			int ret = plot_cost_one(r, r->sys.v[si], r->sinks.v[ki]);

			if (ret)
				return ret;
		}
	return EXIT_OK;
}

/* ---- plot 5: baseline vs current ---- */

/* the default rule: the current interval lies wholly above the baseline's, or an exact arm fails */
static bool regressed(const struct res_arm *b, const struct res_arm *c)
{
	if (b->exact)
		return c->fails > 0;
	return c->ci95[0] > b->ci95[1];
}

static bool row_regressed(const struct report_compare_opts *o, const struct res_cell *c,
			  const struct res_arm *ba, const struct res_arm *ca)
{
	return o && o->regressed ? o->regressed(c, ca->name, o->ctx) : regressed(ba, ca);
}

/* "role: name, kernel K" for the legend (no name: "role, kernel K") */
static void run_legend(char *buf, size_t len, const char *role, const char *name,
		       const struct res_run *run)
{
	snprintf(buf, len, "%s%s%s, kernel %s", role, name && *name ? ": " : "",
		 name && *name ? name : "", run->kernel[0] ? run->kernel : "?");
}

static int draw_compare(struct gp *g, const struct res_run *base, const struct res_run *cur,
			const struct report_compare_opts *o)
{
	char path[PATH_MAX], sub[512], bl[PATH_MAX + 64], cl[PATH_MAX + 64];
	FILE *f = gp_data_open(g, path, sizeof(path));
	int nrow = 0, nreg = 0, ret;

	if (!f)
		return EXIT_INTERNAL;
	fprintf(f, "# row label base lo hi cur lo hi regression\n");
	/* first row at the top */
	for (int pass = 0; pass < 2; pass++) {
		int row = 0;

		for (int i = 0; i < cur->ncells; i++) {
			const struct res_cell *c = &cur->cells[i], *b = res_find_cell(base, c);

			if (!b || !res_cell_ok(c) || !res_cell_ok(b))
				continue;
			for (int a = 0; a < c->narms; a++) {
				const struct res_arm *ca = &c->arms[a],
						     *ba = res_find_arm(b, ca->name);
				char key[160], lab[240];
				bool reg;

				if (!has_rate(ca) || !has_rate(ba))
					continue;
				reg = row_regressed(o, c, ba, ca);
				if (pass == 0) {
					nrow++;
					nreg += reg;
					continue;
				}
				res_cell_key(c, key, sizeof(key));
				if (reg)
					snprintf(lab, sizeof(lab), "%s %s  [REGRESSION %+.2fpp]",
						 key, ca->name,
						 100 * (ca->fail_rate - ba->fail_rate));
				else
					snprintf(lab, sizeof(lab), "%s %s", key, ca->name);
				fprintf(f, "%d ", nrow - 1 - row++);
				data_str(f, lab);
				num(f, 100 * ba->fail_rate);
				num(f, 100 * ba->ci95[0]);
				num(f, 100 * ba->ci95[1]);
				num(f, 100 * ca->fail_rate);
				num(f, 100 * ca->ci95[0]);
				num(f, 100 * ca->ci95[1]);
				fprintf(f, " %d\n", reg);
			}
		}
	}
	if ((ret = gp_data_close(g, f, path)))
		return ret;
	if (!nrow)
		return fail(g, EXIT_USAGE, "the two runs share no measured cell x arm to compare");
	snprintf(sub, sizeof(sub), "%d cell x arm rows, %d regression%s (%s)", nrow, nreg,
		 nreg == 1 ? "" : "s",
		 o && o->regressed && o->rule ? o->rule
					      : "current lower bound above baseline upper bound");
	run_legend(bl, sizeof(bl), "baseline", o ? o->base_name : NULL, base);
	run_legend(cl, sizeof(cl), "current", o ? o->cur_name : NULL, cur);

	struct sbuf v = {0};

	vars_start(&v, path, "Baseline against current: failure rate per cell and arm", sub);
	sb_printf(&v, "; nrows=%d; nreg=%d; blabel=", nrow, nreg);
	sb_gpq(&v, bl);
	sb_printf(&v, "; clabel=");
	sb_gpq(&v, cl);
	ret = gp_draw(g, "plot-compare.gp", &v, "compare", PK_COMPARE,
		      "Baseline against current run, per cell and arm, with 95% intervals; "
		      "regressions highlighted.");
	sb_free(&v);
	return ret;
}

int report_plot_compare_marked(const struct res_run *base, const struct res_run *cur,
			       const char *outdir, const struct report_compare_opts *opts,
			       char *err, size_t errlen)
{
	struct gp g;
	int ret = gp_init(&g, outdir, ".compare.tmp", err, errlen);

	if (!ret)
		ret = draw_compare(&g, base, cur, opts);
	/* both drawn: only now do they replace what OUTDIR had */
	for (int k = 0; k < 2 && !ret; k++) {
		char from[PATH_MAX + 32], to[PATH_MAX + 32];

		if (!(k ? g.svg : g.png))
			continue;
		pathf(from, sizeof(from), "%s/compare.%s", g.plots, k ? "svg" : "png");
		pathf(to, sizeof(to), "%s/compare.%s", outdir, k ? "svg" : "png");
		if (rename(from, to) < 0)
			ret = fail(&g, EXIT_INTERNAL, "rename %s: %s", to, strerror(errno));
	}
	gp_fini(&g);
	return ret;
}

int report_plot_compare(const struct res_run *base, const struct res_run *cur, const char *outdir,
			char *err, size_t errlen)
{
	return report_plot_compare_marked(base, cur, outdir, NULL, err, errlen);
}

/* ---- report.html ---- */

static const char css[] =
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;"
	"max-width:1500px;padding:0 20px 40px;color:#111;background:#fff}"
	"h1{font-size:24px;margin:20px 0 8px}h2{font-size:19px;margin:30px 0 8px;"
	"border-bottom:2px solid #333}h3{font-size:16px;margin:18px 0 6px}"
	".banner{padding:10px 14px;font-weight:bold;border:3px solid;margin:12px 0}"
	".incomplete{background:#fde0dc;border-color:#b00020;color:#6d0015}"
	".complete{background:#e6f2e6;border-color:#2e6b2e;color:#1b451b}"
	"table{border-collapse:collapse;margin:6px 0;font-size:13px}"
	"th,td{border:1px solid #999;padding:3px 7px;text-align:left;vertical-align:top}"
	"th{background:#e8e8e8}td.num{text-align:right;font-variant-numeric:tabular-nums}"
	"table.meta th{width:170px}"
	".r0{background:#fff}.r1{background:#f0f0f0}.r2{background:#d0d0d0}"
	".r3{background:#a8a8a8;font-weight:bold}"
	".ci{color:#333;font-size:11px;white-space:nowrap}"
	"ul.notes li{margin:4px 0}.warn{color:#8a0000;font-weight:bold}"
	".safe{font-weight:bold}.unusable{font-weight:bold;text-decoration:underline}"
	"figure{margin:16px 0;border:1px solid #ccc;padding:8px}figure img{max-width:100%;"
	"height:auto;display:block}figcaption{font-size:13px;color:#333;margin-top:4px}"
	"td.pairs{white-space:nowrap;font-size:12px}div.scroll{overflow-x:auto}"
	"code{font-family:ui-monospace,monospace;font-size:13px}"
	"ul.dropped{margin:2px 0;padding-left:18px}"
	"div.pair{border-left:4px solid #999;padding-left:8px;margin:16px 0}"
	"div.pair figure{margin:6px 0}"
	".legend span{display:inline-block;padding:1px 8px;border:1px solid #999;margin-right:4px}";

static int rate_class(const struct res_arm *a)
{
	if (a->ci95[1] < 0.01 || a->fail_rate < 0.01)
		return 0;
	if (a->fail_rate < 0.5)
		return 1;
	if (a->fail_rate < 0.95)
		return 2;
	return 3;
}

/*
 * The meta keys of a bpfault/1 run, in the order shown, with their labels. Rows marked required
 * say "not recorded" when the key is missing; the others are left out. Keys shown elsewhere
 * (matrix beside matrix_id, complete as the status) are listed with no label; any key not listed
 * here is shown after these under its own name.
 */
enum meta_kind {
	MK_PLAIN,
	MK_COMMAND,
	MK_MATRIX,
	MK_LIST,
	MK_PRECISION,
	MK_BLOCK,
	MK_CPU,
	MK_END,
	MK_FILE,
	MK_SECONDS,
	MK_KIB,
};

static const struct meta_field {
	const char *key;
	const char *label; /* NULL: shown with another row */
	enum meta_kind kind;
	bool required;
} meta_fields[] = {
	{"hostname", "host", MK_PLAIN, false},
	{"kernel", "kernel", MK_PLAIN, true},
	{"machine", "machine (architecture)", MK_PLAIN, false},
	{"cpu", "CPU", MK_PLAIN, true},
	{"cores", "cores", MK_PLAIN, true},
	{"memory_bytes", "memory", MK_PLAIN, true},
	{"swap_found", "swap (as found)", MK_PLAIN, false},
	{"swap_used", "swap (used)", MK_PLAIN, false},
	{"libbpf", "libbpf", MK_PLAIN, false},
	{"tool", "tool", MK_PLAIN, false},
	{"git_rev", "git revision", MK_PLAIN, false},
	{"command", "command line", MK_COMMAND, true},
	{"matrix_id", "matrix", MK_MATRIX, false},
	{"matrix", NULL, MK_PLAIN, false},
	{"matrix_file", "matrix file", MK_FILE, false},
	{"dropped", "dropped from the matrix", MK_LIST, false},
	{"seed", "seed", MK_PLAIN, true},
	{"trials_min", "trials per cell, at least", MK_PLAIN, false},
	{"trials_max", "trials per cell, at most", MK_PLAIN, false},
	{"precision", "precision", MK_PRECISION, false},
	{"block", "block", MK_BLOCK, false},
	{"cpu_pinned", "pinned to", MK_CPU, false},
	{"trial_order", "trial order", MK_PLAIN, false},
	{"start_utc", "start (UTC)", MK_PLAIN, true},
	{"end_utc", "end (UTC)", MK_END, true},
	{"elapsed_s", "elapsed", MK_SECONDS, false},
	{"max_rss_kib", "peak memory of bpfault (RSS)", MK_KIB, false},
	{"complete", NULL, MK_PLAIN, false},
};

static void meta_value(struct sbuf *b, const char *key, json_t *v)
{
	size_t klen = strlen(key);

	if (json_is_string(v)) {
		sb_esc(b, json_string_value(v));
	} else if (json_is_integer(v) && klen > 6 && !strcmp(key + klen - 6, "_bytes")) {
		double x = (double)json_integer_value(v);

		sb_printf(b, "%.2f GiB (%lld bytes)", x / (1024.0 * 1024 * 1024),
			  (long long)json_integer_value(v));
	} else if (json_is_array(v) && json_array_size(v) > 0 &&
		   json_is_string(json_array_get(v, 0))) {
		size_t i;
		json_t *e;

		json_array_foreach(v, i, e)
		{
			if (i)
				sb_printf(b, " ");
			if (json_is_string(e))
				sb_esc(b, json_string_value(e));
		}
	} else {
		char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

		sb_esc(b, s ? s : "?");
		free(s);
	}
}

/* one argument as a POSIX shell would need it: bare when it is safe, else single-quoted */
static void sb_shell_arg(struct sbuf *b, const char *s)
{
	bool bare = *s != 0;

	for (const char *p = s; *p && bare; p++)
		bare = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			      "-_./,:=+@%",
			      *p) != NULL;
	if (bare) {
		sb_esc(b, s);
		return;
	}
	sb_printf(b, "&#39;");
	for (; *s; s++) {
		if (*s == '\'') {
			sb_printf(b, "&#39;\\&#39;&#39;");
		} else {
			char c[2] = {*s, 0};

			sb_esc(b, c);
		}
	}
	sb_printf(b, "&#39;");
}

/* "2025-11-24T19:00:00Z" as seconds since the epoch, or -1 */
static long long utc_seconds(const char *s)
{
	struct tm tm = {0};
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);

	return end && !*end ? (long long)timegm(&tm) : -1;
}

static void meta_row_value(struct sbuf *b, const struct res_run *run, const struct meta_field *m,
			   json_t *v)
{
	json_t *o;

	switch (m->kind) {
	case MK_COMMAND: /* argv after the program's name: shown as a command line */
		if (!json_is_array(v))
			break;
		o = json_object_get(run->meta, "tool");
		sb_printf(b, "<code>");
		sb_esc(b, json_is_string(o) ? json_string_value(o) : "bpfault");
		for (size_t i = 0; i < json_array_size(v); i++) {
			json_t *e = json_array_get(v, i);

			sb_printf(b, " ");
			if (json_is_string(e))
				sb_shell_arg(b, json_string_value(e));
		}
		sb_printf(b, "</code>");
		return;
	case MK_MATRIX: /* its name, then its fingerprint */
		o = json_object_get(run->meta, "matrix");
		if (json_is_string(o) && *json_string_value(o)) {
			sb_esc(b, json_string_value(o));
			sb_printf(b, " (matrix_id <code>");
			meta_value(b, m->key, v);
			sb_printf(b, "</code>)");
		} else {
			sb_printf(b, "matrix_id <code>");
			meta_value(b, m->key, v);
			sb_printf(b, "</code>");
		}
		return;
	case MK_LIST: /* cells left out, each with its reason */
		if (!json_is_array(v))
			break;
		if (!json_array_size(v)) {
			sb_printf(b, "none");
			return;
		}
		sb_printf(b, "%zu combination%s that cannot run:<ul class=\"dropped\">",
			  json_array_size(v), json_array_size(v) == 1 ? "" : "s");
		for (size_t i = 0; i < json_array_size(v); i++) {
			json_t *e = json_array_get(v, i);

			sb_printf(b, "<li>");
			meta_value(b, m->key, e);
			sb_printf(b, "</li>");
		}
		sb_printf(b, "</ul>");
		return;
	case MK_PRECISION:
		if (!json_is_number(v))
			break;
		if (json_number_value(v) > 0)
			sb_printf(b,
				  "%g: a cell stops once every arm&rsquo;s 95%% half-width is at "
				  "most %g points",
				  json_number_value(v), 100 * json_number_value(v));
		else
			sb_printf(b, "0: off, every cell runs its maximum of trials");
		return;
	case MK_BLOCK:
		if (!json_is_integer(v))
			break;
		sb_printf(b, "%lld trials per cell per round", (long long)json_integer_value(v));
		return;
	case MK_CPU:
		if (!json_is_integer(v))
			break;
		sb_printf(b, "CPU %lld", (long long)json_integer_value(v));
		return;
	case MK_END: { /* and how long the run took */
		json_t *st = json_object_get(run->meta, "start_utc");
		long long t0 = json_is_string(st) ? utc_seconds(json_string_value(st)) : -1,
			  t1 = json_is_string(v) ? utc_seconds(json_string_value(v)) : -1;

		meta_value(b, m->key, v);
		if (t0 >= 0 && t1 >= t0 && t1 - t0 < 60)
			sb_printf(b, " (%lld s after the start)", t1 - t0);
		else if (t0 >= 0 && t1 >= t0)
			sb_printf(b, " (%lld min %02lld s after the start)", (t1 - t0) / 60,
				  (t1 - t0) % 60);
		return;
	}
	case MK_FILE:
		if (!json_is_null(v))
			break;
		sb_printf(b, "none: the matrix came from the command line");
		return;
	case MK_SECONDS:
		if (!json_is_number(v))
			break;
		sb_printf(b, "%.1f s", json_number_value(v));
		return;
	case MK_KIB:
		if (!json_is_integer(v))
			break;
		sb_printf(b, "%.1f MiB (%lld KiB)", (double)json_integer_value(v) / 1024,
			  (long long)json_integer_value(v));
		return;
	case MK_PLAIN:
		break;
	}
	meta_value(b, m->key, v);
}

static void html_meta(struct sbuf *b, const struct res_run *run)
{
	const char *key;
	json_t *v;

	sb_printf(b, "<h2 id=\"run\">The run</h2>\n<table class=\"meta\">\n");
	for (size_t i = 0; i < ARRAY_SIZE(meta_fields); i++) {
		const struct meta_field *m = &meta_fields[i];
		json_t *val = json_object_get(run->meta, m->key);

		if (!m->label || (!val && !m->required))
			continue;
		sb_printf(b, "<tr><th>%s</th><td>", m->label);
		if (val)
			meta_row_value(b, run, m, val);
		else
			sb_printf(b, "<em>not recorded</em>");
		sb_printf(b, "</td></tr>\n");
	}
	/* anything else the run recorded */
	json_object_foreach(run->meta, key, v)
	{
		bool known = false;

		for (size_t i = 0; i < ARRAY_SIZE(meta_fields) && !known; i++)
			known = !strcmp(meta_fields[i].key, key);
		if (known)
			continue;
		sb_printf(b, "<tr><th>");
		sb_esc(b, key);
		sb_printf(b, "</th><td>");
		meta_value(b, key, v);
		sb_printf(b, "</td></tr>\n");
	}
	sb_printf(b, "<tr><th>status</th><td>%s</td></tr>\n</table>\n",
		  run->complete ? "complete" : "<strong>INCOMPLETE</strong>");
}

static void html_rate(struct sbuf *b, const struct res_arm *a)
{
	char p[32], lo[32], hi[32];

	sb_printf(b, "<td class=\"num r%d\">%s%%<br><span class=\"ci\">[%s, %s]", rate_class(a),
		  pct(a->fail_rate, p, sizeof(p)), pct(a->ci95[0], lo, sizeof(lo)),
		  pct(a->ci95[1], hi, sizeof(hi)));
	if (a->fails == 0 && isfinite(a->upper95))
		sb_printf(b, " &le;%s one-sided", pct(a->upper95, p, sizeof(p)));
	sb_printf(b, "<br>%llu/%llu", (unsigned long long)a->fails, (unsigned long long)a->n);
	if (isfinite(a->cost_ns))
		sb_printf(b, "<br>%.0f ns", a->cost_ns);
	if (a->missed)
		sb_printf(b, "<br><span class=\"warn\">%llu missed</span>",
			  (unsigned long long)a->missed);
	sb_printf(b, "</span></td>");
}

/* the columns that name a cell and count its trials, in both tables of cells */
#define CELL_TH                                                                                    \
	"<tr><th>syscall</th><th>state</th><th>sink</th><th>size</th><th>offset</th>"              \
	"<th>trials</th><th>non-resident before</th>"

/* a cell's row up to its trials (the non-resident count is the caller's) */
static void html_cell_tds(struct sbuf *b, const struct res_cell *c)
{
	sb_printf(b, "<tr><td>");
	sb_esc(b, c->syscall);
	sb_printf(b, "</td><td>");
	sb_esc(b, c->state);
	sb_printf(b, "</td><td>");
	sb_esc(b, c->sink);
	sb_printf(b,
		  "</td><td class=\"num\">%u</td><td class=\"num\">%u</td>"
		  "<td class=\"num\">%llu</td>",
		  c->size, c->offset, (unsigned long long)c->trials);
}

static void html_table(struct sbuf *b, const struct rep *r)
{
	const struct res_run *run = r->run;
	int nok = 0;

	for (int i = 0; i < run->ncells; i++)
		nok += res_cell_ok(&run->cells[i]);
	sb_printf(b, "<h2 id=\"summary\">Summary: %d measured cell%s</h2>\n", nok,
		  nok == 1 ? "" : "s");
	sb_printf(
		b,
		"<p>Each arm: failure rate with its 95%% Wilson interval, failures/reads, and "
		"the median cost of the read when measured. <span class=\"legend\">"
		"<span class=\"r0\">&lt;1%%</span><span class=\"r1\">&lt;50%%</span>"
		"<span class=\"r2\">&lt;95%%</span><span class=\"r3\">&ge;95%%</span>"
		"</span> Paired: reads of the same trials; <i>a only</i> / <i>b only</i> "
		"count trials where only that arm failed; p is McNemar&rsquo;s exact test.</p>\n");
	sb_printf(b, "<div class=\"scroll\"><table class=\"summary\">\n" CELL_TH);
	for (int a = 0; a < r->arms.n; a++) {
		sb_printf(b, "<th>");
		sb_esc(b, r->arms.v[a]);
		sb_printf(b, " fail%%</th>");
	}
	sb_printf(b, "<th>paired: a/b, a only/b only, McNemar p</th></tr>\n");
	for (int i = 0; i < run->ncells; i++) {
		const struct res_cell *c = &run->cells[i];

		if (!res_cell_ok(c))
			continue;
		html_cell_tds(b, c);
		sb_printf(b, "<td class=\"num\">%llu (%.1f%%)</td>",
			  (unsigned long long)c->nonresident_before,
			  c->trials ? 100.0 * (double)c->nonresident_before / (double)c->trials
				    : 0.0);
		for (int a = 0; a < r->arms.n; a++) {
			const struct res_arm *ar = res_find_arm(c, r->arms.v[a]);

			if (has_rate(ar))
				html_rate(b, ar);
			else
				sb_printf(b, "<td>&mdash;</td>");
		}
		sb_printf(b, "<td class=\"pairs\">");
		for (int p = 0; p < c->npairs; p++) {
			const struct res_pair *pr = &c->pairs[p];

			sb_printf(b, "%s", p ? "<br>" : "");
			sb_esc(b, pr->a);
			sb_printf(b, "/");
			sb_esc(b, pr->b);
			sb_printf(b, " %llu/%llu ", (unsigned long long)pr->a_only,
				  (unsigned long long)pr->b_only);
			if (!isfinite(pr->p))
				sb_printf(b, "p n/a");
			else if (pr->p < 1e-4)
				sb_printf(b, "p&lt;0.0001");
			else
				sb_printf(b, "p=%.3g", pr->p);
		}
		if (!c->npairs)
			sb_printf(b, "&mdash;");
		sb_printf(b, "</td></tr>\n");
	}
	sb_printf(b, "</table></div>\n");
}

static void html_notok(struct sbuf *b, const struct res_run *run)
{
	for (int kind = 0; kind < 2; kind++) {
		enum res_status want = kind ? RS_INVALID : RS_UNSUPPORTED;
		int n = 0;

		for (int i = 0; i < run->ncells; i++)
			n += run->cells[i].status == want;
		sb_printf(b, "<h3>%s cells: %d</h3>\n", kind ? "Invalid" : "Unsupported", n);
		if (kind == 0 && n)
			sb_printf(b,
				  "<p>Not run on this kernel or machine, with the reason.</p>\n");
		if (kind == 1 && n)
			sb_printf(b,
				  "<p>Measured but not to be trusted (for example, the page state "
				  "did not take); their rates are left out of the summary and "
				  "plots.</p>\n");
		if (!n)
			continue;
		sb_printf(b, "<table>" CELL_TH "<th>reason</th></tr>\n");
		for (int i = 0; i < run->ncells; i++) {
			const struct res_cell *c = &run->cells[i];
			const char *why = c->reason;

			if (c->status != want)
				continue;
			html_cell_tds(b, c);
			sb_printf(b, "<td class=\"num\">%llu</td><td>",
				  (unsigned long long)c->nonresident_before);
			sb_esc(b, *why ? why : "(no reason given)");
			sb_printf(b, "</td></tr>\n");
		}
		sb_printf(b, "</table>\n");
	}
	/* anything else ("pending", unknown statuses) */
	for (int i = 0; i < run->ncells; i++) {
		const struct res_cell *c = &run->cells[i];
		char key[160];

		if (c->status != RS_PENDING)
			continue;
		res_cell_key(c, key, sizeof(key));
		sb_printf(b, "<p>Cell <code>");
		sb_esc(b, key);
		sb_printf(b, "</code>: status <code>");
		sb_esc(b, res_status_name(c->status));
		sb_printf(b, "</code></p>\n");
	}
}

/* a state in which the buffer is meant to be absent, and the ground truth says it was (>= 90%) */
static bool nonresident_cell(const struct res_cell *c)
{
	return res_cell_ok(c) && strcmp(c->state, "resident") && c->trials > 0 &&
	       (double)c->nonresident_before >= 0.9 * (double)c->trials;
}

/* an arm's name for a sentence, with its hook where the name alone does not say it */
static void sb_arm(struct sbuf *b, const char *arm)
{
	static const char *const hooks[][2] = {
		{"sleep", "sleepable uprobe, bpf_copy_from_user"},
		{"fentry", "vfs_write"},
		{"kprobe", "vfs_write"},
		{"submit", "io_uring_submit_req"},
		{"later", "io_uring_complete"},
	};

	sb_esc(b, arm);
	for (size_t i = 0; i < ARRAY_SIZE(hooks); i++)
		if (!strcmp(hooks[i][0], arm))
			sb_printf(b, " (%s)", hooks[i][1]);
}

/* "55.0% to 100.0%", or "100.0%" when both ends print the same */
static void sb_range(struct sbuf *b, double lo, double hi)
{
	char p1[32], p2[32];

	pct(lo, p1, sizeof(p1));
	pct(hi, p2, sizeof(p2));
	if (strcmp(p1, p2))
		sb_printf(b, "%s%% to %s%%", p1, p2);
	else
		sb_printf(b, "%s%%", p1);
}

/* "850 ns", "62.6 µs" */
static const char *fmt_ns(double ns, char *buf, size_t len)
{
	if (ns < 1000)
		snprintf(buf, len, "%.0f ns", ns);
	else
		snprintf(buf, len, "%.1f &micro;s", ns / 1000);
	return buf;
}

/* reads needed for a Wilson 95% upper bound below 1% with no failure: z^2 / (n + z^2) < 0.01 */
static unsigned long long trials_for_one_percent(void)
{
	return (unsigned long long)floor(99 * STATS_Z95 * STATS_Z95) + 1;
}

/* what one arm did over the non-resident cells of one syscall x sink */
struct arm_sum {
	int seen;		 /* cells with a rate */
	double rmin, rmax, umax; /* failure rate range, highest upper 95% bound */
	const struct res_cell *cmin, *cmax;
	uint64_t n, nmin;	 /* trials in all, in the cell with the fewest */
	double cost_lo, cost_hi; /* range of the per-cell median costs */
};

/* the arm pair whose comparison explains a syscall: enter/exit, or io_uring's submit/later */
static const char *const pair_arms[][2] = {{"enter", "exit"}, {"submit", "later"}};

/* the notes for one syscall x sink; false when it has no non-resident cell */
static bool notes_group(struct sbuf *b, const struct rep *r, const char *sys, const char *sink)
{
	const struct res_run *run = r->run;
	int na = r->arms.n, ncells = 0, ie = -1, il = -1, nboth = 0;
	struct arm_sum *s = calloc(na ? (size_t)na : 1, sizeof(*s));
	const char *early = NULL, *late = NULL;
	bool same_late = true;
	double e_sum = 0, l_sum = 0;
	char p1[32], p2[32], c1[32], c2[32];

	if (!s) {
		b->err = -ENOMEM;
		return false;
	}
	for (int a = 0; a < na; a++) {
		s[a].rmin = s[a].cost_lo = INFINITY;
		s[a].rmax = s[a].umax = s[a].cost_hi = -INFINITY;
		s[a].nmin = UINT64_MAX;
	}
	/* the first pair that some non-resident cell of this group measured both arms of */
	for (size_t k = 0; k < ARRAY_SIZE(pair_arms) && !early; k++) {
		for (int i = 0; i < run->ncells && !early; i++) {
			const struct res_cell *c = &run->cells[i];

			if (!strcmp(c->syscall, sys) && !strcmp(c->sink, sink) &&
			    nonresident_cell(c) && has_rate(res_find_arm(c, pair_arms[k][0])) &&
			    has_rate(res_find_arm(c, pair_arms[k][1]))) {
				early = pair_arms[k][0];
				late = pair_arms[k][1];
				ie = names_find(&r->arms, early);
				il = names_find(&r->arms, late);
			}
		}
	}
	for (int i = 0; i < run->ncells; i++) {
		const struct res_cell *c = &run->cells[i];
		const struct res_arm *e, *x;

		if (strcmp(c->syscall, sys) || strcmp(c->sink, sink) || !nonresident_cell(c))
			continue;
		ncells++;
		for (int a = 0; a < na; a++) {
			const struct res_arm *ar = res_find_arm(c, r->arms.v[a]);
			struct arm_sum *m = &s[a];

			if (!has_rate(ar))
				continue;
			m->seen++;
			if (ar->fail_rate < m->rmin) {
				m->rmin = ar->fail_rate;
				m->cmin = c;
			}
			if (ar->fail_rate > m->rmax) {
				m->rmax = ar->fail_rate;
				m->cmax = c;
			}
			m->umax = fmax(m->umax, ar->ci95[1]);
			m->n += ar->n;
			if (ar->n < m->nmin)
				m->nmin = ar->n;
			if (isfinite(ar->cost_ns)) {
				m->cost_lo = fmin(m->cost_lo, ar->cost_ns);
				m->cost_hi = fmax(m->cost_hi, ar->cost_ns);
			}
		}
		e = early ? res_find_arm(c, early) : NULL;
		x = late ? res_find_arm(c, late) : NULL;
		if (has_rate(e) && has_rate(x)) {
			nboth++;
			e_sum += e->fail_rate;
			l_sum += x->fail_rate;
			if (e->fail_rate < 0.5 || x->fail_rate < 0.9 * e->fail_rate)
				same_late = false;
		}
	}
	if (!ncells) {
		free(s);
		return false;
	}
	sb_printf(b, "<li><b>");
	sb_esc(b, sys);
	sb_printf(b, ", sink ");
	sb_esc(b, sink);
	sb_printf(b, "</b> (%d non-resident cell%s):<ul>\n", ncells, ncells == 1 ? "" : "s");
	for (int a = 0; a < na; a++) {
		const struct arm_sum *m = &s[a];

		if (!m->seen)
			continue;
		sb_printf(b, "<li>");
		sb_arm(b, r->arms.v[a]);
		if (m->umax < 0.01) {
			sb_printf(b,
				  ": <span class=\"safe\">safe on this kernel</span>; upper 95%% "
				  "bound below %s%% in every non-resident state",
				  pct(m->umax, p1, sizeof(p1)));
		} else if (m->rmax == 0) {
			sb_printf(b, ": no failure in %llu trial%s", (unsigned long long)m->n,
				  m->n == 1 ? "" : "s");
			if (m->seen > 1 && m->nmin * (uint64_t)m->seen == m->n)
				sb_printf(b, " (%llu per cell)", (unsigned long long)m->nmin);
			else if (m->seen > 1)
				sb_printf(b, " (%llu in the cell with the fewest)",
					  (unsigned long long)m->nmin);
			sb_printf(b,
				  ", but too few trials to bound the rate below 1%%: upper 95%% "
				  "bound %s%%; %llu trials per cell would",
				  pct(m->umax, p1, sizeof(p1)), trials_for_one_percent());
		} else if (m->rmin >= 0.95) {
			sb_printf(b, ": <span class=\"unusable\">unusable</span>; fails in %s%%",
				  pct(m->rmin, p1, sizeof(p1)));
			if (strcmp(p1, pct(m->rmax, p2, sizeof(p2))))
				sb_printf(b, " to %s%%", p2);
			sb_printf(b, " of reads when the page is not resident");
		} else {
			char k1[160], k2[160];

			res_cell_key(m->cmin, k1, sizeof(k1));
			res_cell_key(m->cmax, k2, sizeof(k2));
			sb_printf(b, ": %s; fails in %s%% (<code>",
				  m->rmax < 0.05 ? "rarely fails" : "unreliable",
				  pct(m->rmin, p1, sizeof(p1)));
			sb_esc(b, k1);
			sb_printf(b, "</code>) to %s%% (<code>", pct(m->rmax, p2, sizeof(p2)));
			sb_esc(b, k2);
			sb_printf(b, "</code>) of reads when the page is not resident");
		}
		if (m->seen < ncells)
			sb_printf(b, " (measured in %d of %d)", m->seen, ncells);
		sb_printf(b, ".</li>\n");
	}
	const char *at = late && !strcmp(late, "later") ? "at completion" : "at exit";

	if (nboth && same_late) {
		sb_printf(b, "<li>");
		sb_arm(b, late);
		sb_printf(b, " fails as often as ");
		sb_arm(b, early);
		sb_printf(b,
			  " (%s%% against %s%% on average): the kernel never touched the buffer "
			  "for sink ",
			  pct(l_sum / nboth, p1, sizeof(p1)), pct(e_sum / nboth, p2, sizeof(p2)));
		sb_esc(b, sink);
		sb_printf(b,
			  ", so the page was still absent %s; reading there does not help, only "
			  "a read that faults the page in does.</li>\n",
			  at);
	} else if (nboth && s[ie].seen && s[il].seen && s[ie].rmin >= 0.5 &&
		   (s[il].umax < 0.01 || s[il].rmax == 0)) {
		sb_printf(b, "<li>");
		sb_arm(b, late);
		sb_printf(b, " works where ");
		sb_arm(b, early);
		sb_printf(b, " fails: ");
		sb_esc(b, early);
		sb_printf(b, " failed ");
		sb_range(b, s[ie].rmin, s[ie].rmax);
		sb_printf(b, " of reads, ");
		sb_esc(b, late);
		sb_printf(b,
			  " at most %s%%; the %s brought the page in, so a read %s sees it.</li>\n",
			  pct(s[il].rmax, p1, sizeof(p1)),
			  strcmp(late, "later") ? "syscall" : "io_uring write", at);
	}
	/* the read that faults pages in, against the one it replaces */
	int is = names_find(&r->arms, "sleep");

	if (is >= 0 && ie >= 0 && s[is].seen && s[ie].seen && s[is].rmax == 0 &&
	    s[ie].rmin >= 0.5) {
		sb_printf(b, "<li>");
		sb_arm(b, "sleep");
		sb_printf(b,
			  " faults the page in instead of failing: no failure in %llu trials, in "
			  "the cells where ",
			  (unsigned long long)s[is].n);
		sb_arm(b, early);
		sb_printf(b, " failed ");
		sb_range(b, s[ie].rmin, s[ie].rmax);
		sb_printf(b, " of reads");
		if (isfinite(s[is].cost_lo) && isfinite(s[ie].cost_lo)) {
			sb_printf(b, "; its median cost per read was %s",
				  fmt_ns(s[is].cost_lo, c1, sizeof(c1)));
			if (strcmp(c1, fmt_ns(s[is].cost_hi, c2, sizeof(c2))))
				sb_printf(b, " to %s", c2);
			sb_printf(b, ", against %s", fmt_ns(s[ie].cost_lo, c1, sizeof(c1)));
			if (strcmp(c1, fmt_ns(s[ie].cost_hi, c2, sizeof(c2))))
				sb_printf(b, " to %s", c2);
			sb_printf(b, " for ");
			sb_esc(b, early);
		}
		sb_printf(b, ".</li>\n");
	}
	sb_printf(b, "</ul></li>\n");
	free(s);
	return true;
}

static void html_notes(struct sbuf *b, const struct rep *r)
{
	const struct res_run *run = r->run;
	int nnotes = 0, npartial = 0;

	sb_printf(b, "<h2 id=\"meaning\">What this means</h2>\n<p>Derived from the numbers above. "
		     "&ldquo;Non-resident&rdquo; cells are those not in the <code>resident</code> "
		     "state whose page was absent just before the call in at least 90%% of the "
		     "trials (ground truth from pagemap).</p>\n<ul class=\"notes\">\n");
	if (!run->complete) {
		sb_printf(b, "<li class=\"warn\">The run is incomplete: cells may be missing and "
			     "some may have fewer trials than planned.</li>\n");
		nnotes++;
	}
	/* controls and harness errors */
	for (int i = 0; i < run->ncells; i++) {
		const struct res_cell *c = &run->cells[i];
		char key[160], p[32];

		if (!res_cell_ok(c))
			continue;
		res_cell_key(c, key, sizeof(key));
		for (int a = 0; a < c->narms; a++) {
			const struct res_arm *ar = &c->arms[a];

			if (!strcmp(c->state, "resident") && c->nonresident_before == 0 &&
			    ar->fails > 0) {
				sb_printf(b, "<li class=\"warn\">Control failed: in <code>");
				sb_esc(b, key);
				sb_printf(b,
					  "</code> the page was present in every trial, yet arm ");
				sb_esc(b, ar->name);
				sb_printf(b,
					  " failed %llu of %llu reads: the run is invalid.</li>\n",
					  (unsigned long long)ar->fails, (unsigned long long)ar->n);
				nnotes++;
			}
			if (ar->missed) {
				sb_printf(b, "<li class=\"warn\">Harness error: arm ");
				sb_esc(b, ar->name);
				sb_printf(b, " never fired in %llu trials of <code>",
					  (unsigned long long)ar->missed);
				sb_esc(b, key);
				sb_printf(b, "</code>.</li>\n");
				nnotes++;
			}
		}
		if (strcmp(c->state, "resident") && c->trials &&
		    (double)c->nonresident_before < 0.9 * (double)c->trials) {
			sb_printf(b, "%s<code>",
				  npartial++ ? ", "
					     : "<li>The page was absent in "
					       "fewer than 90% of trials in ");
			sb_esc(b, key);
			sb_printf(b, "</code> (%s%%)",
				  pct((double)c->nonresident_before / (double)c->trials, p,
				      sizeof(p)));
		}
	}
	if (npartial) {
		sb_printf(b, ": their rates mix present and absent pages, so they are left out of "
			     "the verdicts below (for a graded state such as pressure, that is "
			     "expected).</li>\n");
		nnotes++;
	}
	/* per syscall and sink: which arms are safe, unusable, or in between */
	for (int si = 0; si < r->sys.n; si++)
		for (int ki = 0; ki < r->sinks.n; ki++)
			nnotes += notes_group(b, r, r->sys.v[si], r->sinks.v[ki]);
	if (!nnotes)
		sb_printf(b, "<li>No non-resident cells were measured, so nothing can be said "
			     "about failures yet.</li>\n");
	sb_printf(b, "</ul>\n");
}

static void html_figure(struct sbuf *b, const struct gp *g, const struct plot *p)
{
	sb_printf(b, "<figure><img src=\"plots/");
	sb_esc(b, p->name);
	sb_printf(b, ".%s\" alt=\"", g->svg ? "svg" : "png");
	sb_esc(b, p->caption);
	sb_printf(b, "\"><figcaption>");
	sb_esc(b, p->caption);
	sb_printf(b, " Files:");
	if (g->svg) {
		sb_printf(b, " <a href=\"plots/");
		sb_esc(b, p->name);
		sb_printf(b, ".svg\">SVG</a>");
	}
	if (g->png) {
		sb_printf(b, " <a href=\"plots/");
		sb_esc(b, p->name);
		sb_printf(b, ".png\">PNG</a>");
	}
	sb_printf(b, "</figcaption></figure>\n");
}

/* the cost plot of a fail plot's syscall x sink (cost-X for fail-X), or NULL */
static const struct plot *cost_of(const struct gp *g, const struct plot *fail)
{
	for (int i = 0; i < g->nlist; i++)
		if (g->list[i].kind == PK_COST && !strcmp(g->list[i].name + 5, fail->name + 5))
			return &g->list[i];
	return NULL;
}

static void html_plots(struct sbuf *b, const struct gp *g)
{
	static const char *const heads[PK_N] = {
		"Failure rate and cost per arm and page state, per syscall and sink",
		"Heatmaps: syscall by page state", "Graded factors", "Cost per arm",
		"Baseline against current"};

	sb_printf(b, "<h2 id=\"plots\">Plots</h2>\n");
	if (!g->nlist)
		sb_printf(b, "<p>Nothing to plot: no cell was measured.</p>\n");
	for (int k = 0; k < PK_N; k++) {
		bool any = false;

		for (int i = 0; i < g->nlist; i++) {
			const struct plot *p = &g->list[i], *c;
			bool paired = false;

			if (p->kind != (enum plot_kind)k)
				continue;
			/* a cost plot follows the fail plot of its syscall x sink */
			for (int j = 0; j < g->nlist && p->kind == PK_COST && !paired; j++)
				paired = g->list[j].kind == PK_FAIL && cost_of(g, &g->list[j]) == p;
			if (paired)
				continue;
			if (!any)
				sb_printf(b, "<h3>%s</h3>\n", heads[k]);
			any = true;
			if (p->kind == PK_FAIL && (c = cost_of(g, p))) {
				sb_printf(b, "<div class=\"pair\">\n");
				html_figure(b, g, p);
				html_figure(b, g, c);
				sb_printf(b, "</div>\n");
			} else {
				html_figure(b, g, p);
			}
		}
	}
}

static int write_html(struct rep *r, const char *path)
{
	const struct res_run *run = r->run;
	struct sbuf b = {0};
	json_t *host = json_object_get(run->meta, "hostname");
	int ret;

	sb_printf(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		      "<title>bpfault report: ");
	sb_esc(&b, run->kernel[0] ? run->kernel : "unknown kernel");
	sb_printf(&b, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>bpfault report: ", css);
	sb_esc(&b, run->kernel[0] ? run->kernel : "unknown kernel");
	if (json_is_string(host)) {
		sb_printf(&b, " on ");
		sb_esc(&b, json_string_value(host));
	}
	sb_printf(&b, "</h1>\n");
	if (run->complete)
		sb_printf(&b, "<div class=\"banner complete\">Complete run: every planned cell "
			      "finished.</div>\n");
	else
		sb_printf(&b, "<div class=\"banner incomplete\">INCOMPLETE run: it was "
			      "interrupted or failed before the end; treat the numbers as "
			      "partial.</div>\n");
	sb_printf(&b,
		  "<p>How often eBPF programs fail to read user memory, per syscall, page "
		  "state, sink and read strategy (arm). Rates are failure rates with 95%% "
		  "intervals. Sections: <a href=\"#run\">the run</a>, <a href=\"#meaning\">what "
		  "this means</a>, <a href=\"#summary\">summary</a>, <a href=\"#other\">"
		  "unsupported and invalid cells</a>, <a href=\"#plots\">plots</a>.</p>\n");
	html_meta(&b, run);
	html_notes(&b, r);
	html_table(&b, r);
	sb_printf(&b, "<h2 id=\"other\">Unsupported and invalid cells</h2>\n");
	html_notok(&b, run);
	html_plots(&b, &r->g);
	sb_printf(&b, "<p style=\"margin-top:30px;font-size:12px;color:#444\">Made by "
		      "<code>bpfault report</code> from <code>results.json</code>.</p>\n"
		      "</body>\n</html>\n");
	if (b.err) {
		sb_free(&b);
		return fail(&r->g, EXIT_INTERNAL, "out of memory");
	}
	ret = write_file_atomic(path, b.s, b.len);
	sb_free(&b);
	if (ret)
		return fail(&r->g, EXIT_INTERNAL, "%s: %s", path, strerror(-ret));
	return EXIT_OK;
}

/* ---- the command ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bpfault report DIR [--format png,svg]\n\n"
		"Draws DIR/plots/*.png and *.svg (gnuplot) and writes DIR/report.html from\n"
		"DIR/results.json. Needs neither root nor BPF. Nothing is left behind on failure.\n"
		"\n  -f, --format LIST  plot formats, comma-separated: png, svg (default both)\n"
		"  -h, --help         this help\n\n"
		"exit status: 0 done, 2 bad usage or a bad results.json, 77 gnuplot missing,\n"
		"99 internal error\n");
}

static int parse_formats(const char *s, bool *png, bool *svg)
{
	char *dup = strdup(s), *save = NULL;
	int ret = 0;

	if (!dup)
		return -ENOMEM;
	*png = *svg = false;
	for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!strcmp(t, "png"))
			*png = true;
		else if (!strcmp(t, "svg"))
			*svg = true;
		else
			ret = -EINVAL;
	}
	free(dup);
	return ret || !(*png || *svg) ? -EINVAL : 0;
}

/* swap the new plots/ and report.html into DIR; the old ones go to the work directory */
static int commit(struct rep *r, const char *dir)
{
	struct gp *g = &r->g;
	char plots[PATH_MAX + 16], old[PATH_MAX + 16], html[PATH_MAX + 16], tmphtml[PATH_MAX + 16];
	bool had_old = false;

	pathf(plots, sizeof(plots), "%s/plots", dir);
	pathf(old, sizeof(old), "%s/plots.old", g->tmp);
	pathf(html, sizeof(html), "%s/report.html", dir);
	pathf(tmphtml, sizeof(tmphtml), "%s/report.html", g->tmp);
	if (rename(plots, old) == 0)
		had_old = true;
	else if (errno != ENOENT)
		return fail(g, EXIT_INTERNAL, "rename %s: %s", plots, strerror(errno));
	if (rename(g->plots, plots) < 0) {
		int e = errno;

		if (had_old)
			rename(old, plots);
		return fail(g, EXIT_INTERNAL, "rename into %s: %s", plots, strerror(e));
	}
	if (rename(tmphtml, html) < 0) {
		int e = errno;

		rename(plots, g->plots);
		if (had_old)
			rename(old, plots);
		return fail(g, EXIT_INTERNAL, "rename into %s: %s", html, strerror(e));
	}
	return EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool png = true, svg = true;
	char err[512] = "", dir[PATH_MAX], html[PATH_MAX + 16];
	struct res_run run;
	struct rep r;
	struct stat st;
	int opt, ret;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (parse_formats(optarg, &png, &svg)) {
				err_msg("report: --format takes png, svg or png,svg, not '%s'",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			err_msg("report: usage: bpfault report DIR [--format png,svg] (see "
				"--help)");
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		err_msg("report: usage: bpfault report DIR [--format png,svg] (see --help)");
		return EXIT_USAGE;
	}
	snprintf(dir, sizeof(dir), "%s", argv[optind]);
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		err_msg("report: %s: not a results directory", dir);
		return EXIT_USAGE;
	}
	if (res_load(dir, &run, err, sizeof(err))) {
		err_msg("report: %s", err);
		return EXIT_USAGE;
	}
	memset(&r, 0, sizeof(r));
	r.run = &run;
	ret = gp_init(&r.g, dir, ".report.tmp", err, sizeof(err));
	if (ret)
		goto out;
	r.g.png = png;
	r.g.svg = svg;
	for (int i = 0; i < run.ncells && !ret; i++) {
		const struct res_cell *c = &run.cells[i];

		if (names_add(&r.sys, c->syscall, NULL, 0) ||
		    names_add(&r.states, c->state, state_order, ARRAY_SIZE(state_order)) ||
		    names_add(&r.sinks, c->sink, NULL, 0))
			ret = fail(&r.g, EXIT_INTERNAL, "out of memory");
		for (int a = 0; a < c->narms && !ret; a++)
			if (names_add(&r.arms, c->arms[a].name, arm_order, ARRAY_SIZE(arm_order)))
				ret = fail(&r.g, EXIT_INTERNAL, "out of memory");
	}
	names_sort(&r.states);
	names_sort(&r.arms);
	if (!ret)
		ret = plot_fail(&r);
	if (!ret)
		ret = plot_heat(&r);
	if (!ret)
		ret = plot_factor(&r);
	if (!ret)
		ret = plot_cost(&r);
	if (!ret) {
		char tmphtml[PATH_MAX + 16];

		pathf(tmphtml, sizeof(tmphtml), "%s/report.html", r.g.tmp);
		ret = write_html(&r, tmphtml);
	}
	if (!ret)
		ret = commit(&r, dir);
out:
	gp_fini(&r.g);
	names_free(&r.sys);
	names_free(&r.states);
	names_free(&r.sinks);
	names_free(&r.arms);
	res_free(&run);
	if (ret) {
		err_msg("report: %s", err);
		return ret;
	}
	pathf(html, sizeof(html), "%s/report.html", dir);
	printf("%s\n", html);
	return EXIT_OK;
}
