// SPDX-License-Identifier: BSD-2-Clause
/*
 * bpfault report DIR: the command. Loads DIR/results.json, builds the results index, the answer
 * and the notes once, queues every plot, draws them with one gnuplot process and writes a
 * self-contained DIR/report.html. Everything is made in DIR/.report.tmp.XXXXXX and renamed into
 * place only when all of it is done, so a failure leaves no partial report behind.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "analysis.h"
#include "cmds.h"
#include "common.h"
#include "html.h"
#include "plots.h"
#include "report.h"
#include "kset.h"
#include "report_text.h"
#include "results.h"

static const char usage_text[] =
	"usage: bpfault report DIR [--format svg,png]\n\n"
	"Writes DIR/report.html (the plots inlined as SVG), DIR/report.md,\n"
	"DIR/report.txt and DIR/plots/ from DIR/results.json with gnuplot. Needs\n"
	"neither root nor BPF. Nothing is left behind on failure. A directory of\n"
	"several kernels' runs (DIR/index.json, from run --kernel K --kernel K2)\n"
	"gets each kernel's report and DIR/report.{html,md,txt} with the kernel\n"
	"axis: per syscall x sink, each arm's worst failure rate on each kernel.\n\n"
	"  -f, --format LIST  plot files: svg, png or svg,png (default svg)\n"
	"  -h, --help         this help\n\n"
	"exit status: 0 done, 2 bad usage or a bad results.json, 77 gnuplot missing,\n"
	"99 internal error\n";

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

/* report.md and report.txt into DIR, once report.html is there */
static int commit_text(struct plotter *p, const char *dir)
{
	static const char *const names[] = {"report.md", "report.txt"};
	char from[PATH_MAX + 16], to[PATH_MAX + 16];

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(from, sizeof(from), "%s/%s", p->tmp, names[i]);
		snprintf(to, sizeof(to), "%s/%s", dir, names[i]);
		if (rename(from, to) < 0)
			return plot_fail(p, -errno, "rename into %s: %s", to, strerror(errno));
	}
	return 0;
}

/* swap the new plots/ and report.html into DIR; the old ones go to the work directory */
static int commit(struct plotter *p, const char *dir)
{
	char plots[PATH_MAX + 16], old[PATH_MAX + 16], html[PATH_MAX + 16], tmphtml[PATH_MAX + 16];
	bool had_old = false;
	int e;

	snprintf(plots, sizeof(plots), "%s/plots", dir);
	snprintf(old, sizeof(old), "%s/plots.old", p->tmp);
	snprintf(html, sizeof(html), "%s/report.html", dir);
	snprintf(tmphtml, sizeof(tmphtml), "%s/report.html", p->tmp);
	if (rename(plots, old) == 0)
		had_old = true;
	else if (errno != ENOENT)
		return plot_fail(p, -errno, "rename %s: %s", plots, strerror(errno));
	if (rename(p->plots, plots) < 0) {
		e = errno;
		if (had_old)
			rename(old, plots);
		return plot_fail(p, -e, "rename into %s: %s", plots, strerror(e));
	}
	if (rename(tmphtml, html) < 0) {
		e = errno;
		rename(plots, p->plots);
		if (had_old)
			rename(old, plots);
		return plot_fail(p, -e, "rename into %s: %s", html, strerror(e));
	}
	return commit_text(p, dir);
}

/* everything the report is made of, built once */
struct report {
	struct res_index x;
	struct an_summary sum;
	struct an_notes notes;
	struct plotter p;
};

static int draw(struct report *r)
{
	int ret = plots_summary(&r->p, &r->x, &r->sum);

	if (!ret)
		ret = plots_fail(&r->p, &r->x);
	if (!ret)
		ret = plots_cost(&r->p, &r->x);
	if (!ret)
		ret = plots_heat(&r->p, &r->x);
	if (!ret)
		ret = plots_factor(&r->p, &r->x);
	return ret ? ret : plot_run(&r->p);
}

/* p->tmp/name from b (freed); 0 or -errno */
static int write_tmp(struct plotter *p, const char *name, struct sbuf *b)
{
	char path[PATH_MAX + 16];
	int ret;

	if (b->err) {
		sb_free(b);
		return plot_fail(p, -ENOMEM, "out of memory");
	}
	snprintf(path, sizeof(path), "%s/%s", p->tmp, name);
	ret = write_file_atomic(path, b->s ? b->s : "", b->len);
	sb_free(b);
	return ret ? plot_fail(p, ret, "%s: %s", path, strerror(-ret)) : 0;
}

static int write_page(struct report *r)
{
	struct html_in in = {&r->x, &r->sum, &r->notes, &r->p};
	struct sbuf b = {0};
	int ret;

	html_page(&b, &in);
	ret = write_tmp(&r->p, "report.html", &b);
	if (!ret) {
		text_report(&b, VIEW_MD, &r->x, &r->sum, &r->notes);
		ret = write_tmp(&r->p, "report.md", &b);
	}
	if (!ret) {
		text_report(&b, VIEW_TEXT, &r->x, &r->sum, &r->notes);
		ret = write_tmp(&r->p, "report.txt", &b);
	}
	return ret;
}

/* 0 or -errno, the error in err */
static int make_report(const struct res_run *run, const char *dir, bool png, bool svg, char *err,
		       size_t errlen)
{
	struct report r = {0};
	int ret = plot_init(&r.p, dir, ".report.tmp", err, errlen);

	r.p.png = png;
	r.p.svg = svg;
	if (!ret && (res_index_build(run, &r.x) || an_summary_build(&r.x, &r.sum) ||
		     an_notes_build(&r.x, &r.notes)))
		ret = plot_fail(&r.p, -ENOMEM, "out of memory");
	if (!ret)
		ret = draw(&r);
	if (!ret)
		ret = write_page(&r);
	if (!ret)
		ret = commit(&r.p, dir);
	plot_fini(&r.p);
	an_notes_free(&r.notes);
	an_summary_free(&r.sum);
	res_index_free(&r.x);
	return ret;
}

static int report_parse(int argc, char **argv, bool *png, bool *svg)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(usage_text, stdout);
			return -1;
		}
		if (opt != 'f')
			return err_msg("report: bad option (try 'bpfault report --help')"),
			       EXIT_USAGE;
		if (parse_formats(optarg, png, svg))
			return err_msg("report: --format takes svg, png or svg,png, not '%s'",
				       optarg),
			       EXIT_USAGE;
	}
	if (optind != argc - 1)
		return err_msg("report: needs one run DIR (try 'bpfault report --help')"),
		       EXIT_USAGE;
	return 0;
}

/* DIR/report.{html,md,txt} and plots/ for a kernel set: the kernel axis; 0 or -errno */
static int make_kernel_page(const struct kset *ks, const char *dir, bool png, bool svg, char *err,
			    size_t errlen)
{
	static const enum view_form forms[] = {VIEW_HTML, VIEW_MD, VIEW_TEXT};
	static const char *const names[] = {"report.html", "report.md", "report.txt"};
	struct plotter p = {0};
	struct kaxis kx;
	int ret = plot_init(&p, dir, ".report.tmp", err, errlen);

	p.png = png;
	p.svg = svg;
	if (!ret && kx_build(ks, &kx))
		ret = plot_fail(&p, -ENOMEM, "out of memory");
	else if (!ret) {
		ret = plots_kernels(&p, &kx);
		if (!ret)
			ret = plot_run(&p);
		for (size_t i = 0; !ret && i < ARRAY_SIZE(forms); i++) {
			struct sbuf b = {0};

			kernels_page(&b, forms[i], &kx, ks, &p);
			ret = write_tmp(&p, names[i], &b);
		}
		kx_free(&kx);
	}
	if (!ret)
		ret = commit(&p, dir);
	plot_fini(&p);
	return ret;
}

/* every kernel's own report, then the kernel axis in DIR; an exit status */
static int report_kernels(const char *dir, bool png, bool svg)
{
	char err[768] = "";
	struct kset ks;
	int ret;

	if (kset_load(dir, &ks, err, sizeof(err)))
		return err_msg("report: %s", err), EXIT_USAGE;
	if (!kset_nloaded(&ks)) {
		err_msg("report: %s: no kernel of index.json has results (%s: %s)", dir,
			ks.k[0].release, ks.k[0].why);
		kset_free(&ks);
		return EXIT_USAGE;
	}
	ret = 0;
	for (int i = 0; i < ks.n && !ret; i++) {
		if (!ks.k[i].loaded) {
			err_msg("report: WARNING: kernel %s: no results (%s); shown as missing",
				ks.k[i].release, ks.k[i].why);
			continue;
		}
		ret = make_report(&ks.k[i].run, ks.k[i].dir, png, svg, err, sizeof(err));
		if (!ret)
			printf("%s/report.html\n", ks.k[i].dir);
	}
	if (!ret)
		ret = make_kernel_page(&ks, dir, png, svg, err, sizeof(err));
	kset_free(&ks);
	if (ret) {
		err_msg("report: %s", err);
		return ret == -ENOENT ? EXIT_SKIP : EXIT_INTERNAL;
	}
	printf("%s/report.html\n", dir);
	return EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
	bool png = false, svg = true;
	char err[768] = "", dir[PATH_MAX];
	struct res_run run;
	struct stat st;
	int ret = report_parse(argc, argv, &png, &svg);

	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	snprintf(dir, sizeof(dir), "%s", argv[optind]);
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return err_msg("report: %s: not a results directory", dir), EXIT_USAGE;
	if (kset_is_index(dir))
		return report_kernels(dir, png, svg);
	if (res_load(dir, &run, err, sizeof(err)))
		return err_msg("report: %s", err), EXIT_USAGE;
	ret = make_report(&run, dir, png, svg, err, sizeof(err));
	res_free(&run);
	if (ret) {
		err_msg("report: %s", err);
		return ret == -ENOENT ? EXIT_SKIP : EXIT_INTERNAL;
	}
	printf("%s/report.html\n", dir);
	return EXIT_OK;
}
