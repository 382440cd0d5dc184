/* The tokenizer: words, sentences, links, hashtags, mentions, emoji and quotations, with
 * Markdown and Unicode (emoji sequences, CJK, combining marks, right-to-left scripts). */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "check.h"
#include "post.h"
#include "token.h"
#include "unicode.h"
#include "util/xalloc.h"

static struct post *make(const char *text)
{
	struct post *p = post_new("t.md", xstrdup(text), strlen(text));
	post_tokens(p);
	return p;
}

/* The tokens of a kind joined with '|' (their whole text; words as folded norms). */
static char *join(const struct post *p, enum token_kind kind, int inner)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < p->tk->tokens[kind].len; i++) {
		const struct token *t = &p->tk->tokens[kind].items[i];
		if (i)
			buf_addc(&b, '|');
		if (kind == TOK_WORD && !inner)
			buf_add(&b, p->tk->norms.ptr + t->norm_off, t->norm_len);
		else if (inner)
			buf_add(&b, p->text + t->inner_start, t->inner_end - t->inner_start);
		else
			buf_add(&b, p->text + t->start, t->end - t->start);
	}
	return buf_detach(&b, NULL);
}

#define EXPECT(p, kind, inner, want, what) do { \
	char *got_ = join((p), (kind), (inner)); \
	CHECK_STR(got_, (want), (what)); \
	free(got_); \
} while (0)

static void words(void)
{
	struct post *p = make("Don't STOP: it’s 3.5 times 1,000 — pre-order now!");
	EXPECT(p, TOK_WORD, 0, "don't|stop|it's|3.5|times|1,000|pre|order|now",
	       "apostrophes join, numbers keep separators, hyphens split, norms are folded");
	post_free(p);

	p = make("Straße CAFÉ cafe\xCC\x81 naïve");
	EXPECT(p, TOK_WORD, 0, "strasse|café|café|naïve",
	       "full case folding and NFC: decomposed é equals composed é");
	post_free(p);

	p = make("東京に行きました。楽しかった！");
	EXPECT(p, TOK_WORD, 1, "東京|に|行|きました|楽|しかった",
	       "CJK text splits where the script changes (no spaces in Japanese)");
	EXPECT(p, TOK_SENTENCE, 0, "東京に行きました。|楽しかった！", "ideographic full stops end sentences");
	post_free(p);

	p = make("שלום עולם and مرحبا بالعالم");
	EXPECT(p, TOK_WORD, 1, "שלום|עולם|and|مرحبا|بالعالم", "right-to-left words are words");
	post_free(p);
}

static void markdown(void)
{
	struct post *p = make("Read `buy now` and [the full story](https://example.com/a) **today**.\n\n"
			      "```\nbuy code\n```\n> quoted words here\n");
	EXPECT(p, TOK_WORD, 0, "read|and|the|full|story|today|quoted|words|here",
	       "code spans and blocks are not prose; link text is");
	EXPECT(p, TOK_LINK, 0, "[the full story](https://example.com/a)", "the link covers its source");
	EXPECT(p, TOK_LINK, 1, "the full story", "and knows its visible text");
	CHECK_STR(p->tk->tokens[TOK_LINK].items[0].url, "https://example.com/a", "and its URL");
	EXPECT(p, TOK_QUOTE, 1, "quoted words here", "a > block is a quotation");
	CHECK(p->tk->tokens[TOK_QUOTE].items[0].flags & TF_BLOCK, "of kind block");
	size_t w = p->tk->tokens[TOK_WORD].len;
	CHECK(p->tk->tokens[TOK_WORD].items[w - 1].flags & TF_QUOTED, "its words are marked quoted");
	CHECK(p->tk->tokens[TOK_WORD].items[2].flags & TF_LINK, "link words are marked");
	post_free(p);

	/* a reference whose definition comes later; an entity; empty text; a shortcut */
	p = make("A [ref link][r] here.\n\n> quoted (text)\n\n[r]: https://r.com\n");
	EXPECT(p, TOK_LINK, 0, "[ref link][r]", "a reference link ends at its [ref], not later");
	post_free(p);
	p = make("Check [&amp;&amp; hi](https://x.com) [](https://e.com) [*em*](u) [short] x\n\n"
		 "[short]: https://s.com\n");
	EXPECT(p, TOK_LINK, 0, "[&amp;&amp; hi](https://x.com)|[](https://e.com)|[*em*](u)|[short]",
	       "entities, empty text, emphasis and shortcut references are measured exactly");
	post_free(p);

	p = make("![a cat in a hat](cat.png) Nice.");
	EXPECT(p, TOK_IMAGE, 1, "a cat in a hat", "images keep their alt text");
	EXPECT(p, TOK_WORD, 0, "nice", "alt text is not prose");
	post_free(p);
}

static void specials(void)
{
	struct post *p = make("See https://example.com/a_(b), www.example.org and shop.example/x. "
			      "Not file.md or index.js; bit.ly/abc is.");
	EXPECT(p, TOK_LINK, 0,
	       "https://example.com/a_(b)|www.example.org|shop.example/x|bit.ly/abc",
	       "URLs with scheme, www, known TLDs; country TLDs need a path");
	EXPECT(p, TOK_WORD, 0, "see|and|not|file|md|or|index|js|is", "URLs are not words");
	post_free(p);

	p = make("#SocialMediaTips and #1 and C# with #日本 @alice @bob@mastodon.social "
		 "@carol.bsky.social a@b.com");
	EXPECT(p, TOK_HASHTAG, 1, "SocialMediaTips|日本", "hashtags need a letter and a boundary");
	EXPECT(p, TOK_MENTION, 0, "@alice|@bob@mastodon.social|@carol.bsky.social",
	       "mentions, fediverse and domain handles, not e-mail addresses");
	EXPECT(p, TOK_MENTION, 1, "alice|bob|carol.bsky.social", "a mention's name");
	post_free(p);

	/* a word of letters, digits and '-' is passed over whole unless what follows it could
	 * continue a URL or an address (. : _ % + @) */
	p = make("Visit my-site.com/x, well-known a-b@c.com, x%y@z.org or x_y@z.org, "
		 "http://w-x.io and C-3PO; 50%+ fine");
	EXPECT(p, TOK_LINK, 0, "my-site.com/x|http://w-x.io",
	       "hyphenated domains, with and without a scheme, are URLs");
	EXPECT(p, TOK_WORD, 0, "visit|well|known|or|and|c|3po|50|fine",
	       "e-mail addresses are not words; hyphens split words");
	post_free(p);

	p = make("Family 👨‍👩‍👧‍👦 flag 🇺🇸 tone 👍🏽 keycap 1️⃣ heart ❤️ plain © text");
	EXPECT(p, TOK_EMOJI, 0, "👨‍👩‍👧‍👦|🇺🇸|👍🏽|1️⃣|❤️",
	       "emoji are whole grapheme clusters; (c) without VS16 is not an emoji");
	post_free(p);
}

static void sentences(void)
{
	struct post *p = make("Is it 3.5 or 4? I think 4... maybe.Yes!Really?Ok\nNew line here");
	EXPECT(p, TOK_SENTENCE, 0, "Is it 3.5 or 4?|I think 4...|maybe.Yes!|Really?|Ok|New line here",
	       "terminators, glued '?' and '!', ellipses and line breaks end sentences");
	CHECK(p->tk->tokens[TOK_SENTENCE].items[0].flags & TF_QUESTION, "questions are flagged");
	CHECK(!(p->tk->tokens[TOK_SENTENCE].items[1].flags & TF_QUESTION), "statements are not");
	post_free(p);

	p = make("“Stay hungry, stay foolish.” — Steve Jobs");
	EXPECT(p, TOK_QUOTE, 1, "Stay hungry, stay foolish.", "quotation marks make a quote");
	CHECK(p->tk->tokens[TOK_WORD].items[0].flags & TF_QUOTED, "inside words are quoted");
	CHECK(!(p->tk->tokens[TOK_WORD].items[4].flags & TF_QUOTED), "the attribution is not");
	post_free(p);

	p = make("„Das Leben ist schön“ und «la vie» und 「人生」");
	EXPECT(p, TOK_QUOTE, 1, "Das Leben ist schön|la vie|人生", "German, French and Japanese marks");
	post_free(p);
}

static void language(void)
{
	struct post *p = make("Hoy he terminado mi primera novela. Estoy agotada y feliz.");
	CHECK_STR(p->lang, "es", "Spanish is guessed from its function words");
	post_free(p);
	p = make("Heute habe ich meinen ersten Marathon gelaufen und bin stolz.");
	CHECK_STR(p->lang, "de", "German too");
	post_free(p);
	p = make("週末はどこに行きましたか？");
	CHECK_STR(p->lang, "ja", "kana mean Japanese");
	post_free(p);
	p = make("---\nlang: en-GB\n---\nHola amigos, que tal");
	CHECK_STR(p->lang, "en", "front matter lang wins (its primary subtag)");
	post_free(p);
	p = make("Launched!");
	CHECK_STR(p->lang, "", "no evidence: unknown (the config default applies)");
	post_free(p);
}

static void folding(void)
{
	struct buf b = BUF_INIT;
	CHECK(token_fold("İstanbul ’s ﬁle", strlen("İstanbul ’s ﬁle"), &b), "fold succeeds");
	CHECK_STR(b.ptr, "i̇stanbul 's file", "full folding, ligatures, typographic apostrophes");
	buf_release(&b);
	CHECK(!token_fold("\xFF", 1, &b), "invalid UTF-8 is refused");
	buf_release(&b);
	/* words appended one after the other, as the tokenizer does: ASCII lowered, a word
	 * that turns non-ASCII after an ASCII start folded whole, and a refused word leaves
	 * what was there, still terminated at its length */
	CHECK(token_fold("Zoo-42", 6, &b), "ASCII folds");
	CHECK(token_fold("CAFÉ", strlen("CAFÉ"), &b), "ASCII, then not");
	CHECK_STR(b.ptr, "zoo-42café", "appended and lowered");
	CHECK(!token_fold("AB\xFF", 3, &b), "invalid UTF-8 after ASCII is refused");
	CHECK(b.len == strlen("zoo-42café") && b.ptr[b.len] == '\0', "the refused word left nothing");
	CHECK(token_fold("@[`{", 4, &b), "ASCII around the capitals folds");
	CHECK_STR(b.ptr + strlen("zoo-42café"), "@[`{", "only A-Z change");
	buf_release(&b);
}

/* Display width as the text report defines it, written the plain way: per grapheme cluster
 * the widest code point (a tab 1, invalid bytes 1), 2 when it carries an emoji sign. */
static size_t reference_width(const char *s, size_t start, size_t end)
{
	size_t width = 0;
	for (size_t i = start; i < end;) {
		size_t e = uni_grapheme_end(s, end, i);
		int cluster = 0;
		bool emoji = false;
		for (size_t j = i; j < e;) {
			utf8proc_int32_t cp;
			utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + j,
							      (utf8proc_ssize_t)(e - j), &cp);
			if (n < 1) {
				cluster = cluster > 1 ? cluster : 1;
				j++;
				continue;
			}
			int w = cp == '\t' ? 1 : utf8proc_charwidth(cp);
			emoji |= cp == 0xFE0F || uni_is_regional_indicator(cp);
			cluster = w > cluster ? w : cluster;
			j += (size_t)n;
		}
		width += emoji ? 2 : (size_t)cluster;
		i = e;
	}
	return width;
}

/* uni_display_width (with its ASCII shortcut) against the reference on random mixtures of
 * ASCII, tabs, CR LF, controls, combining marks, CJK, emoji with and without signs, flags
 * and invalid bytes, over every range of each text. */
static void widths(void)
{
	static const char *pieces[] = { "a", "Z", " ", "\t", "\r\n", "\r", "\x01", "e\xCC\x81",
					"\xCC\x81", "\xE6\x97\xA5", "\xE2\x9D\xA4\xEF\xB8\x8F",
					"\xE2\x9D\xA4", "\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7",
					"\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", "\xFF", "~", "1" };
	unsigned seed = 11;
	int ranges = 0;
	bool same = true;
	char text[128];
	for (int t = 0; t < 400; t++) {
		size_t len = 0;
		for (int k = 0; k < 12; k++) {
			seed = seed * 1103515245u + 12345u;
			const char *p = pieces[(seed >> 16) % (sizeof(pieces) / sizeof(*pieces))];
			memcpy(text + len, p, strlen(p));
			len += strlen(p);
		}
		text[len] = '\0';
		for (size_t a = 0; a <= len; a++) {
			for (size_t b = a; b <= len; b++) {
				same &= uni_display_width(text, a, b) == reference_width(text, a, b);
				ranges++;
			}
		}
	}
	CHECK(same, "display widths of %d ranges of 400 mixed texts as the reference counts",
	      ranges);
	CHECK_INT(uni_display_width("ab\xE6\x97\xA5" "e\xCC\x81", 0, 8), 5,
		  "2 ASCII, a wide CJK character, e with a combining accent");
}

/* uni_nfc normalizes a text piece by piece (its runs of non-ASCII characters, each with the
 * ASCII character before it): the same bytes as utf8proc's NFC of the whole text, for random
 * texts of ASCII, combining marks, precomposed and decomposed letters, Hangul jamo, singletons
 * that NFC replaces, and invalid bytes (both give up on the same texts). */
static void nfc_pieces(void)
{
	static const char *const pieces[] = {
		"a", "e", " ", ".", "\n", "A", "\xcc\x81" /* U+0301 acute */,
		"\xcc\xa3" /* U+0323 dot below */, "\xc3\xa9" /* e acute */,
		"\xe1\x84\x80" /* Hangul L */, "\xe1\x85\xa1" /* V */, "\xe1\x86\xa8" /* T */,
		"\xe2\x84\xab" /* Angstrom sign */, "\xe2\x80\x99" /* right quote */,
		"\xf0\x9f\x98\x80" /* emoji */, "\xef\xbc\xa1" /* fullwidth A */,
		"\xcd\x80" /* U+0340 */, "\xe0\xae\xbe" /* Tamil AA */,
		"\xe0\xaf\x86" /* Tamil E */, "\xc3", "\x80", "\0",
	};
	size_t npieces = sizeof(pieces) / sizeof(pieces[0]);
	uint32_t seed = 99;
	size_t differ = 0, invalid = 0, changed = 0;
	for (int t = 0; t < 3000; t++) {
		char text[256];
		size_t len = 0;
		for (int k = 0; k < 1 + t % 24; k++) {
			seed = seed * 1103515245u + 12345u;
			const char *piece = pieces[(seed >> 16) % npieces];
			size_t n = piece[0] ? strlen(piece) : 1; /* "\0": one NUL byte */
			memcpy(text + len, piece, n);
			len += n;
		}
		utf8proc_uint8_t *want = NULL;
		utf8proc_ssize_t want_len = utf8proc_map((const utf8proc_uint8_t *)text,
							 (utf8proc_ssize_t)len, &want,
							 UTF8PROC_STABLE | UTF8PROC_COMPOSE);
		size_t got_len = 0;
		char *got = uni_nfc(text, len, &got_len);
		if (want_len < 0) {
			invalid++;
			differ += got != NULL;
		} else {
			changed += (size_t)want_len != len || memcmp(want, text, len) != 0;
			differ += !got || got_len != (size_t)want_len ||
				  memcmp(got, want, got_len) != 0;
		}
		free(got);
		free(want);
	}
	CHECK_INT(differ, 0, "texts whose NFC differs from utf8proc's of the whole text");
	CHECK(invalid > 100 && changed > 500, "invalid texts (%zu) and texts NFC changes (%zu)",
	      invalid, changed);
}

int main(void)
{
	nfc_pieces();
	widths();
	words();
	markdown();
	specials();
	sentences();
	language();
	folding();
	return check_done();
}
