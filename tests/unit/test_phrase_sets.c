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

/* The phrases of the list at the top of the stack: a table's strings, or one string's
 * phrases (phrase_list_split); pointers into the list, which stays on the stack. */
static const char **list_phrases(lua_State *L, size_t **lens, size_t *n)
{
	if (lua_type(L, -1) == LUA_TSTRING) {
		size_t len;
		const char *text = lua_tolstring(L, -1, &len);
		size_t max = phrase_list_max(text, len);
		const char **sources = calloc(max, sizeof(*sources));
		*lens = calloc(max, sizeof(**lens));
		*n = phrase_list_split(text, len, sources, *lens);
		return sources;
	}
	*n = (size_t)luaL_len(L, -1);
	const char **sources = calloc(*n + 1, sizeof(*sources));
	*lens = calloc(*n + 1, sizeof(**lens));
	for (size_t i = 0; i < *n; i++) {
		lua_rawgeti(L, -1, (lua_Integer)i + 1);
		sources[i] = lua_tolstring(L, -1, &(*lens)[i]);
		lua_pop(L, 1);
	}
	return sources;
}

/* The list at the top of the stack, compiled now; compared with the set made for it. */
static void check_list(lua_State *L, const char *name)
{
	size_t n, *lens;
	const char **sources = list_phrases(L, &lens, &n);
	uint64_t key[2];
	phrase_set_key(key, sources, lens, n);
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

/* phrase_list_split: commas apart, white space around a phrase dropped, empty ones left
 * out. */
static void check_split(const char *text, const char *const *want)
{
	size_t len = strlen(text), max = phrase_list_max(text, len);
	const char **got = calloc(max, sizeof(*got));
	size_t *lens = calloc(max, sizeof(*lens));
	size_t n = phrase_list_split(text, len, got, lens), k = 0;
	for (; want[k]; k++)
		CHECK(k < n && lens[k] == strlen(want[k]) && memcmp(got[k], want[k], lens[k]) == 0,
		      "split \"%s\": phrase %zu is \"%s\"", text, k, want[k]);
	CHECK(n == k && n <= max, "split \"%s\": %zu phrases (wanted %zu), at most %zu", text, n,
	      k, max);
	free(got);
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
			if (lua_type(words, -2) == LUA_TSTRING &&
			    (lua_istable(words, -1) || lua_type(words, -1) == LUA_TSTRING) &&
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
	size_t n, *lens;
	const char **phrases = list_phrases(words, &lens, &n);
	CHECK(n > 10, "en.first_person has its phrases (%zu)", n);
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lua_pushlstring(L, phrases[i], lens[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	free(phrases);
	free(lens);
	size_t text_len;
	const char *text = lua_tolstring(words, -1, &text_len);
	lua_pushlstring(L, text ? text : "", text ? text_len : 0); /* the list as written */
	lua_insert(L, -2);
	lua_close(words);
	size_t compiled_size, copied_size, marked_size;
	char *compiled = phrases_bytes(L, lint, &compiled_size);
	lua_pushvalue(L, -2);
	size_t written_now_size;
	char *written_now = phrases_bytes(L, lint, &written_now_size);
	lua_pop(L, 1);
	CHECK(written_now_size == compiled_size &&
		      memcmp(written_now, compiled, compiled_size) == 0,
	      "lint.phrases: the list as one string compiles to the set of its table");
	free(written_now);
	api_lint_precompiled(builtin_phrase_sets, builtin_phrase_sets_count);
	char *copied = phrases_bytes(L, lint, &copied_size);
	CHECK(compiled_size == copied_size && memcmp(compiled, copied, copied_size) == 0,
	      "lint.phrases: the same set compiled and copied");
	/* the list as written (one string) is the same list: the same set */
	lua_pushvalue(L, -2);
	size_t written_size;
	char *written = phrases_bytes(L, lint, &written_size);
	lua_pop(L, 1);
	CHECK(written_size == copied_size && memcmp(written, copied, copied_size) == 0,
	      "lint.phrases: the list as one string makes the set its table makes");
	free(written);
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
	lua_pop(L, 2);

	/* a list whose __len says a negative or huge count, or what is not a list, is an error
	 * (a length of -1 made a buffer of 0 bytes that the phrases were then written to) */
	static const char *const refused[][2] = {
		{ "local t = {} for i = 1, 200 do t[i] = 'w' .. i end "
		  "return lint.phrases(setmetatable(t, { __len = function() return -1 end }))",
		  "lint.phrases: a list of -1 phrases" },
		{ "return lint.phrases(setmetatable({ 'a' }, { __len = function() return -2 end }))",
		  "lint.phrases: a list of -2 phrases" },
		{ "return lint.phrases(setmetatable({ 'a' }, { __len = function() return 1 << 40 end }))",
		  "lint.phrases: a list of 1099511627776 phrases" },
		{ "return lint.phrases(12)", "(table or string expected, got number)" },
		{ "return lint.phrase_list(12)", "(string expected, got number)" },
		{ "return lint.phrase_list({ 'a' })", "(string expected, got table)" },
	};
	lua_pushcfunction(L, luaopen_base); /* setmetatable, in this state's plain globals */
	lua_call(L, 0, 0);
	for (size_t i = 0; i < sizeof(refused) / sizeof(*refused); i++) {
		lua_pushvalue(L, lint);
		lua_setglobal(L, "lint");
		int rc = luaL_loadstring(L, refused[i][0]);
		if (rc == LUA_OK)
			rc = lua_pcall(L, 0, 1, 0);
		const char *msg = lua_tostring(L, -1);
		CHECK(rc == LUA_ERRRUN && msg && strstr(msg, refused[i][1]),
		      "refused: %s -> %s", refused[i][0], msg ? msg : "(no error)");
		lua_pop(L, 1);
	}

	check_split("a, b,c", (const char *const[]){ "a", "b", "c", NULL });
	check_split(" let me know ,\n\tlmk,\r\n  thank you\f\v",
		    (const char *const[]){ "let me know", "lmk", "thank you", NULL });
	check_split("", (const char *const[]){ NULL });
	check_split(" , ,, \n", (const char *const[]){ NULL });
	check_split("i'm,,y'all,", (const char *const[]){ "i'm", "y'all", NULL });
	check_split("amaz*", (const char *const[]){ "amaz*", NULL });
	host_free(h);
	return check_done();
}
