/* Language guess from front matter, script and function words (see lang.h). */
#include "lang.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "unicode.h"
#include "util/hash.h"

struct language {
	const char *code;
	const char *const *words; /* NULL-terminated, folded */
};

static const char *const en[] = { "the", "and", "is", "are", "was", "you", "your", "my", "i",
	"we", "our", "this", "that", "with", "for", "of", "to", "it", "have", "has", "just", "what",
	"how", "not", "be", "will", "can", "do", "at", "on", "about", "me", "so", "but", "if",
	"they", "from", "i'm", "it's", "don't", "by", "his", "her", "he", "she", "an", "than",
	"who", "or", "as", "their", "them", "were", "would", "could", "should", "been", "there",
	"when", "all", "one", "out", "up", "more", "like", NULL };
static const char *const es[] = { "el", "la", "los", "las", "de", "que", "y", "en", "un", "una",
	"es", "por", "para", "con", "no", "mi", "tu", "su", "al", "lo", "como", "más", "pero",
	"hoy", "muy", "este", "esta", "yo", "te", "se", "qué", "cómo", "del", "nuestro", NULL };
static const char *const de[] = { "der", "die", "das", "und", "ist", "ich", "nicht", "mit",
	"auf", "für", "den", "dem", "ein", "eine", "zu", "es", "wir", "sie", "du", "ihr", "mein",
	"meine", "heute", "auch", "noch", "nur", "jetzt", "bei", "im", "wie", "was", "von", "unser",
	"unsere", NULL };
static const char *const fr[] = { "le", "la", "les", "et", "est", "je", "nous", "vous", "une",
	"des", "pour", "dans", "avec", "sur", "pas", "que", "qui", "mon", "ce", "au", "du", "en",
	"ne", "très", NULL };
static const char *const pt[] = { "o", "a", "os", "as", "de", "que", "e", "é", "um", "uma",
	"para", "com", "não", "meu", "minha", "você", "na", "no", "em", "do", "da", "mais", "mas",
	NULL };
static const char *const it[] = { "il", "lo", "la", "e", "è", "di", "che", "un", "una", "per",
	"con", "non", "sono", "mio", "ho", "del", "della", "nel", "ma", "anche", NULL };
static const char *const nl[] = { "de", "het", "een", "en", "is", "ik", "je", "niet", "van",
	"op", "met", "voor", "dat", "wij", "mijn", "zijn", "ook", NULL };

/* In order of preference when scores tie. */
static const struct language latin_languages[] = {
	{ "en", en }, { "es", es }, { "de", de }, { "fr", fr }, { "pt", pt }, { "it", it }, { "nl", nl },
};
#define NLATIN (sizeof(latin_languages) / sizeof(*latin_languages))

/* Every function word of the lists above, with a bit per language that lists it: one hash
 * lookup per word of every post instead of a walk over the seven lists. Built once. */
#define WORD_SLOTS 1024 /* a power of two, over twice the words listed */
static struct {
	const char *word;
	uint8_t languages;
} word_table[WORD_SLOTS];
static pthread_once_t word_table_once = PTHREAD_ONCE_INIT;

/* (hash_fnv32: a post's words come with theirs, post_tokens' word_hashes) */
static size_t word_slot(uint32_t hash)
{
	return hash & (WORD_SLOTS - 1);
}

static void build_word_table(void)
{
	for (size_t k = 0; k < NLATIN; k++)
		for (const char *const *w = latin_languages[k].words; *w; w++) {
			size_t slot = word_slot(hash_fnv32(*w, strlen(*w)));
			while (word_table[slot].word && strcmp(word_table[slot].word, *w) != 0)
				slot = (slot + 1) & (WORD_SLOTS - 1);
			word_table[slot].word = *w;
			word_table[slot].languages |= (uint8_t)(1u << k);
		}
}

/* The languages (bits of latin_languages) listing the folded word w of n bytes, whose
 * hash_fnv32 is hash. */
static unsigned languages_of(const char *w, size_t n, uint32_t hash)
{
	for (size_t slot = word_slot(hash); word_table[slot].word;
	     slot = (slot + 1) & (WORD_SLOTS - 1))
		if (strncmp(word_table[slot].word, w, n) == 0 && word_table[slot].word[n] == '\0')
			return word_table[slot].languages;
	return 0;
}

static void set_lang(struct post *p, const char *code, size_t n)
{
	size_t i = 0;
	for (; i < n && i < sizeof(p->lang) - 1 && code[i] != '-' && code[i] != '_'; i++) {
		char c = code[i];
		p->lang[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	p->lang[i] = '\0';
}

void lang_guess(struct post *p)
{
	const struct value *declared = value_map_get(post_meta(p), "lang");
	if (declared && declared->type == VALUE_STRING && declared->string_len > 0) {
		set_lang(p, declared->string, declared->string_len);
		return;
	}
	p->lang_guessed = true;
	pthread_once(&word_table_once, build_word_table);
	size_t kana = 0, hangul = 0, han = 0, latin = 0;
	size_t score[NLATIN] = { 0 };
	const struct token *words = p->tk->tokens[TOK_WORD].items;
	for (size_t i = 0; i < p->tk->tokens[TOK_WORD].len; i++) {
		const struct token *w = &words[i];
		if (w->flags & TF_QUOTED)
			continue; /* a quotation may be in another language than the post */
		int32_t cp = (unsigned char)p->text[w->start]; /* (ASCII: no decoding) */
		if (cp >= 0x80 && uni_decode(p->text + w->start, w->end - w->start, &cp) < 0)
			continue;
		switch (uni_script_of(cp)) {
		case SCRIPT_HIRAGANA:
		case SCRIPT_KATAKANA:
			kana++;
			break;
		case SCRIPT_HANGUL:
			hangul++;
			break;
		case SCRIPT_HAN:
			han++;
			break;
		case SCRIPT_LATIN: {
			latin++;
			unsigned in = w->norm_len ? languages_of(p->tk->norms.ptr + w->norm_off,
							     w->norm_len, p->tk->word_hashes[i])
						  : 0;
			for (size_t k = 0; in && k < NLATIN; k++)
				score[k] += (in >> k) & 1u;
			break;
		}
		default:
			break;
		}
	}
	if (kana > 0 && kana + han >= latin) {
		set_lang(p, "ja", 2);
	} else if (hangul > latin) {
		set_lang(p, "ko", 2);
	} else if (han > latin) {
		set_lang(p, "zh", 2);
	} else {
		/* a language needs a lead: one shared word ("a", "de") is no evidence, and with
		 * none the configured default decides */
		size_t best = 0, second = 0;
		for (size_t k = 1; k < NLATIN; k++)
			if (score[k] > score[best])
				best = k;
		for (size_t k = 0; k < NLATIN; k++)
			if (k != best && score[k] > second)
				second = score[k];
		if (score[best] > second && (score[best] >= 2 || best == 0))
			set_lang(p, latin_languages[best].code, 2);
	}
}
