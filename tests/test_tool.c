// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests for bench/tooldef.c and bench/toolscore.c: the strict definition parser (errors name
 * the line) and the scorer on synthetic tool outputs. Run from the repository root (the shipped
 * definitions are read from bench/tools/).
 */
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "tool.h"

#define SIZE 48

/* a regex definition in the shape of opensnoop's output: "PID VALUE" */
static const char *def_text(const char *extra)
{
	static char buf[2048];

	snprintf(buf, sizeof(buf),
		 "{\n"
		 "  \"schema\": \"bpfault-tool/1\",\n"
		 "  \"name\": \"t\",\n"
		 "  \"command\": [\"/bin/true\", \"-p\", \"{pid}\", \"{ x }\"],\n"
		 "  \"syscalls\": [\"openat\"],\n"
		 "  \"reads\": \"exit\",\n"
		 "  \"ready\": { \"regex\": \"^READY\" },\n"
		 "  \"event\": { \"regex\": \"^([0-9]+) ?(.*)$\", \"value_group\": 2, "
		 "\"pid_group\": 1 },\n"
		 "  \"drops\": { \"regex\": \"Lost ([0-9]+) events\" }%s\n"
		 "}\n",
		 extra);
	return buf;
}

static void parse_ok(struct tool_def *d, const char *text)
{
	char why[512] = "";
	int err = tool_def_parse(text, "t.json", d, why, sizeof(why));

	if (err)
		fail_msg("parse failed: %s", why);
}

/* parsing fails with -EINVAL and the message starts "t.json:LINE: " and contains what */
static void parse_bad(const char *text, int line, const char *what)
{
	char why[512] = "", want[32];
	struct tool_def d;

	assert_int_equal(tool_def_parse(text, "t.json", &d, why, sizeof(why)), -EINVAL);
	snprintf(want, sizeof(want), "t.json:%d: ", line);
	if (strncmp(why, want, strlen(want)) || !strstr(why, what))
		fail_msg("got \"%s\", want \"%s...%s\"", why, want, what);
}

static void test_parse_valid(void **state)
{
	struct tool_def d;

	(void)state;
	parse_ok(&d, def_text(",\n  \"env\": { \"A_B\": \"1\" },\n  \"stop\": { \"signal\": "
			      "\"TERM\", \"grace_ms\": 10 }"));
	assert_string_equal(d.name, "t");
	assert_int_equal(d.argc, 4);
	assert_string_equal(d.argv[2], "{pid}");
	assert_null(d.argv[4]);
	assert_int_equal(d.reads, TR_EXIT);
	assert_int_equal(d.stream, 1);
	assert_true(d.has_ready_re && d.has_event_re && d.has_drops_re);
	assert_int_equal(d.value_group, 2);
	assert_int_equal(d.pid_group, 1);
	assert_int_equal(d.drops_group, 1);
	assert_string_equal(d.env[0], "A_B=1");
	assert_int_equal(d.stop_signal, 15);
	assert_int_equal(d.stop_grace_ms, 10);
	assert_true(tool_serves(&d, "openat"));
	assert_false(tool_serves(&d, "execve"));
	tool_def_free(&d);
}

static void test_parse_errors(void **state)
{
	(void)state;
	parse_bad(def_text(",\n  \"colour\": 1"), 10, "unknown key \"colour\"");
	parse_bad(def_text(",\n  \"stop\": {\n \"sgnal\": \"INT\" }"), 11, "unknown key \"sgnal\"");
	parse_bad(def_text(",\n  \"stop\": { \"signal\": \"FOO\" }"), 10, "\"signal\" must be");
	parse_bad(def_text(",\n  \"drain\": { \"quiet_ms\": \"3\" }"), 10, "must be an integer");
	parse_bad(def_text(",\n  \"env\": { \"a\": \"1\" }"), 10, "NAME");
	parse_bad(def_text(",\n  \"output\": \"stdin\""), 10, "unknown value \"stdin\"");
	parse_bad(def_text(",\n  \"x\": }"), 10, "");			  /* syntax */
	parse_bad(def_text(",\n  \"reads\": \"exit\""), 10, "duplicate"); /* jansson */
	parse_bad("{\n \"schema\": \"bpfault-tool/2\"\n}", 2, "\"schema\" must be");
	parse_bad("{\n \"schema\": \"bpfault-tool/1\", \"name\": \"a/b\"\n}", 2, "\"name\"");
	parse_bad("{\n \"schema\": \"bpfault-tool/1\", \"name\": \"a\"\n}", 1, "missing key");
}

static void test_parse_fields(void **state)
{
	char t[2048];

	(void)state;
	snprintf(t, sizeof(t), "%s", def_text(""));
	memcpy(strstr(t, "{pid}"), "{pdi}", 5);
	parse_bad(t, 4, "unknown placeholder {pdi}");
	snprintf(t, sizeof(t), "%s", def_text(""));
	memcpy(strstr(t, "\"openat\""), "\"write\" ", 8);
	parse_bad(t, 5, "cannot be scored");
	snprintf(t, sizeof(t), "%s", def_text(""));
	memcpy(strstr(t, "\"value_group\": 2"), "\"value_group\": 3", 16);
	parse_bad(t, 8, "has 2 group(s)");
	snprintf(t, sizeof(t), "%s", def_text(""));
	memcpy(strstr(t, "^([0-9]+)"), "^([0-9]+ ", 9);
	parse_bad(t, 8, "bad regex");
	snprintf(t, sizeof(t), "%s", def_text(""));
	memcpy(strstr(t, "\"regex\": \"^READY\""), "\"delay_ms\": 5,   ", 17);
	parse_bad(t, 7, ""); /* a trailing comma: syntax error */
}

static void test_placeholders(void **state)
{
	(void)state;
	assert_int_equal(tool_placeholder("{pid}"), 1);
	assert_int_equal(tool_placeholder("{tgid} x"), 2);
	assert_int_equal(tool_placeholder("{comm}"), 3);
	assert_int_equal(tool_placeholder("{ printf"), 0);
	assert_int_equal(tool_placeholder("{}"), 0);
	assert_int_equal(tool_placeholder("{PID}"), 0);
	assert_int_equal(tool_placeholder("{pidx}"), -1);
	assert_int_equal(tool_placeholder("pid"), 0);
}

/* every shipped definition parses, and its name is its file's */
static void test_shipped(void **state)
{
	glob_t g;

	(void)state;
	assert_int_equal(glob("bench/tools/*.json", 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 6);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct tool_def d;
		char why[512] = "", want[128];
		const char *base = strrchr(g.gl_pathv[i], '/') + 1;

		if (tool_def_load(g.gl_pathv[i], &d, why, sizeof(why)))
			fail_msg("%s", why);
		snprintf(want, sizeof(want), "%s.json", d.name);
		assert_string_equal(base, want);
		assert_true(d.nsyscalls >= 1);
		tool_def_free(&d);
	}
	globfree(&g);
}

static void test_load_errors(void **state)
{
	struct tool_def d;
	char why[512];

	(void)state;
	assert_int_equal(tool_def_load("no-such-tool", &d, why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "no-such-tool"));
	assert_int_equal(tool_def_load("../etc/passwd", &d, why, sizeof(why)), -ENOENT);
	assert_int_equal(tool_def_load("/dev/null", &d, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "not a regular file"));
	assert_int_equal(tool_def_load("./no/such.json", &d, why, sizeof(why)), -ENOENT);
}

static void test_installed(void **state)
{
	struct tool_def d;
	char why[512];

	(void)state;
	parse_ok(&d, def_text(",\n  \"needs\": [\"sh\"]"));
	assert_int_equal(tool_def_installed(&d, why, sizeof(why)), 0);
	tool_def_free(&d);
	parse_ok(&d, def_text(",\n  \"needs\": [\"bpfault-no-such-program\"]"));
	assert_int_equal(tool_def_installed(&d, why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "tool t is not installed: bpfault-no-such-program"));
	tool_def_free(&d);
}

static void test_expect(void **state)
{
	char s[SIZE + 1];

	(void)state;
	tool_expect(s, SIZE, 0x0123456789abcdefULL);
	assert_int_equal(strlen(s), SIZE);
	assert_memory_equal(s, "/nonexistent/bf-0123456789abcdef", 32);
	for (int i = 32; i < SIZE; i++)
		assert_true(s[i] >= 'a' && s[i] <= 'z');
}

/* trials 0..n-1 of one pid with nonces 1000+i */
static void trials(struct tool_trial *t, size_t n, int pid)
{
	for (size_t i = 0; i < n; i++)
		t[i] = (struct tool_trial){
			.nonce = 1000 + i, .pid = pid, .size = SIZE, .counted = 1};
}

/* "PID VALUE\n" for trial i with the value cut to keep bytes (-1: whole), or replaced */
static void line(struct sbuf *b, int pid, uint64_t nonce, int keep, const char *tail)
{
	char s[SIZE + 1];

	tool_expect(s, SIZE, nonce);
	if (keep >= 0)
		s[keep] = '\0';
	sb_printf(b, "%d %s%s\n", pid, s, tail ? tail : "");
}

static void test_score_outcomes(void **state)
{
	struct tool_trial t[10];
	struct tool_score s;
	struct tool_def d;
	struct sbuf out = {0};

	(void)state;
	parse_ok(&d, def_text(""));
	trials(t, 10, 7);
	sb_printf(&out, "READY\n");
	line(&out, 7, 1000, -1, NULL);	    /* 0 ok */
	sb_printf(&out, "7 \n");	    /* 1 empty, by order */
	line(&out, 7, 1002, 40, NULL);	    /* 2 truncated after the nonce */
	line(&out, 7, 1003, 20, NULL);	    /* 3 truncated inside the nonce, by order */
	line(&out, 7, 1004, -1, "x");	    /* 4 garbled: no end where it should end */
	sb_printf(&out, "7 /etc/passwd\n"); /* noise: not ours, not attributed */
	line(&out, 9, 1005, -1, NULL);	    /* 5 ok, another pid prints it: the nonce decides */
	sb_printf(&out, "8 \n");	    /* another pid's empty event: ignored */
	/* 6 missing */
	line(&out, 7, 1007, -1, " next");			   /* 7 ok: a space ends it */
	sb_printf(&out, "7 /nonexistent/bf-ffffffffffffffffzz\n"); /* 8 garbled: unknown nonce */
	line(&out, 7, 1009, 30, NULL);				   /* 9 truncated: the nonce cut */
	assert_int_equal(tool_score_text(&d, out.s, "Lost 3 events\n", t, 10, &s), 0);
	assert_int_equal(t[0].outcome, TO_OK);
	assert_int_equal(t[1].outcome, TO_EMPTY);
	assert_int_equal(t[2].outcome, TO_TRUNCATED);
	assert_int_equal(t[3].outcome, TO_TRUNCATED);
	assert_int_equal(t[4].outcome, TO_GARBLED);
	assert_int_equal(t[5].outcome, TO_OK);
	assert_int_equal(t[6].outcome, TO_MISSING);
	assert_int_equal(t[7].outcome, TO_OK);
	assert_int_equal(t[8].outcome, TO_GARBLED);
	assert_int_equal(t[9].outcome, TO_TRUNCATED);
	assert_int_equal(s.n[TO_OK], 3);
	assert_int_equal(s.n[TO_EMPTY], 1);
	assert_int_equal(s.n[TO_TRUNCATED], 3);
	assert_int_equal(s.n[TO_GARBLED], 2);
	assert_int_equal(s.n[TO_MISSING], 1);
	assert_int_equal(s.drops, 3);
	assert_int_equal(s.events, 11);
	sb_free(&out);
	tool_def_free(&d);
}

/* execve: one pid per trial; an empty event goes to its own pid's trial, duplicates keep the
 * best, and with no events at all everything is missing */
static void test_score_pids(void **state)
{
	struct tool_trial t[4];
	struct tool_score s;
	struct tool_def d;
	struct sbuf out = {0};

	(void)state;
	parse_ok(&d, def_text(""));
	for (int i = 0; i < 4; i++)
		t[i] = (struct tool_trial){
			.nonce = 50 + i, .pid = 100 + i, .size = SIZE, .counted = 1};
	sb_printf(&out, "103 \n101 \n");
	line(&out, 101, 51, -1, NULL); /* 101: empty and ok: ok counts */
	line(&out, 102, 52, 10, NULL);
	sb_printf(&out, "102 \n"); /* 102: truncated beats empty */
	assert_int_equal(tool_score_text(&d, out.s, NULL, t, 4, &s), 0);
	assert_int_equal(t[0].outcome, TO_MISSING);
	assert_int_equal(t[1].outcome, TO_OK);
	assert_int_equal(t[2].outcome, TO_TRUNCATED);
	assert_int_equal(t[3].outcome, TO_EMPTY);
	assert_int_equal(tool_score_text(&d, "", "", t, 4, &s), 0);
	assert_int_equal(s.n[TO_MISSING], 4);
	assert_int_equal(s.drops, 0);
	sb_free(&out);
	tool_def_free(&d);
}

/* position pos's whole string of the trial with nonce n, cut to keep bytes (-1: whole) */
static void pos_str(struct sbuf *b, uint64_t nonce, uint32_t pos, int keep)
{
	char s[BPFAULT_POS_SIZE + 1];

	tool_expect(s, BPFAULT_POS_SIZE, bpfault_pos_nonce(nonce, pos));
	if (keep >= 0)
		s[keep] = '\0';
	sb_printf(b, " %s", s);
}

/* execve's later arguments: each whole one sets its position's bit in its trial, whatever
 * became of argv[1]; a cut one, another trial's, or a position beyond argv does not */
static void test_score_positions(void **state)
{
	struct tool_trial t[4];
	struct tool_score s;
	struct tool_def d;
	struct sbuf out = {0};

	(void)state;
	parse_ok(&d, def_text(", \"args\": \"all\""));
	assert_true(d.all_args);
	trials(t, 4, 7);
	line(&out, 7, 1000, -1, NULL); /* 0: every argument */
	out.len--;		       /* the same line goes on */
	for (uint32_t p = 1; p < BPFAULT_NARGS; p++)
		pos_str(&out, 1000, p, -1);
	sb_printf(&out, "\n7 /bin/true"); /* 1: argv[1] lost, argv[3] printed, argv[2] cut */
	pos_str(&out, 1001, 3, -1);
	pos_str(&out, 1001, 2, 20);
	sb_printf(&out, "\n7 x"); /* 2: an envp string is not an argument */
	pos_str(&out, 1002, BPFAULT_NARGS, -1);
	sb_printf(&out, "\n");
	/* 3: nothing */
	assert_int_equal(tool_score_text(&d, out.s, NULL, t, 4, &s), 0);
	assert_int_equal(t[0].outcome, TO_OK);
	assert_int_equal(t[0].pos_seen, ((1u << BPFAULT_NARGS) - 1) & ~1u);
	assert_int_equal(t[1].outcome, TO_MISSING);
	assert_int_equal(t[1].pos_seen, 1u << 3);
	assert_int_equal(t[2].pos_seen, 0);
	assert_int_equal(t[3].pos_seen, 0);
	assert_int_equal(t[3].outcome, TO_MISSING);
	sb_free(&out);
	tool_def_free(&d);
	parse_bad(def_text(", \"args\": \"some\""), 9, "\"args\": unknown value \"some\"");
	parse_ok(&d, def_text(""));
	assert_false(d.all_args);
	tool_def_free(&d);
}

/* the trials of perturbing arms order the events but are not counted; sizes differ per trial */
static void test_score_uncounted(void **state)
{
	struct tool_trial t[3];
	struct tool_score s;
	struct tool_def d;
	struct sbuf out = {0};

	(void)state;
	parse_ok(&d, def_text(""));
	trials(t, 3, 7);
	t[1].counted = 0;
	t[2].size = 32;
	line(&out, 7, 1000, -1, NULL);
	line(&out, 7, 1001, -1, NULL); /* an uncounted trial's event: it keeps "7 " off it */
	sb_printf(&out, "7 \n");
	assert_int_equal(tool_score_text(&d, out.s, NULL, t, 3, &s), 0);
	assert_int_equal(t[1].outcome, TO_OK);
	assert_int_equal(t[2].outcome, TO_EMPTY);
	assert_int_equal(s.n[TO_OK] + s.n[TO_EMPTY], 2);
	sb_free(&out);
	line(&out, 7, 1002, 32, NULL); /* 32 bytes of trial 2's 32-byte string: ok */
	assert_int_equal(tool_score_text(&d, out.s, NULL, t, 3, &s), 0);
	assert_int_equal(t[2].outcome, TO_OK);
	sb_free(&out);
	tool_def_free(&d);
}

/* linear in the trials: 200,000 trials of one pid, every event empty (attributed by order) */
static void test_score_scale(void **state)
{
	enum { N = 200000 };
	struct tool_trial *t = calloc(N, sizeof(*t));
	struct sbuf out = {0};
	struct tool_score s;
	struct tool_def d;
	uint64_t t0;

	(void)state;
	assert_non_null(t);
	parse_ok(&d, def_text(""));
	trials(t, N, 7);
	for (int i = 0; i < N; i++)
		sb_printf(&out, "7 \n");
	t0 = now_ns();
	assert_int_equal(tool_score_text(&d, out.s, NULL, t, N, &s), 0);
	assert_int_equal(s.n[TO_EMPTY], N);
	assert_true(now_ns() - t0 < 5000000000ull); /* quadratic would take minutes */
	sb_free(&out);
	free(t);
	tool_def_free(&d);
}

/* a JSON-lines tool without a pid field: attribution by order */
static void test_score_json(void **state)
{
	const char *js = "{\n \"schema\": \"bpfault-tool/1\", \"name\": \"j\", \"command\": "
			 "[\"x\"],\n \"syscalls\": [\"execve\"], \"reads\": \"enter\", \"ready\": "
			 "{\"delay_ms\": 1},\n \"event\": {\"json_value\": \"e.path\"}\n}";
	struct tool_trial t[3];
	struct tool_score s;
	struct tool_def d;
	char v[SIZE + 1], buf[512];

	(void)state;
	parse_ok(&d, js);
	trials(t, 3, 5);
	tool_expect(v, SIZE, 1001);
	snprintf(buf, sizeof(buf),
		 "{\"e\": {\"path\": \"\"}}\nnot json\n{\"e\": {\"path\": \"%s\"}}\n"
		 "{\"e\": {\"path\": \"/nonexistent/b\"}}\n{\"e\": 3}\n",
		 v);
	assert_int_equal(tool_score_text(&d, buf, NULL, t, 3, &s), 0);
	assert_int_equal(t[0].outcome, TO_EMPTY);
	assert_int_equal(t[1].outcome, TO_OK);
	assert_int_equal(t[2].outcome, TO_TRUNCATED);
	assert_int_equal(s.events, 3);
	tool_def_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_valid),	cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_fields),	cmocka_unit_test(test_placeholders),
		cmocka_unit_test(test_shipped),		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_installed),	cmocka_unit_test(test_expect),
		cmocka_unit_test(test_score_outcomes),	cmocka_unit_test(test_score_pids),
		cmocka_unit_test(test_score_uncounted), cmocka_unit_test(test_score_scale),
		cmocka_unit_test(test_score_json),	cmocka_unit_test(test_score_positions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
