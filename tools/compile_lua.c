/* Build tool: compiles the built-in rules to Lua bytecode, so that postlint loads them
 * without parsing (about 3 ms of every start). Debug information is kept: tracebacks and
 * errors name the same files and lines as the source would.
 *
 * And a second chunk per file for linting, lighter to load:
 * - a rule's without its `tests` field: the examples are a quarter of the rules' source, and
 *   a lint that undumped their strings and built their tables spent 9% of a one-post run on
 *   them (only `postlint test` reads them). The field is found as the built-in rules write
 *   it - a line "  tests = {" (a field of the table the file returns) to the next line
 *   "  }," or "  }" - and blanked, its newlines kept, so that every line keeps its number. A
 *   file written otherwise keeps its tests, and so does one whose blanked text would not
 *   compile;
 * - every file's without the names of its local variables and upvalues, its line numbers
 *   kept (strip_local_names.c): they were half of the strings undumped, a tenth of a
 *   one-post run.
 *
 * Usage: compile_lua OUT_DIR BASE_DIR DISPLAY FILE...
 *   writes OUT_DIR/FILE.luac for each BASE_DIR/FILE, compiled with the chunk name
 *   "@DISPLAY/FILE" (the name the host gives the source), and OUT_DIR/FILE.lint.luac, the
 *   chunk for linting. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lauxlib.h>
#include <lua.h>

#include "strip_local_names.h"

static int write_chunk(lua_State *L, const void *p, size_t size, void *ud)
{
	(void)L;
	return fwrite(p, 1, size, ud) == size ? 0 : 1;
}

/* mkdir -p for the folders of path */
static void make_parents(char *path)
{
	for (char *s = path + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			fprintf(stderr, "compile_lua: cannot create %s: %s\n", path, strerror(errno));
		*s = '/';
	}
}

/* The bytes of the `tests` field in text: [*from, *to), ending after its closing line's
 * comma; false when the file does not hold one written as described above. */
static bool find_tests(const char *text, size_t len, size_t *from, size_t *to)
{
	static const char open[] = "\n  tests = {\n";
	const char *end = text + len;
	const char *start = NULL;
	for (const char *p = text; p + sizeof(open) - 1 <= end; p++) {
		if (memcmp(p, open, sizeof(open) - 1) == 0) {
			if (start)
				return false; /* two: not the layout this expects */
			start = p;
		}
	}
	if (!start)
		return false;
	for (const char *line = start + sizeof(open) - 1; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
		if ((n == 4 && memcmp(line, "  },", 4) == 0) || (n == 3 && memcmp(line, "  }", 3) == 0)) {
			*from = (size_t)(start - text) + 1;
			*to = (size_t)(line - text) + n;
			return true;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	return false;
}

static bool dump_to(lua_State *L, const char *out)
{
	FILE *f = fopen(out, "wb");
	bool ok = f && lua_dump(L, write_chunk, f, 0) == 0;
	if (f && fclose(f) != 0)
		ok = false;
	if (!ok)
		fprintf(stderr, "compile_lua: cannot write %s\n", out);
	return ok;
}

struct chunk {
	unsigned char *data;
	size_t len, cap;
};

static int write_to_memory(lua_State *L, const void *p, size_t size, void *ud)
{
	(void)L;
	struct chunk *c = ud;
	if (c->len + size > c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 4096;
		while (cap < c->len + size)
			cap *= 2;
		unsigned char *grown = realloc(c->data, cap);
		if (!grown)
			return 1;
		c->data = grown;
		c->cap = cap;
	}
	memcpy(c->data + c->len, p, size);
	c->len += size;
	return 0;
}

/* Writes lint_out: the function at the top of the stack, dumped without the names of its
 * locals and upvalues; checked to load. */
static bool dump_stripped_to(lua_State *L, const char *name, const char *lint_out)
{
	struct chunk whole = { 0 };
	unsigned char *stripped = NULL;
	size_t stripped_len = 0;
	bool ok = lua_dump(L, write_to_memory, &whole, 0) == 0 &&
		  strip_local_names(whole.data, whole.len, &stripped, &stripped_len);
	if (!ok) {
		fprintf(stderr, "compile_lua: %s: cannot strip the chunk's names\n", name);
	} else {
		/* (pops what it pushed: the function, or the error) */
		if (luaL_loadbufferx(L, (const char *)stripped, stripped_len, name, "b") != LUA_OK) {
			fprintf(stderr, "compile_lua: %s: the stripped chunk does not load: %s\n",
				name, lua_tostring(L, -1));
			ok = false;
		}
		lua_pop(L, 1);
	}
	FILE *f = ok ? fopen(lint_out, "wb") : NULL;
	if (ok) {
		ok = f && fwrite(stripped, 1, stripped_len, f) == stripped_len;
		if (f && fclose(f) != 0)
			ok = false;
		if (!ok)
			fprintf(stderr, "compile_lua: cannot write %s\n", lint_out);
	}
	free(whole.data);
	free(stripped);
	return ok;
}

/* Writes lint_out: text with its tests blanked, when it has them, compiled without local
 * names. The whole text's function is at the top of the stack. */
static bool write_lint_chunk(lua_State *L, const char *text, size_t len, const char *name,
			     const char *lint_out)
{
	size_t from, to;
	if (!find_tests(text, len, &from, &to))
		return dump_stripped_to(L, name, lint_out);
	char *blanked = malloc(len);
	if (!blanked)
		return false;
	memcpy(blanked, text, len);
	for (size_t i = from; i < to; i++)
		if (blanked[i] != '\n')
			blanked[i] = ' ';
	bool blanked_loads = luaL_loadbufferx(L, blanked, len, name, "t") == LUA_OK;
	if (!blanked_loads)
		lua_pop(L, 1); /* its error: the whole text's function it is */
	bool ok = dump_stripped_to(L, name, lint_out);
	if (blanked_loads)
		lua_pop(L, 1);
	free(blanked);
	return ok;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: compile_lua OUT_DIR BASE_DIR DISPLAY FILE...\n");
		return 2;
	}
	lua_State *L = luaL_newstate();
	if (!L)
		return 1;
	int rc = 0;
	for (int i = 4; i < argc; i++) {
		char src[4096], out[4096], lint_out[4096], name[4096];
		snprintf(src, sizeof(src), "%s/%s", argv[2], argv[i]);
		snprintf(out, sizeof(out), "%s/%s.luac", argv[1], argv[i]);
		snprintf(lint_out, sizeof(lint_out), "%s/%s.lint.luac", argv[1], argv[i]);
		snprintf(name, sizeof(name), "@%s/%s", argv[3], argv[i]);
		FILE *in = fopen(src, "rb");
		if (!in) {
			fprintf(stderr, "compile_lua: cannot read %s\n", src);
			rc = 1;
			continue;
		}
		luaL_Buffer b;
		luaL_buffinit(L, &b);
		char chunk[8192];
		size_t n;
		while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
			luaL_addlstring(&b, chunk, n);
		fclose(in);
		luaL_pushresult(&b);
		size_t len;
		const char *text = lua_tolstring(L, -1, &len);
		if (luaL_loadbufferx(L, text, len, name, "t") != LUA_OK) {
			/* a syntax error: no bytecode, the host loads the source and reports it */
			fprintf(stderr, "compile_lua: %s\n", lua_tostring(L, -1));
			lua_settop(L, 0);
			remove(out);
			remove(lint_out);
			continue;
		}
		make_parents(out);
		if (!dump_to(L, out) || !write_lint_chunk(L, text, len, name, lint_out))
			rc = 1;
		lua_settop(L, 0);
	}
	lua_close(L);
	return rc;
}
