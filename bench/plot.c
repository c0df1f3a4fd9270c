// SPDX-License-Identifier: BSD-2-Clause
/* The gnuplot driver (plot.h): one process draws every plot of a report. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "esc.h"
#include "plot.h"

#ifndef BPFAULT_DATADIR
#define BPFAULT_DATADIR "/usr/local/share/bpfault"
#endif

int plot_fail(struct plotter *p, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	return err;
}

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

/* gnuplot from a fixed, safe PATH only */
static int find_gnuplot(char *out, size_t len)
{
	static const char *const dirs[] = {"/usr/bin", "/bin"};

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (!pathf(out, len, "%s/gnuplot", dirs[i]) && access(out, X_OK) == 0)
			return 0;
	return -ENOENT;
}

static bool has_scripts(const char *dir)
{
	char probe[PATH_MAX + 32];

	return !pathf(probe, sizeof(probe), "%s/plot-common.gp", dir) && access(probe, R_OK) == 0;
}

/*
 * Beside the binary's real path: scripts/ (a build tree), then ../share/bpfault (a relocated or
 * DESTDIR install); then the data directory compiled in. Never the current directory.
 */
static int find_scripts(char *out, size_t len)
{
	char exe[PATH_MAX], *slash;

	if (realpath("/proc/self/exe", exe) && (slash = strrchr(exe, '/'))) {
		*slash = 0;
		if (!pathf(out, len, "%s/scripts", exe) && has_scripts(out))
			return 0;
		if (!pathf(out, len, "%s/../share/bpfault", exe) && has_scripts(out))
			return 0;
	}
	if (!pathf(out, len, "%s", BPFAULT_DATADIR) && has_scripts(out))
		return 0;
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

int plot_init(struct plotter *p, const char *outdir, const char *prefix, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	p->err = err;
	p->errlen = errlen;
	p->svg = true;
	if (find_gnuplot(p->gnuplot, sizeof(p->gnuplot)))
		return plot_fail(p, -ENOENT,
				 "gnuplot not found in /usr/bin or /bin (install "
				 "gnuplot-nox)");
	if (find_scripts(p->gpdir, sizeof(p->gpdir)))
		return plot_fail(p, -ENOENT,
				 "plot scripts not found (scripts/ or ../share/bpfault beside the "
				 "binary, or %s)",
				 BPFAULT_DATADIR);
	if (pathf(p->tmp, sizeof(p->tmp), "%s/%s.XXXXXX", outdir, prefix))
		return plot_fail(p, -ENAMETOOLONG, "%s: path too long", outdir);
	if (!mkdtemp(p->tmp)) {
		int e = errno;

		p->tmp[0] = 0;
		return plot_fail(p, -e, "cannot create a work directory in %s: %s", outdir,
				 strerror(e));
	}
	pathf(p->data, sizeof(p->data), "%s/data", p->tmp);
	pathf(p->plots, sizeof(p->plots), "%s/plots", p->tmp);
	if (mkdir(p->data, 0755) < 0 || mkdir(p->plots, 0755) < 0)
		return plot_fail(p, -errno, "%s: %s", p->tmp, strerror(errno));
	return 0;
}

void plot_fini(struct plotter *p)
{
	if (p->tmp[0])
		nftw(p->tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(p->list);
	sb_free(&p->script);
	p->list = NULL;
}

FILE *plot_data_open(struct plotter *p, char *path, size_t len)
{
	FILE *f;

	pathf(path, len, "%s/d%03d.dat", p->data, p->ndata++);
	f = fopen(path, "we");
	if (!f)
		plot_fail(p, -errno, "%s: %s", path, strerror(errno));
	return f;
}

int plot_data_close(struct plotter *p, FILE *f, const char *path)
{
	bool bad = ferror(f);

	if (fclose(f) || bad)
		return plot_fail(p, -EIO, "%s: write failed", path);
	return 0;
}

void plot_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, " %.6g", v);
	else
		fprintf(f, " NaN");
}

void plot_str(FILE *f, const char *s)
{
	struct sbuf b = {0};

	esc_gpdata(&b, s);
	fputs(b.s && !b.err ? b.s : "\"\"", f);
	sb_free(&b);
}

void plot_vars(struct sbuf *v, const char *data, const char *title, const char *subtitle)
{
	sb_printf(v, "data=");
	esc_gp(v, data);
	sb_printf(v, "; title=");
	esc_gp(v, title);
	sb_printf(v, "; subtitle=");
	esc_gp(v, subtitle);
}

void plot_vars_arms(struct sbuf *v, const struct res_index *x, const int *arms, int n)
{
	sb_printf(v, "; narms=%d; arms=", n);
	{
		struct sbuf w = {0};

		for (int i = 0; i < n; i++) {
			char sn[RES_NAME];

			esc_filename(sn, sizeof(sn), x->arms[arms[i]]);
			sb_printf(&w, "%s%s", i ? " " : "", sn);
		}
		esc_gp(v, w.s ? w.s : "");
		sb_free(&w);
	}
	sb_printf(v, "; ai='");
	for (int i = 0; i < n; i++)
		sb_printf(v, "%s%d", i ? " " : "", x->arm_style[arms[i]] + 1);
	sb_printf(v, "'");
}

int plot_add(struct plotter *p, const char *script, struct sbuf *vars, const char *name,
	     enum plot_kind kind, const char *caption, int sys, int sink)
{
	char spath[PATH_MAX + 32], out[PATH_MAX + 200];
	struct sbuf *s = &p->script;

	pathf(spath, sizeof(spath), "%s/%s", p->gpdir, script);
	pathf(out, sizeof(out), "%s/%s", p->plots, name);
	sb_printf(s, "print 'bpfault-plot: %s'\nreset session\n", name);
	sb_printf(s, "%s; gpdir=", vars->s ? vars->s : "");
	esc_gp(s, p->gpdir);
	sb_printf(s, "; out=");
	esc_gp(s, out);
	sb_printf(s, "; fmts='%s%s%s'\nload ", p->png ? "png" : "", p->png && p->svg ? " " : "",
		  p->svg ? "svg" : "");
	esc_gp(s, spath);
	sb_printf(s, "\n");
	if (vars->err || s->err)
		return plot_fail(p, -ENOMEM, "out of memory");
	if (p->nlist == p->caplist) {
		int ncap = p->caplist ? p->caplist * 2 : 16;
		struct plot *nl = realloc(p->list, (size_t)ncap * sizeof(*nl));

		if (!nl)
			return plot_fail(p, -ENOMEM, "out of memory");
		p->list = nl;
		p->caplist = ncap;
	}
	p->list[p->nlist] = (struct plot){.kind = kind, .sys = sys, .sink = sink};
	snprintf(p->list[p->nlist].name, sizeof(p->list[0].name), "%s", name);
	snprintf(p->list[p->nlist].caption, sizeof(p->list[0].caption), "%s", caption);
	p->nlist++;
	return 0;
}

/* gnuplot's error: the last "bpfault-plot: NAME" marker and the last other line of its log */
static void last_error(const char *log, char *plot, size_t plen, char *msg, size_t mlen)
{
	char *data = NULL, *last = NULL;

	plot[0] = msg[0] = 0;
	if (read_file(log, &data, NULL))
		return;
	for (char *save = NULL, *l = strtok_r(data, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(l, "bpfault-plot: ", 14))
			snprintf(plot, plen, "%s", l + 14);
		else if (strspn(l, " \t^") != strlen(l))
			last = l;
	}
	if (last)
		snprintf(msg, mlen, "%s", last + strspn(last, " \t"));
	free(data);
}

static int run_gnuplot(struct plotter *p, const char *script, const char *log)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return plot_fail(p, -errno, "fork: %s", strerror(errno));
	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR), lf;

		lf = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (nul < 0 || lf < 0)
			_exit(126);
		dup2(nul, 0);
		dup2(nul, 1);
		dup2(lf, 2);
		execl(p->gnuplot, "gnuplot", script, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return plot_fail(p, -errno, "waitpid: %s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return plot_fail(p, -ENOENT, "cannot execute %s", p->gnuplot);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

int plot_run(struct plotter *p)
{
	char script[PATH_MAX + 32], log[PATH_MAX + 32], out[PATH_MAX + 200], name[160], msg[512];
	int ret;

	if (!p->nlist)
		return 0;
	pathf(script, sizeof(script), "%s/draw.gp", p->tmp);
	pathf(log, sizeof(log), "%s/gnuplot.log", p->tmp);
	ret = write_file_atomic(script, p->script.s, p->script.len);
	if (ret)
		return plot_fail(p, ret, "%s: %s", script, strerror(-ret));
	ret = run_gnuplot(p, script, log);
	if (ret == -EIO) {
		last_error(log, name, sizeof(name), msg, sizeof(msg));
		return plot_fail(p, -EIO, "gnuplot failed drawing %s: %s", name[0] ? name : "?",
				 msg[0] ? msg : "no message");
	}
	if (ret)
		return ret;
	for (int i = 0; i < p->nlist; i++) {
		for (int k = 0; k < 2; k++) {
			struct stat st;

			if (!(k ? p->svg : p->png))
				continue;
			pathf(out, sizeof(out), "%s/%s.%s", p->plots, p->list[i].name,
			      k ? "svg" : "png");
			if (stat(out, &st) < 0 || st.st_size == 0)
				return plot_fail(p, -EIO, "gnuplot drew no %s.%s", p->list[i].name,
						 k ? "svg" : "png");
		}
	}
	return 0;
}
