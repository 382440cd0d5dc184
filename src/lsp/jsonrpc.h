/* JSON-RPC 2.0 messages with LSP's base protocol framing ("Content-Length: N\r\n\r\n" and
 * N bytes of JSON), read and written with jansson. Only this file touches the protocol
 * stream; problems are logged to stderr and never end the session. */
#ifndef POSTLINT_LSP_JSONRPC_H
#define POSTLINT_LSP_JSONRPC_H

#include <jansson.h>
#include <stdio.h>

/* Error codes of JSON-RPC and LSP. */
#define RPC_PARSE_ERROR -32700
#define RPC_INVALID_REQUEST -32600
#define RPC_METHOD_NOT_FOUND -32601
#define RPC_INVALID_PARAMS -32602
#define RPC_SERVER_NOT_INITIALIZED -32002

/* A body larger than this is skipped unread (no post is near it). */
#define RPC_MAX_BODY ((size_t)64 << 20)

struct rpc {
	FILE *in, *out;
	long next_id; /* for requests the server sends */
};

enum rpc_read {
	RPC_EOF,     /* the stream ended */
	RPC_MESSAGE, /* *msg is a JSON object */
	RPC_BAD,     /* a malformed message was logged (and answered when needed); go on */
};

enum rpc_read rpc_read(struct rpc *rpc, json_t **msg);

/* Each of these takes ownership of the JSON values passed in. */
void rpc_respond(struct rpc *rpc, json_t *id, json_t *result);
void rpc_error(struct rpc *rpc, json_t *id, int code, const char *message);
void rpc_notify(struct rpc *rpc, const char *method, json_t *params);
void rpc_request(struct rpc *rpc, const char *method, json_t *params);

#endif
