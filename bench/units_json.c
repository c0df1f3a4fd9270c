// SPDX-License-Identifier: BSD-2-Clause
/* meta.units: the facts of every unit a run used, from the registry (see /README "Results"). */
#include "units_json.h"

static json_t *arm_json(const struct arm_desc *a, const bool *used_sc)
{
	json_t *hooks = json_object();
	char buf[256];

	for (size_t i = 0; i < nsyscalls; i++)
		if (used_sc[i] && arm_hook(a, &syscalls[i], buf, sizeof(buf)))
			json_object_set_new(hooks, syscalls[i].name, json_string(buf));
	return json_pack("{ss ss sb sb so si ss so}", "name", a->name, "family", a->family,
			 "at_exit", a->at_exit, "perturbing", a->perturbing, "pair",
			 a->pair == ARM_NONE ? json_null() : json_string(arms[a->pair].name),
			 "style", a->style, "reads", a->reads, "hooks", hooks);
}

static const char *kind_name(int kind)
{
	static const char *const k[] = {[KIND_BUF] = "buf",
					[KIND_STR] = "str",
					[KIND_IOV] = "iov",
					[KIND_ARGV] = "argv",
					[KIND_MSG] = "msg"};

	return kind >= 0 && kind < (int)ARRAY_LEN(k) ? k[kind] : "buf";
}

static json_t *syscall_json(const struct syscall_desc *s)
{
	return json_pack("{ss ss ss sb sb ss}", "name", s->name, "buffer", s->where, "kind",
			 kind_name(s->kind), "forks", s->impl->forks, "replaces_image",
			 s->impl->replaces_image, "help", s->impl->help);
}

static json_t *state_json(const struct state_desc *s)
{
	return json_pack("{ss sb sb sb ss}", "name", s->name, "control", s->control, "absent",
			 s->nonresident, "graded", s->graded, "help", s->help);
}

static json_t *sink_json(const struct sink_desc *k)
{
	return json_pack("{ss sb ss}", "name", k->name, "touches_buffer", k->touches_buffer, "help",
			 k->help);
}

json_t *units_json_sets(const struct unit_sets *u)
{
	json_t *ja = json_array(), *jc = json_array(), *js = json_array(), *jk = json_array();

	for (size_t a = 0; a < narms; a++)
		if (u->arm[a])
			json_array_append_new(ja, arm_json(&arms[a], u->sc));
	for (size_t s = 0; s < nsyscalls; s++)
		if (u->sc[s])
			json_array_append_new(jc, syscall_json(&syscalls[s]));
	for (size_t s = 0; s < nstates; s++)
		if (u->st[s])
			json_array_append_new(js, state_json(states[s]));
	for (size_t k = 0; k < nsinks; k++)
		if (u->sk[k])
			json_array_append_new(jk, sink_json(sinks[k]));
	return json_pack("{so so so so}", "arms", ja, "syscalls", jc, "states", js, "sinks", jk);
}

json_t *units_json(const struct cellspec *cells, int ncells)
{
	struct unit_sets u = {0};

	for (int i = 0; i < ncells; i++) {
		for (size_t a = 0; a < narms; a++)
			u.arm[a] |= !!(cells[i].arm_mask & (1u << a));
		u.sc[cells[i].sc->id] = true;
		for (size_t s = 0; s < nstates; s++)
			u.st[s] |= states[s] == cells[i].st;
		for (size_t k = 0; k < nsinks; k++)
			u.sk[k] |= sinks[k] == cells[i].sk;
	}
	return units_json_sets(&u);
}
