/* The table of output formats. */
#include "fmt.h"

#include <string.h>

static const struct formatter *const formatters[] = { &fmt_text, &fmt_json, NULL };

const struct formatter *fmt_find(const char *name)
{
	for (const struct formatter *const *f = formatters; *f; f++)
		if (strcmp((*f)->name, name) == 0)
			return *f;
	return NULL;
}

const char *fmt_names(void)
{
	return "text, json";
}

bool fmt_shows(const struct fmt_ctx *ctx, const struct finding *f)
{
	return !ctx->quiet || f->severity == SEVERITY_ERROR;
}
