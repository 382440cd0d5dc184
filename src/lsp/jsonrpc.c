/* JSON-RPC over stdio with Content-Length framing (see jsonrpc.h). */
#include "jsonrpc.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/xalloc.h"

/* Header lines longer than this are malformed (real ones are ~40 bytes). */
#define MAX_HEADER_LINE 1024

/* Reads one header line without its CR LF. Returns its length, or -1 at end of stream. */
static long read_line(FILE *in, char *line, size_t cap)
{
	size_t n = 0;
	int c;
	while ((c = getc(in)) != EOF) {
		if (c == '\n') {
			if (n && line[n - 1] == '\r')
				n--;
			line[n] = '\0';
			return (long)n;
		}
		if (n + 1 < cap)
			line[n++] = (char)c;
	}
	if (n == 0)
		return -1;
	line[n] = '\0';
	return (long)n;
}

static void skip_bytes(FILE *in, size_t n)
{
	char chunk[4096];
	while (n) {
		size_t k = fread(chunk, 1, n < sizeof(chunk) ? n : sizeof(chunk), in);
		if (k == 0)
			return;
		n -= k;
	}
}

enum rpc_read rpc_read(struct rpc *rpc, json_t **msg)
{
	*msg = NULL;
	char line[MAX_HEADER_LINE];
	long long length = -1;
	bool any = false;
	for (;;) {
		long n = read_line(rpc->in, line, sizeof(line));
		if (n < 0)
			return RPC_EOF;
		if (n == 0) {
			if (any)
				break;
			continue; /* stray blank line between messages */
		}
		any = true;
		const char *colon = strchr(line, ':');
		if (!colon) {
			fprintf(stderr, "postlint lsp: malformed header line '%.80s'\n", line);
			continue;
		}
		if ((size_t)(colon - line) == strlen("Content-Length") &&
		    strncasecmp(line, "Content-Length", (size_t)(colon - line)) == 0) {
			char *end;
			errno = 0;
			long long v = strtoll(colon + 1, &end, 10);
			while (*end == ' ' || *end == '\t')
				end++;
			if (errno || *end || v < 0) {
				fprintf(stderr, "postlint lsp: bad Content-Length '%s'\n", colon + 1);
				length = -2;
			} else {
				length = v;
			}
		}
	}
	if (length < 0) {
		fprintf(stderr, "postlint lsp: a message without a valid Content-Length header: "
				"skipped\n");
		return RPC_BAD;
	}
	if ((size_t)length > RPC_MAX_BODY) {
		fprintf(stderr, "postlint lsp: a message of %lld bytes is too large: skipped\n",
			length);
		skip_bytes(rpc->in, (size_t)length);
		return RPC_BAD;
	}
	char *body = xmalloc((size_t)length + 1);
	size_t got = fread(body, 1, (size_t)length, rpc->in);
	if (got < (size_t)length) {
		free(body);
		fprintf(stderr, "postlint lsp: the stream ended inside a message\n");
		return RPC_EOF;
	}
	json_error_t jerr;
	json_t *j = json_loadb(body, got, JSON_ALLOW_NUL, &jerr);
	free(body);
	if (!j) {
		fprintf(stderr, "postlint lsp: malformed JSON (line %d, column %d): %s\n", jerr.line,
			jerr.column, jerr.text);
		rpc_error(rpc, json_null(), RPC_PARSE_ERROR, "parse error");
		return RPC_BAD;
	}
	if (!json_is_object(j)) {
		fprintf(stderr, "postlint lsp: a message that is not a JSON object\n");
		json_decref(j);
		rpc_error(rpc, json_null(), RPC_INVALID_REQUEST, "a message must be an object");
		return RPC_BAD;
	}
	*msg = j;
	return RPC_MESSAGE;
}

static void write_message(struct rpc *rpc, json_t *msg)
{
	json_object_set_new(msg, "jsonrpc", json_string("2.0"));
	char *body = json_dumps(msg, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(msg);
	if (!body) {
		fprintf(stderr, "postlint lsp: cannot encode a message\n");
		return;
	}
	size_t n = strlen(body);
	fprintf(rpc->out, "Content-Length: %zu\r\n\r\n", n);
	fwrite(body, 1, n, rpc->out);
	fflush(rpc->out);
	free(body);
}

void rpc_respond(struct rpc *rpc, json_t *id, json_t *result)
{
	write_message(rpc, json_pack("{sosO}", "id", id, "result", result ? result : json_null()));
	json_decref(result);
}

void rpc_error(struct rpc *rpc, json_t *id, int code, const char *message)
{
	write_message(rpc, json_pack("{sos{siss}}", "id", id, "error", "code", code, "message", message));
}

void rpc_notify(struct rpc *rpc, const char *method, json_t *params)
{
	write_message(rpc, json_pack("{ssso}", "method", method, "params", params));
}

void rpc_request(struct rpc *rpc, const char *method, json_t *params)
{
	write_message(rpc, json_pack("{sIssso}", "id", (json_int_t)++rpc->next_id, "method", method,
			    "params", params));
}
