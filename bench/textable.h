/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one text-table printer of compare and gate: rows grouped under their cell key (printed
 * once, on its own line), columns padded to their widest entry, an optional note wrapped under
 * its row; every line fits TT_WIDTH columns when the entries do.
 */
#ifndef BPFAULT_TEXTABLE_H
#define BPFAULT_TEXTABLE_H

#include <stdio.h>

#define TT_WIDTH 100
#define TT_COLS	 8

struct tt_row {
	const char *group;     /* printed when it changes; NULL: no group line */
	char col[TT_COLS][64]; /* the entries */
	const char *note;      /* wrapped below the row, indented; NULL: none */
	char own[200];	       /* a note of its own, wrapped likewise when not empty */
};

struct ttable {
	int ncols;
	const char *head[TT_COLS];
	struct tt_row *rows;
	size_t n, cap;
};

/* a new row (zeroed) or NULL when out of memory */
struct tt_row *tt_add(struct ttable *t, const char *group);
void tt_print(const struct ttable *t, FILE *f);
void tt_free(struct ttable *t);

#endif
