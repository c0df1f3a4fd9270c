/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One escaper per target language, and one formatter each for rates, p-values and costs. Every
 * view writes strings from a results file (hostile input) through these only.
 */
#ifndef BPFAULT_ESC_H
#define BPFAULT_ESC_H

#include <stddef.h>
#include <stdint.h>
#include "common.h"

/* ---- escapers: append s to b in the target language's quoting ---- */
void esc_html(struct sbuf *b, const char *s);	 /* HTML text and attribute values */
void esc_xml(struct sbuf *b, const char *s);	 /* XML 1.0 text and attributes */
void esc_md(struct sbuf *b, const char *s);	 /* a Markdown table cell */
void esc_md_code(struct sbuf *b, const char *s); /* inside a Markdown `code span` */
void esc_gp(struct sbuf *b, const char *s);	 /* a gnuplot single-quoted string, with quotes */
void esc_gpdata(struct sbuf *b, const char *s);	 /* a double-quoted string in a gnuplot data file */
void esc_csv(struct sbuf *b, const char *s);	 /* an RFC 4180 field, quoted when it must be */
void esc_shell(struct sbuf *b, const char *s);	 /* one POSIX shell word, quoted when it must be */
void esc_base64(struct sbuf *b, const char *data, size_t len); /* RFC 4648 base64 */
/* a file-name-safe copy: [A-Za-z0-9._-], anything else becomes '_' */
void esc_filename(char *dst, size_t len, const char *s);

/* ---- formatters: write into buf, return buf ---- */
/* a rate in [0,1] as percent without the sign, never rounding a non-zero rate to "0":
 * "12.3", "0.04", "100"; "n/a" for NAN */
char *fmt_pct(char *buf, size_t len, double rate);
/* "3.0% [2.3, 3.8]"; "-" when NAN */
char *fmt_rate(char *buf, size_t len, double rate, double lo, double hi);
/* fmt_rate() of k failures in n (Wilson 95%); "-" when n == 0 */
char *fmt_rate_kn(char *buf, size_t len, uint64_t k, uint64_t n);
/* "0.012", "1.2e-05", "<1e-300", "-" for NAN */
char *fmt_p(char *buf, size_t len, double p);
/* "850 ns", "62.6 µs", "1.20 ms"; "-" for NAN */
char *fmt_ns(char *buf, size_t len, double ns);

#endif
