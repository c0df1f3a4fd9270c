/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The three forms a view is written in: HTML (report.html), Markdown (report.md) and plain
 * text (report.txt). A view builds its sentences once and asks the form for the markup: how
 * text is escaped, how a cell key or a strong word looks, how a list item is laid out.
 */
#ifndef BPFAULT_VIEW_H
#define BPFAULT_VIEW_H

#include "analysis.h"
#include "common.h"
#include "results.h"

enum view_form { VIEW_HTML, VIEW_MD, VIEW_TEXT };

#define VIEW_TEXT_COLS 100 /* report.txt lines are wrapped to this width */

/* text, escaped for the form */
void view_esc(struct sbuf *b, enum view_form f, const char *s);
/* a literal (cell key, hook): <code>, `code`, or as it is */
void view_code(struct sbuf *b, enum view_form f, const char *s);
/* strong words: <b>, **, or as they are; cls: an HTML class for a span instead of <b> */
void view_strong(struct sbuf *b, enum view_form f, const char *cls, const char *s);
/* a heading of level 2 or 3 (id: HTML anchor, may be NULL) */
void view_heading(struct sbuf *b, enum view_form f, int level, const char *id, const char *s);
/* one list item (its sentence in item, already in the form) at depth 0 or 1 */
void view_item(struct sbuf *b, enum view_form f, int depth, bool warn, const struct sbuf *item);
/* a paragraph (already in the form) */
void view_para(struct sbuf *b, enum view_form f, const struct sbuf *para);
/* s as text wrapped to VIEW_TEXT_COLS: the first line after first, the others after indent
 * spaces; ends with a newline */
void view_wrap(struct sbuf *b, const char *s, const char *first, int indent);
/* "What this means": the notes, in the form */
void view_notes(struct sbuf *b, enum view_form f, const struct res_index *x,
		const struct an_notes *n);
/* an arm for a sentence: its name, and its hook for that syscall when the run recorded it */
void view_arm(struct sbuf *b, enum view_form f, const struct res_index *x, int arm, int sys);

#endif
