// SPDX-License-Identifier: BSD-2-Clause
/* The text-table printer (textable.h). */
#include <stdlib.h>
#include <string.h>
#include "textable.h"

struct tt_row *tt_add(struct ttable *t, const char *group)
{
	if (t->n == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 64;
		struct tt_row *nv = realloc(t->rows, nc * sizeof(*nv));

		if (!nv)
			return NULL;
		t->rows = nv;
		t->cap = nc;
	}
	memset(&t->rows[t->n], 0, sizeof(t->rows[0]));
	t->rows[t->n].group = group;
	return &t->rows[t->n++];
}

/* s wrapped at spaces to TT_WIDTH, each line indented by ind */
static void wrap(FILE *f, const char *s, int ind)
{
	int room = TT_WIDTH - ind;

	while (*s) {
		int n = (int)strlen(s);

		if (n > room) {
			n = room;
			while (n > room / 2 && s[n] != ' ')
				n--;
			if (s[n] != ' ')
				n = room;
		}
		fprintf(f, "%*s%.*s\n", ind, "", n, s);
		s += n;
		s += strspn(s, " ");
	}
}

void tt_print(const struct ttable *t, FILE *f)
{
	int w[TT_COLS] = {0};
	const char *group = NULL;

	for (int c = 0; c < t->ncols; c++) {
		w[c] = (int)strlen(t->head[c]);
		for (size_t i = 0; i < t->n; i++)
			if ((int)strlen(t->rows[i].col[c]) > w[c])
				w[c] = (int)strlen(t->rows[i].col[c]);
	}
	fprintf(f, " ");
	for (int c = 0; c < t->ncols; c++)
		fprintf(f, " %-*s", c + 1 < t->ncols ? w[c] : 0, t->head[c]);
	fprintf(f, "\n");
	for (size_t i = 0; i < t->n; i++) {
		const struct tt_row *r = &t->rows[i];

		if (r->group && (!group || strcmp(group, r->group)))
			fprintf(f, "%s\n", r->group);
		group = r->group;
		fprintf(f, " ");
		for (int c = 0; c < t->ncols; c++)
			fprintf(f, " %-*s", c + 1 < t->ncols ? w[c] : 0, r->col[c]);
		fprintf(f, "\n");
		if (r->note)
			wrap(f, r->note, 4);
		if (r->own[0])
			wrap(f, r->own, 4);
	}
}

void tt_free(struct ttable *t)
{
	free(t->rows);
	t->rows = NULL;
	t->n = t->cap = 0;
}
