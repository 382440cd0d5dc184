/* Value trees in binary (see value_bin.h). */
#include "value_bin.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* Deeper trees are refused when read: front matter and collected data are shallow, and a
 * damaged file must not run the reader out of stack. */
#define MAX_DEPTH 64

enum { TAG_NIL = 'n', TAG_FALSE = 'f', TAG_TRUE = 't', TAG_NUMBER = 'd', TAG_STRING = 's',
       TAG_LIST = 'l', TAG_MAP = 'm' };

void value_bin_put_varint(struct buf *out, uint64_t n)
{
	unsigned char bytes[10];
	size_t k = 0;
	do {
		unsigned char b = n & 0x7f;
		n >>= 7;
		bytes[k++] = (unsigned char)(b | (n ? 0x80 : 0));
	} while (n);
	buf_add(out, bytes, k);
}

static void put_bytes(struct buf *out, const char *s, size_t len)
{
	value_bin_put_varint(out, len);
	buf_add(out, s, len);
}

static void put_position(struct buf *out, const struct value *v)
{
	value_bin_put_varint(out, v->line > 0 ? (uint64_t)v->line : 0);
	value_bin_put_varint(out, v->column > 0 ? (uint64_t)v->column : 0);
}

void value_bin_put(struct buf *out, const struct value *v)
{
	if (!v) {
		buf_addc(out, TAG_NIL);
		value_bin_put_varint(out, 0);
		value_bin_put_varint(out, 0);
		return;
	}
	switch (v->type) {
	case VALUE_BOOL: buf_addc(out, v->boolean ? TAG_TRUE : TAG_FALSE); break;
	case VALUE_NUMBER: buf_addc(out, TAG_NUMBER); break;
	case VALUE_STRING: buf_addc(out, TAG_STRING); break;
	case VALUE_LIST: buf_addc(out, TAG_LIST); break;
	case VALUE_MAP: buf_addc(out, TAG_MAP); break;
	default: buf_addc(out, TAG_NIL); break;
	}
	put_position(out, v);
	switch (v->type) {
	case VALUE_NUMBER: buf_add(out, &v->number, sizeof(v->number)); break;
	case VALUE_STRING: put_bytes(out, v->string, v->string_len); break;
	case VALUE_LIST:
		value_bin_put_varint(out, v->len);
		for (size_t i = 0; i < v->len; i++)
			value_bin_put(out, v->items[i]);
		break;
	case VALUE_MAP:
		value_bin_put_varint(out, v->len);
		for (size_t i = 0; i < v->len; i++) {
			put_bytes(out, v->keys[i], strlen(v->keys[i]));
			value_bin_put(out, v->items[i]);
		}
		break;
	default: break;
	}
}

static size_t varint_size(uint64_t n)
{
	size_t k = 1;
	while (n >>= 7)
		k++;
	return k;
}

static size_t position_size(const struct value *v)
{
	return varint_size(v->line > 0 ? (uint64_t)v->line : 0) +
	       varint_size(v->column > 0 ? (uint64_t)v->column : 0);
}

size_t value_bin_size(const struct value *v)
{
	if (!v)
		return 3; /* the tag and a position of two zeros */
	size_t n = 1 + position_size(v);
	switch (v->type) {
	case VALUE_NUMBER: n += sizeof(v->number); break;
	case VALUE_STRING: n += varint_size(v->string_len) + v->string_len; break;
	case VALUE_LIST:
		n += varint_size(v->len);
		for (size_t i = 0; i < v->len; i++)
			n += value_bin_size(v->items[i]);
		break;
	case VALUE_MAP:
		n += varint_size(v->len);
		for (size_t i = 0; i < v->len; i++) {
			size_t key_len = strlen(v->keys[i]);
			n += varint_size(key_len) + key_len + value_bin_size(v->items[i]);
		}
		break;
	default: break;
	}
	return n;
}

uint64_t value_bin_get_varint(struct bin_reader *r)
{
	uint64_t n = 0;
	for (int shift = 0; r->ok && shift < 64; shift += 7) {
		if (r->p >= r->end)
			break;
		unsigned char b = *r->p++;
		n |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return n;
	}
	r->ok = false;
	return 0;
}

const char *value_bin_get_bytes(struct bin_reader *r, size_t *len)
{
	uint64_t n = value_bin_get_varint(r);
	if (!r->ok || n > (uint64_t)(r->end - r->p)) {
		r->ok = false;
		*len = 0;
		return NULL;
	}
	const char *s = (const char *)r->p;
	r->p += n;
	*len = (size_t)n;
	return s;
}

/* A count of items, each at least 3 bytes long: larger than the rest of the input is damage
 * (and would otherwise allocate whatever a damaged varint says). */
static size_t get_count(struct bin_reader *r)
{
	uint64_t n = value_bin_get_varint(r);
	if (r->ok && n > (uint64_t)(r->end - r->p) / 3)
		r->ok = false;
	return r->ok ? (size_t)n : 0;
}

/* A value's tag and source position; false (r->ok false) when they are damaged or the tree
 * is deeper than the readers go. Shared by get_value and skip_value, which must accept the
 * same bytes. */
static bool get_header(struct bin_reader *r, int depth, unsigned char *tag, int *line,
		       int *column)
{
	if (!r->ok || r->p >= r->end || depth > MAX_DEPTH) {
		r->ok = false;
		return false;
	}
	*tag = *r->p++;
	uint64_t l = value_bin_get_varint(r), c = value_bin_get_varint(r);
	if (!r->ok || l > INT32_MAX || c > INT32_MAX) {
		r->ok = false;
		return false;
	}
	*line = (int)l;
	*column = (int)c;
	return true;
}

static struct value *get_value(struct bin_reader *r, int depth)
{
	unsigned char tag;
	int line, column;
	if (!get_header(r, depth, &tag, &line, &column))
		return NULL;
	struct value *v = NULL;
	switch (tag) {
	case TAG_NIL: v = value_new(VALUE_NIL); break;
	case TAG_FALSE:
	case TAG_TRUE: v = value_new_bool(tag == TAG_TRUE); break;
	case TAG_NUMBER: {
		double d;
		if (r->end - r->p < (long)sizeof(d)) {
			r->ok = false;
			return NULL;
		}
		memcpy(&d, r->p, sizeof(d));
		r->p += sizeof(d);
		v = value_new_number(d);
		break;
	}
	case TAG_STRING: {
		size_t len;
		const char *s = value_bin_get_bytes(r, &len);
		if (!s)
			return NULL;
		v = value_new_string(s, len);
		break;
	}
	case TAG_LIST:
	case TAG_MAP: {
		/* the count is known: room for all at once, and keys taken as written (a map was
		 * written from a map, whose keys differ) */
		size_t n = get_count(r);
		v = value_new(tag == TAG_MAP ? VALUE_MAP : VALUE_LIST);
		if (n) {
			v->items = xmalloc(n * sizeof(*v->items));
			if (tag == TAG_MAP)
				v->keys = xmalloc(n * sizeof(*v->keys));
			v->cap = n;
		}
		for (size_t i = 0; i < n && r->ok; i++) {
			char *key = NULL;
			if (tag == TAG_MAP) {
				size_t klen;
				const char *k = value_bin_get_bytes(r, &klen);
				if (!k || memchr(k, '\0', klen)) {
					r->ok = false;
					break;
				}
				key = xstrndup(k, klen);
			}
			struct value *item = get_value(r, depth + 1);
			if (!item) {
				free(key);
				break;
			}
			if (key)
				v->keys[v->len] = key;
			v->items[v->len++] = item;
		}
		break;
	}
	default: r->ok = false; return NULL;
	}
	v->line = line;
	v->column = column;
	if (!r->ok) {
		value_free(v);
		return NULL;
	}
	return v;
}

struct value *value_bin_get(struct bin_reader *r)
{
	return get_value(r, 0);
}

/* Bytes of a tree read in one block: its pieces, each rounded up to keep the next aligned
 * (to 8 bytes, all that a value, a pointer or a double asks for). */
_Static_assert(_Alignof(struct value) <= 8 && _Alignof(double) <= 8, "pieces of 8 bytes");
static size_t block_piece(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* Steps over a value, checking it as get_value does; with bytes, also adds the room the value
 * takes in one block (value_bin_get_block). */
static bool skip_value(struct bin_reader *r, int depth, size_t *bytes)
{
	unsigned char tag;
	int line, column;
	if (!get_header(r, depth, &tag, &line, &column))
		return false;
	size_t len, room = block_piece(sizeof(struct value));
	bool ok = true;
	switch (tag) {
	case TAG_NIL:
	case TAG_FALSE:
	case TAG_TRUE: break;
	case TAG_NUMBER:
		if (r->end - r->p < (long)sizeof(double)) {
			r->ok = false;
			return false;
		}
		r->p += sizeof(double);
		break;
	case TAG_STRING:
		ok = value_bin_get_bytes(r, &len) != NULL;
		room += block_piece(len + 1);
		break;
	case TAG_LIST:
	case TAG_MAP: {
		size_t n = get_count(r);
		room += block_piece(n * sizeof(struct value *));
		if (tag == TAG_MAP)
			room += block_piece(n * sizeof(char *));
		for (size_t i = 0; i < n && r->ok; i++) {
			if (tag == TAG_MAP) {
				const char *k = value_bin_get_bytes(r, &len);
				if (!k || memchr(k, '\0', len)) {
					r->ok = false;
					return false;
				}
				room += block_piece(len + 1);
			}
			if (!skip_value(r, depth + 1, bytes))
				return false;
		}
		ok = r->ok;
		break;
	}
	default: r->ok = false; return false;
	}
	if (bytes)
		*bytes += room;
	return ok;
}

bool value_bin_skip(struct bin_reader *r)
{
	return skip_value(r, 0, NULL);
}

bool value_bin_is_map(const unsigned char *bytes, size_t len)
{
	struct bin_reader r = { bytes, bytes + len, true };
	unsigned char tag;
	int line, column;
	return get_header(&r, 0, &tag, &line, &column) && tag == TAG_MAP;
}

int value_bin_map_values(const unsigned char *bytes, size_t len, const char *const *keys,
			 size_t nkeys, const unsigned char **values, size_t *value_lens)
{
	struct bin_reader r = { bytes, bytes + len, true };
	unsigned char tag;
	int line, column;
	if (!get_header(&r, 0, &tag, &line, &column) || tag != TAG_MAP)
		return -1;
	size_t key_len[VALUE_BIN_MAX_KEYS];
	if (nkeys > VALUE_BIN_MAX_KEYS)
		return -1;
	for (size_t k = 0; k < nkeys; k++) {
		values[k] = NULL;
		value_lens[k] = 0;
		key_len[k] = strlen(keys[k]);
	}
	size_t n = get_count(&r), left = nkeys;
	/* stops once every key is found: the rest of the map is not read (nor checked). A key
	 * asked twice gets the same answer twice. */
	for (size_t i = 0; i < n && r.ok && left; i++) {
		size_t klen;
		const char *name = value_bin_get_bytes(&r, &klen);
		if (!name)
			return -1;
		const unsigned char *value = r.p;
		if (!skip_value(&r, 1, NULL))
			return -1;
		for (size_t k = 0; k < nkeys; k++) {
			if (values[k] || klen != key_len[k] || memcmp(name, keys[k], klen) != 0)
				continue;
			values[k] = value;
			value_lens[k] = (size_t)(r.p - value);
			left--;
		}
	}
	return r.ok ? 0 : -1;
}

int value_bin_map_strings(const unsigned char *bytes, size_t len, const char *const *keys,
			  size_t nkeys, int *found, const char **s, size_t *slen)
{
	const unsigned char *values[VALUE_BIN_MAX_KEYS];
	size_t lens[VALUE_BIN_MAX_KEYS];
	if (value_bin_map_values(bytes, len, keys, nkeys, values, lens) != 0)
		return -1;
	for (size_t k = 0; k < nkeys; k++) {
		found[k] = 0;
		if (!values[k])
			continue;
		/* (checked whole by value_bin_map_values) */
		struct bin_reader r = { values[k], values[k] + lens[k], true };
		unsigned char tag = TAG_NIL;
		int line, column;
		get_header(&r, 1, &tag, &line, &column);
		if (tag == TAG_STRING) {
			s[k] = value_bin_get_bytes(&r, &slen[k]);
			found[k] = 1;
		} else {
			found[k] = tag == TAG_NIL ? 0 : -1; /* nil: as missing */
		}
	}
	return 0;
}

struct block {
	char *at; /* the next free byte */
};

static void *block_take(struct block *b, size_t n)
{
	void *p = b->at;
	b->at += block_piece(n);
	return p;
}

static char *block_string(struct block *b, const char *s, size_t len)
{
	char *out = block_take(b, len + 1);
	memcpy(out, s, len);
	out[len] = '\0';
	return out;
}

/* get_value into a block that skip_value measured on the same (so already checked) bytes. */
static struct value *build_value(struct bin_reader *r, struct block *b)
{
	unsigned char tag;
	int line, column;
	if (!get_header(r, 0, &tag, &line, &column))
		return NULL;
	struct value *v = block_take(b, sizeof(*v));
	memset(v, 0, sizeof(*v));
	v->line = line;
	v->column = column;
	size_t len;
	switch (tag) {
	case TAG_NIL: v->type = VALUE_NIL; break;
	case TAG_FALSE:
	case TAG_TRUE:
		v->type = VALUE_BOOL;
		v->boolean = tag == TAG_TRUE;
		break;
	case TAG_NUMBER:
		v->type = VALUE_NUMBER;
		memcpy(&v->number, r->p, sizeof(v->number));
		r->p += sizeof(v->number);
		break;
	case TAG_STRING: {
		const char *s = value_bin_get_bytes(r, &len);
		v->type = VALUE_STRING;
		v->string = block_string(b, s ? s : "", len);
		v->string_len = len;
		break;
	}
	default: { /* a list or a map */
		size_t n = get_count(r);
		v->type = tag == TAG_MAP ? VALUE_MAP : VALUE_LIST;
		v->items = block_take(b, n * sizeof(*v->items));
		if (tag == TAG_MAP)
			v->keys = block_take(b, n * sizeof(*v->keys));
		v->cap = n;
		for (size_t i = 0; i < n && r->ok; i++) {
			if (tag == TAG_MAP) {
				const char *k = value_bin_get_bytes(r, &len);
				v->keys[i] = block_string(b, k ? k : "", len);
			}
			struct value *item = build_value(r, b);
			if (!item)
				return NULL;
			v->items[v->len++] = item;
		}
		break;
	}
	}
	return r->ok ? v : NULL;
}

struct value *value_bin_get_block(struct bin_reader *r)
{
	struct bin_reader measure = *r;
	size_t bytes = 0;
	if (!skip_value(&measure, 0, &bytes)) {
		r->ok = false;
		return NULL;
	}
	char *block = xmalloc(bytes);
	struct block b = { block };
	struct value *v = build_value(r, &b);
	if (!v || (void *)v != (void *)block || b.at != block + bytes || r->p != measure.p) {
		free(block);
		r->ok = false;
		return NULL;
	}
	v->one_block = true;
	return v;
}

struct value *value_in_one_block(struct value *v)
{
	if (!v || v->one_block)
		return v;
	struct buf bytes = BUF_INIT;
	value_bin_put(&bytes, v);
	struct bin_reader r = { (const unsigned char *)bytes.ptr,
				(const unsigned char *)bytes.ptr + bytes.len, true };
	struct value *block = value_bin_get_block(&r);
	buf_release(&bytes);
	if (!block)
		return v; /* a tree value_bin_put cannot write: keep it as it is */
	value_free(v);
	return block;
}

bool value_bin_truthy(const unsigned char *bytes, size_t len)
{
	return len > 0 && bytes[0] != TAG_NIL && bytes[0] != TAG_FALSE;
}
