/* Guessing a post's language, for rules whose word lists are per language.
 *
 * Front matter 'lang:' wins (its primary subtag: "en-GB" is "en"). Otherwise the script of the
 * words decides for Japanese (kana), Korean and Chinese, and for Latin-script text the most
 * frequent function words decide among en, es, de, fr, pt, it and nl. With no evidence the
 * language stays unknown (""), and the session falls back to the configured default. */
#ifndef POSTLINT_LANG_H
#define POSTLINT_LANG_H

#include "post.h"

void lang_guess(struct post *post);

#endif
