/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Third-party tracers scored as arms (tool:<name>): a tool definition (a small strict JSON file),
 * the tool's process (started before a cell's trials, drained and stopped after them), and the
 * scoring of its output against the trials by nonce. The workload's strings for path and argv
 * syscalls are printable and carry the trial's nonce (bpfault_str_word() in bpf/probe.h is the one
 * definition of those bytes, for BPF and user space), so any tool's output can be matched.
 */
#ifndef BPFAULT_TOOL_H
#define BPFAULT_TOOL_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/types.h>
#include "common.h"
#include "probe.h"

#define TOOL_MAX_ARGS	 32
#define TOOL_MAX_ENV	 8
#define TOOL_MAX_SYSCALL 4
#define TOOL_MAX_NEEDS	 4
#define TOOL_SCHEMA	 "bpfault-tool/1"
#define TOOL_MIN_SIZE	 32u /* a string shorter than this does not carry the whole nonce */

#ifndef BPFAULT_DATADIR
#define BPFAULT_DATADIR "/usr/local/share/bpfault"
#endif

/* where a tool reads the string, as its definition states it (documented, not measured) */
enum tool_reads { TR_UNKNOWN = 0, TR_ENTER, TR_EXIT };

/* a parsed definition; every string is owned by it */
struct tool_def {
	char name[64];
	char file[512]; /* where it was read from */
	char *description;
	char *package; /* the package that installs it, for the "not installed" message */
	char *argv[TOOL_MAX_ARGS + 1]; /* templates: {pid}, {tgid}, {comm} */
	int argc;
	char *env[TOOL_MAX_ENV + 1]; /* "NAME=value" */
	int nenv;
	char *needs[TOOL_MAX_NEEDS + 1]; /* other programs it runs (an interpreter) */
	int nneeds;
	char *syscalls[TOOL_MAX_SYSCALL + 1];
	int nsyscalls;
	enum tool_reads reads;
	bool all_args; /* "args": "all": it prints every argument (execve): argv[2..] are scored */
	int stream;    /* 1 stdout, 2 stderr: where its events are */
	/* readiness: a line on either stream matching ready_re, or a fixed delay; then settle_ms
	 * more (a tool that prints its header before it can deliver events) */
	bool has_ready_re;
	regex_t ready_re;
	unsigned ready_delay_ms, ready_settle_ms, ready_timeout_ms;
	/* events: a regex with the value's (and optionally the pid's) group, or a JSON line */
	bool has_event_re;
	regex_t event_re;
	int value_group, pid_group; /* pid_group 0: no pid in the event */
	char *json_value, *json_pid;
	/* drops the tool reports ("Lost N events"): a regex whose group is the count */
	bool has_drops_re;
	regex_t drops_re;
	int drops_group;
	int stop_signal;
	unsigned stop_grace_ms, drain_quiet_ms, drain_timeout_ms;
};

/*
 * Load a definition: a name ([A-Za-z0-9._-], no '/') is a shipped one, looked up in
 * <directory of the bpfault binary>/bench/tools/ and BPFAULT_DATADIR/tools/ (never the current
 * directory); anything with a '/' is a user's file. Returns 0; -ENOENT (no such definition);
 * -EINVAL (malformed: why says "FILE:LINE: what"); other -errno. tool_def_free() it after.
 */
int tool_def_load(const char *name_or_path, struct tool_def *d, char *why, size_t len);
/* parse a definition from text (file names it in messages); 0 or -EINVAL with why */
int tool_def_parse(const char *text, const char *file, struct tool_def *d, char *why, size_t len);
void tool_def_free(struct tool_def *d);
/* 0 if the programs it runs are installed; -ENOENT naming the missing one in why */
int tool_def_installed(const struct tool_def *d, char *why, size_t len);
/* at p: 1 {pid}, 2 {tgid}, 3 {comm}, -1 an unknown {name}, 0 not a placeholder */
int tool_placeholder(const char *p);
/* whether it serves the syscall */
bool tool_serves(const struct tool_def *d, const char *syscall);
/* an absolute program path for a command name: itself if it has a '/', else found in PATH
 * (relative PATH entries are skipped); 0 or -ENOENT */
int tool_which(const char *cmd, char *out, size_t len);

/* the running tool: its process, its output so far */
struct tool_proc {
	const struct tool_def *def;
	pid_t pid; /* > 0 while it has not been waited for */
	int fd[2]; /* read ends: stdout, stderr (-1 at EOF) */
	struct sbuf out[2];
	size_t scanned[2]; /* bytes already checked for readiness */
	bool ready, exited;
	int status;	  /* wait status once exited */
	uint64_t last_ns; /* when output last arrived */
};

/*
 * Start the tool for the workload process target (its own process group, its output in pipes,
 * no other descriptor of ours) and wait until it is ready. 0; -ETIMEDOUT, -ECHILD (it exited) or
 * another -errno with why ("tool X never became ready within N ms: <its last stderr line>").
 * The process is registered to be killed if bpfault exits early. tool_proc_free() it after.
 */
int tool_start(struct tool_proc *t, const struct tool_def *d, pid_t target, char *why, size_t len);
/* read what the tool wrote so far (non-blocking); 0, or -ECHILD with why if it exited */
int tool_pump(struct tool_proc *t, char *why, size_t len);
/* wait until its output has been quiet for drain_quiet_ms (at most drain_timeout_ms), then stop
 * it (stop signal, then SIGKILL after the grace period); 0, or -ECHILD with why if it had died */
int tool_finish(struct tool_proc *t, char *why, size_t len);
/* kill it if still running; free the output */
void tool_proc_free(struct tool_proc *t);

/* how one trial looked in the tool's output */
enum tool_outcome { TO_OK = 0, TO_EMPTY, TO_TRUNCATED, TO_GARBLED, TO_MISSING, TO__COUNT };
extern const char *const tool_outcome_names[TO__COUNT];

/* the per-trial record the workload keeps for a tool cell */
struct tool_trial {
	uint64_t nonce;
	uint64_t t_ns;	    /* monotonic time just before the call */
	int32_t pid;	    /* the process that made the call (execve: the forked child) */
	uint32_t size;	    /* the string's length */
	uint8_t absent;	    /* ground truth before the call: the page was not present */
	uint8_t counted;    /* a trial of the arm (else one that only orders the events) */
	uint8_t outcome;    /* enum tool_outcome, set by tool_score() */
	uint8_t pos_seen;   /* execve: bit p, argv position p (probe.h; p >= 1) printed whole */
	uint8_t pos_absent; /* execve: bit p, position p's page was not present (bit 0: absent) */
	uint8_t pos_known;  /* execve: pos_absent's later bits were measured */
	int32_t cell;	    /* the run's cell */
	uint32_t arm_fail;  /* 1 << enum bpfault_arm: bpfault's arms that failed in it */
};

_Static_assert(BPFAULT_NPOS <= 8, "struct tool_trial's position bits are 8");
struct tool_score {
	uint64_t n[TO__COUNT];
	uint64_t drops;	 /* events the tool said it lost */
	uint64_t events; /* event lines it printed (of any process) */
};

/* the expected string of a trial: size printable bytes and a NUL (out has size + 1 bytes) */
void tool_expect(char *out, uint32_t size, uint64_t nonce);
/*
 * Score trials (in the order they ran) against the tool's output: each event line's value is
 * matched to a trial by the nonce it carries, or, for an empty or cut value, to the next trial
 * of the event's pid. Sets trials[i].outcome and fills s (s->n: the counted trials). 0 or
 * -ENOMEM.
 */
int tool_score(const struct tool_def *d, const struct tool_proc *t, struct tool_trial *trials,
	       size_t n, struct tool_score *s);
/* the same on text (tests): events from ev, drop messages from both */
int tool_score_text(const struct tool_def *d, const char *ev, const char *other,
		    struct tool_trial *trials, size_t n, struct tool_score *s);

#endif
