// SPDX-License-Identifier: BSD-2-Clause
/* Escapers and formatters (esc.h). */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "esc.h"
#include "stats.h"

static void put(struct sbuf *b, char c)
{
	sb_printf(b, "%c", c);
}

/*
 * The reference for c in HTML or XML text and attribute values, or NULL to write c itself. They
 * differ on purpose: HTML 4 has no &apos;, and XML keeps tab, newline and CR only as references
 * (attribute-value normalization folds them into blanks); HTML text keeps them as they are.
 */
static const char *markup_ref(unsigned char c, bool xml)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return xml ? "&apos;" : "&#39;";
	case '\t':
		return xml ? "&#9;" : NULL;
	case '\n':
		return xml ? "&#10;" : NULL;
	case '\r':
		return xml ? "&#13;" : NULL;
	}
	return NULL;
}

void esc_html(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		const char *ref = markup_ref(c, false);

		if (ref)
			sb_printf(b, "%s", ref);
		else /* other control characters are blanks */
			put(b, c < 0x20 && c != '\n' && c != '\t' ? ' ' : (char)c);
	}
}

void esc_xml(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		const char *ref = markup_ref(c, true);

		if (ref)
			sb_printf(b, "%s", ref);
		else /* XML 1.0 has no other control characters, not even as references */
			put(b, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
}

void esc_md(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n' || c == '\r' || c == '\t')
			put(b, ' ');
		else if (c < 0x20 || c == 0x7f)
			put(b, '?');
		else if (strchr("\\`*_[]<>#|~&", c))
			sb_printf(b, "\\%c", c);
		else
			put(b, (char)c);
	}
}

void esc_md_code(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		put(b, c < 0x20 || c == 0x7f || c == '`' ? '?' : (char)c);
	}
}

void esc_gp(struct sbuf *b, const char *s)
{
	put(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			sb_printf(b, "''");
		else
			put(b, (unsigned char)*s < 0x20 ? ' ' : *s);
	}
	put(b, '\'');
}

void esc_gpdata(struct sbuf *b, const char *s)
{
	put(b, '"');
	for (; *s; s++)
		put(b, *s == '"' ? '\'' : (unsigned char)*s < 0x20 ? ' ' : *s);
	put(b, '"');
}

void esc_csv(struct sbuf *b, const char *s)
{
	if (!s[strcspn(s, ",\"\r\n")]) {
		sb_printf(b, "%s", s);
		return;
	}
	put(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			put(b, '"');
		put(b, *s);
	}
	put(b, '"');
}

void esc_shell(struct sbuf *b, const char *s)
{
	bool bare = *s != 0;

	for (const char *p = s; *p && bare; p++)
		bare = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			      "-_./,:=+@%",
			      *p) != NULL;
	if (bare) {
		sb_printf(b, "%s", s);
		return;
	}
	put(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			sb_printf(b, "'\\''");
		else
			put(b, *s);
	}
	put(b, '\'');
}

void esc_base64(struct sbuf *b, const char *data, size_t len)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *d = (const unsigned char *)data;
	char q[5] = {0};

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)d[i] << 16 | (i + 1 < len ? (uint32_t)d[i + 1] << 8 : 0) |
			     (i + 2 < len ? d[i + 2] : 0);

		q[0] = t[v >> 18 & 63];
		q[1] = t[v >> 12 & 63];
		q[2] = i + 1 < len ? t[v >> 6 & 63] : '=';
		q[3] = i + 2 < len ? t[v & 63] : '=';
		sb_printf(b, "%s", q);
	}
}

void esc_filename(char *dst, size_t len, const char *s)
{
	size_t j = 0;

	for (; *s && j + 1 < len; s++) {
		char ch = *s;

		dst[j++] = ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			    (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_')
				   ? ch
				   : '_';
	}
	if (len)
		dst[j] = 0;
}

char *fmt_pct(char *buf, size_t len, double v)
{
	double x = v * 100;

	if (!isfinite(v)) {
		snprintf(buf, len, "n/a");
		return buf;
	}
	/* 1 decimal, more below 10%, but never a rate that is not exactly 0 or 1 as "0" or "100" */
	for (int prec = v == 0 || v >= 0.1 ? 1 : 2;; prec++) {
		snprintf(buf, len, "%.*f", prec, x);
		if (prec >= 4 ||
		    ((v <= 0 || strtod(buf, NULL) > 0) && (v >= 1 || strtod(buf, NULL) < 100)))
			return buf;
	}
}

char *fmt_rate(char *buf, size_t len, double rate, double lo, double hi)
{
	char r[32], l[32], h[32];

	if (!isfinite(rate)) {
		snprintf(buf, len, "-");
		return buf;
	}
	snprintf(buf, len, "%s%% [%s, %s]", fmt_pct(r, sizeof(r), rate), fmt_pct(l, sizeof(l), lo),
		 fmt_pct(h, sizeof(h), hi));
	return buf;
}

char *fmt_rate_kn(char *buf, size_t len, uint64_t k, uint64_t n)
{
	struct stats_ci ci;

	if (!n)
		return fmt_rate(buf, len, NAN, NAN, NAN);
	ci = stats_wilson(k, n, STATS_Z95);
	return fmt_rate(buf, len, (double)k / (double)n, ci.lo, ci.hi);
}

char *fmt_p(char *buf, size_t len, double p)
{
	if (isnan(p))
		snprintf(buf, len, "-");
	else if (p < 1e-300)
		snprintf(buf, len, "<1e-300");
	else
		snprintf(buf, len, "%.2g", p);
	return buf;
}

char *fmt_ns(char *buf, size_t len, double ns)
{
	if (!isfinite(ns))
		snprintf(buf, len, "-");
	else if (ns < 1000)
		snprintf(buf, len, "%.0f ns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.1f \u00b5s", ns / 1e3);
	else
		snprintf(buf, len, "%.2f ms", ns / 1e6);
	return buf;
}
