/* XML escaping (see xml_writer.h). */
#include "xml_writer.h"

#include <stdint.h>
#include <string.h>

#include "unicode.h"

#define REPLACEMENT "\xEF\xBF\xBD"

void xml_escape(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		int32_t cp;
		int k = uni_decode(s + i, n - i, &cp);
		if (k < 0) {
			buf_adds(b, REPLACEMENT);
			i++;
			continue;
		}
		switch (cp) {
		case '&': buf_adds(b, "&amp;"); break;
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		case '\'': buf_adds(b, "&apos;"); break;
		case '\t': buf_adds(b, "&#9;"); break;
		case '\n': buf_adds(b, "&#10;"); break;
		case '\r': buf_adds(b, "&#13;"); break;
		default:
			if (cp < 0x20 || cp == 0x7F || cp == 0xFFFE || cp == 0xFFFF)
				buf_adds(b, REPLACEMENT);
			else
				buf_add(b, s + i, (size_t)k);
		}
		i += (size_t)k;
	}
}

void xml_escapes(struct buf *b, const char *s)
{
	xml_escape(b, s, strlen(s));
}
