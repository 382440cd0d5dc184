/* Dates of posts (see schedule.h). */
#include "schedule.h"

#include <string.h>

static bool digits(const char *s, size_t n, size_t at, size_t count, int *out)
{
	if (at + count > n)
		return false;
	int v = 0;
	for (size_t i = at; i < at + count; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static long long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool valid_day(int y, int m, int d)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return !(m == 2 && d == 29 && !leap);
}

/* The date at s (YYYY-MM-DD); *end is where it stops. */
static bool parse_date(const char *s, size_t n, long long *days, size_t *end)
{
	int y, m, d;
	if (!digits(s, n, 0, 4, &y) || n < 10 || s[4] != '-' || !digits(s, n, 5, 2, &m) ||
	    s[7] != '-' || !digits(s, n, 8, 2, &d) || !valid_day(y, m, d))
		return false;
	*days = days_from_civil(y, m, d);
	*end = 10;
	return true;
}

bool schedule_parse(const char *s, size_t n, long long *when)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	long long days;
	size_t i;
	if (!parse_date(s, n, &days, &i))
		return false;
	long long secs = days * 86400;
	if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
		int hh, mm, ss = 0;
		if (!digits(s, n, i + 1, 2, &hh) || i + 3 >= n || s[i + 3] != ':' ||
		    !digits(s, n, i + 4, 2, &mm) || hh > 23 || mm > 59)
			return false;
		i += 6;
		if (i < n && s[i] == ':') {
			if (!digits(s, n, i + 1, 2, &ss) || ss > 60)
				return false;
			i += 3;
			if (i < n && s[i] == '.')
				for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
					;
		}
		secs += hh * 3600LL + mm * 60LL + ss;
		while (i < n && s[i] == ' ')
			i++;
		if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
			i++;
		} else if (i < n && (s[i] == '+' || s[i] == '-')) {
			int zh, zm = 0;
			int sign = s[i] == '+' ? 1 : -1;
			if (!digits(s, n, i + 1, 2, &zh))
				return false;
			i += 3;
			if (i < n && s[i] == ':')
				i++;
			if (i < n) {
				if (!digits(s, n, i, 2, &zm))
					return false;
				i += 2;
			}
			secs -= sign * (zh * 3600LL + zm * 60LL);
		}
	}
	if (i != n)
		return false;
	*when = secs;
	return true;
}

bool schedule_of(const struct post *post, long long *when)
{
	*when = post->time;
	return post->has_time;
}

static const char *const time_keys[] = { "scheduled", "date" };

/* A date opening the file name of path. */
static bool from_file_name(const char *path, long long *when)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	long long days;
	size_t end;
	if (parse_date(base, strlen(base), &days, &end)) {
		*when = days * 86400;
		return true;
	}
	return false;
}

bool schedule_compute(const struct value *meta, const char *path, long long *when)
{
	for (size_t k = 0; k < 2; k++) {
		const struct value *v = value_map_get(meta, time_keys[k]);
		if (v && v->type == VALUE_STRING)
			return schedule_parse(v->string, v->string_len, when);
	}
	return from_file_name(path, when);
}
