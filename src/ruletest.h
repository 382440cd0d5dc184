/* Rule tests: the `tests` table of a rule, as data, and running it.
 *
 *   tests = {
 *     valid = { "whole file text", { text = "...", options = {...}, platform = "x", lang = "de" } },
 *     invalid = { { text = "...", errors = 1 },
 *                 { text = "...", errors = { { message = "pattern", line = 5, column = 1 } },
 *                   output = "whole file text after applying the fixes" },
 *                 { name = "shown in reports", path = "drafts/a.md", text = "...",
 *                   errors = { { end_line = 1, end_column = 9,
 *                                suggestions = { { title = "pattern", output = "..." } } } } } },
 *   }
 * A valid case passes when the rule reports nothing; an invalid case when it reports the
 * given number of problems (or exactly the listed ones, in order of position) and, with
 * `output`, when applying its fixes gives that text. A message matches when it is equal or
 * when the expectation, as a Lua pattern, finds it.
 *
 * Rules across posts (check_set) are tested on a calendar instead of one text:
 *     { posts = { "text", { text = "...", path = "posts/b.md", linted = false } },
 *       errors = { { path = "post1.md", message = "...", line = 5 } } }
 * Posts are named post1.md, post2.md, ... unless given a path, and are linted unless
 * `linted = false` (context). Problems are compared in order of post, then position. */
#ifndef POSTLINT_RULETEST_H
#define POSTLINT_RULETEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "session.h"
#include "value.h"

struct expected_suggestion {
	char *title; /* NULL: any */
	char *output; /* the text after applying this suggestion's edits */
	size_t output_len;
	bool has_output;
};

struct expected_error {
	char *path;    /* rules across posts: the post's path, or NULL: any */
	char *message; /* NULL: any */
	int line, column, end_line, end_column; /* 0: any */
	long nsuggestions; /* -1: any; otherwise the count, and the list when suggestions is set */
	struct expected_suggestion *suggestions;
};

struct rule_test_post {
	char *text;
	size_t text_len;
	char *path;
	bool linted;
};

struct rule_test_case {
	bool valid;
	int index; /* 1-based within valid or invalid */
	char *name; /* or NULL */
	char *path; /* the post's path (default "test.md") */
	char *text;
	size_t text_len;
	struct value *options; /* map or NULL */
	char **platforms;      /* NULL-terminated or NULL */
	char *lang;
	long count; /* expected number of problems; -1 when errors lists them */
	struct expected_error *errors;
	size_t nerrors;
	char *output;
	size_t output_len;
	bool has_output;
	struct rule_test_post *posts; /* a calendar for check_set, or NULL */
	size_t nposts;
};

struct rule_tests {
	struct rule_test_case *cases;
	size_t ncases;
};

/* Reads rule's tests from its table (in the session's host). Returns 0, or -1 with a
 * message in err (a malformed tests table). */
int ruletest_read(struct session *s, const struct rule *rule, struct rule_tests *out,
		  struct buf *err);
void ruletest_release(struct rule_tests *t);

/* Whether message matches the expectation (equality, or a Lua pattern match). */
bool ruletest_message_matches(struct session *s, const char *pattern, const char *message);

struct ruletest_totals {
	size_t passed, failed;
};

/* Runs the tests of every rule from origin first_origin on (0: all), printing TAP-like lines
 * to out (a "# plugin ..." comment line before each plugin's rules). Rules without tests, or
 * without an invalid case, fail. */
void ruletest_run(struct session *s, size_t first_origin, FILE *out, bool verbose,
		  struct ruletest_totals *totals);

#endif
