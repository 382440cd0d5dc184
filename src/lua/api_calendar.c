/* lint.dated(posts): the posts of a calendar in time order, for rules across posts.
 *
 *   lint.dated(posts) -> a new list of the posts whose `time` is not nil, sorted by time,
 *                        then path, then position in `posts`; the positions in that list
 *                        of the posts being linted (post.linted), ascending; and, in
 *                        check_set of a rule with collect, whether each post of the list has
 *                        data (post.collected neither nil nor false)
 *
 * The second list lets a rule visit only the posts it may report on: in the pre-commit hook
 * one post of 10,000, where walking the whole list asked each post whether it is linted. The
 * third answers what a calendar rule asks of every post (is it a sales push? a bare quote?)
 * without making its post.collected: at 100,000 posts, reading it of each post was most of
 * what promo-ratio and quote-streak did, a metamethod call, a chain of cache misses from the
 * post's table to its data, and a table made from the data per post.
 *
 * Every rule across posts that looks at a calendar sorts it first (rules/lib/calendar.lua).
 * In Lua that was a key string per post and table.sort over them: in the pre-commit hook, with
 * the other 10,000 posts of the repository as context, most of what two rules did. Here it is
 * one pass reading each post's time and path, and a radix sort by time (the host's calendars
 * come in path order; see sort_by_time) or else one qsort. The host's posts are read in C;
 * anything else through its fields (post.time, post.path), so plain tables with those fields
 * work too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "lua/api.h"
#include "lua/api_internal.h"
#include "lua/host.h"
#include "lua/scratch.h"
#include "post.h"
#include "schedule.h"

struct dated {
	lua_Integer time;
	const char *path; /* the post's, or anchored in the table at stack index 3 */
	size_t path_len;
	lua_Integer index; /* 1-based position in posts */
	bool linted;       /* post.linted */
	const struct post_view *view; /* the host's post, or NULL: a plain table */
};

/* Paths compare as Lua compares strings (strcoll, here in the C locale: bytes). */
static int compare_paths(const struct dated *x, const struct dated *y)
{
	size_t n = x->path_len < y->path_len ? x->path_len : y->path_len;
	int c = memcmp(x->path, y->path, n);
	if (c != 0)
		return c;
	return x->path_len < y->path_len ? -1 : x->path_len > y->path_len;
}

/* By time, then path; ties keep the order of posts. */
static int compare_dated(const void *a, const void *b)
{
	const struct dated *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	int c = compare_paths(x, y);
	if (c != 0)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* A record's time as an offset from the calendar's earliest, and where the record is. */
struct time_key {
	uint32_t key, at;
};

/* One pass of the radix sort: from to to, stable, by the byte at shift (false, moving
 * nothing, when every key has the same byte there). */
static bool radix_pass(const struct time_key *from, struct time_key *to, size_t count, int shift)
{
	size_t counts[256] = { 0 };
	for (size_t k = 0; k < count; k++)
		counts[(from[k].key >> shift) & 0xff]++;
	if (counts[(from[0].key >> shift) & 0xff] == count)
		return false;
	size_t start = 0;
	for (int b = 0; b < 256; b++) {
		size_t n = counts[b];
		counts[b] = start;
		start += n;
	}
	for (size_t k = 0; k < count; k++)
		to[counts[(from[k].key >> shift) & 0xff]++] = from[k];
	return true;
}

/* The records' order by time, then path, then position, when the posts came in path order
 * (the host hands a calendar's posts over sorted by path): then a stable sort by time alone
 * gives that order, and a radix sort on the times' offsets from the earliest does it in a
 * few passes (the bytes all offsets share are skipped) where qsort made some fourteen
 * compare calls per post. The keys are 8 bytes and the permutation is read from them: new
 * memory costs more than instructions on some machines (a page touched first is a fault).
 * NULL, sorting nothing, for posts in another order or a calendar over 136 years long. */
static const struct time_key *sort_by_time(struct scratch *pad, const struct dated *list,
					   size_t count)
{
	if (count == 0 || count > UINT32_MAX)
		return NULL;
	lua_Integer lo = list[0].time, hi = list[0].time;
	for (size_t k = 1; k < count; k++) {
		if (compare_paths(&list[k - 1], &list[k]) > 0)
			return NULL;
		if (list[k].time < lo)
			lo = list[k].time;
		if (list[k].time > hi)
			hi = list[k].time;
	}
	if ((lua_Unsigned)hi - (lua_Unsigned)lo > UINT32_MAX)
		return NULL;
	struct time_key *from = scratch_take(pad, count, sizeof(*from), "lint.dated");
	struct time_key *to = scratch_take(pad, count, sizeof(*to), "lint.dated");
	for (size_t k = 0; k < count; k++)
		from[k] = (struct time_key){ (uint32_t)((lua_Unsigned)list[k].time - (lua_Unsigned)lo),
					     (uint32_t)k };
	for (int shift = 0; shift < 32; shift += 8) {
		if (radix_pass(from, to, count, shift)) {
			struct time_key *t = from;
			from = to;
			to = t;
		}
	}
	return from;
}

/* Whether the post at idx has data for the running rule: post.collected neither nil nor
 * false (view: its host view, or NULL for a plain table, whose field is read). */
static bool has_data(lua_State *L, int idx, const struct post_view *view)
{
	if (view)
		return api_post_collected_truthy(L, view);
	lua_getfield(L, idx, "collected");
	bool has = lua_toboolean(L, -1);
	lua_pop(L, 1);
	return has;
}

/* __index of the third list when few of the posts are linted (a commit's among thousands):
 * whether dated[k] has data, found when first asked and kept in the list. A rule asks about
 * the posts around those it may report on, and reading every post's data was 2% of a new
 * commit's hook. Upvalues: the posts, and where in them each of the dated list's posts is
 * (uint32_t each), so that a rule that changes its dated list is still told about the
 * posts as they were dated. */
static int has_data_when_asked(lua_State *L)
{
	int exact;
	lua_Integer k = lua_tointegerx(L, 2, &exact);
	size_t count = lua_rawlen(L, lua_upvalueindex(2)) / sizeof(uint32_t);
	if (!exact || k < 1 || (lua_Unsigned)k > count)
		return 0;
	const uint32_t *index = lua_touserdata(L, lua_upvalueindex(2));
	lua_rawgeti(L, lua_upvalueindex(1), index[k - 1]);
	host_charge(L, 4);
	bool has = has_data(L, -1, api_test_post_view(L, -1));
	lua_pushboolean(L, has);
	lua_pushvalue(L, -1);
	lua_rawseti(L, 1, k);
	return 1;
}

/* The third list is made whole when at least this share of the posts is linted (1 in N) */
#define DATA_WHOLE_FROM 8

static int f_dated(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	size_t n = (size_t)lua_rawlen(L, 1);
	const struct rule_run *run = host_context(host_of(L));
	bool with_data = run && run->collect_slot >= 0;
	/* 2: the working arrays, given back as the function returns (a to-be-closed slot) */
	struct scratch *pad = scratch_open(L);
	struct dated *list = scratch_take(pad, n, sizeof(struct dated), "lint.dated");
	lua_createtable(L, 0, 0); /* 3: keeps the paths of plain tables alive */
	size_t count = 0;
	for (size_t i = 0; i < n; i++) {
		if (lua_rawgeti(L, 1, (lua_Integer)i + 1) == LUA_TNIL) {
			lua_pop(L, 1);
			break; /* as ipairs: the list ends at its first hole */
		}
		const struct post_view *view = api_test_post_view(L, -1);
		if (view) {
			/* the host's post: its time and path straight from the post, as post.time
			 * and post.path would give them, without making (and caching) the fields */
			long long when;
			lua_pop(L, 1);
			if (!schedule_of(view->post, &when))
				continue;
			list[count++] = (struct dated){ (lua_Integer)when, view->post->path,
							strlen(view->post->path), (lua_Integer)i + 1,
							!view->in_set || view->linted, view };
			continue;
		}
		lua_getfield(L, -1, "time");
		if (!lua_toboolean(L, -1)) { /* nil (or false): no time */
			lua_pop(L, 2);
			continue;
		}
		int exact;
		lua_Integer time = lua_tointegerx(L, -1, &exact);
		if (!exact)
			return luaL_error(L, "lint.dated: post %d: time is not a whole number of seconds",
					  (int)i + 1);
		if (lua_getfield(L, -2, "path") != LUA_TSTRING)
			return luaL_error(L, "lint.dated: post %d has no path", (int)i + 1);
		struct dated *d = &list[count++];
		d->time = time;
		d->path = lua_tolstring(L, -1, &d->path_len);
		d->index = (lua_Integer)i + 1;
		d->view = NULL;
		lua_rawseti(L, 3, (lua_Integer)count); /* the path */
		lua_getfield(L, -2, "linted");
		d->linted = lua_toboolean(L, -1);
		lua_pop(L, 3);
	}
	/* the work done here in place of the Lua it replaces: a few instructions per post */
	host_charge(L, (long long)n * 2 + (long long)count * 4);
	const struct time_key *order = sort_by_time(pad, list, count);
	if (!order)
		qsort(list, count, sizeof(*list), compare_dated);
	size_t nlinted = 0;
	for (size_t k = 0; k < count; k++)
		nlinted += list[k].linted;
	bool data_whole = with_data && nlinted * DATA_WHOLE_FROM >= count;
	lua_createtable(L, (int)count, 0);
	lua_createtable(L, (int)nlinted, 0);
	if (with_data)
		lua_createtable(L, data_whole ? (int)count : 0, 0);
	int lists = with_data ? 3 : 2; /* how far below the top the dated list is */
	uint32_t *index = with_data && !data_whole
				  ? lua_newuserdatauv(L, count * sizeof(uint32_t), 0)
				  : NULL;
	if (index)
		lua_insert(L, -1 - lists); /* (under the lists: they stay at the top) */
	lua_Integer at = 0;
	for (size_t k = 0; k < count; k++) {
		const struct dated *d = order ? &list[order[k].at] : &list[k];
		lua_rawgeti(L, 1, d->index);
		bool has = data_whole && has_data(L, -1, d->view);
		lua_rawseti(L, -1 - lists, (lua_Integer)k + 1);
		if (d->linted) {
			lua_pushinteger(L, (lua_Integer)k + 1);
			lua_rawseti(L, -lists, ++at);
		}
		if (data_whole) {
			lua_pushboolean(L, has);
			lua_rawseti(L, -2, (lua_Integer)k + 1);
		} else if (index) {
			index[k] = (uint32_t)d->index;
		}
	}
	if (data_whole)
		host_charge(L, (long long)count * 2);
	if (index) {
		lua_createtable(L, 0, 1);
		lua_pushvalue(L, 1);
		lua_pushvalue(L, -1 - lists - 2); /* the index */
		lua_pushcclosure(L, has_data_when_asked, 2);
		lua_setfield(L, -2, "__index");
		lua_setmetatable(L, -2);
	}
	return lists;
}

void api_open_calendar(lua_State *L)
{
	lua_pushcfunction(L, f_dated);
	lua_setfield(L, -2, "dated");
}
