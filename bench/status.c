// SPDX-License-Identifier: BSD-2-Clause
#include <stdarg.h>
#include <stdio.h>
#include "results.h"
#include "status.h"

static enum cell_status invalid(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum cell_status invalid(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return CELL_INVALID;
}

/* a control cell: the page was present on every trial and no arm failed */
static enum cell_status control_rule(const struct cell_facts *f, char *why, size_t len)
{
	if (f->nonresident)
		return invalid(why, len, "control buffer not present on %llu trials",
			       (unsigned long long)f->nonresident);
	for (int i = 0; i < f->narms; i++) {
		const struct arm_facts *a = &f->arms[i];

		if (!a->exempt && a->ok != a->n)
			return invalid(why, len, "control read failed: arm %s failed %llu of %llu",
				       a->name, (unsigned long long)(a->n - a->ok),
				       (unsigned long long)a->n);
	}
	return CELL_OK;
}

enum cell_status cell_status_rule(const struct cell_facts *f, char *why, size_t len)
{
	why[0] = 0;
	if (f->unsupported) {
		snprintf(why, len, "%s", f->unsupported);
		return CELL_UNSUPPORTED;
	}
	if (f->error)
		return invalid(why, len, "%s", f->error);
	if (f->trials == 0)
		return CELL_PENDING;
	for (int i = 0; i < f->narms; i++)
		if (f->arms[i].missed)
			return invalid(why, len, "arm %s did not fire on %llu of %llu trials",
				       f->arms[i].name, (unsigned long long)f->arms[i].missed,
				       (unsigned long long)f->arms[i].n);
	if (f->nonresident_state && (double)f->nonresident < CELL_PREP_MIN * (double)f->trials)
		return invalid(why, len, "page state took on only %llu of %llu trials (pagemap)",
			       (unsigned long long)f->nonresident, (unsigned long long)f->trials);
	if (f->control)
		return control_rule(f, why, len);
	return CELL_OK;
}

void cell_status_store(struct res_cell *r, enum cell_status s, const char *why)
{
	_Static_assert((int)CELL_PENDING == (int)RS_PENDING && (int)CELL_OK == (int)RS_OK &&
			       (int)CELL_UNSUPPORTED == (int)RS_UNSUPPORTED &&
			       (int)CELL_INVALID == (int)RS_INVALID,
		       "enum cell_status follows enum res_status");
	if (s == CELL_PENDING || s == CELL_OK || !why)
		res_set_status(r, (enum res_status)s, NULL);
	else
		res_set_status(r, (enum res_status)s, "%s", why);
}
