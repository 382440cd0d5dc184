/* The social networks postlint knows, in one table. */
#ifndef POSTLINT_PLATFORM_H
#define POSTLINT_PLATFORM_H

#include <stdbool.h>

bool platform_known(const char *name);
/* "x, mastodon, bluesky, threads, linkedin, facebook, instagram" */
const char *platform_names(void);

#endif
