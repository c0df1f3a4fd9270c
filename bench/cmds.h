/* SPDX-License-Identifier: BSD-2-Clause */
/* Subcommands: each takes argc/argv starting at its own name and returns an exit status. */
#ifndef BPFAULT_CMDS_H
#define BPFAULT_CMDS_H

int cmd_list(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_gate(int argc, char **argv);
int cmd_baseline(int argc, char **argv);
int cmd_selfbench(int argc, char **argv);
int cmd_cleanup(int argc, char **argv);
int cmd_merge(int argc, char **argv);

#endif
