/* A tiny TAP test harness for the C unit tests: CHECK(cond, fmt, ...) prints
 * "ok N - ..." or "not ok N - ..." and check_done() returns the exit status. */
#ifndef POSTLINT_TEST_CHECK_H
#define POSTLINT_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_count, check_failed;

#define CHECK(cond, ...) do { \
	check_count++; \
	if (cond) { \
		printf("ok %d - ", check_count); \
	} else { \
		check_failed++; \
		printf("not ok %d - %s:%d: ", check_count, __FILE__, __LINE__); \
	} \
	printf(__VA_ARGS__); \
	printf("\n"); \
} while (0)

#define CHECK_STR(got, want, what) do { \
	const char *g_ = (got), *w_ = (want); \
	CHECK(g_ && strcmp(g_, w_) == 0, "%s: got \"%s\", want \"%s\"", what, g_ ? g_ : "(null)", w_); \
} while (0)

#define CHECK_INT(got, want, what) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	CHECK(g_ == w_, "%s: got %lld, want %lld", what, g_, w_); \
} while (0)

static int check_done(void)
{
	printf("1..%d\n", check_count);
	if (check_failed)
		printf("# %d of %d checks failed\n", check_failed, check_count);
	return check_failed ? 1 : 0;
}

#endif
