/* Post dates for rules across posts: front matter times with and without zones, dated file
 * names, and what is not a date. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "post.h"
#include "schedule.h"
#include "util/xalloc.h"

static void parsing(void)
{
	static const struct {
		const char *text;
		int ok;
		long long when;
	} cases[] = {
		{ "1970-01-01", 1, 0 },
		{ "2026-12-01", 1, 1796083200LL },
		{ "2026-12-01T09:00", 1, 1796083200LL + 9 * 3600 },
		{ "2026-12-01 09:00:30", 1, 1796083200LL + 9 * 3600 + 30 },
		{ "2026-12-01T09:00Z", 1, 1796083200LL + 9 * 3600 },
		{ "2026-12-01T09:00+02:00", 1, 1796083200LL + 7 * 3600 },
		{ "2026-12-01T09:00:00.250-0500", 1, 1796083200LL + 14 * 3600 },
		{ "2024-02-29", 1, 1709164800LL },
		{ "2023-02-29", 0, 0 },
		{ "2026-13-01", 0, 0 },
		{ "2026-12-01T25:00", 0, 0 },
		{ "2026-12-01 and more", 0, 0 },
		{ "next tuesday", 0, 0 },
		{ "", 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		long long when = -1;
		bool ok = schedule_parse(cases[i].text, strlen(cases[i].text), &when);
		CHECK(ok == (bool)cases[i].ok, "'%s' %s a date", cases[i].text,
		      cases[i].ok ? "is" : "is not");
		if (ok && cases[i].ok)
			CHECK(when == cases[i].when, "'%s' is %lld, got %lld", cases[i].text,
			      cases[i].when, when);
	}
}

static long long time_of(const char *path, const char *text, bool *ok)
{
	struct post *p = post_new(path, xstrdup(text), strlen(text));
	long long when = -1;
	*ok = schedule_of(p, &when);
	post_free(p);
	return when;
}

static void posts(void)
{
	bool ok;
	long long t = time_of("posts/a.md", "---\nscheduled: 2026-12-01T09:00\ndate: 2020-01-01\n---\nHi\n", &ok);
	CHECK(ok && t == 1796083200LL + 9 * 3600, "scheduled wins over date");
	t = time_of("posts/a.md", "---\ndate: 2026-12-01\n---\nHi\n", &ok);
	CHECK(ok && t == 1796083200LL, "date is used without scheduled");
	t = time_of("posts/2026-12-01-launch.md", "Hi\n", &ok);
	CHECK(ok && t == 1796083200LL, "a dated file name");
	time_of("posts/launch.md", "---\nscheduled: soon\n---\nHi\n", &ok);
	CHECK(!ok, "an unreadable date is no date");
	time_of("posts/launch-2026-12-01.md", "Hi\n", &ok);
	CHECK(!ok, "only a date opening the file name counts");
}

int main(void)
{
	parsing();
	posts();
	return check_done();
}
