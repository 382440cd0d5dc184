/* A session made ahead of time, for the resident server (server.h): the Lua state with the
 * built-in rules loaded, and warmed by linting one sample post, so that what the rules
 * build on first use (the analysis library, its compiled word lists) is there before a
 * request comes. The first session_new of a child forked from the server takes it.
 *
 * Only what comes from the binary is in it: the built-in rules as compiled in. Plugins, a
 * .lintrc's rules and options are loaded and read by the child as in any run; a run with
 * --rules-dir (built-ins from disk) makes its own state. */
#include "session_warm.h"

#include <stdlib.h>
#include <string.h>

#include <lua.h>

#include "collected.h"
#include "config.h"
#include "lua/host.h"
#include "post.h"
#include "session_internal.h"
#include "util/xalloc.h"

static struct session *warm;

/* Touches what the built-in rules build lazily: a question, a link, a quotation, hashtags,
 * a mention, the front matter's fields, a second paragraph. */
static const char sample[] =
	"---\n"
	"platform: x\n"
	"goal: conversation\n"
	"scheduled: 2026-01-05T09:00\n"
	"---\n"
	"\"Ship small, ship often.\" - a saying we live by at @example.\n\n"
	"We moved our standups to async notes and got an hour back each day: "
	"https://example.com/notes #remotework #Teams\n\n"
	"What would you do with an extra hour? I'm curious how your team runs it!\n";

void session_warm_up(void)
{
	if (warm)
		return;
	struct config_store *configs = config_store_new(NULL);
	struct session_options opts = { 0 };
	struct session *s = session_new(&opts, configs);
	if (!s) {
		config_store_free(configs);
		return;
	}
	struct config *cfg = config_default("/");
	size_t len = sizeof(sample) - 1;
	char *text = xmalloc(len);
	memcpy(text, sample, len);
	struct post *post = post_new("warm-up.md", text, len);
	struct report report;
	report_init(&report, "warm-up.md");
	struct collected col = { 0 };
	session_lint_collect(s, post, "/warm-up.md", cfg, &report, &col);
	collected_release(&col);
	report_release(&report);
	post_free(post);
	config_free(cfg);
	s->configs = NULL;
	config_store_free(configs);
	s->rule_errors = 0;
	/* options are cached by the address of their config's table: the sample's config is
	 * gone, and a child's may get its address */
	lua_State *L = host_state(s->host);
	for (size_t i = 0; i < s->rules->nrules; i++) {
		lua_newtable(L);
		lua_rawseti(L, LUA_REGISTRYINDEX, s->rules->rules[i].options_cache_ref);
	}
	host_collect(s->host); /* a child starts with no garbage to mark */
	warm = s;
}

struct session *session_take_warm(const struct session_options *opts,
				  struct config_store *configs)
{
	if (!warm || opts->rules_dir || opts->with_tests)
		return NULL;
	struct session *s = warm;
	warm = NULL;
	s->opts = *opts;
	s->configs = configs;
	s->ends_with_process = true;
	s->warm = true;
	return s;
}
