// SPDX-License-Identifier: BSD-2-Clause
/*
 * The kernel axis as figures (plots.h): per syscall x sink a heatmap of arm by kernel, the worst
 * failure rate over the non-resident states in each cell; unsupported and not-run cells drawn
 * apart from any rate (scripts/plot-kernels.gp).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "esc.h"
#include "plots.h"

/* "100%", "0.5%", "unsupported [2]", "not run" */
static void label(char *lab, size_t len, const struct kx_val *v)
{
	if (v->kind == KX_UNSUP) {
		snprintf(lab, len, "unsupported [%d]", v->why + 1);
	} else if (v->kind == KX_NOTRUN) {
		snprintf(lab, len, "not run");
	} else if (v->worst == 0) {
		snprintf(lab, len, "0%%");
	} else {
		fmt_pct(lab, len - 2, v->worst);
		if (v->worst >= 0.1 && strchr(lab, '.'))
			*strchr(lab, '.') = 0;
		strcat(lab, "%");
	}
}

static int kx_data(struct plotter *p, const struct kaxis *kx, const struct kx_group *g, char *path,
		   size_t len)
{
	FILE *f = plot_data_open(p, path, len);

	if (!f)
		return -EIO;
	fprintf(f,
		"# %s, sink %s: kernel arm worst%% label kind(0 rate, 1 unsupported, 2 not "
		"run)\n",
		g->sys, g->sink);
	for (int a = 0; a < g->narms; a++)
		for (int k = 0; k < kx->nk; k++) {
			const struct kx_val *v = kx_val(g, kx->nk, a, k);
			char lab[64];

			label(lab, sizeof(lab), v);
			fprintf(f, "%d %d", k, a);
			plot_num(f, v->kind == KX_MEASURED ? 100 * v->worst : 0);
			fprintf(f, " ");
			plot_str(f, lab);
			fprintf(f, " %d\n",
				v->kind == KX_MEASURED ? 0
				: v->kind == KX_UNSUP  ? 1
						       : 2);
		}
	return plot_data_close(p, f, path);
}

static int kx_tics(struct plotter *p, const struct kaxis *kx, const struct kx_group *g,
		   const char *data, char *path, size_t len)
{
	struct sbuf b = {0};
	int ret;

	snprintf(path, len, "%s.tics", data);
	sb_printf(&b, "set xtics (");
	for (int k = 0; k < kx->nk; k++) {
		char t[200];

		snprintf(t, sizeof(t), "%s (%s)", kx->k[k]->release,
			 kx->k[k]->run.accel[0] ? kx->k[k]->run.accel : "native");
		sb_printf(&b, "%s", k ? ", " : "");
		esc_gp(&b, t);
		sb_printf(&b, " %d", k);
	}
	sb_printf(&b, ")\nset ytics (");
	for (int a = 0; a < g->narms; a++) {
		sb_printf(&b, "%s", a ? ", " : "");
		esc_gp(&b, g->arms[a]);
		sb_printf(&b, " %d", a);
	}
	sb_printf(&b, ")\n");
	ret = b.err ? b.err : write_file_atomic(path, b.s, b.len);
	sb_free(&b);
	return ret ? plot_fail(p, ret, "%s: %s", path, strerror(-ret)) : 0;
}

static int kx_one(struct plotter *p, const struct kaxis *kx, int gi)
{
	const struct kx_group *g = &kx->groups[gi];
	char path[PATH_MAX], tics[PATH_MAX + 8], name[160], s1[RES_NAME], s2[RES_NAME], title[256],
		cap[400];
	struct sbuf v = {0};
	int ret;

	if (!g->narms)
		return 0;
	ret = kx_data(p, kx, g, path, sizeof(path));
	if (!ret)
		ret = kx_tics(p, kx, g, path, tics, sizeof(tics));
	if (ret)
		return ret;
	esc_filename(s1, sizeof(s1), g->sys);
	esc_filename(s2, sizeof(s2), g->sink);
	snprintf(name, sizeof(name), "kernels-%s-%s", s1, s2);
	snprintf(title, sizeof(title), "%s, sink %s: worst failure rate per arm and kernel", g->sys,
		 g->sink);
	snprintf(cap, sizeof(cap),
		 "%s into sink %s: each arm's worst failure rate over the non-resident page "
		 "states, on each kernel. Blue hatching: unsupported on that kernel (reason [n] "
		 "below); pale grey: not in that kernel's run.",
		 g->sys, g->sink);
	plot_vars(&v, path, title,
		  "darker = fails more often; a rate over the states the kernel's run measured");
	sb_printf(&v, "; nx=%d; ny=%d; tics=", kx->nk, g->narms);
	esc_gp(&v, tics);
	ret = plot_add(p, "plot-kernels.gp", &v, name, PK_KERNELS, cap, gi, -1);
	sb_free(&v);
	return ret;
}

int plots_kernels(struct plotter *p, const struct kaxis *kx)
{
	for (int g = 0; g < kx->ngroups; g++) {
		int ret = kx_one(p, kx, g);

		if (ret)
			return ret;
	}
	return 0;
}
