/* What the commands share (see cmd.h). */
#include "cmd.h"

#include <string.h>

void cmd_print_lines(FILE *f, const char *prefix, const char *text)
{
	if (!text)
		return;
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n)
			fprintf(f, "%s%.*s\n", prefix, (int)n, p);
		p += n + (nl ? 1 : 0);
	}
}

struct session_options cmd_session_options(const struct cli *cli)
{
	return (struct session_options){ .rules_dir = cli->rules_dir, .overrides = cli->overrides,
					 .noverrides = cli->noverrides, .only = cli->only };
}

/* Rule files that failed to load: printed once, and they make the run a failure. */
bool cmd_report_load_errors(const struct session *s)
{
	for (size_t i = 0; i < s->rules->nerrors; i++)
		fprintf(stderr, "postlint: %s\n", s->rules->errors[i]);
	return s->rules->nerrors > 0;
}
