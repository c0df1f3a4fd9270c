// SPDX-License-Identifier: BSD-2-Clause
/* bpfault: how often do eBPF programs fail to read user memory, and which read strategy avoids it
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <bpf/libbpf.h>
#include "cmds.h"
#include "common.h"
#include "loader.h"

#ifndef BPFAULT_GIT_REV
#define BPFAULT_GIT_REV "unknown"
#endif

static const struct subcmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} subcmds[] = {
	{"list", cmd_list, "what exists, and what this kernel supports (and why not)"},
	{"run", cmd_run, "run cells; write DIR (default results/<UTC time>/)"},
	{"report", cmd_report, "plots (gnuplot) and DIR/report.html"},
	{"compare", cmd_compare, "side-by-side table of two runs"},
	{"gate", cmd_gate, "CI verdict against a baseline"},
	{"baseline", cmd_baseline, "print a baseline made from a run"},
	{"merge", cmd_merge, "merge runs of many hosts into one results DIR"},
	{"selfbench", cmd_selfbench, "overhead benchmark: trial loop against a bare loop"},
	{"selfbench", cmd_selfbench, "overhead benchmark: the trial loop against a bare loop"},
	{"cleanup", cmd_cleanup, "undo what a killed or crashed run left on the machine"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: bpfault <command> [options]\n"
		   "       bpfault help <command>\n"
		   "       bpfault --version\n\ncommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(subcmds); i++)
		fprintf(f, "  %-9s %s\n", subcmds[i].name, subcmds[i].help);
	fprintf(f, "\n'bpfault help <command>' (or 'bpfault <command> --help') shows its options;\n"
		   "'man 8 bpfault' has all of them.\n"
		   "exit status: 0 ok, 1 regression or invalid run, 2 bad usage or input,\n"
		   "77 cannot run here, 99 internal error, 130 interrupted (results kept)\n");
}

static void version(void)
{
	const char *lib = libbpf_version_string(); /* "v1.1" */
	struct utsname u;

	printf("bpfault %s\nlibbpf %s\nkernel %s\n", BPFAULT_GIT_REV, lib + (*lib == 'v'),
	       uname(&u) == 0 ? u.release : "unknown");
}

static const struct subcmd *find_subcmd(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(subcmds); i++)
		if (!strcmp(name, subcmds[i].name))
			return &subcmds[i];
	return NULL;
}

/* 'bpfault help [CMD]': bpfault's usage, or CMD's own --help */
static int help(int argc, char **argv)
{
	const struct subcmd *c;
	char opt[] = "--help";

	if (argc < 2) {
		usage(stdout);
		return EXIT_OK;
	}
	c = find_subcmd(argv[1]);
	if (!c) {
		err_msg("unknown command '%s' (try 'bpfault --help')", argv[1]);
		return EXIT_USAGE;
	}
	char *args[] = {argv[1], opt, NULL};

	return c->fn(2, args);
}

int main(int argc, char **argv)
{
	const struct subcmd *c;

	g_argv = argv;
	if (argc >= 2 && !strcmp(argv[1], "__release")) /* a run's helper, holding its links */
		return probe_release_main(argc, argv);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		version();
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "help"))
		return help(argc - 1, argv + 1);
	c = find_subcmd(argv[1]);
	if (c)
		return c->fn(argc - 1, argv + 1);
	err_msg("unknown command '%s' (try 'bpfault --help')", argv[1]);
	return EXIT_USAGE;
}
