/* The table of platforms. */
#include "platform.h"

#include <string.h>

static const char *const platforms[] = { "x", "mastodon", "bluesky", "threads", "linkedin",
	"facebook", "instagram", NULL };

bool platform_known(const char *name)
{
	for (const char *const *p = platforms; *p; p++)
		if (strcmp(*p, name) == 0)
			return true;
	return false;
}

const char *platform_names(void)
{
	return "x, mastodon, bluesky, threads, linkedin, facebook, instagram";
}
