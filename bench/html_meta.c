// SPDX-License-Identifier: BSD-2-Clause
/* The report's table of the run: every meta key with a label and its value in words. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "esc.h"
#include "html.h"

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
	{"units", NULL, MK_PLAIN, false}, /* rendered as the units themselves */
};

static void meta_value(struct sbuf *b, const char *key, json_t *v)
{
	size_t klen = strlen(key);

	if (json_is_string(v)) {
		esc_html(b, json_string_value(v));
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
				esc_html(b, json_string_value(e));
		}
	} else {
		char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

		esc_html(b, s ? s : "?");
		free(s);
	}
}

/* one argument as a POSIX shell would need it, as HTML */
static void sb_shell_arg(struct sbuf *b, const char *s)
{
	struct sbuf w = {0};

	esc_shell(&w, s);
	esc_html(b, w.s ? w.s : "");
	b->err = b->err ? b->err : w.err;
	sb_free(&w);
}

/* "2025-11-24T19:00:00Z" as seconds since the epoch, or -1 */
static long long utc_seconds(const char *s)
{
	struct tm tm = {0};
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);

	return end && !*end ? (long long)timegm(&tm) : -1;
}

/* the command line, the matrix and the dropped list; false when v is not of their form */
static bool meta_rich(struct sbuf *b, const struct res_run *run, const struct meta_field *m,
		      json_t *v)
{
	json_t *o;

	switch (m->kind) {
	case MK_COMMAND: /* argv after the program's name: shown as a command line */
		if (!json_is_array(v))
			return false;
		o = json_object_get(run->meta, "tool");
		sb_printf(b, "<code>");
		esc_html(b, json_is_string(o) ? json_string_value(o) : "bpfault");
		for (size_t i = 0; i < json_array_size(v); i++) {
			json_t *e = json_array_get(v, i);

			sb_printf(b, " ");
			if (json_is_string(e))
				sb_shell_arg(b, json_string_value(e));
		}
		sb_printf(b, "</code>");
		return true;
	case MK_MATRIX: /* its name, then its fingerprint */
		o = json_object_get(run->meta, "matrix");
		if (json_is_string(o) && *json_string_value(o)) {
			esc_html(b, json_string_value(o));
			sb_printf(b, " (matrix_id <code>");
			meta_value(b, m->key, v);
			sb_printf(b, "</code>)");
		} else {
			sb_printf(b, "matrix_id <code>");
			meta_value(b, m->key, v);
			sb_printf(b, "</code>");
		}
		return true;
	case MK_LIST: /* cells left out, each with its reason */
		if (!json_is_array(v))
			return false;
		if (!json_array_size(v)) {
			sb_printf(b, "none");
			return true;
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
		return true;
	default:
		return false;
	}
}

static void meta_row_value(struct sbuf *b, const struct res_run *run, const struct meta_field *m,
			   json_t *v)
{
	if (meta_rich(b, run, m, v))
		return;
	switch (m->kind) {
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
	default:
		break;
	}
	meta_value(b, m->key, v);
}

void html_meta(struct sbuf *b, const struct res_run *run)
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
		esc_html(b, key);
		sb_printf(b, "</th><td>");
		meta_value(b, key, v);
		sb_printf(b, "</td></tr>\n");
	}
	sb_printf(b, "<tr><th>status</th><td>%s</td></tr>\n</table>\n",
		  run->complete ? "complete" : "<strong>INCOMPLETE</strong>");
}
