// SPDX-License-Identifier: BSD-2-Clause
/* The comparison plot (report.h): baseline against current, one row per cell x arm. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "esc.h"
#include "plot.h"
#include "report.h"

int report_exit_status(int err)
{
	if (!err)
		return EXIT_OK;
	if (err == -ENOENT)
		return EXIT_SKIP;
	return err == -EINVAL ? EXIT_USAGE : EXIT_INTERNAL;
}

/* the default rule: the current interval lies wholly above the baseline's, or an exact arm fails */
static bool regressed(const struct report_compare_opts *o, const struct res_cell *c,
		      const struct res_arm *b, const struct res_arm *a)
{
	if (o && o->regressed)
		return o->regressed(c, a->name, o->ctx);
	return b->exact ? a->fails > 0 : a->ci95[0] > b->ci95[1];
}

/* "role: name, kernel K" for the legend (no name: "role, kernel K") */
static void run_legend(char *buf, size_t len, const char *role, const char *name,
		       const struct res_run *run)
{
	snprintf(buf, len, "%s%s%s, kernel %s", role, name && *name ? ": " : "",
		 name && *name ? name : "", run->kernel[0] ? run->kernel : "?");
}

/* the rows both runs measured, in the current run's order; nrow, nreg counted */
static void compare_rows(FILE *f, const struct res_match *m, size_t n,
			 const struct report_compare_opts *o, int *nrow, int *nreg, bool write)
{
	int row = 0;

	for (size_t i = 0; i < n; i++) {
		const struct res_arm *ca = m[i].aa, *ba = m[i].ba;
		char key[160], lab[320];
		bool reg;

		if (!m[i].ac || !m[i].bc || !res_cell_ok(m[i].ac) || !res_cell_ok(m[i].bc) ||
		    !res_arm_measured(ca) || !res_arm_measured(ba))
			continue;
		reg = regressed(o, m[i].ac, ba, ca);
		if (!write) {
			(*nrow)++;
			*nreg += reg;
			continue;
		}
		res_cell_key(m[i].ac, key, sizeof(key));
		if (reg)
			snprintf(lab, sizeof(lab), "%s %s  [REGRESSION %+.2fpp]", key, ca->name,
				 100 * (ca->fail_rate - ba->fail_rate));
		else
			snprintf(lab, sizeof(lab), "%s %s", key, ca->name);
		fprintf(f, "%d ", *nrow - 1 - row++);
		plot_str(f, lab);
		plot_num(f, 100 * ba->fail_rate);
		plot_num(f, 100 * ba->ci95[0]);
		plot_num(f, 100 * ba->ci95[1]);
		plot_num(f, 100 * ca->fail_rate);
		plot_num(f, 100 * ca->ci95[0]);
		plot_num(f, 100 * ca->ci95[1]);
		fprintf(f, " %d\n", reg);
	}
}

static int draw_compare(struct plotter *p, const struct res_run *base, const struct res_run *cur,
			const struct report_compare_opts *o)
{
	char path[PATH_MAX], sub[512], bl[PATH_MAX + 64], cl[PATH_MAX + 64];
	struct res_match *m;
	struct sbuf v = {0};
	int nrow = 0, nreg = 0, ret;
	size_t n;
	FILE *f;

	/* matched from the current run's side: its cells x arms, each with the baseline's */
	if (res_match(cur, base, &m, &n))
		return plot_fail(p, -ENOMEM, "out of memory");
	compare_rows(NULL, m, n, o, &nrow, &nreg, false);
	if (!nrow) {
		free(m);
		return plot_fail(p, -EINVAL,
				 "the two runs share no measured cell x arm to compare");
	}
	f = plot_data_open(p, path, sizeof(path));
	if (!f) {
		free(m);
		return -EIO;
	}
	fprintf(f, "# row label base lo hi cur lo hi regression\n");
	compare_rows(f, m, n, o, &nrow, &nreg, true);
	free(m);
	if ((ret = plot_data_close(p, f, path)))
		return ret;
	snprintf(sub, sizeof(sub), "%d cell x arm rows, %d regression%s (%s)", nrow, nreg,
		 nreg == 1 ? "" : "s",
		 o && o->regressed && o->rule ? o->rule
					      : "current lower bound above baseline upper bound");
	run_legend(bl, sizeof(bl), "baseline", o ? o->base_name : NULL, base);
	run_legend(cl, sizeof(cl), "current", o ? o->cur_name : NULL, cur);
	plot_vars(&v, path, "Baseline against current: failure rate per cell and arm", sub);
	sb_printf(&v, "; nrows=%d; nreg=%d; blabel=", nrow, nreg);
	esc_gp(&v, bl);
	sb_printf(&v, "; clabel=");
	esc_gp(&v, cl);
	ret = plot_add(p, "plot-compare.gp", &v, "compare", PK_COMPARE,
		       "Baseline against current run, per cell and arm, with 95% intervals; "
		       "regressions highlighted.",
		       -1, -1);
	sb_free(&v);
	return ret ? ret : plot_run(p);
}

int report_plot_compare_marked(const struct res_run *base, const struct res_run *cur,
			       const char *outdir, const struct report_compare_opts *opts,
			       char *err, size_t errlen)
{
	struct plotter p;
	int ret = plot_init(&p, outdir, ".compare.tmp", err, errlen);

	p.png = true;
	if (!ret)
		ret = draw_compare(&p, base, cur, opts);
	/* both drawn: only now do they replace what OUTDIR had */
	for (int k = 0; k < 2 && !ret; k++) {
		char from[PATH_MAX + 32], to[PATH_MAX + 32];

		snprintf(from, sizeof(from), "%s/compare.%s", p.plots, k ? "svg" : "png");
		snprintf(to, sizeof(to), "%s/compare.%s", outdir, k ? "svg" : "png");
		if (rename(from, to) < 0)
			ret = plot_fail(&p, -errno, "rename %s: %s", to, strerror(errno));
	}
	plot_fini(&p);
	return ret;
}

int report_plot_compare(const struct res_run *base, const struct res_run *cur, const char *outdir,
			char *err, size_t errlen)
{
	return report_plot_compare_marked(base, cur, outdir, NULL, err, errlen);
}
