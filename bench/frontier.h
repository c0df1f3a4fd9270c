/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The arms at the kernel's frontier (deferred task_work reads, dynptr reads, sleepable
 * tracepoints): what the loader needs to know beyond "does it load" (bpf/kfuncs.h declares every
 * kfunc weak, so an object always loads), and how a sleepable program's refusal is explained.
 */
#ifndef BPFAULT_FRONTIER_H
#define BPFAULT_FRONTIER_H

#include <stddef.h>
#include "model.h"

struct bpf_program;

/* 0 if the running kernel's BTF has the kfuncs arm a calls, else -EOPNOTSUPP and why */
int frontier_supported(const struct arm_desc *a, char *why, size_t len);
/* before a load: mark the program sleepable (a->sleepable) and give it log, so a refusal can
 * be explained with the verifier's own words */
int frontier_prepare_prog(struct bpf_program *prog, const struct arm_desc *a, char *log,
			  size_t len);
/* the iter arm's link: a task iterator over this process's threads (the BPF side filters) */
struct bpf_link *frontier_attach_iter(struct bpf_program *prog);
/* after the call: run the iterator once (the iter arm's read); 0 or -errno */
int frontier_iter_fetch(int link_fd);
/* the verifier's reason in log (its last meaningful line), "" if none; out gets it */
void frontier_verifier_reason(const char *log, char *out, size_t len);

#endif
