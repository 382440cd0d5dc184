/* Plain-data trees shared by front matter and configuration. */
#include "value.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

struct value *value_new(enum value_type type)
{
	struct value *v = xcalloc(1, sizeof(*v));
	v->type = type;
	return v;
}

struct value *value_new_string(const char *s, size_t len)
{
	struct value *v = value_new(VALUE_STRING);
	v->string = xstrndup(s, len);
	v->string_len = len;
	return v;
}

struct value *value_new_number(double n)
{
	struct value *v = value_new(VALUE_NUMBER);
	v->number = n;
	return v;
}

struct value *value_new_bool(bool b)
{
	struct value *v = value_new(VALUE_BOOL);
	v->boolean = b;
	return v;
}

void value_free(struct value *v)
{
	if (!v)
		return;
	if (v->one_block) {
		free(v);
		return;
	}
	for (size_t i = 0; i < v->len; i++) {
		value_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->string);
	free(v);
}

struct value *value_copy(const struct value *v)
{
	if (!v)
		return NULL;
	struct value *c = value_new(v->type);
	c->line = v->line;
	c->column = v->column;
	c->boolean = v->boolean;
	c->number = v->number;
	if (v->string) {
		c->string = xstrndup(v->string, v->string_len);
		c->string_len = v->string_len;
	}
	for (size_t i = 0; i < v->len; i++) {
		if (v->type == VALUE_MAP)
			value_map_set(c, v->keys[i], value_copy(v->items[i]));
		else
			value_list_push(c, value_copy(v->items[i]));
	}
	return c;
}

static void grow(struct value *v)
{
	if (v->len < v->cap)
		return;
	size_t cap = v->cap;
	xgrow((void **)&v->items, &cap, v->len + 1, sizeof(*v->items));
	if (v->type == VALUE_MAP)
		v->keys = xrealloc(v->keys, cap * sizeof(*v->keys));
	v->cap = cap;
}

void value_list_push(struct value *list, struct value *item)
{
	grow(list);
	list->items[list->len++] = item;
}

void value_map_set(struct value *map, const char *key, struct value *item)
{
	for (size_t i = 0; i < map->len; i++) {
		if (strcmp(map->keys[i], key) == 0) {
			value_free(map->items[i]);
			map->items[i] = item;
			return;
		}
	}
	grow(map);
	map->keys[map->len] = xstrdup(key);
	map->items[map->len++] = item;
}

void value_map_add(struct value *map, const char *key, struct value *item)
{
	grow(map);
	map->keys[map->len] = xstrdup(key);
	map->items[map->len++] = item;
}

struct map_entry {
	char *key;
	struct value *item;
	size_t added; /* its place in the order of adding: of equal keys, the last wins */
};

static int compare_entries_by_key(const void *a, const void *b)
{
	const struct map_entry *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->added > y->added) - (x->added < y->added);
}

void value_map_sort(struct value *map)
{
	if (map->len < 2)
		return;
	/* (key, order added) is a total order, so qsort's instability is moot */
	struct map_entry *entries = xmalloc(map->len * sizeof(*entries));
	for (size_t i = 0; i < map->len; i++)
		entries[i] = (struct map_entry){ map->keys[i], map->items[i], i };
	qsort(entries, map->len, sizeof(*entries), compare_entries_by_key);
	size_t kept = 0;
	for (size_t i = 0; i < map->len; i++) {
		if (i + 1 < map->len && strcmp(entries[i].key, entries[i + 1].key) == 0) {
			free(entries[i].key); /* a later entry has its key */
			value_free(entries[i].item);
			continue;
		}
		map->keys[kept] = entries[i].key;
		map->items[kept++] = entries[i].item;
	}
	map->len = kept;
	free(entries);
}

const struct value *value_map_get(const struct value *map, const char *key)
{
	if (!map || map->type != VALUE_MAP)
		return NULL;
	/* the first bytes compared here tell most keys apart without a call (the rules ask
	 * every post's front matter for "lint" once per rule) */
	for (size_t i = 0; i < map->len; i++)
		if (map->keys[i][0] == key[0] && strcmp(map->keys[i], key) == 0)
			return map->items[i];
	return NULL;
}

const char *value_map_string(const struct value *map, const char *key)
{
	const struct value *v = value_map_get(map, key);
	return v && v->type == VALUE_STRING ? v->string : NULL;
}

const char *value_type_name(enum value_type type)
{
	static const char *const names[] = { "nil", "boolean", "number", "string", "list", "map" };
	return names[type];
}

