// SPDX-License-Identifier: BSD-2-Clause
/* bpfault: how often do eBPF programs fail to read user memory, and which read strategy avoids it
 */
#include <stdio.h>
#include <string.h>
#include "cmds.h"
#include "common.h"

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
	{"selfbench", cmd_selfbench, "overhead benchmark: the trial loop against a bare loop"},
	{"cleanup", cmd_cleanup, "undo what a killed or crashed run left on the machine"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: bpfault <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(subcmds); i++)
		fprintf(f, "  %-9s %s\n", subcmds[i].name, subcmds[i].help);
	fprintf(f,
		"\n'bpfault <command> --help' shows a command's options.\n"
		"exit status: 0 ok, 1 regression or invalid run, 2 bad usage or input,\n"
		"77 cannot run here, 99 internal error, 130 interrupted (partial results kept)\n");
}

int main(int argc, char **argv)
{
	g_argv = argv;
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; i < ARRAY_SIZE(subcmds); i++)
		if (!strcmp(argv[1], subcmds[i].name))
			return subcmds[i].fn(argc - 1, argv + 1);
	err_msg("unknown command '%s' (try 'bpfault --help')", argv[1]);
	return EXIT_USAGE;
}
