// SPDX-License-Identifier: BSD-2-Clause
/*
 * The unit tables, generated from the registry (bpf/units.def): each line becomes a descriptor
 * that joins the registry's facts with the unit's own behaviour (its impl, in its own file).
 * Also the lookups by name (for command lines and matrix files only) and the questions every
 * caller asks of the tables: which syscalls an arm serves, with which hook text.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "model.h"

#define SC_IMPL_ARG(id, name, argi, argname, kind)	 extern const struct syscall_impl sc_##id;
#define SC_IMPL_OTHER(id, name, kind, where)		 extern const struct syscall_impl sc_##id;
#define SC_IMPL_VAR(id, name, base, argi, argname, kind) extern const struct syscall_impl sc_##id;
BPFAULT_SYSCALLS(SC_IMPL_ARG, SC_IMPL_OTHER, SC_IMPL_VAR)
#define ARM_IMPL(ID, id, name, family, at_exit, perturbing, pair, style, reads)                    \
	extern const struct arm_impl arm_##id;
BPFAULT_ARMS(ARM_IMPL)
#define ST_DECL(id) extern const struct state_desc state_##id;
BPFAULT_STATES(ST_DECL)
#define SK_DECL(id) extern const struct sink_desc sink_##id;
BPFAULT_SINKS(SK_DECL)

const struct syscall_desc syscalls[SC__COUNT] = {
#define SC_ARG(id_, name_, argi_, argname_, kind_)                                                 \
	[SC_##id_] = {.name = name_,                                                               \
		      .id = SC_##id_,                                                              \
		      .base = SC_##id_,                                                            \
		      .argi = argi_,                                                               \
		      .where = "argument " #argi_ " (" argname_ ")",                               \
		      .kind = kind_,                                                               \
		      .tp = #id_,                                                                  \
		      .impl = &sc_##id_},
#define SC_OTHER(id_, name_, kind_, where_)                                                        \
	[SC_##id_] = {.name = name_,                                                               \
		      .id = SC_##id_,                                                              \
		      .base = SC_##id_,                                                            \
		      .argi = -1,                                                                  \
		      .where = where_,                                                             \
		      .kind = kind_,                                                               \
		      .impl = &sc_##id_},
#define SC_VAR(id_, name_, base_, argi_, argname_, kind_)                                          \
	[SC_##id_] = {.name = name_,                                                               \
		      .id = SC_##id_,                                                              \
		      .base = SC_##base_,                                                          \
		      .argi = argi_,                                                               \
		      .where = "argument " #argi_ " (" argname_ ")",                               \
		      .kind = kind_,                                                               \
		      .tp = #base_,                                                                \
		      .impl = &sc_##id_},
	BPFAULT_SYSCALLS(SC_ARG, SC_OTHER, SC_VAR)};

const struct arm_desc arms[ARM__COUNT] = {
#define ARM_DESC(ID, id_, name_, family_, at_exit_, perturbing_, pair_, style_, reads_)            \
	[ARM_##ID] = {.name = name_,                                                               \
		      .id = ARM_##ID,                                                              \
		      .family = family_,                                                           \
		      .at_exit = at_exit_,                                                         \
		      .perturbing = perturbing_,                                                   \
		      .pair = ARM_##pair_,                                                         \
		      .style = style_,                                                             \
		      .reads = reads_,                                                             \
		      .impl = &arm_##id_},
	BPFAULT_ARMS(ARM_DESC)};

#define ST_PTR(id) [ST_##id] = &state_##id,
const struct state_desc *const states[ST__COUNT] = {BPFAULT_STATES(ST_PTR)};
#define SK_PTR(id) [SK_##id] = &sink_##id,
const struct sink_desc *const sinks[SK__COUNT] = {BPFAULT_SINKS(SK_PTR)};

const size_t nstates = ST__COUNT, nsinks = SK__COUNT, nsyscalls = SC__COUNT, narms = ARM__COUNT;

/* styles are unique: a plot tells arms apart by them */
#define ARM_STYLE_CASE(ID, id, name, family, at_exit, perturbing, pair, style, reads) case style:
static inline void styles_unique(int s)
{
	switch (s) { /* a duplicate style is a duplicate case label: a compile error */
		BPFAULT_ARMS(ARM_STYLE_CASE)
		break;
	}
}

const struct state_desc *find_state(const char *name)
{
	for (size_t i = 0; i < nstates; i++)
		if (!strcmp(states[i]->name, name))
			return states[i];
	return NULL;
}

const struct sink_desc *find_sink(const char *name)
{
	for (size_t i = 0; i < nsinks; i++)
		if (!strcmp(sinks[i]->name, name))
			return sinks[i];
	return NULL;
}

const struct syscall_desc *find_syscall(const char *name)
{
	for (size_t i = 0; i < nsyscalls; i++)
		if (!strcmp(syscalls[i].name, name))
			return &syscalls[i];
	return NULL;
}

const struct arm_desc *find_arm(const char *name)
{
	for (size_t i = 0; i < narms; i++)
		if (!strcmp(arms[i].name, name))
			return &arms[i];
	return NULL;
}

const struct syscall_desc *sc_behaves_as(const struct syscall_desc *sc)
{
	const struct syscall_desc *b = &syscalls[sc->base];

	return b != sc && sc->impl->replaces_image && b->impl->replaces_image ? b : sc;
}

static const struct arm_hook *hook_for(const struct arm_desc *a, const struct syscall_desc *sc)
{
	int as = sc_behaves_as(sc)->id;

	for (const struct arm_hook *h = a->impl->hooks; h->hook; h++)
		if (h->sc == sc->id || h->sc == as || (h->sc == SC_ARGS && sc->argi >= 0) ||
		    (h->sc == SC_ARGS_NOFORK && sc->argi >= 0 && !sc->impl->forks))
			return h;
	return NULL;
}

const char *arm_hook(const struct arm_desc *a, const struct syscall_desc *sc, char *buf, size_t len)
{
	const struct arm_hook *h = hook_for(a, sc);

	if (!h)
		return NULL;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(buf, len, h->hook, sc->tp ? sc->tp : sc->name);
#pragma GCC diagnostic pop
	return buf;
}

const char *arm_serves(const struct arm_desc *a, const struct syscall_desc *sc, char *buf,
		       size_t len)
{
	size_t o = 0;

	if (hook_for(a, sc))
		return NULL;
	for (const struct arm_hook *h = a->impl->hooks; h->hook; h++) {
		if (h->sc == SC_ARGS || (h->sc == SC_ARGS_NOFORK && sc->argi < 0)) {
			/* served every syscall with the buffer in an argument, but not this one */
			snprintf(buf, len, "the buffer of %s is %s", sc->name, sc->where);
			return buf;
		}
		if (h->sc == SC_ARGS_NOFORK) {
			snprintf(buf, len, "%s runs in a forked child, not in bpfault's process",
				 sc->name);
			return buf;
		}
	}
	o += (size_t)snprintf(buf, len, "its hook serves ");
	for (const struct arm_hook *h = a->impl->hooks; h->hook && o < len; h++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", h == a->impl->hooks ? "" : ", ",
				      syscalls[h->sc].name);
	if (o < len)
		snprintf(buf + o, len - o, " only, not %s", sc->name);
	return buf;
}

int state_supported(const struct state_desc *st, const struct host_caps *h, char *why, size_t len)
{
	if (st->needs_swap && h->no_swap) {
		snprintf(why, len, "no swap: %s", h->no_swap);
		return -ENODEV;
	}
	if (st->needs_memcg && h->no_memcg) {
		snprintf(why, len, "no memory cgroup: %s", h->no_memcg);
		return -ENODEV;
	}
	return st->supported ? st->supported(h, why, len) : 0;
}
