/* When a post is scheduled, for rules across posts (a calendar). */
#ifndef POSTLINT_SCHEDULE_H
#define POSTLINT_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>

#include "post.h"

/* Parses "2026-12-01", "2026-12-01T09:00", "2026-12-01 09:00:30" with an optional zone
 * ("Z", "+02:00", "-0500") into seconds since 1970-01-01 UTC. A time without a zone is read
 * as UTC: rules compare posts of one calendar, so only order and distance matter. */
bool schedule_parse(const char *s, size_t n, long long *when);

/* The time of a post with this front matter and path: `scheduled` (else `date`), else a
 * date opening its file name ("2026-12-01-launch.md"). False when it has none. */
bool schedule_compute(const struct value *meta, const char *path, long long *when);

/* The post's time, as schedule_compute gave it when the post was made. */
bool schedule_of(const struct post *post, long long *when);

#endif
