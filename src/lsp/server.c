/* `postlint lsp`: the language server.
 *
 * One thread, one request at a time: every document is linted again, whole, on open,
 * change (full sync) and save, and its diagnostics are published at once; posts are small.
 * Configuration is found per document as on the command line; the .lintrc files that
 * govern a document are stamped (path, size, mtime) at every lint, and any change - or a
 * save or watched-file event naming a .lintrc - drops the config store and the session and
 * lints every open document again, so edits to .lintrc apply without a restart.
 *
 * stdout belongs to the protocol: at start the real stdout is moved to a private
 * descriptor and fd 1 is pointed at stderr, so nothing else (rule print(), a library's
 * message) can corrupt the stream. */
#include "lsp.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "fmt.h"
#include "position.h"
#include "server.h"
#include "source.h"
#include "util/xalloc.h"
#include "version.h"

/* ---- URIs -------------------------------------------------------------------------- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The absolute path of a file: URI; other schemes (untitled:) lint as a file named after
 * the URI's last segment in the working directory. */
static char *uri_to_path(const char *uri)
{
	const char *p = uri;
	bool file = strncmp(uri, "file://", 7) == 0;
	if (file) {
		p = uri + 7;
		if (*p != '/') /* file://host/path */
			p = strchr(p, '/') ? strchr(p, '/') : p + strlen(p);
	} else {
		const char *slash = strrchr(uri, '/');
		const char *colon = strchr(uri, ':');
		p = slash ? slash + 1 : colon ? colon + 1 : uri;
	}
	struct buf b = BUF_INIT;
	for (; *p; p++) {
		if (*p == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
			buf_addc(&b, (char)(hexval(p[1]) * 16 + hexval(p[2])));
			p += 2;
		} else if (*p == '?' || *p == '#') {
			break;
		} else {
			buf_addc(&b, *p);
		}
	}
	char *raw = buf_detach(&b, NULL);
	char *abs = source_canonical(*raw ? raw : "untitled");
	free(raw);
	return abs;
}

static bool is_lintrc(const char *path)
{
	const char *slash = strrchr(path, '/');
	return strcmp(slash ? slash + 1 : path, ".lintrc") == 0;
}

/* ---- configuration ----------------------------------------------------------------- */

static void add_stamp(struct buf *b, const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0)
		buf_addf(b, "%s %lld %lld.%09ld %llu\n", path, (long long)st.st_size,
			 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (unsigned long long)st.st_ino);
	else
		buf_addf(b, "%s -\n", path);
}

/* Every .lintrc that could govern path: from its folder up to the repository root (or
 * --config). Comparing stamps notices edits, new files and deletions. */
static char *config_stamp(const struct lsp_server *srv, const char *path)
{
	struct buf b = BUF_INIT;
	if (srv->config_path) {
		add_stamp(&b, srv->config_path);
		return buf_detach(&b, NULL);
	}
	char *dir = xstrdup(path);
	for (;;) {
		char *slash = strrchr(dir, '/');
		if (!slash)
			break;
		*(slash == dir ? slash + 1 : slash) = '\0';
		struct buf p = BUF_INIT;
		buf_addf(&p, "%s%s.lintrc", dir, strcmp(dir, "/") ? "/" : "");
		add_stamp(&b, p.ptr);
		buf_reset(&p);
		buf_addf(&p, "%s%s.git", dir, strcmp(dir, "/") ? "/" : "");
		struct stat st;
		bool root = stat(p.ptr, &st) == 0 || strcmp(dir, "/") == 0;
		buf_release(&p);
		if (root)
			break;
	}
	free(dir);
	return buf_detach(&b, NULL);
}

static void drop_configs(struct lsp_server *srv)
{
	session_free(srv->session);
	srv->session = NULL;
	config_store_free(srv->configs);
	srv->configs = NULL;
}

/* The session, made again when configs with plugins it has not loaded appeared. */
static struct session *current_session(struct lsp_server *srv)
{
	size_t n = config_store_count(srv->configs);
	if (srv->session && srv->session_configs == n)
		return srv->session;
	session_free(srv->session);
	srv->session = session_new(&srv->opts, srv->configs);
	srv->session_configs = n;
	if (!srv->session) {
		fprintf(stderr, "postlint lsp: cannot create a Lua state\n");
		return NULL;
	}
	for (size_t i = 0; i < srv->session->rules->nerrors; i++)
		fprintf(stderr, "postlint lsp: %s\n", srv->session->rules->errors[i]);
	struct buf errors = BUF_INIT;
	session_check_cli(srv->session, &errors);
	if (errors.len)
		fprintf(stderr, "postlint lsp: %s", errors.ptr);
	buf_release(&errors);
	return srv->session;
}

/* ---- documents and diagnostics ----------------------------------------------------- */

json_t *lsp_range_json(const struct post *post, size_t start, size_t end)
{
	struct lsp_position a = lsp_position_of(post, start), b = lsp_position_of(post, end);
	return json_pack("{s{sisi}s{sisi}}", "start", "line", a.line, "character", a.character,
			 "end", "line", b.line, "character", b.character);
}

static int lsp_severity(enum severity s)
{
	return s == SEVERITY_ERROR ? 1 : s == SEVERITY_WARNING ? 2 : 3;
}

json_t *lsp_diagnostic_json(const struct post *post, const struct finding *f)
{
	return json_pack("{sosisossso}", "range", lsp_range_json(post, f->start, f->end),
			 "severity", lsp_severity(f->severity), "code",
			 fmt_json_text(f->rule, strlen(f->rule)), "source", "postlint", "message",
			 fmt_json_text(f->message, strlen(f->message)));
}

static struct lsp_doc *find_doc(struct lsp_server *srv, const char *uri)
{
	for (size_t i = 0; i < srv->docs.len; i++)
		if (strcmp(srv->docs.items[i]->uri, uri) == 0)
			return srv->docs.items[i];
	return NULL;
}

static void forget_lint(struct lsp_doc *d)
{
	if (d->linted)
		report_release(&d->report);
	post_free(d->post);
	d->post = NULL;
	d->linted = false;
}

static void doc_free(struct lsp_doc *d)
{
	forget_lint(d);
	free(d->uri);
	free(d->path);
	free(d->display);
	free(d->text);
	free(d->config_stamp);
	json_decref(d->version);
	free(d);
}

static void publish(struct lsp_server *srv, const struct lsp_doc *d)
{
	json_t *diags = json_array();
	for (size_t i = 0; d->linted && i < d->report.findings.len; i++)
		json_array_append_new(diags, lsp_diagnostic_json(d->post, &d->report.findings.items[i]));
	json_t *params = json_pack("{sssO}", "uri", d->uri, "diagnostics", diags);
	json_decref(diags);
	if (d->version && !json_is_null(d->version))
		json_object_set(params, "version", d->version);
	rpc_notify(&srv->rpc, "textDocument/publishDiagnostics", params);
}

/* A problem with the configuration, shown on the first line of the document. */
static void config_problem(struct lsp_doc *d, const char *text)
{
	report_addf(&d->report, "config", SEVERITY_ERROR, 0, 0, "postlint configuration: %s", text);
	report_locate(&d->report, d->post);
}

static void lint(struct lsp_server *srv, struct lsp_doc *d)
{
	forget_lint(d);
	free(d->config_stamp);
	d->config_stamp = config_stamp(srv, d->path);
	if (!srv->configs)
		srv->configs = config_store_new(srv->config_path);
	char *copy = xmalloc(d->len + 1);
	memcpy(copy, d->text, d->len);
	d->post = post_new(d->display, copy, d->len);
	report_init(&d->report, d->display);
	d->linted = true;
	const struct config *cfg = config_store_for(srv->configs, d->path, false);
	struct session *s = current_session(srv);
	if (!cfg) {
		const char *errors = config_store_errors(srv->configs);
		config_problem(d, errors ? errors : "its .lintrc cannot be loaded");
		return;
	}
	if (!s)
		return;
	struct buf errors = BUF_INIT;
	if (config_check_rules(cfg, s->rules, &errors)) {
		config_problem(d, errors.ptr);
		buf_release(&errors);
		return;
	}
	buf_release(&errors);
	if (config_excludes(cfg, d->path))
		return; /* excluded: no diagnostics, as on the command line */
	session_lint(s, d->post, d->path, cfg, &d->report);
}

static void lint_and_publish(struct lsp_server *srv, struct lsp_doc *d)
{
	lint(srv, d);
	publish(srv, d);
}

/* Every open post (a .lintrc open for editing is not one). */
static void relint_all(struct lsp_server *srv)
{
	for (size_t i = 0; i < srv->docs.len; i++)
		if (!is_lintrc(srv->docs.items[i]->path))
			lint_and_publish(srv, srv->docs.items[i]);
}

/* Before linting: if any open document's .lintrc files changed, start over with fresh
 * configs and lint them all. Returns whether it did. */
static bool configs_changed(struct lsp_server *srv)
{
	bool changed = false;
	for (size_t i = 0; i < srv->docs.len && !changed; i++) {
		struct lsp_doc *d = srv->docs.items[i];
		if (!d->config_stamp)
			continue;
		char *now = config_stamp(srv, d->path);
		changed = strcmp(now, d->config_stamp) != 0;
		free(now);
	}
	if (changed) {
		fprintf(stderr, "postlint lsp: configuration changed: linting open documents again\n");
		drop_configs(srv);
		relint_all(srv);
	}
	return changed;
}

/* ---- methods ------------------------------------------------------------------------ */

static const char *str_at(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static json_t *initialize_result(void)
{
	return json_pack("{s{s{sbsis{sb}}s{s[s]}}s{ssss}}", "capabilities", "textDocumentSync",
			 "openClose", 1, "change", 1, "save", "includeText", 0, "codeActionProvider",
			 "codeActionKinds", "quickfix", "serverInfo", "name", "postlint", "version",
			 POSTLINT_VERSION);
}

/* Watch .lintrc files when the client can be asked to (VS Code can; Neovim 0.7 cannot, and
 * the stamps catch changes there). */
static void register_watchers(struct lsp_server *srv, const json_t *params)
{
	json_t *caps = json_object_get(params, "capabilities");
	json_t *ws = json_object_get(caps, "workspace");
	json_t *watched = json_object_get(ws, "didChangeWatchedFiles");
	if (!json_is_true(json_object_get(watched, "dynamicRegistration")))
		return;
	rpc_request(&srv->rpc, "client/registerCapability",
		    json_pack("{s[{sssss{s[{ss}]}}]}", "registrations", "id", "postlint-lintrc",
			      "method", "workspace/didChangeWatchedFiles", "registerOptions",
			      "watchers", "globPattern", "**/.lintrc"));
}

static void did_open(struct lsp_server *srv, const json_t *params)
{
	json_t *td = json_object_get(params, "textDocument");
	const char *uri = str_at(td, "uri");
	json_t *text = json_object_get(td, "text");
	if (!uri || !json_is_string(text)) {
		fprintf(stderr, "postlint lsp: didOpen without textDocument.uri and text: ignored\n");
		return;
	}
	struct lsp_doc *d = find_doc(srv, uri);
	if (!d) {
		d = xcalloc(1, sizeof(*d));
		d->uri = xstrdup(uri);
		d->path = uri_to_path(uri);
		d->display = source_display(d->path);
		VEC_PUSH(&srv->docs, d);
	}
	free(d->text);
	d->len = json_string_length(text);
	d->text = xmalloc(d->len + 1);
	memcpy(d->text, json_string_value(text), d->len + 1);
	json_decref(d->version);
	d->version = json_incref(json_object_get(td, "version"));
	if (is_lintrc(d->path)) {
		d->config_stamp = NULL; /* a .lintrc open for editing is not a post */
		return;
	}
	if (!configs_changed(srv))
		lint_and_publish(srv, d);
}

static void did_change(struct lsp_server *srv, const json_t *params)
{
	json_t *td = json_object_get(params, "textDocument");
	struct lsp_doc *d = find_doc(srv, str_at(td, "uri") ? str_at(td, "uri") : "");
	json_t *changes = json_object_get(params, "contentChanges");
	if (!d || !json_is_array(changes) || json_array_size(changes) == 0) {
		fprintf(stderr, "postlint lsp: didChange for a document not open, or without "
				"contentChanges: ignored\n");
		return;
	}
	/* full sync: the last change holds the whole text */
	json_t *last = json_array_get(changes, json_array_size(changes) - 1);
	json_t *text = json_object_get(last, "text");
	if (!json_is_string(text) || json_object_get(last, "range")) {
		fprintf(stderr, "postlint lsp: didChange must send the whole text (full sync): "
				"ignored\n");
		return;
	}
	free(d->text);
	d->len = json_string_length(text);
	d->text = xmalloc(d->len + 1);
	memcpy(d->text, json_string_value(text), d->len + 1);
	json_decref(d->version);
	d->version = json_incref(json_object_get(td, "version"));
	if (is_lintrc(d->path))
		return;
	if (!configs_changed(srv))
		lint_and_publish(srv, d);
}

static void did_save(struct lsp_server *srv, const json_t *params)
{
	const char *uri = str_at(json_object_get(params, "textDocument"), "uri");
	if (!uri)
		return;
	char *path = uri_to_path(uri);
	bool config = is_lintrc(path);
	free(path);
	if (config) {
		fprintf(stderr, "postlint lsp: .lintrc saved: linting open documents again\n");
		drop_configs(srv);
		relint_all(srv);
		return;
	}
	struct lsp_doc *d = find_doc(srv, uri);
	if (d && !configs_changed(srv))
		lint_and_publish(srv, d);
}

static void did_close(struct lsp_server *srv, const json_t *params)
{
	const char *uri = str_at(json_object_get(params, "textDocument"), "uri");
	for (size_t i = 0; uri && i < srv->docs.len; i++) {
		struct lsp_doc *d = srv->docs.items[i];
		if (strcmp(d->uri, uri) != 0)
			continue;
		bool was_post = !is_lintrc(d->path);
		/* clear its diagnostics in the editor */
		forget_lint(d);
		if (was_post)
			publish(srv, d);
		doc_free(d);
		srv->docs.items[i] = srv->docs.items[--srv->docs.len];
		return;
	}
}

static void watched_files(struct lsp_server *srv, const json_t *params)
{
	json_t *changes = json_object_get(params, "changes");
	for (size_t i = 0; i < json_array_size(changes); i++) {
		const char *uri = str_at(json_array_get(changes, i), "uri");
		if (!uri)
			continue;
		char *path = uri_to_path(uri);
		bool config = is_lintrc(path);
		free(path);
		if (config) {
			fprintf(stderr, "postlint lsp: a .lintrc changed: linting open documents "
					"again\n");
			drop_configs(srv);
			relint_all(srv);
			return;
		}
	}
}

static void code_action(struct lsp_server *srv, json_t *id, const json_t *params)
{
	const char *uri = str_at(json_object_get(params, "textDocument"), "uri");
	json_t *range = json_object_get(params, "range");
	struct lsp_doc *d = uri ? find_doc(srv, uri) : NULL;
	if (!json_is_object(range)) {
		rpc_error(&srv->rpc, json_incref(id), RPC_INVALID_PARAMS, "codeAction needs a range");
		return;
	}
	if (!d || !d->linted) {
		rpc_respond(&srv->rpc, json_incref(id), json_array());
		return;
	}
	rpc_respond(&srv->rpc, json_incref(id), lsp_code_actions(d, range));
}

static void handle_request(struct lsp_server *srv, const char *method, json_t *id,
			   const json_t *params)
{
	if (strcmp(method, "initialize") == 0) {
		srv->initialized = true;
		rpc_respond(&srv->rpc, json_incref(id), initialize_result());
		register_watchers(srv, params);
	} else if (!srv->initialized) {
		rpc_error(&srv->rpc, json_incref(id), RPC_SERVER_NOT_INITIALIZED,
			  "initialize first");
	} else if (srv->shutdown) {
		rpc_error(&srv->rpc, json_incref(id), RPC_INVALID_REQUEST,
			  "the server is shutting down: only exit is accepted");
	} else if (strcmp(method, "shutdown") == 0) {
		srv->shutdown = true;
		rpc_respond(&srv->rpc, json_incref(id), NULL);
	} else if (strcmp(method, "textDocument/codeAction") == 0) {
		code_action(srv, id, params);
	} else {
		rpc_error(&srv->rpc, json_incref(id), RPC_METHOD_NOT_FOUND, "method not supported");
	}
}

static void handle_notification(struct lsp_server *srv, const char *method, const json_t *params)
{
	if (!srv->initialized)
		return; /* notifications before initialize are dropped (LSP) */
	if (strcmp(method, "textDocument/didOpen") == 0)
		did_open(srv, params);
	else if (strcmp(method, "textDocument/didChange") == 0)
		did_change(srv, params);
	else if (strcmp(method, "textDocument/didSave") == 0)
		did_save(srv, params);
	else if (strcmp(method, "textDocument/didClose") == 0)
		did_close(srv, params);
	else if (strcmp(method, "workspace/didChangeWatchedFiles") == 0)
		watched_files(srv, params);
	/* initialized, $/cancelRequest, $/setTrace, ...: nothing to do */
}

/* Returns false after exit. */
static bool handle(struct lsp_server *srv, json_t *msg, bool *exit_seen)
{
	json_t *method = json_object_get(msg, "method");
	json_t *id = json_object_get(msg, "id");
	json_t *params = json_object_get(msg, "params");
	if (!method) {
		if (id && (json_object_get(msg, "result") || json_object_get(msg, "error")))
			return true; /* a response to our registerCapability */
		fprintf(stderr, "postlint lsp: a message without a method: ignored\n");
		if (id)
			rpc_error(&srv->rpc, json_incref(id), RPC_INVALID_REQUEST, "no method");
		return true;
	}
	if (!json_is_string(method)) {
		fprintf(stderr, "postlint lsp: a method that is not a string: ignored\n");
		if (id)
			rpc_error(&srv->rpc, json_incref(id), RPC_INVALID_REQUEST, "bad method");
		return true;
	}
	const char *m = json_string_value(method);
	if (strcmp(m, "exit") == 0) {
		*exit_seen = true;
		return false;
	}
	if (id && !json_is_string(id) && !json_is_integer(id)) {
		fprintf(stderr, "postlint lsp: a request id that is not a number or string\n");
		rpc_error(&srv->rpc, json_null(), RPC_INVALID_REQUEST, "bad id");
		return true;
	}
	if (params && !json_is_object(params) && !json_is_array(params)) {
		fprintf(stderr, "postlint lsp: %s: params must be an object\n", m);
		if (id)
			rpc_error(&srv->rpc, json_incref(id), RPC_INVALID_PARAMS, "bad params");
		return true;
	}
	if (id)
		handle_request(srv, m, id, params);
	else
		handle_notification(srv, m, params);
	return true;
}

int lsp_main(const struct cli *cli)
{
	/* fd 1 -> stderr; the protocol gets its own copy of the real stdout */
	fflush(stdout);
	int proto = dup(STDOUT_FILENO);
	if (proto < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
		fprintf(stderr, "postlint lsp: cannot set up stdout\n");
		return 2;
	}
	struct lsp_server srv = { 0 };
	srv.rpc.in = stdin;
	srv.rpc.out = fdopen(proto, "w");
	if (!srv.rpc.out) {
		close(proto);
		return 2;
	}
	srv.opts = (struct session_options){ .rules_dir = cli->rules_dir,
					     .overrides = cli->overrides,
					     .noverrides = cli->noverrides,
					     .only = cli->only };
	srv.config_path = cli->config_path ? source_absolute(cli->config_path) : NULL;
	fprintf(stderr, "postlint lsp %s: ready\n", POSTLINT_VERSION);
	bool exit_seen = false;
	for (;;) {
		json_t *msg;
		enum rpc_read r = rpc_read(&srv.rpc, &msg);
		if (r == RPC_EOF)
			break;
		if (r == RPC_BAD)
			continue;
		bool go_on = handle(&srv, msg, &exit_seen);
		json_decref(msg);
		if (!go_on)
			break;
	}
	for (size_t i = 0; i < srv.docs.len; i++)
		doc_free(srv.docs.items[i]);
	VEC_FREE(&srv.docs);
	drop_configs(&srv);
	free(srv.config_path);
	fclose(srv.rpc.out);
	return exit_seen && srv.shutdown ? 0 : 1;
}
