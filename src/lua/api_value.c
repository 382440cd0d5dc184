/* Plain data between Lua and C: value trees (front matter, options) in and out of Lua. */
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "lua/api_internal.h"
#include "value_bin.h"

#define MAX_DEPTH 16

void api_push_value(lua_State *L, const struct value *v)
{
	luaL_checkstack(L, 4, "data is nested too deeply");
	switch (v ? v->type : VALUE_NIL) {
	case VALUE_NIL:
		lua_pushnil(L);
		break;
	case VALUE_BOOL:
		lua_pushboolean(L, v->boolean);
		break;
	case VALUE_NUMBER:
		if (v->number >= -9007199254740992.0 && v->number <= 9007199254740992.0 &&
		    v->number == (lua_Number)(lua_Integer)v->number)
			lua_pushinteger(L, (lua_Integer)v->number);
		else
			lua_pushnumber(L, v->number);
		break;
	case VALUE_STRING:
		lua_pushlstring(L, v->string, v->string_len);
		break;
	case VALUE_LIST:
		lua_createtable(L, (int)v->len, 0);
		for (size_t i = 0; i < v->len; i++) {
			api_push_value(L, v->items[i]);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		break;
	case VALUE_MAP:
		lua_createtable(L, 0, (int)v->len);
		for (size_t i = 0; i < v->len; i++) {
			if (v->items[i]->type == VALUE_NIL)
				continue;
			api_push_value(L, v->items[i]);
			lua_setfield(L, -2, v->keys[i]);
		}
		break;
	}
}

/* Pushes the next value of r as api_push_value would push it decoded (nil when r is damaged;
 * callers check the bytes first with value_bin_skip). */
static void push_bin(lua_State *L, struct bin_reader *r)
{
	luaL_checkstack(L, 4, "data is nested too deeply");
	if (!r->ok || r->p >= r->end) {
		r->ok = false;
		lua_pushnil(L);
		return;
	}
	unsigned char tag = *r->p++;
	value_bin_get_varint(r); /* line and column: not in Lua */
	value_bin_get_varint(r);
	if (tag == 's') {
		size_t len;
		const char *str = value_bin_get_bytes(r, &len);
		if (str)
			lua_pushlstring(L, str, len);
		else
			lua_pushnil(L);
		return;
	}
	if (tag == 'd' && r->ok && r->end - r->p >= (long)sizeof(double)) {
		struct value number = { .type = VALUE_NUMBER };
		memcpy(&number.number, r->p, sizeof(double));
		r->p += sizeof(double);
		api_push_value(L, &number); /* the same integer-or-float choice */
		return;
	}
	if (tag == 't' || tag == 'f') {
		lua_pushboolean(L, tag == 't');
		return;
	}
	if (tag != 'l' && tag != 'm') {
		r->ok = r->ok && tag == 'n';
		lua_pushnil(L);
		return;
	}
	uint64_t n = value_bin_get_varint(r);
	if (!r->ok || n > (uint64_t)(r->end - r->p)) {
		r->ok = false;
		lua_pushnil(L);
		return;
	}
	lua_createtable(L, tag == 'l' ? (int)n : 0, tag == 'm' ? (int)n : 0);
	for (uint64_t i = 0; i < n && r->ok; i++) {
		if (tag == 'l') {
			push_bin(L, r);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
			continue;
		}
		size_t klen;
		const char *k = value_bin_get_bytes(r, &klen);
		if (!k)
			break;
		lua_pushlstring(L, k, klen);
		push_bin(L, r);
		if (lua_isnil(L, -1))
			lua_pop(L, 2); /* as api_push_value: a map's nil is no key */
		else
			lua_rawset(L, -3);
	}
}

void api_push_bin(lua_State *L, const unsigned char *bytes, size_t len)
{
	struct bin_reader r = { bytes, bytes + len, true };
	push_bin(L, &r);
	if (!r.ok) {
		lua_pop(L, 1);
		lua_pushnil(L);
	}
}

static void attach(struct value *parent, const char *key, struct value *child)
{
	if (parent->type == VALUE_MAP)
		value_map_add(parent, key, child); /* value_map_sort settles a key given twice */
	else
		value_list_push(parent, child);
}

/* One conversion: what it converts (for messages) and the size of the tree so far, bounded.
 * The bound is what keeps a conversion short: a table may appear in the data many times,
 * each appearance converted anew, so a few tables nested in each other 8 times over were
 * 16 million values (3 GB, and 10 seconds until the watchdog stopped a .lintrc of 9 lines),
 * where the Lua state's own memory cap saw a few hundred bytes. */
struct conversion {
	const char *what;
	size_t bytes, max_bytes;
};

/* Counts a value about to be added under key (NULL in a list) with string_bytes of string
 * (its NUL too), as much as the tree will hold for it: a node, its slot in its parent, its
 * key and the key's slot. */
static void count(lua_State *L, struct conversion *cv, const char *key, size_t string_bytes)
{
	cv->bytes += sizeof(struct value) + sizeof(struct value *) + string_bytes +
		     (key ? strlen(key) + 1 + sizeof(char *) : 0);
	if (cv->bytes > cv->max_bytes)
		luaL_error(L, "%s: too large (at most %d KB of data; a table counts each time it "
			      "appears)", cv->what, (int)(cv->max_bytes >> 10));
}

/* A table is a list when its keys are exactly 1..n (and it is not empty, unless it has
 * no keys at all: {} is an empty list). */
static bool is_sequence(lua_State *L, int idx, lua_Integer *n)
{
	lua_Integer count = 0, max = 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (!lua_isinteger(L, -1)) {
			lua_pop(L, 1);
			return false;
		}
		lua_Integer k = lua_tointeger(L, -1);
		if (k < 1) {
			lua_pop(L, 1);
			return false;
		}
		if (k > max)
			max = k;
		count++;
	}
	*n = count;
	return count == max;
}

static void convert(lua_State *L, int idx, struct value *parent, const char *key,
		    struct conversion *cv, int depth)
{
	idx = lua_absindex(L, idx);
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
		count(L, cv, key, 0);
		attach(parent, key, value_new(VALUE_NIL));
		return;
	case LUA_TBOOLEAN:
		count(L, cv, key, 0);
		attach(parent, key, value_new_bool(lua_toboolean(L, idx)));
		return;
	case LUA_TNUMBER:
		count(L, cv, key, 0);
		attach(parent, key, value_new_number((double)lua_tonumber(L, idx)));
		return;
	case LUA_TSTRING: {
		size_t len;
		const char *s = lua_tolstring(L, idx, &len);
		count(L, cv, key, len + 1); /* (an empty string is allocated too) */
		attach(parent, key, value_new_string(s, len));
		return;
	}
	case LUA_TTABLE:
		break;
	default:
		luaL_error(L, "%s: a %s is not plain data (use strings, numbers, booleans and tables)",
			   cv->what, luaL_typename(L, idx));
		return;
	}
	if (depth >= MAX_DEPTH)
		luaL_error(L, "%s: tables are nested too deeply", cv->what);
	count(L, cv, key, 0);
	lua_Integer n;
	bool list = is_sequence(L, idx, &n);
	struct value *t = value_new(list ? VALUE_LIST : VALUE_MAP);
	attach(parent, key, t); /* owned by the parent from now on */
	if (list) {
		for (lua_Integer i = 1; i <= n; i++) {
			lua_rawgeti(L, idx, i);
			convert(L, -1, t, NULL, cv, depth + 1);
			lua_pop(L, 1);
		}
		return;
	}
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		/* mixed tables like { "warning", max = 2 }: integer keys become "1", "2", ... */
		char numkey[32];
		const char *k;
		if (lua_type(L, -2) == LUA_TSTRING) {
			k = lua_tostring(L, -2);
		} else if (lua_isinteger(L, -2)) {
			snprintf(numkey, sizeof(numkey), "%lld", (long long)lua_tointeger(L, -2));
			k = numkey;
		} else {
			luaL_error(L, "%s: table keys must be strings or integers", cv->what);
			return;
		}
		convert(L, -1, t, k, cv, depth + 1);
		lua_pop(L, 1);
	}
	value_map_sort(t);
}

void api_to_value(lua_State *L, int idx, struct value *parent, const char *key, const char *what,
		  size_t max_bytes)
{
	struct conversion cv = { what, 0, max_bytes };
	convert(L, idx, parent, key, &cv, 0);
}

void api_to_map(lua_State *L, int idx, struct value **slot, const char *what, size_t max_bytes)
{
	idx = lua_absindex(L, idx);
	if (!lua_istable(L, idx))
		luaL_error(L, "%s: expected a table of name = value", what);
	struct conversion cv = { what, sizeof(struct value), max_bytes };
	struct value *map = value_new(VALUE_MAP);
	*slot = map;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		if (lua_type(L, -2) != LUA_TSTRING)
			luaL_error(L, "%s: expected names as keys, like name = value", what);
		convert(L, -1, map, lua_tostring(L, -2), &cv, 1);
		lua_pop(L, 1);
	}
	value_map_sort(map);
}
