/* Drops the names of local variables and upvalues from Lua 5.4 bytecode (see the header).
 *
 * Why: undumping a chunk interns every string it holds, and the names of locals and upvalues
 * were about half of the built-in rules' strings - a tenth of a one-post run's instructions.
 * lua_dump's own strip drops the line numbers with them, and errors and tracebacks in a rule
 * must keep naming the line. Without the names, an error says "attempt to index a nil value"
 * where it said "(local 'w')", and a global is called a field: only the lint chunks lose them
 * (`postlint test` loads the whole ones).
 *
 * The format is lundump.c's for 5.4: a header (signature, version 0x54, format 0, six check
 * bytes, the sizes of an instruction, an integer and a number, then a sample integer and
 * number), the main function's upvalue count, and the main function. A function is: its
 * source name (a string), first and last line, three bytes (parameters, vararg, stack size),
 * its code, constants, upvalues (three bytes each), nested functions, then its debug part:
 * relative line info (a byte per instruction), absolute line info (pairs of ints), the
 * locals (name, start and end pc) and the upvalues' names. Counts and sizes are unsigned
 * numbers written 7 bits a byte, most significant first, the last byte marked with 0x80; a
 * string is its size + 1 (0 for none) and its bytes. */
#include "strip_local_names.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct reader {
	const unsigned char *p, *end;
	bool bad;
};

struct writer {
	unsigned char *data;
	size_t len, cap;
	bool bad;
};

/* the constant types of lobject.h: tag | variant << 4 */
enum { K_NIL = 0x00, K_FALSE = 0x01, K_TRUE = 0x11, K_INT = 0x03, K_FLOAT = 0x13,
       K_SHORT_STRING = 0x04, K_LONG_STRING = 0x14 };

struct sizes {
	size_t instruction, integer, number;
};

static void put(struct writer *w, const unsigned char *bytes, size_t n)
{
	if (w->bad)
		return;
	if (w->len + n > w->cap) {
		size_t cap = w->cap ? w->cap : 4096;
		while (cap < w->len + n)
			cap *= 2;
		unsigned char *grown = realloc(w->data, cap);
		if (!grown) {
			w->bad = true;
			return;
		}
		w->data = grown;
		w->cap = cap;
	}
	memcpy(w->data + w->len, bytes, n);
	w->len += n;
}

/* n bytes of the input, copied to the output when w is not NULL */
static const unsigned char *take(struct reader *r, size_t n, struct writer *w)
{
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		return NULL;
	}
	const unsigned char *at = r->p;
	r->p += n;
	if (w)
		put(w, at, n);
	return at;
}

static size_t take_size(struct reader *r, struct writer *w)
{
	size_t x = 0;
	for (;;) {
		const unsigned char *b = take(r, 1, w);
		if (!b || x > (SIZE_MAX >> 7)) {
			r->bad = true;
			return 0;
		}
		x = (x << 7) | (*b & 0x7f);
		if (*b & 0x80)
			return x;
	}
}

static void take_string(struct reader *r, struct writer *w)
{
	size_t size = take_size(r, w);
	if (size > 0)
		take(r, size - 1, w);
}

static void put_zero_count(struct writer *w)
{
	static const unsigned char zero = 0x80;
	put(w, &zero, 1);
}

static void take_function(struct reader *r, struct writer *w, const struct sizes *sz, int depth)
{
	if (depth > 200) { /* the parser's own limit on nesting is lower */
		r->bad = true;
		return;
	}
	take_string(r, w); /* source */
	take_size(r, w);   /* first line */
	take_size(r, w);   /* last line */
	take(r, 3, w);     /* parameters, vararg, stack size */
	size_t n = take_size(r, w);
	take(r, n * sz->instruction, w);
	n = take_size(r, w);
	for (size_t k = 0; k < n && !r->bad; k++) {
		const unsigned char *type = take(r, 1, w);
		if (!type)
			break;
		switch (*type) {
		case K_NIL:
		case K_FALSE:
		case K_TRUE:
			break;
		case K_INT:
			take(r, sz->integer, w);
			break;
		case K_FLOAT:
			take(r, sz->number, w);
			break;
		case K_SHORT_STRING:
		case K_LONG_STRING:
			take_string(r, w);
			break;
		default:
			r->bad = true;
		}
	}
	n = take_size(r, w);
	take(r, n * 3, w); /* upvalues: in stack, index, kind */
	n = take_size(r, w);
	for (size_t k = 0; k < n && !r->bad; k++)
		take_function(r, w, sz, depth + 1);
	/* debug: the line info is kept, the names go */
	n = take_size(r, w);
	take(r, n, w);
	n = take_size(r, w);
	for (size_t k = 0; k < n && !r->bad; k++) {
		take_size(r, w); /* pc */
		take_size(r, w); /* line */
	}
	n = take_size(r, NULL);
	for (size_t k = 0; k < n && !r->bad; k++) {
		take_string(r, NULL); /* name */
		take_size(r, NULL);   /* first pc */
		take_size(r, NULL);   /* last pc */
	}
	put_zero_count(w);
	n = take_size(r, NULL);
	for (size_t k = 0; k < n && !r->bad; k++)
		take_string(r, NULL);
	put_zero_count(w);
}

bool strip_local_names(const unsigned char *chunk, size_t len, unsigned char **out,
		       size_t *out_len)
{
	static const unsigned char head[] = { 0x1b, 'L', 'u', 'a', 0x54, 0x00,
					      0x19, 0x93, '\r', '\n', 0x1a, '\n' };
	struct reader r = { chunk, chunk + len, false };
	struct writer w = { 0 };
	const unsigned char *h = take(&r, sizeof(head), &w);
	const unsigned char *s = take(&r, 3, &w);
	if (!h || memcmp(h, head, sizeof(head)) != 0 || !s) {
		free(w.data);
		return false;
	}
	struct sizes sz = { s[0], s[1], s[2] };
	take(&r, sz.integer + sz.number, &w); /* the sample integer and number */
	take(&r, 1, &w);                      /* the main function's upvalue count */
	take_function(&r, &w, &sz, 0);
	if (r.bad || w.bad || r.p != r.end) {
		free(w.data);
		return false;
	}
	*out = w.data;
	*out_len = w.len;
	return true;
}
