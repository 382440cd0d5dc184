/* `postlint lsp`: a Language Server over stdin/stdout (see server.c). */
#ifndef POSTLINT_LSP_H
#define POSTLINT_LSP_H

struct cli;

/* Serves until the client sends exit (or closes stdin). Returns the process exit code:
 * 0 after shutdown + exit, 1 when the stream ended without a shutdown request. */
int lsp_main(const struct cli *cli);

#endif
