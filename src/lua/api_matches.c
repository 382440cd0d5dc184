/* The whole-text scans behind post:matches (api_post.c), and where the quotations are.
 *
 * post:find scans the words for a phrase set and makes a Lua table per match, every call. The
 * golden rules' analysis asks one set many questions about one post - is there a match in this
 * sentence, outside quotations, before the retweeted text - and made the whole list of tables
 * once to answer them in Lua: a tenth of its instructions went to those tables and to the Lua
 * loops walking them. Here a set's matches are found once per post, kept as words in C with
 * the post's tokens, and each question is a binary search and a short walk. */
#include "lua/api_internal.h"
#include "lua/host.h"
#include "phrase_set.h"
#include "util/xalloc.h"

const struct phrase_scan *api_phrase_scan(lua_State *L, struct post *p, const void *set)
{
	struct post_tokens *tk = p->tk;
	uint64_t id = api_phrases_id(set);
	for (size_t k = 0; k < tk->nscans; k++)
		if (tk->scans[k].set_id == id)
			return &tk->scans[k];
	struct phrase_group *group = ((const struct phrase_set *)set)->group;
	if (group && tk->scanned_group != group && api_phrase_group_ready(group, p)) {
		/* the set's group scans all its members at once: this set's scan among them (a
		 * member that joins later, as lists do while the first post is linted, is
		 * scanned alone: a walk for one list, not for all of them again) */
		size_t before = tk->nscans;
		tk->scanned_group = group;
		api_phrase_group_scan(L, p, group);
		for (size_t k = before; k < tk->nscans; k++)
			if (tk->scans[k].set_id == id)
				return &tk->scans[k];
	}
	size_t nwords = tk->tokens[TOK_WORD].len;
	host_charge(L, (long long)nwords / 4 + 1); /* as post:find: the scan is the work */
	/* as post:find(set, { quoted = true }) finds them: longest first, not overlapping */
	const struct api_word_filter all = { .quoted = true, .links = true };
	struct phrase_scan scan = { .set_id = id };
	size_t cap = 0;
	for (size_t i = 0; i < nwords;) {
		size_t m;
		const char *phrase;
		size_t phrase_len;
		i = api_phrases_next(set, p, i, &all, &m, &phrase, &phrase_len);
		if (i >= nwords)
			break;
		xgrow((void **)&scan.hits, &cap, scan.n + 1, sizeof(*scan.hits));
		scan.hits[scan.n++] = (struct phrase_hit){ (uint32_t)i, (uint32_t)m, phrase,
							   phrase_len };
		i += m;
	}
	xgrow((void **)&tk->scans, &tk->scans_cap, tk->nscans + 1, sizeof(*tk->scans));
	tk->scans[tk->nscans] = scan;
	return &tk->scans[tk->nscans++];
}

bool api_in_quotation(const struct post *p, size_t offset)
{
	/* the quotations are sorted by start (token_scan); a post has a few at most */
	const struct token *quotes = p->tk->tokens[TOK_QUOTE].items;
	size_t n = p->tk->tokens[TOK_QUOTE].len;
	for (size_t k = 0; k < n && quotes[k].start <= offset; k++)
		if (offset < quotes[k].end)
			return true;
	return false;
}
