/* Loading and validating rule files (see rules.h). */
#include "rules.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lauxlib.h>

#include "lua/api_internal.h"
#include "util/buf.h"
#include "util/xalloc.h"

/* Budget for running a rule file's top level (it should only build a table). */
#define LOAD_INSTRUCTIONS 50000000LL
#define RULE_FILE_MAX_BYTES (4u << 20)

static const char *const rule_fields[] = { "id", "summary", "docs", "severity", "fixable",
	"options", "check", "check_set", "collect", "tests", "version", NULL };

/* Raises "<file>: unknown field 'k' in <where> (fields: a, b, ...)" for a key of table t that
 * is not in fields (NULL-terminated); the list in the message is made from fields itself. */
static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Raises an error naming every key of table t that is not one of fields, in sorted order: a
 * table's keys come out of lua_next in the order of the state's hash seed, and naming the
 * first of two typos would name either from one run to the next. */
static void check_fields(lua_State *L, int t, const char *const *fields, const char *file,
			 const char *where)
{
	lua_newtable(L); /* the unknown keys' names, kept alive here */
	int names = lua_gettop(L);
	lua_Integer n = 0;
	lua_pushnil(L);
	while (lua_next(L, t)) {
		lua_pop(L, 1);
		const char *key = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
		bool known = false;
		for (const char *const *f = fields; key && *f; f++)
			known |= strcmp(*f, key) == 0;
		if (known)
			continue;
		if (key)
			lua_pushvalue(L, -1);
		else
			luaL_tolstring(L, -1, NULL);
		lua_rawseti(L, names, ++n);
	}
	if (n == 0) {
		lua_pop(L, 1);
		return;
	}
	/* pointers into the strings the table holds, in a userdata: nothing to free if an
	 * allocation below raises */
	const char **sorted = lua_newuserdatauv(L, (size_t)n * sizeof(*sorted), 0);
	for (lua_Integer i = 1; i <= n; i++) {
		lua_rawgeti(L, names, i);
		sorted[i - 1] = lua_tostring(L, -1);
		lua_pop(L, 1);
	}
	qsort(sorted, (size_t)n, sizeof(*sorted), compare_names);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	luaL_addstring(&b, n == 1 ? "unknown field " : "unknown fields ");
	for (lua_Integer i = 0; i < n; i++) {
		if (i)
			luaL_addstring(&b, ", ");
		luaL_addchar(&b, '\'');
		luaL_addstring(&b, sorted[i]);
		luaL_addchar(&b, '\'');
	}
	luaL_addstring(&b, " in ");
	luaL_addstring(&b, where);
	luaL_addstring(&b, " (fields: ");
	for (const char *const *f = fields; *f; f++) {
		if (f != fields)
			luaL_addstring(&b, ", ");
		luaL_addstring(&b, *f);
	}
	luaL_addchar(&b, ')');
	luaL_pushresult(&b);
	luaL_error(L, "%s: %s", file, lua_tostring(L, -1));
}

struct ruleset *ruleset_new(struct host *host)
{
	struct ruleset *rs = xcalloc(1, sizeof(*rs));
	rs->host = host;
	return rs;
}

static void rule_release(struct rule *r)
{
	free(r->id);
	free(r->summary);
	free(r->docs);
	free(r->file);
	value_free(r->options);
	memset(r, 0, sizeof(*r));
}

void ruleset_free(struct ruleset *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->nrules; i++)
		rule_release(&rs->rules[i]);
	free(rs->rules);
	for (size_t i = 0; i < rs->norigins; i++) {
		free(rs->origins[i].name);
		free(rs->origins[i].dir);
		free(rs->origins[i].display);
		free(rs->origins[i].version);
		free(rs->origins[i].description);
	}
	free(rs->origins);
	for (size_t i = 0; i < rs->nerrors; i++)
		free(rs->errors[i]);
	free(rs->errors);
	free(rs);
}

static void add_error(struct ruleset *rs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_error(struct ruleset *rs, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	xgrow((void **)&rs->errors, &rs->errors_cap, rs->nerrors + 1, sizeof(char *));
	rs->errors[rs->nerrors++] = buf_detach(&b, NULL);
}

const struct rule *ruleset_find(const struct ruleset *rs, const char *id)
{
	for (size_t i = 0; i < rs->nrules; i++)
		if (strcmp(rs->rules[i].id, id) == 0)
			return &rs->rules[i];
	return NULL;
}

size_t ruleset_index(const struct ruleset *rs, const struct rule *r)
{
	return (size_t)(r - rs->rules);
}

static size_t add_origin(struct ruleset *rs, const char *name, const char *dir,
			 const char *display, const struct embedded_file *files, size_t nfiles)
{
	/* origins are referenced by pointer from Lua (require's root), so never realloc a
	 * filled array: reserve generously up front */
	if (!rs->origins) {
		rs->origins_cap = 256;
		rs->origins = xcalloc(rs->origins_cap, sizeof(*rs->origins));
	}
	if (rs->norigins >= rs->origins_cap)
		return (size_t)-1;
	struct rule_origin *o = &rs->origins[rs->norigins];
	o->name = xstrdup(name);
	o->dir = dir ? xstrdup(dir) : NULL;
	o->display = xstrdup(display);
	o->builtin = strcmp(name, "builtin") == 0;
	o->root = (struct module_root){ .display = o->display, .dir = o->dir, .files = files,
					.nfiles = nfiles, .whole_chunks = rs->with_tests };
	return rs->norigins++;
}

static bool valid_rule_id(const char *id)
{
	if (!*id || *id == '-')
		return false;
	for (const char *p = id; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return false;
		if (*p == '-' && (p[1] == '-' || p[1] == '\0'))
			return false;
	}
	return true;
}

bool ruleset_valid_id(const char *id)
{
	return valid_rule_id(id);
}

struct load_call {
	struct ruleset *rs;
	struct rule *rule; /* being filled; released by the caller on failure */
	const char *src;
	size_t len;
	const char *chunkname;
	const struct embedded_file *embedded; /* compiled into the binary, or NULL */
	const char *expected_id; /* from the file name */
	const struct rule_origin *origin;
};

static const char *string_field(lua_State *L, int t, const char *field, bool required,
				const char *file)
{
	int type = lua_getfield(L, t, field);
	if (type == LUA_TNIL && !required) {
		lua_pop(L, 1);
		return NULL;
	}
	if (type != LUA_TSTRING || lua_rawlen(L, -1) == 0)
		luaL_error(L, "%s: the rule's '%s' must be a non-empty string", file, field);
	const char *s = lua_tostring(L, -1);
	lua_pop(L, 1); /* still referenced by the table */
	return s;
}

/* Protected: runs the rule file and validates the table it returns. */
static int load_rule(lua_State *L)
{
	struct load_call *c = lua_touserdata(L, 1);
	struct rule *r = c->rule;
	const char *file = r->file;
	host_push_env(L, &c->origin->root);
	if (c->embedded)
		host_load_embedded(L, c->embedded, c->chunkname, -1, c->rs->with_tests);
	else
		host_load_chunk(L, c->src, c->len, c->chunkname, -1);
	lua_call(L, 0, 1);
	if (!lua_istable(L, -1))
		return luaL_error(L, "%s: a rule file must return a table (got %s)", file,
				  luaL_typename(L, -1));
	int t = lua_gettop(L);
	check_fields(L, t, rule_fields, file, "the rule table");

	const char *id = string_field(L, t, "id", true, file);
	if (!valid_rule_id(id))
		return luaL_error(L, "%s: rule id '%s' must be kebab-case (like 'no-sales-push')",
				  file, id);
	if (c->expected_id && strcmp(id, c->expected_id) != 0)
		return luaL_error(L, "%s: rule id '%s' does not match its file name (%s.lua)", file,
				  id, c->expected_id);
	r->id = xstrdup(id);
	r->summary = xstrdup(string_field(L, t, "summary", true, file));
	r->docs = xstrdup(string_field(L, t, "docs", true, file));
	const char *sev = string_field(L, t, "severity", false, file);
	r->severity = SEVERITY_WARNING;
	if (sev) {
		bool ok;
		r->severity = severity_parse(sev, &ok);
		if (!ok)
			return luaL_error(L, "%s: severity '%s' must be \"error\", \"warning\", "
					     "\"info\" or \"off\"", file, sev);
	}
	int ft = lua_getfield(L, t, "fixable");
	if (ft != LUA_TNIL && ft != LUA_TBOOLEAN)
		return luaL_error(L, "%s: 'fixable' must be a boolean", file);
	r->fixable = lua_toboolean(L, -1);
	lua_pop(L, 1);

	int ct = lua_getfield(L, t, "check");
	int st = lua_getfield(L, t, "check_set");
	if (ct != LUA_TNIL && ct != LUA_TFUNCTION)
		return luaL_error(L, "%s: 'check' must be a function(post, ctx)", file);
	if (st != LUA_TNIL && st != LUA_TFUNCTION)
		return luaL_error(L, "%s: 'check_set' must be a function(posts, ctx)", file);
	if (ct == LUA_TNIL && st == LUA_TNIL)
		return luaL_error(L, "%s: the rule needs a 'check' function(post, ctx)", file);
	r->has_check = ct == LUA_TFUNCTION;
	r->has_check_set = st == LUA_TFUNCTION;
	lua_pop(L, 2);

	int colt = lua_getfield(L, t, "collect");
	if (colt != LUA_TNIL && (colt != LUA_TFUNCTION || st != LUA_TFUNCTION))
		return luaL_error(L, "%s: 'collect' must be a function(post, ctx), and goes with "
				     "check_set", file);
	r->has_collect = colt == LUA_TFUNCTION;
	lua_pop(L, 1);

	int tt = lua_getfield(L, t, "tests");
	if (tt != LUA_TNIL && tt != LUA_TTABLE)
		return luaL_error(L, "%s: 'tests' must be a table { valid = {...}, invalid = {...} }",
				  file);
	r->has_tests = tt == LUA_TTABLE;
	lua_pop(L, 1);

	int ot = lua_getfield(L, t, "options");
	if (ot == LUA_TNIL) {
		lua_pop(L, 1);
		lua_newtable(L);
	} else if (ot != LUA_TTABLE) {
		return luaL_error(L, "%s: 'options' must be a table of defaults", file);
	}
	char what[300];
	snprintf(what, sizeof(what), "%s: options", file);
	api_to_map(L, -1, &r->options, what, API_OPTIONS_MAX_BYTES);
	lua_pop(L, 1);

	api_push_ctx(L, r->id);
	r->ctx_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_newtable(L);
	r->options_cache_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pushvalue(L, t);
	r->ref = luaL_ref(L, LUA_REGISTRYINDEX);
	return 0;
}

static void load_source(struct ruleset *rs, size_t origin, const char *file_display,
			const char *expected_id, const char *src, size_t len,
			const struct embedded_file *embedded)
{
	xgrow((void **)&rs->rules, &rs->rules_cap, rs->nrules + 1, sizeof(*rs->rules));
	struct rule *r = &rs->rules[rs->nrules];
	memset(r, 0, sizeof(*r));
	r->file = xstrdup(file_display);
	r->origin = origin;
	r->ref = r->ctx_ref = r->options_cache_ref = LUA_NOREF;
	struct buf chunkname = BUF_INIT;
	buf_addf(&chunkname, "@%s", file_display);
	struct load_call call = { .rs = rs, .rule = r, .src = src, .len = len,
				  .chunkname = chunkname.ptr, .embedded = embedded,
				  .expected_id = expected_id,
				  .origin = &rs->origins[origin] };
	struct host_error err;
	int rc = host_call(rs->host, load_rule, &call, LOAD_INSTRUCTIONS, &err);
	buf_release(&chunkname);
	if (rc < 0) {
		if (err.kind == HOST_ERR_MEMORY)
			add_error(rs, "%s: %s", file_display, err.message);
		else
			add_error(rs, "%s", err.message);
		rule_release(r);
		return;
	}
	const struct rule *dup = ruleset_find(rs, r->id);
	if (dup) {
		add_error(rs, "%s: rule id '%s' is already defined by %s", file_display, r->id,
			  dup->file);
		rule_release(r);
		return;
	}
	if (r->has_collect)
		r->collect_slot = rs->ncollect++;
	rs->nrules++;
}

static bool ends_with_lua(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && strcmp(name + n - 4, ".lua") == 0;
}

static char *stem(const char *name)
{
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	size_t n = strlen(base);
	return xstrndup(base, n > 4 ? n - 4 : n);
}

/* Reads a whole file; NULL with errno-based message in err on failure. */
static char *read_small_file(const char *path, size_t *len, struct buf *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		buf_addf(err, "cannot read '%s': %s", path, strerror(errno));
		return NULL;
	}
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf_add(&b, chunk, n);
		if (b.len > RULE_FILE_MAX_BYTES) {
			fclose(f);
			buf_release(&b);
			buf_addf(err, "'%s' is larger than %u MB", path, RULE_FILE_MAX_BYTES >> 20);
			return NULL;
		}
	}
	bool failed = ferror(f);
	fclose(f);
	if (failed) {
		buf_release(&b);
		buf_addf(err, "cannot read '%s'", path);
		return NULL;
	}
	return buf_detach(&b, len);
}

/* Loads every *.lua directly in dir (sorted), as rules of origin. */
static void load_dir_rules(struct ruleset *rs, size_t origin, const char *dir,
			   const char *display, bool skip_init)
{
	DIR *d = opendir(dir);
	if (!d) {
		add_error(rs, "cannot open rules folder '%s': %s", display, strerror(errno));
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || !ends_with_lua(e->d_name))
			continue;
		if (skip_init && strcmp(e->d_name, "init.lua") == 0)
			continue; /* the plugin's metadata, not a rule */
		xgrow((void **)&names, &cap, n + 1, sizeof(char *));
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(char *), compare_names);
	for (size_t i = 0; i < n; i++) {
		struct buf path = BUF_INIT, shown = BUF_INIT, err = BUF_INIT;
		buf_addf(&path, "%s/%s", dir, names[i]);
		buf_addf(&shown, "%s/%s", display, names[i]);
		size_t len;
		char *src = read_small_file(path.ptr, &len, &err);
		if (src) {
			char *id = stem(names[i]);
			load_source(rs, origin, shown.ptr, id, src, len, NULL);
			free(id);
			free(src);
		} else {
			add_error(rs, "%s", err.ptr);
		}
		buf_release(&path);
		buf_release(&shown);
		buf_release(&err);
		free(names[i]);
	}
	free(names);
}

bool rule_compiled_in(const struct ruleset *rs, const struct rule *r)
{
	const struct rule_origin *o = &rs->origins[r->origin];
	return o->builtin && !o->dir;
}

void ruleset_load_builtin(struct ruleset *rs, const char *dir)
{
	if (dir) {
		size_t o = add_origin(rs, "builtin", dir, dir, NULL, 0);
		load_dir_rules(rs, o, dir, dir, false);
		return;
	}
	size_t o = add_origin(rs, "builtin", NULL, "rules", builtin_rule_files,
			      builtin_rule_files_count);
	for (size_t i = 0; i < builtin_rule_files_count; i++) {
		const struct embedded_file *f = &builtin_rule_files[i];
		if (strchr(f->name, '/') || !ends_with_lua(f->name))
			continue; /* lib/ holds modules, not rules */
		struct buf shown = BUF_INIT;
		buf_addf(&shown, "rules/%s", f->name);
		char *id = stem(f->name);
		load_source(rs, o, shown.ptr, id, f->data, f->len, f);
		free(id);
		buf_release(&shown);
	}
}

struct init_call {
	struct rule_origin *origin;
	const char *src;
	size_t len;
	const char *file; /* display path of init.lua */
};

static const char *const init_fields[] = { "name", "version", "description", NULL };

/* Protected: runs init.lua (sandboxed like a rule file) and copies its metadata. */
static int load_init(lua_State *L)
{
	struct init_call *c = lua_touserdata(L, 1);
	struct buf chunkname = BUF_INIT;
	buf_addf(&chunkname, "@%s", c->file);
	host_push_env(L, &c->origin->root);
	lua_pushstring(L, chunkname.ptr); /* owned by Lua, so an error here cannot leak it */
	buf_release(&chunkname);
	host_load_chunk(L, c->src, c->len, lua_tostring(L, -1), -2);
	lua_call(L, 0, 1);
	if (!lua_istable(L, -1))
		return luaL_error(L, "%s: init.lua must return a table { name = ..., version = ..., "
				     "description = ... } (got %s)", c->file, luaL_typename(L, -1));
	int t = lua_gettop(L);
	check_fields(L, t, init_fields, c->file, "init.lua");
	const char *name = string_field(L, t, "name", false, c->file);
	const char *version = string_field(L, t, "version", false, c->file);
	const char *description = string_field(L, t, "description", false, c->file);
	if (name && !valid_rule_id(name))
		return luaL_error(L, "%s: plugin name '%s' must be kebab-case (like 'our-brand')",
				  c->file, name);
	if (name) {
		free(c->origin->name);
		c->origin->name = xstrdup(name);
	}
	if (version)
		c->origin->version = xstrdup(version);
	if (description)
		c->origin->description = xstrdup(description);
	return 0;
}

/* A plugin's optional init.lua: its name, version and description. */
static void load_plugin_init(struct ruleset *rs, size_t o)
{
	struct rule_origin *origin = &rs->origins[o];
	struct buf path = BUF_INIT, shown = BUF_INIT, err = BUF_INIT;
	buf_addf(&path, "%s/init.lua", origin->dir);
	buf_addf(&shown, "%s/init.lua", origin->display);
	struct stat st;
	if (stat(path.ptr, &st) == 0) {
		size_t len;
		char *src = read_small_file(path.ptr, &len, &err);
		if (!src) {
			add_error(rs, "%s", err.ptr);
		} else {
			struct init_call call = { origin, src, len, shown.ptr };
			struct host_error herr;
			if (host_call(rs->host, load_init, &call, LOAD_INSTRUCTIONS, &herr) < 0)
				add_error(rs, "%s%s%s", herr.kind == HOST_ERR_MEMORY ? shown.ptr : "",
					  herr.kind == HOST_ERR_MEMORY ? ": " : "", herr.message);
			free(src);
		}
	}
	buf_release(&path);
	buf_release(&shown);
	buf_release(&err);
}

void ruleset_load_plugin(struct ruleset *rs, const char *name, const char *dir,
			 const char *display)
{
	while (display[0] == '.' && display[1] == '/')
		display += 2; /* "./lint/brand" shows as "lint/brand" */
	size_t o = add_origin(rs, name, dir, display, NULL, 0);
	if (o == (size_t)-1) {
		add_error(rs, "%s: too many plugins", display);
		return;
	}
	load_plugin_init(rs, o);
	struct buf rules_dir = BUF_INIT, shown = BUF_INIT;
	buf_addf(&rules_dir, "%s/rules", dir);
	struct stat st;
	if (stat(rules_dir.ptr, &st) == 0 && S_ISDIR(st.st_mode)) {
		buf_addf(&shown, "%s/rules", display);
		load_dir_rules(rs, o, rules_dir.ptr, shown.ptr, false);
	} else {
		load_dir_rules(rs, o, dir, display, true);
	}
	buf_release(&rules_dir);
	buf_release(&shown);
}

void ruleset_load_file(struct ruleset *rs, const char *path)
{
	struct buf dir = BUF_INIT, err = BUF_INIT;
	const char *slash = strrchr(path, '/');
	if (slash)
		buf_add(&dir, path, (size_t)(slash - path));
	else
		buf_adds(&dir, ".");
	size_t o = add_origin(rs, path, dir.ptr, dir.ptr, NULL, 0);
	size_t len;
	char *src = read_small_file(path, &len, &err);
	if (src && o != (size_t)-1) {
		char *id = stem(path);
		load_source(rs, o, path, id, src, len, NULL);
		free(id);
	} else {
		add_error(rs, "%s", err.len ? err.ptr : "too many rule files");
	}
	free(src);
	buf_release(&dir);
	buf_release(&err);
}
