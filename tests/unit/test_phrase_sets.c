/* The phrase sets made at build time (tools/compile_phrases.c) are the ones lint.phrases
 * would compile: every list of the built-in word lists has one, byte for byte what
 * phrase_set_compile makes of the list now, and lint.phrases hands out the same set with
 * them registered as without (but its id).
 *
 * Usage: test_phrase_sets WORDS_DIR (rules/lib/words) */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "check.h"
#include "lua/api.h"
#include "lua/host.h"
#include "phrase_set.h"

static const struct precompiled_phrases *made_for(const char *name)
{
	for (size_t i = 0; i < builtin_phrase_sets_count; i++)
		if (strcmp(builtin_phrase_sets[i].name, name) == 0)
			return &builtin_phrase_sets[i];
	return NULL;
}

/* The list at the top of the stack, compiled now; compared with the set made for it. */
static void check_list(lua_State *L, const char *name)
{
	size_t n = (size_t)luaL_len(L, -1);
	const char **sources = calloc(n + 1, sizeof(*sources));
	size_t *lens = calloc(n + 1, sizeof(*lens));
	uint64_t key[2];
	phrase_set_key_init(key);
	for (size_t i = 0; i < n; i++) {
		lua_rawgeti(L, -1, (lua_Integer)i + 1);
		sources[i] = lua_tolstring(L, -1, &lens[i]);
		lua_pop(L, 1);
		phrase_set_key_add(key, sources[i], lens[i]);
	}
	size_t size;
	struct phrase_set *now = phrase_set_compile(sources, lens, n, &size);
	const struct precompiled_phrases *made = made_for(name);
	CHECK(made != NULL, "%s: made at build time", name);
	if (made) {
		CHECK(made->key[0] == key[0] && made->key[1] == key[1], "%s: under its key", name);
		CHECK(made->size == size && memcmp(made->data, now, size) == 0,
		      "%s: the same bytes as compiled now (%zu, %zu)", name, made->size, size);
	}
	free(now);
	free(sources);
	free(lens);
}

/* lint.phrases(list at the top of the stack) as bytes, its id left out. */
static char *phrases_bytes(lua_State *L, int lint, size_t *size)
{
	lua_getfield(L, lint, "phrases");
	lua_pushvalue(L, -2);
	lua_call(L, 1, 1);
	size_t n = lua_rawlen(L, -1);
	char *copy = malloc(n);
	memcpy(copy, lua_touserdata(L, -1), n);
	memset(copy, 0, sizeof(uint64_t)); /* the id */
	lua_pop(L, 1);
	*size = n;
	return copy;
}

int main(int argc, char **argv)
{
	CHECK(argc == 2, "usage: test_phrase_sets WORDS_DIR");
	if (argc != 2)
		return check_done();
	CHECK(builtin_phrase_sets_count > 50, "sets made at build time (%zu)",
	      builtin_phrase_sets_count);
	struct host_limits limits = { HOST_DEFAULT_INSTRUCTIONS, HOST_DEFAULT_MEMORY, 0 };
	struct host *h = host_new(&limits);
	lua_State *L = host_state(h);
	api_open_lint(L);
	int lint = lua_gettop(L);
	lua_State *words = luaL_newstate();
	static const char *const langs[] = { "en", "es", "de", NULL };
	size_t lists = 0;
	for (const char *const *lang = langs; *lang; lang++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s.lua", argv[1], *lang);
		CHECK(luaL_dofile(words, path) == LUA_OK && lua_istable(words, -1), "%s loads",
		      path);
		lua_pushnil(words);
		while (lua_next(words, -2)) {
			if (lua_type(words, -2) == LUA_TSTRING && lua_istable(words, -1) &&
			    strcmp(lua_tostring(words, -2), "templates") != 0) {
				char name[256];
				snprintf(name, sizeof(name), "%s.%s", *lang, lua_tostring(words, -2));
				check_list(words, name);
				lists++;
			}
			lua_pop(words, 1);
		}
		lua_pop(words, 1);
	}
	CHECK(lists == builtin_phrase_sets_count, "a set for each list, no other (%zu lists)",
	      lists);

	/* through lint.phrases: en.first_person compiled (nothing registered), then copied */
	char path[4096];
	snprintf(path, sizeof(path), "%s/en.lua", argv[1]);
	CHECK(luaL_dofile(words, path) == LUA_OK, "en.lua loads again");
	lua_getfield(words, -1, "first_person");
	size_t n = (size_t)luaL_len(words, -1);
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lua_rawgeti(words, -1, (lua_Integer)i + 1);
		size_t len;
		const char *s = lua_tolstring(words, -1, &len);
		lua_pushlstring(L, s, len);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
		lua_pop(words, 1);
	}
	lua_close(words);
	size_t compiled_size, copied_size, marked_size;
	char *compiled = phrases_bytes(L, lint, &compiled_size);
	api_lint_precompiled(builtin_phrase_sets, builtin_phrase_sets_count);
	char *copied = phrases_bytes(L, lint, &copied_size);
	CHECK(compiled_size == copied_size && memcmp(compiled, copied, copied_size) == 0,
	      "lint.phrases: the same set compiled and copied");
	/* ...and copied it was: a registered set marked (its nprefixed) comes back marked */
	const struct precompiled_phrases *made = made_for("en.first_person");
	unsigned char *marked = malloc(made->size);
	memcpy(marked, made->data, made->size);
	((struct phrase_set *)(void *)marked)->nprefixed = 12345;
	struct precompiled_phrases fake = *made;
	fake.data = marked;
	api_lint_precompiled(&fake, 1);
	char *back = phrases_bytes(L, lint, &marked_size);
	CHECK(((struct phrase_set *)(void *)back)->nprefixed == 12345,
	      "lint.phrases copies the registered set for the list's key");
	api_lint_precompiled(NULL, 0);
	free(back);
	free(marked);
	free(compiled);
	free(copied);
	lua_pop(L, 1);
	host_free(h);
	return check_done();
}
