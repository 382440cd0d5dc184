/* .lintrc loading, validation and discovery (see config.h). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lauxlib.h>

#include "glob.h"
#include "lua/api_internal.h"
#include "platform.h"
#include "rules.h"
#include "util/hash.h"
#include "util/xalloc.h"

#define LINTRC_NAME ".lintrc"
#define LINTRC_MAX_BYTES (1u << 20)
#define LINTRC_INSTRUCTIONS 10000000LL
#define LINTRC_MEMORY (16u << 20)

static const char *const config_keys[] = { "platform", "lang", "include", "exclude", "plugins",
	"rules", "overrides", "extensions", "limits", "platform_limits", NULL };
static const char *const default_extensions[] = { ".md", ".markdown", ".txt", NULL };

/* ---- small helpers ------------------------------------------------------------------------ */

static void free_strv(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

static char **strv_copy(const char *const *v)
{
	size_t n = 0;
	while (v[n])
		n++;
	char **out = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

static void settings_release(struct rule_settings *s)
{
	for (size_t i = 0; i < s->len; i++) {
		free(s->items[i].id);
		value_free(s->items[i].options);
	}
	free(s->items);
	memset(s, 0, sizeof(*s));
}

void config_free(struct config *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->dir);
	free(c->source);
	free_strv(c->platforms);
	free(c->lang);
	free_strv(c->include);
	free_strv(c->exclude);
	free_strv(c->plugins);
	free_strv(c->plugin_dirs);
	free_strv(c->extensions);
	buf_release(&c->problems);
	settings_release(&c->rules);
	for (size_t i = 0; i < c->noverrides; i++) {
		free_strv(c->overrides[i].files);
		free_strv(c->overrides[i].platforms);
		free(c->overrides[i].lang);
		settings_release(&c->overrides[i].rules);
	}
	free(c->overrides);
	free(c);
}

void config_identify(struct config *c)
{
	c->identity[0] = 0xcbf29ce484222325ULL;
	c->identity[1] = 0x84222325cbf29ce4ULL;
	hash128_mixs(c->identity, c->path ? c->path : "(no config)");
	hash128_mixs(c->identity, c->dir);
	hash128_mixs(c->identity, c->source);
}

struct config *config_default(const char *dir)
{
	struct config *c = xcalloc(1, sizeof(*c));
	buf_init(&c->problems);
	c->dir = xstrdup(dir);
	c->extensions = strv_copy(default_extensions);
	c->limits.instructions = HOST_DEFAULT_INSTRUCTIONS;
	c->limits.memory = HOST_DEFAULT_MEMORY;
	c->limits.seconds = HOST_WATCHDOG_SECONDS;
	c->max_post_bytes = (size_t)CONFIG_DEFAULT_MAX_POST_KB << 10;
	config_identify(c);
	return c;
}

static bool is_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Line of the first mention of key at or after line `from` in the .lintrc source: as a bare
 * name (`key =`) or a quoted string (`["key"]`, `"key"`). The chunk's values carry no
 * positions, so this is how messages point at the line to fix. */
static int line_of_key(const char *src, const char *key, int from)
{
	if (!src || !key || !*key)
		return from > 0 ? from : 1;
	size_t klen = strlen(key);
	int line = 1;
	for (const char *p = src; *p; p++) {
		if (*p == '\n') {
			line++;
			continue;
		}
		if (line < from || strncmp(p, key, klen) != 0)
			continue;
		char before = p == src ? ' ' : p[-1];
		char after = p[klen];
		bool quoted = (before == '"' || before == '\'') && after == before;
		bool bare = !is_ident_char(before) && !is_ident_char(after) && before != '"' &&
			    before != '\'';
		if (quoted || bare)
			return line;
	}
	return from > 0 ? from : 1;
}

struct checker {
	const struct config *c;
	struct buf *err;
	size_t count;
};

static void problem(struct checker *k, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void problem(struct checker *k, int line, const char *fmt, ...)
{
	buf_addf(k->err, "%s:%d: ", k->c->path ? k->c->path : "(defaults)", line);
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(k->err, fmt, ap);
	va_end(ap);
	buf_addc(k->err, '\n');
	k->count++;
}

static bool empty_table(const struct value *v)
{
	return v && (v->type == VALUE_LIST || v->type == VALUE_MAP) && v->len == 0;
}

/* A string or a list of strings, as a NULL-terminated vector. */
static char **string_list(struct checker *k, const struct value *v, const char *key, int line)
{
	if (v->type == VALUE_STRING) {
		char **out = xcalloc(2, sizeof(char *));
		out[0] = xstrdup(v->string);
		return out;
	}
	if (v->type != VALUE_LIST && !empty_table(v)) {
		problem(k, line, "'%s' must be a string or a list of strings", key);
		return NULL;
	}
	char **out = xcalloc(v->len + 1, sizeof(char *));
	size_t n = 0;
	for (size_t i = 0; i < v->len; i++) {
		if (v->items[i]->type != VALUE_STRING) {
			problem(k, line, "'%s' entry %zu must be a string", key, i + 1);
			continue;
		}
		out[n++] = xstrdup(v->items[i]->string);
	}
	return out;
}

static char **platform_list(struct checker *k, const struct value *v, const char *key, int line)
{
	char **list = string_list(k, v, key, line);
	for (char **p = list; p && *p; p++) {
		if (!platform_known(*p))
			problem(k, line, "unknown platform '%s' (known: %s)", *p, platform_names());
	}
	return list;
}

/* platform_limits = { mastodon = { limit = 11000 }, bluesky = { limit = 300, bytes = 3000 } }:
 * a platform's numbers for servers or accounts that differ from the defaults (length.c). */
static void parse_platform_limits(struct checker *k, struct config *c, const struct value *v,
				  int line)
{
	if (v->type != VALUE_MAP && !empty_table(v)) {
		problem(k, line, "'platform_limits' must be a table like { mastodon = { limit = 11000 } }");
		return;
	}
	for (size_t i = 0; v->type == VALUE_MAP && i < v->len; i++) {
		const char *name = v->keys[i];
		const struct value *p = v->items[i];
		int l = line_of_key(c->source, name, line);
		if (!platform_known(name)) {
			problem(k, l, "unknown platform '%s' in platform_limits (known: %s)", name,
				platform_names());
			continue;
		}
		if (p->type != VALUE_MAP) {
			problem(k, l, "platform_limits.%s must be a table { limit = N, bytes = N, "
				      "url_length = N }", name);
			continue;
		}
		struct length_override o = { .limit = -1, .max_bytes = -1, .url_length = -1 };
		snprintf(o.name, sizeof(o.name), "%s", name);
		for (size_t j = 0; j < p->len; j++) {
			const struct value *n = p->items[j];
			const char *key = p->keys[j];
			int kl = line_of_key(c->source, key, l);
			bool whole = n->type == VALUE_NUMBER && n->number == (double)(long long)n->number;
			if (strcmp(key, "limit") == 0 && whole && n->number >= 1 && n->number <= 1000000)
				o.limit = (long)n->number;
			else if (strcmp(key, "bytes") == 0 && whole && n->number >= 0 &&
				 n->number <= 10000000)
				o.max_bytes = (long)n->number;
			else if (strcmp(key, "url_length") == 0 && whole && n->number >= 0 &&
				 n->number <= 1000)
				o.url_length = (int)n->number;
			else if (strcmp(key, "limit") && strcmp(key, "bytes") && strcmp(key, "url_length"))
				problem(k, kl, "unknown key '%s' in platform_limits.%s (keys: limit, bytes, "
					       "url_length)", key, name);
			else
				problem(k, kl, "platform_limits.%s.%s must be a whole number (limit 1 to "
					       "1000000, bytes 0 to 10000000, url_length 0 to 1000)",
					name, key);
		}
		length_override_set(&c->platform_limits, &o);
	}
}

/* Map keys in a stable order, for deterministic messages. */
static int compare_keys(const void *a, const void *b)
{
	return strcmp(**(char *const *const *)a, **(char *const *const *)b);
}

static void parse_rules(struct checker *k, const struct value *map, struct rule_settings *out,
			int from_line)
{
	if (empty_table(map))
		return;
	if (map->type != VALUE_MAP) {
		problem(k, from_line, "'rules' must map rule ids to settings, like "
				      "rules = { [\"self-focus\"] = \"error\" }");
		return;
	}
	char ***order = xcalloc(map->len, sizeof(*order));
	for (size_t i = 0; i < map->len; i++)
		order[i] = &map->keys[i];
	qsort(order, map->len, sizeof(*order), compare_keys);
	for (size_t o = 0; o < map->len; o++) {
		size_t i = (size_t)(order[o] - map->keys);
		const char *id = map->keys[i];
		const struct value *v = map->items[i];
		struct rule_setting s = { .id = xstrdup(id), .line = line_of_key(k->c->source, id,
										 from_line) };
		const struct value *sev = NULL;
		if (v->type == VALUE_STRING) {
			sev = v;
		} else if (v->type == VALUE_MAP || v->type == VALUE_LIST) {
			/* { "warning", option = value, ... } */
			s.options = value_new(VALUE_MAP);
			for (size_t j = 0; j < v->len; j++) {
				const char *key = v->type == VALUE_MAP ? v->keys[j] : "1";
				if (v->type == VALUE_LIST && j > 0) {
					problem(k, s.line, "rule '%s': only the first list entry can be a "
							   "severity", id);
					break;
				}
				if (strcmp(key, "1") == 0)
					sev = v->items[j];
				else
					value_map_set(s.options, key, value_copy(v->items[j]));
			}
		} else if (v->type == VALUE_BOOL && !v->boolean) {
			s.has_severity = true;
			s.severity = SEVERITY_OFF;
		} else {
			problem(k, s.line, "rule '%s': the setting must be a severity (\"error\", "
					   "\"warning\", \"info\", \"off\") or a table { severity, "
					   "option = value }", id);
		}
		if (sev) {
			bool ok = sev->type == VALUE_STRING;
			if (ok)
				s.severity = severity_parse(sev->string, &ok);
			if (!ok)
				problem(k, s.line, "rule '%s': severity must be \"error\", \"warning\", "
						   "\"info\" or \"off\"", id);
			s.has_severity = ok;
		}
		xgrow((void **)&out->items, &out->cap, out->len + 1, sizeof(*out->items));
		out->items[out->len++] = s;
	}
	free(order);
}

static void parse_limits(struct checker *k, struct config *c, const struct value *v, int line)
{
	if (v->type != VALUE_MAP) {
		problem(k, line, "'limits' must be a table { instructions = N, memory_mb = N, "
				 "max_post_kb = N, seconds = N }");
		return;
	}
	/* whole numbers in a range: a budget can be tuned, never switched off */
	static const struct {
		const char *name;
		double min, max;
	} known[] = {
		{ "instructions", 100000, 10000000000.0 },
		{ "memory_mb", 4, 65535 },
		{ "max_post_kb", 1, 1048575 },
		{ "seconds", 1, 3600 },
	};
	for (size_t i = 0; i < v->len; i++) {
		const struct value *n = v->items[i];
		int l = line_of_key(c->source, v->keys[i], line);
		size_t which = 0;
		while (which < 4 && strcmp(known[which].name, v->keys[i]) != 0)
			which++;
		if (which == 4) {
			problem(k, l, "unknown limit '%s' (limits: instructions, memory_mb, "
				      "max_post_kb, seconds)", v->keys[i]);
			continue;
		}
		/* the range first: converting an out-of-range double (1e30, nan) is undefined */
		if (n->type != VALUE_NUMBER ||
		    !(n->number >= known[which].min && n->number <= known[which].max) ||
		    n->number != (double)(long long)n->number) {
			problem(k, l, "limits.%s must be a whole number from %.0f to %.0f", v->keys[i],
				known[which].min, known[which].max);
			continue;
		}
		if (which == 0)
			c->limits.instructions = (long long)n->number;
		else if (which == 1)
			c->limits.memory = (size_t)n->number << 20;
		else if (which == 2)
			c->max_post_bytes = (size_t)n->number << 10;
		else
			c->limits.seconds = (int)n->number;
	}
}

static void parse_overrides(struct checker *k, struct config *c, const struct value *v,
			    int line)
{
	if (empty_table(v))
		return;
	if (v->type != VALUE_LIST) {
		problem(k, line, "'overrides' must be a list of { files = ..., rules = ... }");
		return;
	}
	c->overrides = xcalloc(v->len, sizeof(*c->overrides));
	int from = line;
	for (size_t i = 0; i < v->len; i++) {
		const struct value *o = v->items[i];
		struct config_override *ov = &c->overrides[c->noverrides++];
		from = line_of_key(c->source, "files", from);
		ov->line = from;
		if (o->type != VALUE_MAP) {
			problem(k, from, "overrides entry %zu must be a table", i + 1);
			continue;
		}
		for (size_t j = 0; j < o->len; j++) {
			const char *key = o->keys[j];
			const struct value *x = o->items[j];
			if (strcmp(key, "files") == 0)
				ov->files = string_list(k, x, "files", from);
			else if (strcmp(key, "rules") == 0)
				parse_rules(k, x, &ov->rules, from);
			else if (strcmp(key, "platform") == 0)
				ov->platforms = platform_list(k, x, "platform", from);
			else if (strcmp(key, "lang") == 0 && x->type == VALUE_STRING)
				ov->lang = xstrdup(x->string);
			else
				problem(k, line_of_key(c->source, key, from),
					"unknown key '%s' in overrides (keys: files, rules, platform, "
					"lang)", key);
		}
		if (!ov->files)
			problem(k, from, "overrides entry %zu needs 'files'", i + 1);
		from++;
	}
}

/* Bundled packs are looked up by name in $POSTLINT_PLUGIN_PATH (colon-separated), then in the
 * folders the build configured (the source tree's plugins/ and the installed copy). */
static char *find_bundled_plugin(const char *name)
{
	const char *env = getenv("POSTLINT_PLUGIN_PATH");
	struct buf path = BUF_INIT;
	if (env && *env)
		buf_addf(&path, "%s:", env);
	buf_adds(&path, POSTLINT_PLUGIN_DIRS);
	char *found = NULL;
	for (char *dir = strtok(path.ptr, ":"); dir && !found; dir = strtok(NULL, ":")) {
		char candidate[PATH_MAX];
		snprintf(candidate, sizeof(candidate), "%s/%s", dir, name);
		struct stat st;
		if (stat(candidate, &st) == 0 && S_ISDIR(st.st_mode))
			found = realpath(candidate, NULL);
	}
	buf_release(&path);
	return found;
}

static void resolve_plugins(struct checker *k, struct config *c, int line)
{
	size_t n = 0;
	while (c->plugins && c->plugins[n])
		n++;
	c->plugin_dirs = xcalloc(n + 1, sizeof(char *));
	size_t out = 0;
	for (size_t i = 0; i < n; i++) {
		const char *p = c->plugins[i];
		int l = line_of_key(c->source, p, line);
		char *dir = NULL;
		if (strchr(p, '/') || p[0] == '.') {
			char path[PATH_MAX];
			if (p[0] == '/')
				snprintf(path, sizeof(path), "%s", p);
			else
				snprintf(path, sizeof(path), "%s/%s", c->dir, p);
			struct stat st;
			if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
				dir = realpath(path, NULL);
			if (!dir)
				problem(k, l, "plugin folder '%s' not found (paths are relative to the "
					      ".lintrc folder)", p);
		} else {
			dir = find_bundled_plugin(p);
			if (!dir)
				problem(k, l, "unknown plugin '%s' (not a bundled pack; write './%s' for "
					      "a folder)", p, p);
		}
		if (dir)
			c->plugin_dirs[out++] = dir;
	}
}

/* ---- evaluation ---------------------------------------------------------------------------- */

struct eval_call {
	const char *src;
	size_t len;
	const char *chunkname;
	const char *path;
	struct value *root; /* the settings, owned by the caller */
};

/* Protected: runs the chunk in an environment with no functions at all; the config is what
 * it returns, or else the globals it set. */
static int eval_lintrc(lua_State *L)
{
	struct eval_call *c = lua_touserdata(L, 1);
	/* "empty" includes string methods: this state is private, drop the string metatable */
	lua_pushliteral(L, "");
	lua_pushnil(L);
	lua_setmetatable(L, -2);
	lua_pop(L, 1);
	host_push_empty_env(L);
	int env = lua_gettop(L);
	host_load_chunk(L, c->src, c->len, c->chunkname, env);
	lua_call(L, 0, 1);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_pushvalue(L, env);
	} else if (!lua_istable(L, -1)) {
		return luaL_error(L, "%s:1: a .lintrc must return a table or set keys like "
				     "platform = \"x\" (it returned a %s)", c->path,
				  luaL_typename(L, -1));
	}
	api_to_map(L, -1, &c->root, c->path, LINTRC_MEMORY);
	return 0;
}

static char *read_text_file(const char *path, size_t max, size_t *len, struct buf *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		buf_addf(err, "%s: cannot read: %s\n", path, strerror(errno));
		return NULL;
	}
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf_add(&b, chunk, n);
		if (b.len > max) {
			fclose(f);
			buf_release(&b);
			buf_addf(err, "%s: larger than %zu KB\n", path, max >> 10);
			return NULL;
		}
	}
	fclose(f);
	return buf_detach(&b, len);
}

static char *dirname_of(const char *path)
{
	char *real = realpath(path, NULL);
	const char *p = real ? real : path;
	const char *slash = strrchr(p, '/');
	char *dir = slash ? xstrndup(p, slash == p ? 1 : (size_t)(slash - p)) : xstrdup(".");
	free(real);
	return dir;
}

struct config *config_load(const char *path, struct buf *err)
{
	size_t len;
	char *src = read_text_file(path, LINTRC_MAX_BYTES, &len, err);
	if (!src)
		return NULL;
	struct config *c = config_default("/");
	free(c->dir);
	c->dir = dirname_of(path);
	c->path = xstrdup(path);
	c->source = src;
	config_identify(c);

	struct host_limits limits = { .instructions = LINTRC_INSTRUCTIONS, .memory = LINTRC_MEMORY };
	struct host *h = host_new(&limits);
	if (!h) {
		buf_addf(err, "%s: cannot create a Lua state\n", path);
		config_free(c);
		return NULL;
	}
	struct buf label = BUF_INIT;
	buf_addf(&label, "the configuration '%s'", path);
	host_set_label(h, label.ptr);
	buf_release(&label);
	struct buf chunkname = BUF_INIT;
	buf_addf(&chunkname, "@%s", path);
	struct eval_call call = { .src = src, .len = len, .chunkname = chunkname.ptr, .path = path,
				  .root = NULL };
	struct host_error herr;
	int rc = host_call(h, eval_lintrc, &call, LINTRC_INSTRUCTIONS, &herr);
	buf_release(&chunkname);
	host_free(h);
	if (rc < 0) {
		if (herr.kind == HOST_ERR_BUDGET || herr.kind == HOST_ERR_MEMORY) {
			const char *where = herr.where[0] ? herr.where : path;
			buf_addf(err, "%s: %s\n", where,
				 herr.kind == HOST_ERR_BUDGET ? "the .lintrc runs too long (instruction "
								"budget exceeded)"
							      : "the .lintrc uses too much memory");
		} else {
			buf_addf(err, "%s\n", herr.message);
		}
		value_free(call.root);
		config_free(c);
		return NULL;
	}
	const struct value *root = call.root;
	struct checker k = { .c = c, .err = &c->problems };
	if (root) {
		for (size_t i = 0; i < root->len; i++) {
			const char *key = root->keys[i];
			const struct value *v = root->items[i];
			int line = line_of_key(src, key, 1);
			bool known = false;
			for (const char *const *p = config_keys; *p; p++)
				known |= strcmp(*p, key) == 0;
			if (!known) {
				problem(&k, line, "unknown key '%s' (keys: platform, lang, include, "
						  "exclude, plugins, rules, overrides, extensions, limits, platform_limits)",
					key);
			} else if (strcmp(key, "platform") == 0) {
				c->platforms = platform_list(&k, v, key, line);
			} else if (strcmp(key, "lang") == 0) {
				if (v->type != VALUE_STRING)
					problem(&k, line, "'lang' must be a language code like \"en\"");
				else
					c->lang = xstrdup(v->string);
			} else if (strcmp(key, "include") == 0) {
				c->include = string_list(&k, v, key, line);
			} else if (strcmp(key, "exclude") == 0) {
				c->exclude = string_list(&k, v, key, line);
			} else if (strcmp(key, "plugins") == 0) {
				c->plugins = string_list(&k, v, key, line);
				resolve_plugins(&k, c, line);
			} else if (strcmp(key, "extensions") == 0) {
				free_strv(c->extensions);
				c->extensions = string_list(&k, v, key, line);
			} else if (strcmp(key, "rules") == 0) {
				parse_rules(&k, v, &c->rules, line);
			} else if (strcmp(key, "overrides") == 0) {
				parse_overrides(&k, c, v, line);
			} else if (strcmp(key, "limits") == 0) {
				parse_limits(&k, c, v, line);
			} else if (strcmp(key, "platform_limits") == 0) {
				parse_platform_limits(&k, c, v, line);
			}
		}
	}
	c->nproblems = k.count;
	value_free(call.root);
	return c;
}

/* ---- checking against the rules ------------------------------------------------------------- */

static size_t edit_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	if (n > 64 || m > 64)
		return 99;
	size_t row[65];
	for (size_t j = 0; j <= m; j++)
		row[j] = j;
	for (size_t i = 1; i <= n; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t cur = row[j];
			size_t best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[m];
}

bool config_has_plugin(const struct config *c, const char *dir)
{
	for (char **p = c->plugin_dirs; p && *p; p++)
		if (strcmp(*p, dir) == 0)
			return true;
	return false;
}

static bool same_kind(const struct value *a, const struct value *b)
{
	if (a->type == b->type)
		return true;
	bool ta = a->type == VALUE_LIST || a->type == VALUE_MAP;
	bool tb = b->type == VALUE_LIST || b->type == VALUE_MAP;
	return ta && tb && (a->len == 0 || b->len == 0);
}

static void check_settings(struct checker *k, const struct rule_settings *settings,
			   const struct ruleset *rs)
{
	for (size_t i = 0; i < settings->len; i++) {
		const struct rule_setting *s = &settings->items[i];
		const struct rule *r = ruleset_find(rs, s->id);
		if (!r) {
			const char *best = NULL;
			size_t best_d = 4;
			for (size_t j = 0; j < rs->nrules; j++) {
				size_t d = edit_distance(s->id, rs->rules[j].id);
				if (d < best_d)
					best_d = d, best = rs->rules[j].id;
			}
			if (best)
				problem(k, s->line, "unknown rule '%s' (did you mean '%s'?)", s->id, best);
			else
				problem(k, s->line, "unknown rule '%s' (see `postlint rules`)", s->id);
			continue;
		}
		const struct rule_origin *o = &rs->origins[r->origin];
		if (!o->builtin && !config_has_plugin(k->c, o->dir))
			problem(k, s->line, "rule '%s' comes from plugin '%s', which this .lintrc does "
					    "not list in plugins", s->id, o->name);
		for (size_t j = 0; s->options && j < s->options->len; j++) {
			const char *name = s->options->keys[j];
			const struct value *given = s->options->items[j];
			const struct value *dflt = value_map_get(r->options, name);
			int line = line_of_key(k->c->source, name, s->line);
			if (!dflt) {
				struct buf known = BUF_INIT;
				for (size_t o2 = 0; o2 < r->options->len; o2++)
					buf_addf(&known, "%s%s", o2 ? ", " : "", r->options->keys[o2]);
				problem(k, line, "rule '%s' has no option '%s' (options: %s)", s->id, name,
					known.len ? known.ptr : "none");
				buf_release(&known);
			} else if (!same_kind(dflt, given)) {
				problem(k, line, "rule '%s' option '%s' must be a %s, not a %s", s->id, name,
					value_type_name(dflt->type), value_type_name(given->type));
			}
		}
	}
}

static int line_number(const char *message)
{
	/* "path:LINE: ..." */
	const char *colon = strchr(message, ':');
	return colon ? atoi(colon + 1) : 0;
}

static int compare_messages(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int lx = line_number(x), ly = line_number(y);
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return strcmp(x, y);
}

size_t config_check_rules(const struct config *c, const struct ruleset *rs, struct buf *errors)
{
	struct buf all = BUF_INIT;
	buf_add(&all, c->problems.ptr ? c->problems.ptr : "", c->problems.len);
	struct checker k = { .c = c, .err = &all };
	check_settings(&k, &c->rules, rs);
	for (size_t i = 0; i < c->noverrides; i++)
		check_settings(&k, &c->overrides[i].rules, rs);
	size_t count = k.count + c->nproblems;
	/* one message per line of text; sort them by their .lintrc line */
	char **lines = xcalloc(count + 1, sizeof(char *));
	size_t n = 0;
	for (char *p = all.ptr, *nl; n < count && p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		lines[n++] = xstrndup(p, (size_t)(nl - p));
	}
	qsort(lines, n, sizeof(char *), compare_messages);
	for (size_t i = 0; i < n; i++) {
		buf_addf(errors, "%s\n", lines[i]);
		free(lines[i]);
	}
	free(lines);
	buf_release(&all);
	return count;
}

/* ---- per-file questions -------------------------------------------------------------------- */

/* Path of abs relative to the config folder, or abs itself when outside it. */
static const char *relative_to(const struct config *c, const char *abs)
{
	size_t n = strlen(c->dir);
	if (strcmp(c->dir, "/") == 0)
		return abs + 1;
	if (strncmp(abs, c->dir, n) == 0 && abs[n] == '/')
		return abs + n + 1;
	return abs;
}

static bool any_match(char **globs, const char *rel)
{
	for (char **g = globs; g && *g; g++)
		if (glob_match(*g, rel))
			return true;
	return false;
}

bool config_wants(const struct config *c, const char *abs_path)
{
	const char *rel = relative_to(c, abs_path);
	bool ext_ok = false;
	size_t n = strlen(abs_path);
	for (char **e = c->extensions; e && *e; e++) {
		size_t m = strlen(*e);
		if (n > m && strcmp(abs_path + n - m, *e) == 0)
			ext_ok = true;
	}
	if (!ext_ok)
		return false;
	if (c->include && !any_match(c->include, rel))
		return false;
	return !any_match(c->exclude, rel);
}

bool config_excludes(const struct config *c, const char *abs_path)
{
	return any_match(c->exclude, relative_to(c, abs_path));
}

static const struct rule_setting *find_setting(const struct rule_settings *s, const char *id)
{
	for (size_t i = 0; i < s->len; i++)
		if (strcmp(s->items[i].id, id) == 0)
			return &s->items[i];
	return NULL;
}

void file_config_init(struct file_config *fc, const struct config *c, const char *abs_path)
{
	memset(fc, 0, sizeof(*fc));
	fc->config = c;
	fc->platforms = (const char *const *)c->platforms;
	fc->lang = c->lang;
	if (!c->noverrides)
		return;
	const char *rel = relative_to(c, abs_path);
	fc->overrides = xcalloc(c->noverrides, sizeof(bool));
	for (size_t i = 0; i < c->noverrides; i++) {
		const struct config_override *o = &c->overrides[i];
		fc->overrides[i] = any_match(o->files, rel);
		if (!fc->overrides[i])
			continue;
		if (o->platforms)
			fc->platforms = (const char *const *)o->platforms;
		if (o->lang)
			fc->lang = o->lang;
	}
}

void file_config_release(struct file_config *fc)
{
	free(fc->overrides);
	memset(fc, 0, sizeof(*fc));
}

static bool apply_setting(const struct rule_setting *s, enum severity *severity,
			  bool *has_severity, const struct value **options)
{
	if (!s)
		return false;
	if (s->has_severity)
		*severity = s->severity, *has_severity = true;
	if (s->options && s->options->len)
		*options = s->options;
	return true;
}

bool config_rule_for(const struct file_config *fc, const char *rule_id, enum severity *severity,
		     bool *has_severity, const struct value **options)
{
	const struct config *c = fc->config;
	*has_severity = false;
	*options = NULL;
	bool said = apply_setting(find_setting(&c->rules, rule_id), severity, has_severity, options);
	for (size_t i = 0; fc->overrides && i < c->noverrides; i++)
		if (fc->overrides[i])
			said |= apply_setting(find_setting(&c->overrides[i].rules, rule_id), severity,
					      has_severity, options);
	return said;
}

static void describe_value(const struct value *v, struct buf *out)
{
	switch (v->type) {
	case VALUE_NIL:
		buf_adds(out, "null");
		break;
	case VALUE_BOOL:
		buf_adds(out, v->boolean ? "true" : "false");
		break;
	case VALUE_NUMBER:
		buf_addf(out, "%.15g", v->number);
		break;
	case VALUE_STRING:
		buf_addc(out, '"');
		for (size_t i = 0; i < v->string_len; i++) {
			unsigned char ch = (unsigned char)v->string[i];
			if (ch == '"' || ch == '\\')
				buf_addf(out, "\\%c", ch);
			else if (ch < 0x20)
				buf_addf(out, "\\u%04x", ch);
			else
				buf_addc(out, (char)ch);
		}
		buf_addc(out, '"');
		break;
	case VALUE_LIST:
	case VALUE_MAP:
		buf_addc(out, v->type == VALUE_LIST ? '[' : '{');
		for (size_t i = 0; i < v->len; i++) {
			if (i)
				buf_adds(out, ", ");
			if (v->type == VALUE_MAP)
				buf_addf(out, "\"%s\": ", v->keys[i]);
			describe_value(v->items[i], out);
		}
		buf_addc(out, v->type == VALUE_LIST ? ']' : '}');
		break;
	}
}

void config_describe(const struct config *c, const struct ruleset *rs, const char *abs_path,
		     struct buf *out)
{
	buf_addf(out, "{\n  \"config\": ");
	if (c->path) {
		struct value *p = value_new_string(c->path, strlen(c->path));
		describe_value(p, out);
		value_free(p);
	} else {
		buf_adds(out, "null");
	}
	struct file_config fc;
	file_config_init(&fc, c, abs_path);
	const char *const *platforms = fc.platforms;
	buf_adds(out, ",\n  \"platforms\": [");
	for (size_t i = 0; platforms && platforms[i]; i++)
		buf_addf(out, "%s\"%s\"", i ? ", " : "", platforms[i]);
	const char *lang = fc.lang;
	buf_addf(out, "],\n  \"lang\": \"%s\",\n  \"linted\": %s,\n  \"rules\": {", lang ? lang : "en",
		 config_wants(c, abs_path) ? "true" : "false");
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct rule *r = &rs->rules[i];
		const struct rule_origin *o = &rs->origins[r->origin];
		if (!o->builtin && !config_has_plugin(c, o->dir))
			continue;
		enum severity sev = r->severity;
		bool has;
		const struct value *opts;
		config_rule_for(&fc, r->id, &sev, &has, &opts);
		struct value *merged = value_copy(r->options);
		for (size_t j = 0; opts && j < opts->len; j++)
			value_map_set(merged, opts->keys[j], value_copy(opts->items[j]));
		buf_addf(out, "%s\n    \"%s\": { \"severity\": \"%s\", \"options\": ", i ? "," : "", r->id,
			 severity_name(sev));
		describe_value(merged, out);
		buf_adds(out, " }");
		value_free(merged);
	}
	buf_adds(out, "\n  }\n}\n");
	file_config_release(&fc);
}

/* ---- discovery ------------------------------------------------------------------------------ */

struct store_entry {
	char *dir;
	const struct config *config; /* NULL: broken */
};

struct config_store {
	char *forced_path;
	bool forced_done;
	const struct config *forced;
	struct store_entry *entries;
	size_t nentries, entries_cap;
	struct config **owned;
	size_t nowned, owned_cap;
	struct buf errors;
};

struct config_store *config_store_new(const char *forced_path)
{
	struct config_store *cs = xcalloc(1, sizeof(*cs));
	cs->forced_path = forced_path ? xstrdup(forced_path) : NULL;
	buf_init(&cs->errors);
	return cs;
}

void config_store_free(struct config_store *cs)
{
	if (!cs)
		return;
	for (size_t i = 0; i < cs->nentries; i++)
		free(cs->entries[i].dir);
	free(cs->entries);
	for (size_t i = 0; i < cs->nowned; i++)
		config_free(cs->owned[i]);
	free(cs->owned);
	free(cs->forced_path);
	buf_release(&cs->errors);
	free(cs);
}

static const struct config *own(struct config_store *cs, struct config *c)
{
	xgrow((void **)&cs->owned, &cs->owned_cap, cs->nowned + 1, sizeof(*cs->owned));
	cs->owned[cs->nowned++] = c;
	return c;
}

static bool exists(const char *path, bool want_dir)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return false;
	return want_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode);
}

static const struct config *cached(struct config_store *cs, const char *dir, bool *hit)
{
	for (size_t i = 0; i < cs->nentries; i++) {
		if (strcmp(cs->entries[i].dir, dir) == 0) {
			*hit = true;
			return cs->entries[i].config;
		}
	}
	*hit = false;
	return NULL;
}

static void remember(struct config_store *cs, const char *dir, const struct config *c)
{
	xgrow((void **)&cs->entries, &cs->entries_cap, cs->nentries + 1, sizeof(*cs->entries));
	cs->entries[cs->nentries++] = (struct store_entry){ xstrdup(dir), c };
}

const struct config *config_store_for(struct config_store *cs, const char *abs_path, bool is_dir)
{
	if (cs->forced_path) {
		if (!cs->forced_done) {
			cs->forced_done = true;
			struct config *c = config_load(cs->forced_path, &cs->errors);
			cs->forced = c ? own(cs, c) : NULL;
		}
		return cs->forced;
	}
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", abs_path);
	if (!is_dir) {
		char *slash = strrchr(dir, '/');
		if (slash)
			*(slash == dir ? slash + 1 : slash) = '\0';
	}
	/* walk up, remembering every folder passed so later files resolve at once */
	char *visited[256];
	size_t nvisited = 0;
	const struct config *result = NULL;
	for (;;) {
		bool hit;
		const struct config *c = cached(cs, dir, &hit);
		if (hit) {
			result = c;
			break;
		}
		if (nvisited < 256)
			visited[nvisited++] = xstrdup(dir);
		char candidate[PATH_MAX + 16];
		snprintf(candidate, sizeof(candidate), "%s%s%s", dir, strcmp(dir, "/") ? "/" : "",
			 LINTRC_NAME);
		if (exists(candidate, false)) {
			struct config *loaded = config_load(candidate, &cs->errors);
			result = loaded ? own(cs, loaded) : NULL;
			break;
		}
		char git[PATH_MAX + 16];
		snprintf(git, sizeof(git), "%s%s.git", dir, strcmp(dir, "/") ? "/" : "");
		struct stat st;
		if (stat(git, &st) == 0 || strcmp(dir, "/") == 0) {
			result = own(cs, config_default(dir)); /* the repository root: stop */
			break;
		}
		char *slash = strrchr(dir, '/');
		if (!slash)
			break;
		*(slash == dir ? slash + 1 : slash) = '\0';
	}
	for (size_t i = 0; i < nvisited; i++) {
		remember(cs, visited[i], result);
		free(visited[i]);
	}
	return result;
}

size_t config_store_count(const struct config_store *cs)
{
	return cs->nowned;
}

const struct config *config_store_get(const struct config_store *cs, size_t i)
{
	return cs->owned[i];
}

const char *config_store_errors(const struct config_store *cs)
{
	return cs->errors.len ? cs->errors.ptr : NULL;
}
