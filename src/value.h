/* A small tree of plain data (nil, boolean, number, string, list, map) with source positions.
 *
 * Front matter (YAML) and rule options from .lintrc (Lua) both become values, so that C code
 * can read them without a Lua state and any worker's Lua state can receive a copy. A value owns
 * its children and strings (a tree read in one block owns them as one: see one_block);
 * value_free(NULL) is a no-op. Map keys keep their source order. */
#ifndef POSTLINT_VALUE_H
#define POSTLINT_VALUE_H

#include <stdbool.h>
#include <stddef.h>

enum value_type {
	VALUE_NIL,
	VALUE_BOOL,
	VALUE_NUMBER,
	VALUE_STRING,
	VALUE_LIST,
	VALUE_MAP,
};

struct value {
	enum value_type type;
	int line, column; /* 1-based source position; 0 when unknown */
	bool boolean;
	/* the root of a tree made by value_bin_get_block: one allocation, which value_free frees
	 * whole; nothing may add to such a tree or free a part of it */
	bool one_block;
	double number;
	char *string; /* NUL-terminated; string_len excludes the NUL */
	size_t string_len;
	struct value **items; /* lists and maps */
	char **keys;          /* maps only, parallel to items */
	size_t len, cap;
};

struct value *value_new(enum value_type type);
struct value *value_new_string(const char *s, size_t len);
struct value *value_new_number(double n);
struct value *value_new_bool(bool b);
void value_free(struct value *v);
struct value *value_copy(const struct value *v);

/* Appends item to a list (takes ownership). */
void value_list_push(struct value *list, struct value *item);
/* Sets key in a map (takes ownership of item; replaces an existing key). */
void value_map_set(struct value *map, const char *key, struct value *item);
/* Appends key to a map without looking for it (takes ownership of item): for maps built
 * whole, then ordered by value_map_sort, which keeps the last entry added for a key.
 * value_map_set looks through every key, which made a map of n keys n * n / 2 compares. */
void value_map_add(struct value *map, const char *key, struct value *item);
/* Orders a map's entries by key, and where value_map_add added a key more than once keeps
 * the last one added: a map made from a Lua table, whose order changes from run to run with
 * Lua's string hash seed, prints and compares the same in every run. */
void value_map_sort(struct value *map);
/* Borrowed child for key, or NULL. */
const struct value *value_map_get(const struct value *map, const char *key);
/* The string for key if it is a string, else NULL. */
const char *value_map_string(const struct value *map, const char *key);

const char *value_type_name(enum value_type type);

#endif
