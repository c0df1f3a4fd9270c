// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "common.h"
#include "matrix.h"
#include "options.h"

#define U64(k, fl, sh, lo, hi, field, a, h)                                                        \
	{                                                                                          \
		.key = k, .flag = fl, .short_opt = sh, .imin = lo, .imax = hi,                     \
		.off = offsetof(struct matrix, field), .arg = a, .help = h                         \
	}

const struct mx_option mx_options[] = {
	U64("trials", "trials", 'n', 1, 100000000, max_trials, "N",
	    "trials per cell (a cap with --precision; default 2000)"),
	U64("min_trials", "min-trials", 0, 1, 100000000, min_trials, "N",
	    "never stop a cell before N trials (default 100)"),
	{.key = "precision",
	 .flag = "precision",
	 .real = true,
	 .dmin = 0,
	 .dmax = 0.5,
	 .off = offsetof(struct matrix, precision),
	 .arg = "P",
	 .help = "stop a cell once every 95% half-width <= P (e.g. 0.02)"},
	U64("block", "block", 0, 1, 1000000, block, "N",
	    "trials per cell per shuffled round (default 50)"),
	U64("seed", "seed", 0, 0, UINT64_MAX >> 1, seed, "N",
	    "seed of the trial order and nonces (default 1)"),
};
const size_t mx_noptions = ARRAY_SIZE(mx_options);

void mx_option_bounds(const struct mx_option *o, char *buf, size_t len)
{
	if (o->real)
		snprintf(buf, len, "a number in [%g, %g)", o->dmin, o->dmax);
	else
		snprintf(buf, len, "a whole number from %llu to %llu", (unsigned long long)o->imin,
			 (unsigned long long)o->imax);
}

static int set_u64(const struct mx_option *o, struct matrix *m, uint64_t v)
{
	if (v < o->imin || v > o->imax)
		return -EINVAL;
	memcpy((char *)m + o->off, &v, sizeof(v));
	return 0;
}

static int set_real(const struct mx_option *o, struct matrix *m, double v)
{
	if (!(v >= o->dmin && v < o->dmax))
		return -EINVAL;
	memcpy((char *)m + o->off, &v, sizeof(v));
	return 0;
}

int mx_option_text(const struct mx_option *o, const char *text, struct matrix *m, char *err,
		   size_t len)
{
	char b[64];
	uint64_t u;
	double d;
	int rc;

	if (o->real)
		rc = parse_double(text, o->dmin, o->dmax, &d) ? -EINVAL : set_real(o, m, d);
	else
		rc = parse_u64(text, o->imin, o->imax, &u) ? -EINVAL : set_u64(o, m, u);
	if (rc) {
		mx_option_bounds(o, b, sizeof(b));
		snprintf(err, len, "--%s '%s' is not %s", o->flag, text, b);
	}
	return rc;
}

int mx_option_json(const struct mx_option *o, json_t *v, struct matrix *m, char *err, size_t len)
{
	char b[64];
	int rc = -EINVAL;

	if (o->real && json_is_number(v))
		rc = set_real(o, m, json_number_value(v));
	else if (!o->real && json_is_integer(v) && json_integer_value(v) >= 0)
		rc = set_u64(o, m, (uint64_t)json_integer_value(v));
	if (rc) {
		mx_option_bounds(o, b, sizeof(b));
		snprintf(err, len, "\"%s\" must be %s", o->key, b);
	}
	return rc;
}

void mx_option_copy(const struct mx_option *o, struct matrix *to, const struct matrix *from)
{
	memcpy((char *)to + o->off, (const char *)from + o->off, sizeof(uint64_t));
}

void mx_options_usage(FILE *f)
{
	for (size_t i = 0; i < mx_noptions; i++) {
		const struct mx_option *o = &mx_options[i];
		char lhs[32];

		if (o->short_opt)
			snprintf(lhs, sizeof(lhs), "-%c, --%s %s", o->short_opt, o->flag, o->arg);
		else
			snprintf(lhs, sizeof(lhs), "--%s %s", o->flag, o->arg);
		fprintf(f, "  %-20s %s\n", lhs, o->help);
	}
}
