/* libFuzzer target: fix application. The input is split into a text and a list of edit
 * groups; each group is normalised the way ctx:report normalises a rule's fix (sorted,
 * non-overlapping, inside the text), then fix_apply runs under the sanitizers and its result
 * is checked: no more groups taken than there are, a result no longer than the text plus all
 * inserted bytes (twice them when line breaks become CRLF), NUL-terminated, and the text
 * unchanged when nothing was applied. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "fix.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int compare_edits(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* layout: [text length byte][text][groups: [nedits][edits: start end textlen text]...] */
	if (size < 1)
		return 0;
	size_t tlen = data[0];
	if (1 + tlen > size)
		return 0;
	const char *text = (const char *)data + 1;
	size_t pos = 1 + tlen;
	struct report r;
	report_init(&r, "fuzz.md");
	while (pos < size && r.findings.len < 64) {
		size_t n = data[pos++] % 5;
		struct finding f = { 0 };
		f.rule = xstrdup(pos % 2 ? "a-rule" : "b-rule");
		f.message = xstrdup("m");
		f.severity = SEVERITY_WARNING;
		f.fix = xcalloc(n + 1, sizeof(*f.fix));
		for (size_t k = 0; k < n && pos + 3 <= size; k++) {
			size_t a = data[pos] % (tlen + 1), b = data[pos + 1] % (tlen + 1);
			size_t len = data[pos + 2] % 8;
			pos += 3;
			if (pos + len > size)
				len = size - pos;
			struct edit *e = &f.fix[f.nfix];
			e->start = a < b ? a : b;
			e->end = a < b ? b : a;
			e->text = xstrndup((const char *)data + pos, len);
			e->text_len = len;
			pos += len;
			f.nfix++;
		}
		qsort(f.fix, f.nfix, sizeof(*f.fix), compare_edits);
		size_t kept = 0; /* drop overlapping edits, as ctx:report refuses them */
		for (size_t k = 0; k < f.nfix; k++) {
			if (kept && f.fix[k].start < f.fix[kept - 1].end) {
				edit_release(&f.fix[k]);
				continue;
			}
			f.fix[kept++] = f.fix[k];
		}
		f.nfix = kept;
		if (!f.nfix) {
			free(f.fix);
			f.fix = NULL;
		}
		f.start = f.nfix ? f.fix[0].start : 0;
		f.end = f.nfix ? f.fix[f.nfix - 1].end : 0;
		report_add(&r, &f);
	}
	size_t out_len = 0, applied = 0, groups = 0;
	/* odd text lengths exercise the CRLF conversion of inserted line breaks */
	struct fix_options opts = { .newline = tlen % 2 ? "\r\n" : "\n" };
	char *out = fix_apply(text, tlen, &r, &opts, &out_len, &applied);
	for (size_t i = 0; i < r.findings.len; i++)
		groups += r.findings.items[i].nfix > 0;
	size_t inserted = 0;
	for (size_t i = 0; i < r.findings.len; i++)
		for (size_t k = 0; k < r.findings.items[i].nfix; k++)
			inserted += r.findings.items[i].fix[k].text_len;
	if (!out || applied > groups || out_len > tlen + 2 * inserted || out[out_len] != '\0')
		abort();
	if (applied == 0 && (out_len != tlen || memcmp(out, text, tlen) != 0))
		abort();
	/* applying again to the result with no findings changes nothing */
	struct report empty;
	report_init(&empty, "fuzz.md");
	size_t again_len, again_applied;
	char *again = fix_apply(out, out_len, &empty, NULL, &again_len, &again_applied);
	if (again_applied || again_len != out_len || memcmp(again, out, out_len) != 0)
		abort();
	free(again);
	report_release(&empty);
	free(out);
	report_release(&r);
	return 0;
}
