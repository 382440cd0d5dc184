/* A session made ahead of time by the resident server (see session_warm.c). */
#ifndef POSTLINT_SESSION_WARM_H
#define POSTLINT_SESSION_WARM_H

#include "session.h"

/* Makes the session: built-in rules loaded and run once on a sample post. */
void session_warm_up(void);
/* The session made ahead, for the first session_new whose options it fits (built-ins from
 * the binary), with opts and configs set; NULL otherwise. */
struct session *session_take_warm(const struct session_options *opts,
				  struct config_store *configs);

#endif
