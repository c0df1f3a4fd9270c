// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "frontier.h"
#include "loader.h"

/* the kernel functions an arm needs, any one of a group (a newer name, or the 6.18 one) */
struct kfunc_need {
	int arm;
	const char *any[2];
	const char *since;
};

static const struct kfunc_need needs[] = {
	{ARM_DEFERRED,
	 {"bpf_task_work_schedule_resume", "bpf_task_work_schedule_resume_impl"},
	 "6.18"},
	{ARM_DEFERRED_SIGNAL,
	 {"bpf_task_work_schedule_signal", "bpf_task_work_schedule_signal_impl"},
	 "6.18"},
	{ARM_DEFERRED_ON_FAIL,
	 {"bpf_task_work_schedule_resume", "bpf_task_work_schedule_resume_impl"},
	 "6.18"},
	{ARM_DYNPTR, {"bpf_probe_read_user_dynptr", NULL}, "6.16"},
	{ARM_DYNPTR, {"bpf_probe_read_user_str_dynptr", NULL}, "6.16"},
};

static struct btf *kernel_btf(int *err)
{
	static struct btf *btf;
	static int load_err;

	if (!btf && !load_err) {
		btf = btf__parse(kernel_btf_path(), NULL);
		if (!btf)
			load_err = -errno;
	}
	*err = load_err;
	return btf;
}

int frontier_supported(const struct arm_desc *a, char *why, size_t len)
{
	struct btf *btf = NULL;
	int err = 0;

	for (size_t i = 0; i < sizeof(needs) / sizeof(needs[0]); i++) {
		const struct kfunc_need *k = &needs[i];
		bool found = false;

		if (k->arm != a->id)
			continue;
		if (!btf) {
			btf = kernel_btf(&err);
			if (!btf) {
				snprintf(why, len, "cannot read kernel BTF %s: %s",
					 kernel_btf_path(), strerror(-err));
				return err;
			}
		}
		for (int j = 0; j < 2 && k->any[j] && !found; j++)
			found = btf__find_by_name_kind(btf, k->any[j], BTF_KIND_FUNC) > 0;
		if (!found) {
			snprintf(why, len, "this kernel has no %s kfunc (added in %s)", k->any[0],
				 k->since);
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

int frontier_prepare_prog(struct bpf_program *prog, const struct arm_desc *a, char *log, size_t len)
{
	int err;

	if (!a->sleepable)
		return 0;
	err = bpf_program__set_flags(prog, bpf_program__flags(prog) | BPF_F_SLEEPABLE);
	if (!err && log && len) {
		log[0] = 0;
		err = bpf_program__set_log_buf(prog, log, len);
	}
	return err;
}

void frontier_verifier_reason(const char *log, char *out, size_t len)
{
	const char *best = NULL, *p = log;
	size_t best_len = 0;

	out[0] = 0;
	/* the last line that is not the verifier's statistics */
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n && strncmp(p, "processed ", 10) && strncmp(p, "verification time", 17)) {
			best = p;
			best_len = n;
		}
		p = nl ? nl + 1 : NULL;
	}
	if (best)
		snprintf(out, len, "%.*s", (int)best_len, best);
}

struct bpf_link *frontier_attach_iter(struct bpf_program *prog)
{
	union bpf_iter_link_info li = {.task.pid = (__u32)getpid()};
	LIBBPF_OPTS(bpf_iter_attach_opts, o, .link_info = &li, .link_info_len = sizeof(li));

	return bpf_program__attach_iter(prog, &o);
}

int frontier_iter_fetch(int link_fd)
{
	char buf[64];
	int fd = bpf_iter_create(link_fd), err = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	if (n < 0)
		err = -errno;
	close(fd);
	return err;
}
