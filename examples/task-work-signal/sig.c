// SPDX-License-Identifier: BSD-2-Clause
#define _GNU_SOURCE
/* usage: sig resume|signal pipe|socket DRAIN_MS */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <sys/resource.h>
#include <unistd.h>
#include "sig.skel.h"

static int rfd, drain_ms;
static void *drainer(void *a)
{
	char buf[65536];
	(void)a;
	usleep(drain_ms * 1000);
	fcntl(rfd, F_SETFL, O_NONBLOCK);
	while (read(rfd, buf, sizeof(buf)) > 0)
		;
	return NULL;
}
static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}
int main(int argc, char **argv)
{
	struct sig_bpf *s;
	int fds[2], wfd, trial, ntr = 5;
	char msg[64];
	pthread_t th;

	if (argc < 4)
		return 2;
	drain_ms = atoi(argv[3]);
	s = sig_bpf__open();
	s->rodata->targ_tgid = getpid();
	if (sig_bpf__load(s) || sig_bpf__attach(s))
		return 1;
	s->bss->use_signal = !strcmp(argv[1], "signal");
	memset(msg, 'x', sizeof(msg));
	for (trial = 0; trial < ntr; trial++) {
		if (!strcmp(argv[2], "pipe")) {
			if (pipe(fds))
				return 1;
		} else if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds))
			return 1;
		rfd = fds[0];
		wfd = fds[1];
		/* fill the write side until it would block */
		fcntl(wfd, F_SETFL, O_NONBLOCK);
		while (write(wfd, msg, sizeof(msg)) > 0)
			;
		fcntl(wfd, F_SETFL, 0);
		s->bss->target_fd = wfd;
		s->bss->enters = s->bss->exits = s->bss->callbacks = s->bss->sched_err =
			s->bss->restarts = 0;
		pthread_create(&th, NULL, drainer, NULL);
		s->bss->armed = 1;
		struct rusage u0, u1;
		getrusage(RUSAGE_THREAD, &u0);
		double t0 = now();
		ssize_t r = write(wfd, msg, sizeof(msg));
		int e = errno;
		double t1 = now();
		getrusage(RUSAGE_THREAD, &u1);
		double cpu = (u1.ru_utime.tv_sec - u0.ru_utime.tv_sec + u1.ru_stime.tv_sec -
			      u0.ru_stime.tv_sec) *
				     1e3 +
			     (u1.ru_utime.tv_usec - u0.ru_utime.tv_usec + u1.ru_stime.tv_usec -
			      u0.ru_stime.tv_usec) /
				     1e3;
		s->bss->armed = 0;
		pthread_join(th, NULL);
		printf("%s %s drain %d ms: write returned %zd%s%s after %.1f ms (%.1f ms CPU); "
		       "enter hook %llu, exit hook %llu (last ret %lld, -ERESTARTSYS %llu), "
		       "callbacks %llu, schedule errors %llu\n",
		       argv[1], argv[2], drain_ms, r, r < 0 ? " errno " : "",
		       r < 0 ? strerror(e) : "", (t1 - t0) * 1e3, cpu,
		       (unsigned long long)s->bss->enters, (unsigned long long)s->bss->exits,
		       (long long)s->bss->last_ret, (unsigned long long)s->bss->restarts,
		       (unsigned long long)s->bss->callbacks,
		       (unsigned long long)s->bss->sched_err);
		close(rfd);
		close(wfd);
	}
	sig_bpf__destroy(s);
	return 0;
}
