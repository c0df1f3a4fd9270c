// SPDX-License-Identifier: BSD-2-Clause
/*
 * bpfault list: what exists, and what this kernel supports (and why not). Fast and without the
 * run lock: the arms' programs are loaded in one object to probe them, never attached, and
 * tracefs (to see which tracepoints exist) is mounted, when it is not, in a mount namespace of
 * list's own, so nothing another run uses is touched.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cmds.h"
#include "common.h"
#include "loader.h"
#include "sysstate.h"
#include "units_json.h"

struct listing {
	bool probed;
	struct probe p;
	char why[512];	   /* not probed: why */
	char no_swap[200]; /* the host's swap, for the states */
	char no_memcg[400];
	char swap_desc[300], memcg_desc[400];
	struct host_caps host;
};

static void list_usage(FILE *f)
{
	fprintf(f, "usage: bpfault list [-j|--json]\n"
		   "  the syscalls, page states, sinks and arms, and which this kernel supports\n"
		   "  (probing the arms needs root: their programs are loaded, never attached)\n"
		   "  -j, --json     one JSON object on stdout\n");
}

/* tracefs where the loader looks, mounted in a private mount namespace if it is not there */
static int private_tracefs(char *why, size_t len)
{
	struct stat st;

	if (stat("/sys/kernel/tracing/events", &st) == 0 ||
	    stat("/sys/kernel/debug/tracing/events", &st) == 0)
		return 0;
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL) < 0) {
		snprintf(why, len, "cannot mount tracefs privately: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

static void host_facts(struct listing *l)
{
	char s[256], why[300];

	sys_swap_summary(s, sizeof(s));
	if (strcmp(s, "none"))
		snprintf(l->swap_desc, sizeof(l->swap_desc), "swap on: %s", s);
	else if (access("/sys/block/zram0/disksize", R_OK) == 0)
		snprintf(l->swap_desc, sizeof(l->swap_desc),
			 "no swap on; bpfault sets up zram for the run");
	else
		l->host.no_swap = strcpy(l->no_swap, "no swap and no zram device");
	if (geteuid() != 0)
		snprintf(l->memcg_desc, sizeof(l->memcg_desc), "memory cgroup unknown (not root)");
	else if (sys_memcg_init(why, sizeof(why)) == 0)
		snprintf(l->memcg_desc, sizeof(l->memcg_desc), "memory cgroup: %s",
			 sys_memcg_desc());
	else
		l->host.no_memcg = strcpy(l->no_memcg, why);
}

static void probe_arms(struct listing *l)
{
	bool want_arm[ARM__COUNT], want_sc[SC__COUNT];

	if (geteuid() != 0) {
		snprintf(l->why, sizeof(l->why), "not root: cannot probe BPF");
		return;
	}
	memset(want_arm, 1, sizeof(want_arm));
	memset(want_sc, 1, sizeof(want_sc));
	sys_raise_memlock(); /* not needed on kernels with memcg-accounted BPF memory */
	if (private_tracefs(l->why, sizeof(l->why)) == 0 &&
	    probe_start(&l->p, want_arm, want_sc, 0, PROBE_LOAD_ONLY, l->why, sizeof(l->why)) == 0)
		l->probed = true;
}

/* "ok", "unsupported" or "unknown", and why */
static const char *arm_status(const struct listing *l, int id, const char **why)
{
	if (!l->probed) {
		*why = l->why;
		return "unknown";
	}
	*why = l->p.ok[id] ? NULL : l->p.why[id];
	return l->p.ok[id] ? "ok" : "unsupported";
}

static void print_text(const struct listing *l)
{
	char buf[256];

	printf("syscalls:\n");
	for (size_t i = 0; i < nsyscalls; i++)
		printf("  %-14s nr %ld, buffer: %s\n", syscalls[i].name, syscalls[i].impl->nr,
		       syscalls[i].where);
	printf("page states:\n");
	for (size_t i = 0; i < nstates; i++) {
		const struct state_desc *st = states[i];
		int err = state_supported(st, &l->host, buf, sizeof(buf));

		printf("  %-14s %s\n", st->name, st->help);
		if (err) {
			printf("      unsupported: %s\n", buf);
			continue;
		}
		printf("      ok%s%s%s%s%s\n", st->needs_swap ? " (" : "",
		       st->needs_swap ? l->swap_desc : "", st->needs_swap ? ")" : "",
		       st->needs_memcg ? "; " : "", st->needs_memcg ? l->memcg_desc : "");
	}
	printf("sinks:\n");
	for (size_t i = 0; i < nsinks; i++)
		printf("  %-14s %s\n", sinks[i]->name, sinks[i]->help);
	printf("arms (%s):\n", l->probed ? "probed: a minimal program loaded at each hook, none "
					   "attached; a run verifies the arms' own code"
					 : "not probed");
	for (size_t i = 0; i < narms; i++) {
		const struct arm_desc *a = &arms[i];
		const char *why, *st = arm_status(l, a->id, &why);

		printf("  %-14s %s%s%s\n", a->name, st, why ? ": " : "", why ? why : "");
		printf("      %s, reads with %s%s\n", a->family, a->reads,
		       a->perturbing ? ", faults pages in: trials of its own" : "");
		for (size_t s = 0; s < nsyscalls; s++)
			if (arm_hook(a, &syscalls[s], buf, sizeof(buf)))
				printf("      %-12s %s\n", syscalls[s].name, buf);
	}
}

/* meta.units' form of every unit, with whether this host supports it */
static int print_json(const struct listing *l)
{
	struct unit_sets all;
	json_t *u, *o;
	char buf[256];
	size_t i;
	int err;

	memset(&all, 1, sizeof(all));
	u = units_json_sets(&all);
	if (!u)
		return -ENOMEM;
	json_array_foreach(json_object_get(u, "arms"), i, o)
	{
		const char *why, *st = arm_status(l, arms[i].id, &why);

		json_object_set_new(o, "status", json_string(st));
		json_object_set_new(o, "why", why ? json_string(why) : json_null());
	}
	json_array_foreach(json_object_get(u, "states"), i, o)
	{
		err = state_supported(states[i], &l->host, buf, sizeof(buf));
		json_object_set_new(o, "status", json_string(err ? "unsupported" : "ok"));
		json_object_set_new(o, "why", err ? json_string(buf) : json_null());
	}
	json_array_foreach(json_object_get(u, "syscalls"), i, o)
		json_object_set_new(o, "nr", json_integer(syscalls[i].impl->nr));
	json_object_set_new(u, "probe",
			    json_pack("{sb sb si ss}", "loaded", l->probed, "attached", false,
				      "loads", l->p.loads, "why", l->probed ? "" : l->why));
	err = json_dumpf(u, stdout, JSON_INDENT(2)) ? -EIO : 0;
	putchar('\n');
	json_decref(u);
	return err;
}

int cmd_list(int argc, char **argv)
{
	static struct listing l;
	bool json = false;
	int err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			list_usage(stdout);
			return EXIT_OK;
		}
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			json = true;
			continue;
		}
		err_msg("list: unexpected argument '%s' (try 'bpfault list --help')", argv[i]);
		return EXIT_USAGE;
	}
	g_quiet = 1;
	sys_init(); /* removes the memory cgroup host_facts() makes */
	host_facts(&l);
	probe_arms(&l);
	g_quiet = 0;
	err = 0;
	if (json)
		err = print_json(&l);
	else
		print_text(&l);
	if (l.probed)
		probe_stop(&l.p);
	sys_restore();
	if (err) {
		err_msg("list: writing JSON: %s", strerror(-err));
		return EXIT_INTERNAL;
	}
	return EXIT_OK;
}
