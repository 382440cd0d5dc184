#!/usr/bin/env python3
"""post:words_outside against the plain Lua it replaced, on random posts.

Writes 400 random posts (quotation marks of several languages, '>' blocks, links of every
kind, retweets, hashtags, mentions, emoji, Japanese, several sentences and lines) into a temp
git repository, runs the words-outside-check plugin on them (its rule compares the host's
answers with the plain Lua for five span lists per post and reports each difference), and
checks that nothing differs and that enough words were compared. The rule also hands each post
a list whose __len lies (2^61 + 1), which must be refused, not wrap the spans' allocation, and
spans out of order or not integers. A second rule keeps post:find, post:shingles,
post:length and post:words_outside from collect and calls them on a light post in check_set:
each must refuse. A third rule compares word.capital with the plain Lua it replaced, for every
word, a fourth lint.fold of ASCII text with string.lower, and a fifth post:title_words with the
plain Lua it replaced (sentences, all words, every other word; split and whole; stopwords
plain, behind a metatable, and none) and that it refuses wrong arguments; a sixth post:topic
the same way; a seventh post:matches against post:find filtered in Lua (whole text,
sentences, random ranges; every combination of before, quoted and any); an eighth
post:invitation against the plain Lua it replaced (word lists matched on word boundaries and
as substrings; with and without retweeted text, all quoted or not, sales scores under and over
2); a ninth post:share, an eleventh post:self, a twelfth post:quote and a thirteenth
post:structure the same way (English, Spanish, German and Japanese lists, with the
post's quote-tweet and invitation); a tenth post:sales and post:sales_signs the same way
(prices and percentages of every kind; the score, its categories and digits).

Usage: test_words_outside.py --postlint PATH
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

PIECES = [
    "I think", "you should", "we launched", "our new app", "Read this", "RT @maria:",
    "MT @joe", "rt", "“Stay hungry, stay foolish.”", '"Quoted words here"', "«Citation»",
    "„Zitat hier“", "「名言です」", "— Steve Jobs", "#quote", "#SocialMedia", "@friend",
    "https://example.com/a?b=1", "[the post](https://example.org/x)", "<https://a.example>",
    "example.com/path", "What do you think?", "Buy now!", "20% off", "😀", "🎶",
    "\n> a quoted block line\n", "\n\n", ". ", "? ", "! ", ", ", " - ", ": ", "…",
    "Thanks for reading", "nicht wahr", "¿Qué opinas?", "これは何ですか", "'single quotes'",
    # words whose capital is not plain ASCII (word.capital)
    "Émile", "iPad", "ǅemal", "ßig", "ﬁne", "Ⅻ", "İstanbul", "Ωmega", "ωmega", "élan",
    "Ñandú", "ÆTHER", "ǈudi", "Ǆ", "東京",
    # titles and what separates them (post:title_words)
    "How To Build A Great Team", "The Future Of Remote Work", "iPhone Tips And Tricks",
    "New Post:", " | ", " – ", " — ", " -- ", " -\t", "\t-", "\n", "Read The Full Story",
    "ÉCOLE Normale Supérieure", "Ten Tips For Writing", "of the", "SXSW 2024 Recap",
    # names and repeated words (post:topic)
    "the new Vantage Analytics dashboard", "with Maria Lopez", "gardening", "Gardening",
    "started", "quickly", "handling", "cafés", "naïve", "Zürich", "NASA", "the McKinsey report",
    "coffee", "garden", "weekend", "añé", "añés",
    # questions, requests and what makes them no invitation (post:invitation)
    "Let me know", "Thoughts?", "Does anyone know", "does you", "Why did I", "Because",
    "Who doesn't love", "how can you not", "Want 50% off?", "Looking for", "answer:",
    "Is it not", "Why isn't", "you should try", "?!", "!?", "‽", "？", "#doyoureallyneedthat?",
    "#tag？", "#tag ?", "(really?)", "“Is it?”", "ideas", "Everyone", "folks",
    "教えてください", "あなたはどう思いますか", "皆さんは行きましたか。", "まさか", "なぜなら",
    "今なら", "かな！", "Ｒ", "RT", "Has anyone tried", "Can you", "The Best Way To Learn?",
]


# Posts written for post:invitation's branches, which random pieces seldom line up for: a
# mention opening the post (the first two sentences are addressed to it), a negation as the
# fifth word, marks of a hashtag, every closer after "?!", a link after the first or a later
# question, Japanese questions without a mark. Written besides the random posts.
INVITATION_POSTS = [
    "@friend Hello there. Nice day. Where is it? Who knows?",
    "@friend Where is it? Who knows? Why so?",
    "Who would ever really not love this? How could we ever not go?",
    "Why is it so hard not to care?",
    "Is it #? Is it #doyoureallyneedthat? Is it #tag?! Is it #tag ?",
    "Is it #tag？ Really #？ So #tag？！",
] + [f"Why?!{closer} What now?{closer} Can this work?!{closer}" for closer in
     ["」", "』", "»", "’", "”", ")", '"', "'", "。", ".", "\t", " "]] + [
    "Can indie studios survive? https://example.com/indie",
    "Nice day. Can indie studios survive? https://example.com/indie",
    "Can indie studios survive?\nhttps://example.com/indie",
    "Can The Best Studios Survive This Year?",
    "皆さんはどう思いますか", "皆さんはどう思いますか。", "本当にそうかな！", "行きましたか ",
    "教えてください。あなたはどう思いますか？", "まさか、本当ですか？",
    "RT @maria: What do you think? Let me know", "What do you think? RT @maria: Thoughts?",
    "Because I said so. Why did I go? Here's why: answer now. Want 50% off? Buy now!",
    # and post:share's: titles, framing, the sentence before a link, own media
    "New blog post: How We Rebuilt Our Onboarding https://example.com/post",
    "I loved this one https://example.com/x", "Great read on remote work\n\nhttps://e.com/x",
    "Ten Lessons From Remote Work - https://example.com/x | via @news",
    "Read: the best guide to gardening https://example.com", "wow https://example.com",
    "Check out my new video https://example.com/v", "Our podcast is out https://a.example",
    "A note. " + "Filler words here. " * 12 + "https://example.com/far",
    "Nice one. " + "— " * 70 + "https://example.com/far", "Nice one. " + "— " * 40 + "https://e.com",
    "RT @maria: Great thread https://example.com", '"@maria: this is great" https://e.com',
    "“@joe: Read this” Thoughts? https://example.com/q", "すごい！ニュースです https://example.jp",
    "私のブログ https://example.jp/b", "La Mejor Guía De Jardinería https://example.es",
    "Die Besten Tipps Für Den Garten https://example.de",
    # and post:sales': prices, percentages, calls to action, disclosures
    "Buy now: $5, 5$, $ 5, 5 $, $x, 1,000.50€, € 20, £3, ¥500, 500円, EUR 10, 10 USD, 10USD",
    "Only 20/mo, 9/month or 99 per month; /mode and /months are no prices. Shop today only!",
    "50% off! 50 % OFF, 50%off, 30 % de descuento, 20% Rabatt, 10%dto, 15% discount",
    "30%オフ、30％オフ、５０％オフ 今だけ 購入 当店 寄付 #PR", "1234 12.5.6,7 $$5 5$$ 5 5$",
    "We launch our new shop. Order now and win! #ad #Sponsored #Werbung",
    "I bought it as a customer: buy it, it is open source and for charity. Enter now",
    "Comment to win a giveaway. Sign up. RT @shop: Buy now, 50% off $9.99",
    '"Buy now, 50% off $5" #ad — a customer', "Buy.", "Why buy? Do buy! Shop", "Only $ 5",
    # and post:self's: subjects left out, names, thanks, possessives, quotations
    "Excited to share our news!", "So Thrilled to announce it", "Launched our app today.",
    "Just Finished the marathon", "Breaking news today", "Walking home", "Update: Started it",
    "We all know it. Most of us do, and I agree", "Acme is great. Acme ships. Buy Acme now!",
    "Vantage Analytics rocks #mylife #HumbleBrag", "Thanks to the team. Thanks, everyone!",
    "No thanks. Thank you! thanks", "My new article: https://example.com/a read this post",
    "Our podcast https://example.com/p", '"Three words here" said nobody', '"Two words"',
    "嬉しいです。私の記事 https://example.jp ありがとう", "RT @acme: my news is here",
    "Most of us do", "Used it today.", "Want it? Acme, Acme!", "Need this?",
    # and post:quote's: attributions, names before quotations, decoration, retweets
    '"Stay hungry, stay foolish." — Steve Jobs', '"Stay hungry." 🎶 – Steve Jobs, 2005',
    '"Stay hungry." - Jobs said this to me', '"Be kind." -- a very long list of eight words here',
    'Kawasaki: "Make meaning."', 'As Guy Kawasaki says:\n"Make meaning." wow', '"Short" Lavelle',
    '"Quoted words here" #quote margaret lee', '"Quoted words here" #SXSW Lavelle Jones',
    'RT @maria: "Stay hungry." so true', '"Zitat hier" ~ Goethe', "「名言です」― 誰か",
    '"Words." ' + "🎉" * 20 + " — Someone", '"Q." x — Y', '"Q. — inside" and more of mine',
    '"One two three four five" — I think so', "“Nested ‘inner words’ here” - The Author",
    '"Words." ' + "🎉" * 10 + " — Someone", '"Stay." é — Someone', '"Stay." ü - Someone',
    '"Alpha" — Name, "Beta" "Gamma" and more', '"Be kind." — one two three four five six seven',
    '"Be kind." — one two three four five six seven eight', "word " * 10 + " " * 200 + 'Name: "Q"',
    '"words" ' + "🎉" * 10 + " — someone said so", '"x y z w v u"' + " " * 200 + 'name: "Q"',
] + ['"Be kind."' + " " * k + "— someone said so" for k in (5, 15, 30)] + [
    '"Be kind."\n\n— Someone', '"Be kind." 🎶🎶🎶 — Someone',
    # and post:structure's: retweet markers, quote-tweets, quotation tags
    "RT @x: hi", "RT:hi", "RT  @x hi", "RT   @x hi", "rt @x hi", "mt @x hi", "MT @x hi",
    "Mt: hi", "RT Look at this", "RT to win", "RT zebra crossing", "So excited: today", "RT", "Hi RT", '"RT @x" said', "#QuoteOfTheDay hi",
    "#Zitat Worte", "Quote of the day: be kind", "Cita del día: sé amable", "#名言 言葉",
    '"@maria: a quote-tweet" and "@joe: another"', "#quote \"short\"", "#quote \"long enough\"",
    "Only 9/mo", "9/mo2 or 9/mo_x or 9/mo.", "Only 5 $",
]


# Posts that end without a line break, so that a pattern meets the body's end.
UNENDED_POSTS = ["Only $ 5", "Only 9/mo", "Only 5 $", "50 % off"]


def random_post(rng):
    platform = rng.choice(["x", "linkedin", "mastodon", "bluesky", "threads"])
    body = " ".join(rng.choice(PIECES) for _ in range(rng.randint(0, 30)))
    return f"---\nplatform: {platform}\ngoal: replies\n---\n{body}\n"


def run_check(postlint, work, rule):
    """Runs one check rule of the plugin on the posts: the process, the numbers of each
    post's "compared N ..." finding, and the messages of the other findings (differences)."""
    r = subprocess.run([postlint, "--format", "json", "--only", rule, "posts"], cwd=work,
                       capture_output=True, text=True, timeout=300)
    found = json.loads(r.stdout)["diagnostics"] if r.returncode in (0, 1) else []
    counts = [list(map(int, f["message"].split()[1:])) for f in found
              if f["message"].startswith("compared ")]
    wrong = [f["message"] for f in found if not f["message"].startswith("compared ")]
    return r, counts, wrong


def failure_output(r):
    return "" if r.returncode in (0, 1) else r.stdout + r.stderr


def list_check(args, work, rule, method, having, per_post=2):
    """A check rule whose finding per post says "compared LISTS HAVING": every post checked,
    no difference, and in numbers both lists that have the thing (title words, a topic) and
    lists that have not (per_post times the posts, each)."""
    r, counts, wrong = run_check(args.postlint, work, rule)
    lists, had = (sum(c[k] for c in counts) for k in range(2))
    least = per_post * args.posts
    ok = (r.returncode in (0, 1) and not wrong
          and len(counts) == args.posts + len(INVITATION_POSTS) + len(UNENDED_POSTS)
          and least <= had <= lists - least)
    print(f"{'ok' if ok else 'FAIL'}: {method}: {lists} lists compared, {had} {having}, "
          f"{len(wrong)} differences {wrong[:5]}" + failure_output(r))
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--postlint", required=True)
    ap.add_argument("--posts", type=int, default=400)
    args = ap.parse_args()
    rng = random.Random(20261204)
    work = tempfile.mkdtemp(prefix="postlint-words-outside-")
    try:
        subprocess.run(["git", "init", "-q", work], check=True)
        shutil.copytree(os.path.join(HERE, "words-outside-check"),
                        os.path.join(work, "words-outside-check"))
        with open(os.path.join(work, ".lintrc"), "w", encoding="utf-8") as f:
            f.write('plugins = { "./words-outside-check" }\n'
                    'rules = { ["words-outside-diff"] = "warning", '
                    '["light-methods"] = "warning" }\n')
        os.makedirs(os.path.join(work, "posts"))
        for i in range(args.posts):
            with open(os.path.join(work, "posts", f"p{i:04d}.md"), "w", encoding="utf-8") as f:
                f.write(random_post(rng))
        for i, body in enumerate(INVITATION_POSTS + UNENDED_POSTS):
            with open(os.path.join(work, "posts", f"q{i:04d}.md"), "w", encoding="utf-8") as f:
                f.write(f"---\nplatform: x\ngoal: replies\n---\n{body}")
                f.write("" if i >= len(INVITATION_POSTS) else "\n")
        r = subprocess.run([args.postlint, "--format", "json", "--only", "words-outside-diff",
                            "posts"], cwd=work, capture_output=True, text=True, timeout=300)
        if r.returncode not in (0, 1):
            print(r.stdout + r.stderr)
            print("FAIL: postlint exited", r.returncode)
            return 1
        findings = json.loads(r.stdout)["diagnostics"]
        compared, differences = 0, []
        for f in findings:
            msg = f["message"]
            if f["rule"] != "words-outside-diff":
                differences.append(f"{f['path']}: {f['rule']}: {msg}")
                continue
            if msg.startswith("compared "):
                compared += int(msg.split()[1])
            else:
                differences.append(msg)
        for d in differences[:20]:
            print("difference:", d)
        ok = not differences and compared >= 5 * args.posts
        print(f"{'ok' if ok else 'FAIL'}: {compared} words compared, "
              f"{len(differences)} differences")
        # the methods that read text, kept from collect and called on a light post
        r = subprocess.run([args.postlint, "--format", "json", "--jobs", "1", "--only",
                            "light-methods", "posts"], cwd=work, capture_output=True,
                           text=True, timeout=300)
        light = [f["message"] for f in json.loads(r.stdout)["diagnostics"]] \
            if r.returncode in (0, 1) else [r.stdout + r.stderr]
        light_ok = light == ["checked 5 methods"]
        print(f"{'ok' if light_ok else 'FAIL'}: methods on a light post: {light[:5]}")
        # word.capital against the plain Lua, for every word
        r, counts, wrong = run_check(args.postlint, work, "capital-diff")
        words, capitals, wide = (sum(c[k] for c in counts) for k in range(3))
        # both kinds of capital seen, and words that are none
        capital_ok = (r.returncode in (0, 1) and not wrong and words >= 5 * args.posts
                      and 0 < wide < capitals < words)
        print(f"{'ok' if capital_ok else 'FAIL'}: word.capital: {words} words compared, "
              f"{capitals} capitals ({wide} not ASCII), {len(wrong)} differences {wrong[:5]}"
              + failure_output(r))
        # lint.fold of ASCII text against string.lower
        r, counts, wrong = run_check(args.postlint, work, "fold-diff")
        folded = sum(c[0] for c in counts)
        fold_ok = r.returncode in (0, 1) and not wrong and folded >= 5 * args.posts
        print(f"{'ok' if fold_ok else 'FAIL'}: lint.fold of ASCII: {folded} strings compared, "
              f"{len(wrong)} differences {wrong[:5]}" + failure_output(r))
        # post:title_words against the plain Lua: lists, stopwords and splits of every post
        title_ok = list_check(args, work, "title-diff", "post:title_words", "with title words")
        # post:topic against the plain Lua: lists, sets and languages of every post
        topic_ok = list_check(args, work, "topic-diff", "post:topic", "with a topic")
        # post:matches against post:find filtered in Lua: lists, ranges, options
        matches_ok = list_check(args, work, "matches-diff", "post:matches", "with matches")
        # post:invitation against the plain Lua: word lists, retweets, quotes, sales scores
        invitation_ok = list_check(args, work, "invitation-diff", "post:invitation",
                                   "with a genuine invitation")
        # post:share against the plain Lua: languages, retweets, quotes, sales scores
        share_ok = list_check(args, work, "share-diff", "post:share", "with items shared")
        # post:sales and post:sales_signs against the plain Lua: patterns, lists, quotes
        # (half of them with the whole post quoted, which scores none)
        sales_ok = list_check(args, work, "sales-diff", "post:sales", "with a score", 1)
        # post:self against the plain Lua: languages, retweets, quotes, scores, names
        self_ok = list_check(args, work, "self-diff", "post:self", "that refer to the poster")
        # post:structure against the plain Lua: retweets, quote-tweets, quotation tags
        structure_ok = list_check(args, work, "structure-diff", "post:structure",
                                  "with retweets or quotations", 1)
        # post:quote against the plain Lua: languages, retweets, all quoted, tagged
        quote_ok = list_check(args, work, "quote-diff", "post:quote",
                              "with words of the poster's own left")
        return 0 if (ok and light_ok and capital_ok and fold_ok and title_ok and topic_ok
                     and matches_ok and invitation_ok and share_ok and sales_ok
                     and self_ok and quote_ok and structure_ok) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
