// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "common.h"
#include "loader.h"
#include "frontier.h"
#include "probe.skel.h"

static char last_msg[256];

static int print_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[512];

	if (level == LIBBPF_DEBUG && g_verbose < 2)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = 0;
	if (level == LIBBPF_WARN && line[0])
		snprintf(last_msg, sizeof(last_msg), "%.255s", line);
	if (g_verbose)
		fprintf(stderr, "libbpf: %s\n", line);
	return 0;
}

const char *probe_last_libbpf_msg(void)
{
	return last_msg;
}

const char *kernel_btf_path(void)
{
	const char *p = getenv("BPFAULT_BTF");

	return p && *p ? p : "/sys/kernel/btf/vmlinux";
}

/* open the skeleton against kernel_btf_path() */
static struct probe_bpf *skel_open(void)
{
	const char *p = getenv("BPFAULT_BTF");
	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = p && *p ? p : NULL);

	return probe_bpf__open_opts(&oo);
}

const char *probe_libbpf_version(void)
{
	static char v[32];

	snprintf(v, sizeof(v), "%u.%u", libbpf_major_version(), libbpf_minor_version());
	return v;
}

/* what an errno from loading or attaching an arm's programs usually means */
static const char *hint(const struct arm_desc *a, int err)
{
	if (a->id == ARM_KPROBE && access("/sys/bus/event_source/devices/kprobe", F_OK) != 0)
		return " (this kernel has no kprobe PMU and no kprobe_events: kprobes unavailable)";
	if (a->id == ARM_FENTRY && err == -EPERM)
		return " (function tracing is locked down on this kernel)";
	if (a->id == ARM_SLEEP && err == -EINVAL)
		return " (sleepable uprobes need kernel 6.1 or later)";
	return "";
}

/* programs needed by an arm for the wanted syscalls; returns count */
static int arm_progs(struct probe_bpf *s, const struct arm_desc *a, const bool *want_sc,
		     struct bpf_program **out, int max)
{
	int n = 0;

	if (a->needs_tp) {
		for (size_t i = 0; i < nsyscalls && n + 2 <= max; i++) {
			if (!want_sc[i] || !syscalls[i].tp_enter)
				continue;
			out[n++] = bpf_object__find_program_by_name(s->obj, syscalls[i].tp_enter);
			out[n++] = bpf_object__find_program_by_name(s->obj, syscalls[i].tp_exit);
		}
	}
	for (size_t i = 0; a->tp_progs && i < nsyscalls && n < max; i++) {
		char name[64];
		struct bpf_program *prog;

		snprintf(name, sizeof(name), "%s_%s", a->tp_progs, syscalls[i].name);
		prog = want_sc[i] ? bpf_object__find_program_by_name(s->obj, name) : NULL;
		if (prog)
			out[n++] = prog;
	}
	for (int j = 0; j < 2 && n < max; j++)
		if (a->progs[j])
			out[n++] = bpf_object__find_program_by_name(s->obj, a->progs[j]);
	return n;
}

static void set_all_autoload(struct probe_bpf *s, bool on)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, s->obj) bpf_program__set_autoload(prog, on);
}

/* load the programs arm a needs for the wanted syscalls; log (or NULL): the verifier's words */
static void autoload_arm(struct probe_bpf *s, const struct arm_desc *a, const bool *want_sc,
			 char *log, size_t loglen)
{
	struct bpf_program *progs[8];
	int n = arm_progs(s, a, want_sc, progs, 8);

	for (int i = 0; i < n; i++) {
		if (!progs[i])
			continue;
		bpf_program__set_autoload(progs[i], true);
		frontier_prepare_prog(progs[i], a, log, loglen);
	}
}

/* can the programs of arm a be loaded on this kernel? (a throwaway object of its own) */
static int try_load_arm(const struct arm_desc *a, const bool *want_sc, char *why, size_t len)
{
	static char log[16384];
	struct probe_bpf *s;
	char reason[200];
	int err;

	err = frontier_supported(a, why, len);
	if (err)
		return err;
	s = skel_open();
	if (!s) {
		snprintf(why, len, "cannot open BPF object: %s", strerror(errno));
		return -errno;
	}
	set_all_autoload(s, false);
	log[0] = 0;
	autoload_arm(s, a, want_sc, log, sizeof(log));
	s->rodata->targ_tgid = (__u32)getpid();
	last_msg[0] = 0;
	err = probe_bpf__load(s);
	frontier_verifier_reason(log, reason, sizeof(reason));
	if (err && reason[0])
		snprintf(why, len, "load failed: %s (verifier: %.160s)", strerror(-err), reason);
	else if (err)
		snprintf(why, len, "load failed: %s%s", strerror(-err), hint(a, err));
	probe_bpf__destroy(s);
	return err;
}

/* the skeleton's link slot of prog, so probe_bpf__destroy() frees what we attach */
static struct bpf_link **link_slot(struct probe *p, struct bpf_program *prog)
{
	for (int i = 0; i < p->skel->skeleton->prog_cnt; i++)
		if (*p->skel->skeleton->progs[i].prog == prog)
			return p->skel->skeleton->progs[i].link;
	return NULL;
}

static int attach_prog(struct probe *p, struct bpf_program *prog, const struct arm_desc *a,
		       char *why, size_t len)
{
	struct bpf_link **slot = link_slot(p, prog), *link;
	char exe[PATH_MAX];
	ssize_t n;

	if (!slot)
		return -ENOENT;
	if (*slot)
		return 0; /* shared by several arms, attached already */
	if (a->id == ARM_SLEEP) {
		LIBBPF_OPTS(bpf_uprobe_opts, uo, .func_name = "bpfault_call");

		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n < 0) {
			snprintf(why, len, "readlink /proc/self/exe: %s", strerror(errno));
			return -errno;
		}
		exe[n] = 0;
		/* every process of this binary: forked trials (execve) call it too; BPF filters */
		link = bpf_program__attach_uprobe_opts(prog, -1, exe, 0, &uo);
	} else if (a->id == ARM_ITER) {
		link = frontier_attach_iter(prog);
		if (link)
			p->iter_link = bpf_link__fd(link);
	} else {
		link = bpf_program__attach(prog);
	}
	if (!link) {
		int err = -errno;

		snprintf(why, len, "attach %s failed: %s%s", bpf_program__section_name(prog),
			 strerror(-err), hint(a, err));
		return err;
	}
	*slot = link;
	return 0;
}

int probe_start(struct probe *p, const bool *want_arm, const bool *want_sc, char *why, size_t len)
{
	struct bpf_program *progs[8];
	bool any = false;
	int err;

	memset(p, 0, sizeof(*p));
	p->iter_link = -1;
	libbpf_set_print(print_fn);
	/* which arms' programs load at all */
	for (size_t i = 0; i < narms; i++) {
		const struct arm_desc *a = &arms[i];

		if (!want_arm[a->id])
			continue;
		if (try_load_arm(a, want_sc, p->why[a->id], sizeof(p->why[0])) == 0) {
			p->ok[a->id] = true;
			any = true;
		}
	}
	if (!any) {
		snprintf(why, len, "no BPF program could be loaded (%s)",
			 last_msg[0] ? last_msg : "see 'bpfault list'");
		return -EPERM;
	}
	p->skel = skel_open();
	if (!p->skel) {
		err = -errno;
		snprintf(why, len, "cannot open BPF object: %s", strerror(-err));
		return err;
	}
	set_all_autoload(p->skel, false);
	for (size_t i = 0; i < narms; i++)
		if (want_arm[arms[i].id] && p->ok[arms[i].id])
			autoload_arm(p->skel, &arms[i], want_sc, NULL, 0);
	p->skel->rodata->targ_tgid = (__u32)getpid();
	err = probe_bpf__load(p->skel);
	if (err) {
		snprintf(why, len, "cannot load BPF object: %s; %s", strerror(-err), last_msg);
		probe_stop(p);
		return err;
	}
	for (size_t i = 0; i < narms; i++) {
		const struct arm_desc *a = &arms[i];
		int n;

		if (!want_arm[a->id] || !p->ok[a->id])
			continue;
		n = arm_progs(p->skel, a, want_sc, progs, 8);
		for (int j = 0; j < n; j++) {
			if (!progs[j])
				continue;
			if (attach_prog(p, progs[j], a, p->why[a->id], sizeof(p->why[0]))) {
				p->ok[a->id] = false;
				break;
			}
		}
	}
	p->ctl = &p->skel->bss->ctl;
	p->out = &p->skel->bss->out;
	return 0;
}

void probe_stop(struct probe *p)
{
	p->iter_link = -1;
	probe_bpf__destroy(p->skel);
	p->skel = NULL;
}
