/* Step-counted Lua 5.4 patterns (see pattern.h).
 *
 * A pattern is matched by a backtracking recursive matcher: quantified single-character
 * classes try their alternatives by recursion, plain items and anchors advance in a loop.
 * Every loop turn and every character tested counts as one step; steps are charged to the
 * budget in batches, and the charge raises (longjmp) out of the recursion when the budget is
 * gone. Nothing is allocated in C while matching, so that jump leaks nothing. */
#include "lua/pattern.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include <lauxlib.h>

#include "lua/host.h"
#include "util/hash.h"

#define MAX_CAPTURES 32 /* LUA_MAXCAPTURES */
#define MAX_DEPTH 200   /* nested matcher calls before "pattern too complex", as stock Lua */
#define CHARGE_BATCH 1024
#define ESC '%'
#define SPECIALS "^$*+?.([%-"

enum { CAP_OPEN = -1, CAP_POSITION = -2 };

struct matcher {
	lua_State *L;
	const char *src, *src_end; /* the subject */
	const char *pat_end;
	int depth;
	int level; /* captures started so far */
	struct {
		const char *start;
		ptrdiff_t len; /* or CAP_OPEN / CAP_POSITION */
	} cap[MAX_CAPTURES];
	bool budgeted;
	long long steps; /* not charged yet */
};

static void charge(struct matcher *m, long long n)
{
	m->steps += n;
	if (m->steps >= CHARGE_BATCH) {
		long long s = m->steps;
		m->steps = 0;
		if (m->budgeted)
			host_charge(m->L, s);
	}
}

static void flush_steps(struct matcher *m)
{
	long long s = m->steps;
	m->steps = 0;
	if (m->budgeted && s)
		host_charge(m->L, s);
}

/* ---- single characters, classes and sets ------------------------------------------------ */

static bool class_has(int c, int cl)
{
	bool in;
	switch (tolower(cl)) {
	case 'a': in = isalpha(c); break;
	case 'c': in = iscntrl(c); break;
	case 'd': in = isdigit(c); break;
	case 'g': in = isgraph(c); break;
	case 'l': in = islower(c); break;
	case 'p': in = ispunct(c); break;
	case 's': in = isspace(c); break;
	case 'u': in = isupper(c); break;
	case 'w': in = isalnum(c); break;
	case 'x': in = isxdigit(c); break;
	case 'z': in = c == 0; break; /* deprecated in 5.2, still understood by 5.4 */
	default: return cl == c; /* %. %% %( ...: the character itself */
	}
	return isupper(cl) ? !in : in;
}

/* set points at '[', close at its ']'. */
static bool set_has(struct matcher *m, int c, const char *set, const char *close)
{
	bool negated = false;
	const char *p = set + 1;
	charge(m, (close - set) / 8);
	if (*p == '^') {
		negated = true;
		p++;
	}
	for (; p < close; p++) {
		if (*p == ESC) {
			p++;
			if (class_has(c, (unsigned char)*p))
				return !negated;
		} else if (p + 2 < close && p[1] == '-') {
			if ((unsigned char)p[0] <= c && c <= (unsigned char)p[2])
				return !negated;
			p += 2;
		} else if ((unsigned char)*p == c) {
			return !negated;
		}
	}
	return negated;
}

/* The end of the single-character class starting at p. */
static const char *item_end(struct matcher *m, const char *p)
{
	if (*p == ESC) {
		if (p + 1 >= m->pat_end)
			luaL_error(m->L, "malformed pattern (ends with '%%')");
		return p + 2;
	}
	if (*p != '[')
		return p + 1;
	p++;
	if (p < m->pat_end && *p == '^')
		p++;
	/* the first character of a set is never its end, so "[]]" is a set of ']' */
	do {
		if (p >= m->pat_end)
			luaL_error(m->L, "malformed pattern (missing ']')");
		if (*p++ == ESC && p < m->pat_end)
			p++;
	} while (p >= m->pat_end || *p != ']');
	return p + 1;
}

static bool single_matches(struct matcher *m, const char *s, const char *p, const char *ep)
{
	charge(m, 1);
	if (s >= m->src_end)
		return false;
	int c = (unsigned char)*s;
	switch (*p) {
	case '.': return true;
	case ESC: return class_has(c, (unsigned char)p[1]);
	case '[': return set_has(m, c, p, ep - 1);
	default: return (unsigned char)*p == c;
	}
}

/* ---- the matcher ------------------------------------------------------------------------ */

static const char *match(struct matcher *m, const char *s, const char *p);

static const char *greedy(struct matcher *m, const char *s, const char *p, const char *ep)
{
	ptrdiff_t n = 0;
	while (single_matches(m, s + n, p, ep))
		n++;
	for (; n >= 0; n--) {
		const char *r = match(m, s + n, ep + 1);
		if (r)
			return r;
	}
	return NULL;
}

static const char *lazy(struct matcher *m, const char *s, const char *p, const char *ep)
{
	for (;;) {
		const char *r = match(m, s, ep + 1);
		if (r)
			return r;
		if (!single_matches(m, s, p, ep))
			return NULL;
		s++;
	}
}

static const char *open_capture(struct matcher *m, const char *s, const char *p, ptrdiff_t what)
{
	if (m->level >= MAX_CAPTURES)
		luaL_error(m->L, "too many captures");
	m->cap[m->level].start = s;
	m->cap[m->level].len = what;
	m->level++;
	const char *r = match(m, s, p);
	if (!r)
		m->level--;
	return r;
}

static const char *close_capture(struct matcher *m, const char *s, const char *p)
{
	int l = m->level - 1;
	while (l >= 0 && m->cap[l].len != CAP_OPEN)
		l--;
	if (l < 0)
		luaL_error(m->L, "invalid pattern capture");
	m->cap[l].len = s - m->cap[l].start;
	const char *r = match(m, s, p);
	if (!r)
		m->cap[l].len = CAP_OPEN;
	return r;
}

/* Index of the closed capture named by digit c ('1'..'9'), or raises. */
static int capture_index(struct matcher *m, int c)
{
	int l = c - '1';
	if (l < 0 || l >= m->level || m->cap[l].len == CAP_OPEN)
		luaL_error(m->L, "invalid capture index %%%d", l + 1);
	return l;
}

/* %bxy at p (p points at 'b'): the end of a balanced x...y run starting at s, or NULL. */
static const char *balanced(struct matcher *m, const char *s, const char *p)
{
	if (p + 2 >= m->pat_end)
		luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
	char open = p[1], close = p[2];
	if (s >= m->src_end || *s != open)
		return NULL;
	int depth = 1;
	while (++s < m->src_end) {
		charge(m, 1);
		if (*s == close) {
			if (--depth == 0)
				return s + 1;
		} else if (*s == open) {
			depth++;
		}
	}
	return NULL;
}

static const char *match(struct matcher *m, const char *s, const char *p)
{
	if (m->depth++ >= MAX_DEPTH)
		luaL_error(m->L, "pattern too complex");
	while (s && p < m->pat_end) {
		charge(m, 1);
		if (*p == '(') {
			if (p + 1 < m->pat_end && p[1] == ')')
				s = open_capture(m, s, p + 2, CAP_POSITION);
			else
				s = open_capture(m, s, p + 1, CAP_OPEN);
			break;
		}
		if (*p == ')') {
			s = close_capture(m, s, p + 1);
			break;
		}
		if (*p == '$' && p + 1 == m->pat_end) {
			if (s != m->src_end)
				s = NULL;
			break;
		}
		if (*p == ESC && p + 1 < m->pat_end && p[1] == 'b') {
			s = balanced(m, s, p + 1);
			p += 4;
			continue;
		}
		if (*p == ESC && p + 1 < m->pat_end && p[1] == 'f') {
			p += 2;
			if (p >= m->pat_end || *p != '[')
				luaL_error(m->L, "missing '[' after '%%f' in pattern");
			const char *ep = item_end(m, p);
			int before = s == m->src ? 0 : (unsigned char)s[-1];
			int here = s < m->src_end ? (unsigned char)*s : 0;
			if (set_has(m, before, p, ep - 1) || !set_has(m, here, p, ep - 1))
				s = NULL;
			p = ep;
			continue;
		}
		if (*p == ESC && p + 1 < m->pat_end && isdigit((unsigned char)p[1])) {
			int l = capture_index(m, (unsigned char)p[1]);
			size_t len = (size_t)m->cap[l].len;
			charge(m, (long long)(len / 8));
			if ((size_t)(m->src_end - s) >= len && memcmp(m->cap[l].start, s, len) == 0)
				s += len;
			else
				s = NULL;
			p += 2;
			continue;
		}
		/* a single-character class, maybe with a quantifier */
		const char *ep = item_end(m, p);
		char q = ep < m->pat_end ? *ep : '\0';
		if (!single_matches(m, s, p, ep)) {
			if (q == '*' || q == '?' || q == '-') {
				p = ep + 1;
				continue;
			}
			s = NULL;
			break;
		}
		if (q == '?') {
			const char *r = match(m, s + 1, ep + 1);
			if (r) {
				s = r;
				break;
			}
			p = ep + 1;
			continue;
		}
		if (q == '+') {
			s = greedy(m, s + 1, p, ep);
			break;
		}
		if (q == '*') {
			s = greedy(m, s, p, ep);
			break;
		}
		if (q == '-') {
			s = lazy(m, s, p, ep);
			break;
		}
		s++;
		p = ep;
	}
	m->depth--;
	return s;
}

/* ---- captures to Lua values ------------------------------------------------------------- */

/* Pushes capture i of a match s..e (the whole match when the pattern has no captures). */
static void push_capture(struct matcher *m, int i, const char *s, const char *e)
{
	if (i >= m->level) {
		if (i != 0)
			luaL_error(m->L, "invalid capture index %%%d", i + 1);
		lua_pushlstring(m->L, s, (size_t)(e - s));
		return;
	}
	ptrdiff_t len = m->cap[i].len;
	if (len == CAP_OPEN)
		luaL_error(m->L, "unfinished capture");
	if (len == CAP_POSITION)
		lua_pushinteger(m->L, (lua_Integer)(m->cap[i].start - m->src) + 1);
	else
		lua_pushlstring(m->L, m->cap[i].start, (size_t)len);
}

/* Pushes all captures (or the whole match s..e when there are none and s is given). */
static int push_captures(struct matcher *m, const char *s, const char *e)
{
	int n = (m->level == 0 && s) ? 1 : m->level;
	luaL_checkstack(m->L, n, "too many captures");
	for (int i = 0; i < n; i++)
		push_capture(m, i, s, e);
	return n;
}

static void matcher_init(struct matcher *m, lua_State *L, const char *s, size_t ls,
			 const char *p, size_t lp)
{
	m->L = L;
	m->src = s;
	m->src_end = s + ls;
	m->pat_end = p + lp;
	m->level = 0;
	m->depth = 0;
	m->steps = 0;
	m->budgeted = lua_toboolean(L, lua_upvalueindex(1));
}

static const char *match_at(struct matcher *m, const char *s, const char *p)
{
	m->level = 0;
	m->depth = 0;
	return match(m, s, p);
}

/* ---- where a match may start ------------------------------------------------------------
 * An unanchored search tries the pattern at every position. When the pattern's first item
 * must consume a byte (it is not optional, and captures and frontiers before it take none),
 * only positions holding one of that item's bytes can start a match: the search skips the
 * others with a table lookup instead of entering the matcher. "%$%s?%d" over a long post
 * looks at the dollar signs only. Worth it on longer subjects only (the table costs 256
 * tests). */

#define FILTER_MIN_SUBJECT 48

struct first_filter {
	bool on;
	bool can_start[256];
};

static void compute_filter(struct matcher *m, const char *p, struct first_filter *f);

/* Rules search with the same few dozen patterns over and over: the tables of recent ones are
 * kept per thread, keyed by the pattern's bytes (not its address: a string may be freed and
 * another made at the same place). */
#define FILTER_CACHE 64
#define FILTER_CACHE_PATTERN 48

struct cached_filter {
	size_t len; /* 0: empty slot */
	char pattern[FILTER_CACHE_PATTERN];
	struct first_filter filter;
};

static _Thread_local struct cached_filter filter_cache[FILTER_CACHE];

static void filter_init(struct matcher *m, const char *p, size_t subject_len,
			struct first_filter *f)
{
	f->on = false;
	if (subject_len < FILTER_MIN_SUBJECT)
		return;
	size_t len = (size_t)(m->pat_end - p);
	if (len == 0 || len > FILTER_CACHE_PATTERN) {
		compute_filter(m, p, f);
		return;
	}
	uint32_t h = hash_fnv32(p, len);
	struct cached_filter *c = &filter_cache[h % FILTER_CACHE];
	if (c->len == len && memcmp(c->pattern, p, len) == 0) {
		*f = c->filter;
		return;
	}
	compute_filter(m, p, f); /* may raise (a malformed pattern): cached only after */
	c->len = len;
	memcpy(c->pattern, p, len);
	c->filter = *f;
}

static void compute_filter(struct matcher *m, const char *p, struct first_filter *f)
{
	f->on = false;
	/* captures before the first item consume nothing; too many of them, or a ')' closing
	 * none, raise at the first position tried, so such patterns are left alone */
	int opened = 0;
	for (;;) {
		if (p >= m->pat_end || *p == ')' || opened >= MAX_CAPTURES - 1)
			return; /* the empty pattern matches anywhere */
		if (*p == '(') {
			p += p + 1 < m->pat_end && p[1] == ')' ? 2 : 1;
			opened++;
			continue;
		}
		if (*p == '$' && p + 1 == m->pat_end)
			return;
		if (*p == ESC && p + 1 < m->pat_end) {
			if (p[1] == 'b') {
				if (p + 3 >= m->pat_end)
					return; /* "%bxy" is malformed: the matcher says so */
				memset(f->can_start, 0, sizeof(f->can_start));
				f->can_start[(unsigned char)p[2]] = true;
				f->on = true;
				return;
			}
			if (p[1] == 'f') {
				/* zero width: the next item decides */
				p += 2;
				if (p >= m->pat_end || *p != '[')
					return;
				p = item_end(m, p);
				continue;
			}
			if (isdigit((unsigned char)p[1]))
				return; /* a back reference may be empty */
		}
		if (*p == '.')
			return;
		const char *ep = item_end(m, p);
		if (ep < m->pat_end && (*ep == '*' || *ep == '?' || *ep == '-'))
			return; /* optional: the match may start with what follows */
		for (int c = 0; c < 256; c++) {
			switch (*p) {
			case ESC: f->can_start[c] = class_has(c, (unsigned char)p[1]); break;
			case '[': f->can_start[c] = set_has(m, c, p, ep - 1); break;
			default: f->can_start[c] = (unsigned char)*p == c; break;
			}
		}
		f->on = true;
		return;
	}
}

/* The first position from s where a match may start (src_end when none can). */
static const char *next_candidate(struct matcher *m, const struct first_filter *f, const char *s)
{
	if (!f->on)
		return s;
	const char *from = s;
	while (s < m->src_end && !f->can_start[(unsigned char)*s])
		s++;
	charge(m, (s - from) / 8);
	return s;
}

/* A 1-based, possibly negative start position as a 0-based offset (may exceed len). */
static size_t start_offset(lua_Integer pos, size_t len)
{
	if (pos > 0)
		return (size_t)pos - 1;
	if (pos == 0 || pos < -(lua_Integer)len)
		return 0;
	return (size_t)((lua_Integer)len + pos);
}

static bool has_specials(const char *p, size_t lp)
{
	for (size_t i = 0; i < lp; i++)
		if (p[i] && strchr(SPECIALS, p[i]))
			return true;
	return false;
}

static const char *find_plain(const char *s, size_t ls, const char *p, size_t lp)
{
	if (lp == 0)
		return s;
	while (ls >= lp) {
		const char *hit = memchr(s, *p, ls - lp + 1);
		if (!hit)
			return NULL;
		if (memcmp(hit + 1, p + 1, lp - 1) == 0)
			return hit;
		ls -= (size_t)(hit + 1 - s);
		s = hit + 1;
	}
	return NULL;
}

/* ---- find, match, gmatch, gsub ---------------------------------------------------------- */

static int find_or_match(lua_State *L, bool find)
{
	size_t ls, lp;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	size_t init = start_offset(luaL_optinteger(L, 3, 1), ls);
	if (init > ls) {
		luaL_pushfail(L);
		return 1;
	}
	struct matcher m;
	matcher_init(&m, L, s, ls, p, lp);
	if (find && (lua_toboolean(L, 4) || !has_specials(p, lp))) {
		charge(&m, (long long)((ls - init) / 8) + 1);
		flush_steps(&m);
		const char *hit = find_plain(s + init, ls - init, p, lp);
		if (!hit) {
			luaL_pushfail(L);
			return 1;
		}
		lua_pushinteger(L, (lua_Integer)(hit - s) + 1);
		lua_pushinteger(L, (lua_Integer)(hit - s) + (lua_Integer)lp);
		return 2;
	}
	bool anchored = lp > 0 && *p == '^';
	if (anchored)
		p++;
	const char *at = s + init;
	struct first_filter filter = { .on = false };
	if (!anchored)
		filter_init(&m, p, ls - init, &filter);
	do {
		at = next_candidate(&m, &filter, at);
		if (filter.on && at >= m.src_end)
			break; /* every match takes a byte */
		const char *e = match_at(&m, at, p);
		if (e) {
			flush_steps(&m);
			if (!find)
				return push_captures(&m, at, e);
			lua_pushinteger(L, (lua_Integer)(at - s) + 1);
			lua_pushinteger(L, (lua_Integer)(e - s));
			return push_captures(&m, NULL, NULL) + 2;
		}
	} while (at++ < m.src_end && !anchored);
	flush_steps(&m);
	luaL_pushfail(L);
	return 1;
}

static int f_find(lua_State *L)
{
	return find_or_match(L, true);
}

static int f_match(lua_State *L)
{
	return find_or_match(L, false);
}

/* The iterator's upvalues: budgeted, subject, pattern, next offset, end of the last match
 * (-1 for none). */
static int gmatch_next(lua_State *L)
{
	size_t ls, lp;
	const char *s = lua_tolstring(L, lua_upvalueindex(2), &ls);
	const char *p = lua_tolstring(L, lua_upvalueindex(3), &lp);
	lua_Integer pos = lua_tointeger(L, lua_upvalueindex(4));
	lua_Integer last = lua_tointeger(L, lua_upvalueindex(5));
	if (pos < 0 || (size_t)pos > ls)
		return 0;
	struct matcher m;
	matcher_init(&m, L, s, ls, p, lp);
	struct first_filter filter;
	filter_init(&m, p, ls - (size_t)pos, &filter);
	for (const char *at = s + pos; at <= m.src_end; at++) {
		at = next_candidate(&m, &filter, at);
		if (filter.on && at >= m.src_end)
			break;
		const char *e = match_at(&m, at, p);
		if (e && e - s != last) {
			flush_steps(&m);
			lua_pushinteger(L, e - s);
			lua_replace(L, lua_upvalueindex(4));
			lua_pushinteger(L, e - s);
			lua_replace(L, lua_upvalueindex(5));
			return push_captures(&m, at, e);
		}
	}
	flush_steps(&m);
	lua_pushinteger(L, (lua_Integer)ls + 1); /* later calls end at once */
	lua_replace(L, lua_upvalueindex(4));
	return 0;
}

static int f_gmatch(lua_State *L)
{
	size_t ls;
	luaL_checklstring(L, 1, &ls);
	luaL_checkstring(L, 2);
	size_t init = start_offset(luaL_optinteger(L, 3, 1), ls);
	if (init > ls)
		init = ls + 1;
	lua_settop(L, 2);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_pushinteger(L, (lua_Integer)init);
	lua_pushinteger(L, -1);
	lua_pushcclosure(L, gmatch_next, 5);
	return 1;
}

/* Appends the replacement string (argument 3) for a match s..e: %0-%9 and %%. */
static void add_template(struct matcher *m, luaL_Buffer *b, const char *s, const char *e)
{
	lua_State *L = m->L;
	size_t len;
	const char *t = lua_tolstring(L, 3, &len);
	charge(m, (long long)(len / 8));
	const char *end = t + len;
	while (t < end) {
		const char *esc = memchr(t, ESC, (size_t)(end - t));
		if (!esc) {
			luaL_addlstring(b, t, (size_t)(end - t));
			break;
		}
		luaL_addlstring(b, t, (size_t)(esc - t));
		int c = esc + 1 < end ? (unsigned char)esc[1] : 0;
		if (c == ESC) {
			luaL_addchar(b, ESC);
		} else if (c == '0') {
			luaL_addlstring(b, s, (size_t)(e - s));
		} else if (isdigit(c)) {
			push_capture(m, c - '1', s, e);
			luaL_tolstring(L, -1, NULL); /* a position capture becomes its digits */
			lua_remove(L, -2);
			luaL_addvalue(b);
		} else {
			luaL_error(L, "invalid use of '%c' in replacement string", ESC);
		}
		t = esc + 2;
	}
}

/* Appends the replacement for a match s..e; returns whether the text changed. */
static bool add_replacement(struct matcher *m, luaL_Buffer *b, const char *s, const char *e,
			    int type)
{
	lua_State *L = m->L;
	if (type == LUA_TSTRING || type == LUA_TNUMBER) {
		add_template(m, b, s, e);
		return true;
	}
	flush_steps(m);
	if (type == LUA_TFUNCTION) {
		lua_pushvalue(L, 3);
		int n = push_captures(m, s, e);
		lua_call(L, n, 1);
	} else {
		push_capture(m, 0, s, e);
		lua_gettable(L, 3);
	}
	if (!lua_toboolean(L, -1)) {
		lua_pop(L, 1);
		luaL_addlstring(b, s, (size_t)(e - s));
		return false;
	}
	if (!lua_isstring(L, -1))
		return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
	luaL_addvalue(b);
	return true;
}

static int f_gsub(lua_State *L)
{
	size_t ls, lp;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	int type = lua_type(L, 3);
	lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
	luaL_argexpected(L, type == LUA_TNUMBER || type == LUA_TSTRING || type == LUA_TFUNCTION ||
			 type == LUA_TTABLE, 3, "string/function/table");
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	bool anchored = lp > 0 && *p == '^';
	if (anchored) {
		p++;
		lp--;
	}
	struct matcher m;
	matcher_init(&m, L, s, ls, p, lp);
	const char *at = s, *last = NULL;
	lua_Integer n = 0;
	bool changed = false;
	struct first_filter filter = { .on = false };
	if (!anchored && max > 0) /* with max <= 0 nothing is matched, nor checked */
		filter_init(&m, p, ls, &filter);
	while (n < max) {
		const char *next = next_candidate(&m, &filter, at);
		if (next > at) {
			/* positions where no match can start are copied as they are */
			luaL_addlstring(&b, at, (size_t)(next - at));
			at = next;
		}
		if (filter.on && at >= m.src_end)
			break;
		const char *e = match_at(&m, at, p);
		if (e && e != last) {
			n++;
			changed |= add_replacement(&m, &b, at, e, type);
			at = last = e;
		} else if (at < m.src_end) {
			luaL_addchar(&b, *at++);
		} else {
			break;
		}
		if (anchored)
			break;
	}
	flush_steps(&m);
	if (!changed) {
		lua_pushvalue(L, 1);
	} else {
		luaL_addlstring(&b, at, (size_t)(m.src_end - at));
		luaL_pushresult(&b);
	}
	lua_pushinteger(L, n);
	return 2;
}

void pattern_register(lua_State *L, int t, bool budgeted)
{
	static const luaL_Reg fns[] = {
		{ "find", f_find }, { "match", f_match }, { "gmatch", f_gmatch }, { "gsub", f_gsub },
	};
	t = lua_absindex(L, t);
	for (size_t i = 0; i < sizeof(fns) / sizeof(*fns); i++) {
		lua_pushboolean(L, budgeted);
		lua_pushcclosure(L, fns[i].func, 1);
		lua_setfield(L, t, fns[i].name);
	}
}
