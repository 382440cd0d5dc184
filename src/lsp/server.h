/* The language server's state: open documents, the config store and the lint session.
 * server.c handles the protocol methods; actions.c builds code actions from a document's
 * last report. */
#ifndef POSTLINT_LSP_SERVER_H
#define POSTLINT_LSP_SERVER_H

#include <jansson.h>
#include <stdbool.h>

#include "finding.h"
#include "jsonrpc.h"
#include "post.h"
#include "session.h"
#include "util/vec.h"

struct lsp_doc {
	char *uri;
	char *path;    /* absolute file path the URI names (config discovery, globs) */
	char *display; /* path relative to the working directory, for rules */
	char *text;    /* the editor's current text */
	size_t len;
	json_t *version;
	char *config_stamp; /* the .lintrc files governing it when it was last linted */
	struct post *post;  /* the last lint's post and report: code actions answer from them */
	struct report report;
	bool linted;
};

struct lsp_server {
	struct rpc rpc;
	struct session_options opts;
	char *config_path; /* --config, absolute */
	struct config_store *configs;
	struct session *session;
	size_t session_configs; /* configs the session's plugins were loaded for */
	VEC(struct lsp_doc *) docs;
	bool initialized, shutdown;
};

/* Code actions for the part of doc in range (LSP range object): a quick fix for each safe
 * fix and each suggestion there, and "disable RULE for this post". A JSON array. */
json_t *lsp_code_actions(const struct lsp_doc *doc, const json_t *range);

/* LSP range {start, end} of bytes [start, end) of the post. */
json_t *lsp_range_json(const struct post *post, size_t start, size_t end);
/* The diagnostic sent for a finding (also in code actions' diagnostics). */
json_t *lsp_diagnostic_json(const struct post *post, const struct finding *f);

#endif
