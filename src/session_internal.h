/* What session.c shares with its sibling session_set.c (rules across posts). Not for other
 * modules: they use session.h. */
#ifndef POSTLINT_SESSION_INTERNAL_H
#define POSTLINT_SESSION_INTERNAL_H

#include <lua.h>

#include "lua/api_internal.h"
#include "session.h"

/* Starts over with a fresh Lua state and reloaded rules (after a budget or memory error). */
void session_reset_host(struct session *s);
/* Pushes the rule's options: defaults with overrides on top (cached when cache is set). */
void session_push_options(lua_State *L, const struct rule *r, const struct value *overrides,
			  bool cache);
/* Whether a rule id exists (for in-file switches); ud is the session. */
bool session_rule_exists(const char *id, void *ud);
/* Host findings before any rule runs; false when the post cannot be given to rules. */
bool session_check_input(struct post *post, const struct config *cfg, struct report *report);
/* Whether rule r runs on post under fc (NULL: no config), and with which severity and
 * option overrides: config and overrides, then --rule, --only and front matter lint.disable. */
bool session_rule_setting(const struct session *s, const struct rule *r,
			  const struct file_config *fc, const struct post *post,
			  enum severity *severity, bool *forced, const struct value **options);

/* Whether the command line turns rule r off for the whole run (--only without it, or
 * --rule r=off): then its collect, or reading a calendar for it, would work for nothing. */
bool session_rule_off_for_run(const struct session *s, const struct rule *r);
/* Runs every collect function on the post of view into out (initialised by the caller). The
 * post table stays until the caller releases the posts. */
void collect_all(struct session *s, const struct post_view *view, const struct config *cfg,
		 const struct file_config *fc, struct collected *out);

#endif
