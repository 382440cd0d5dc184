/* Escaping for XML 1.0 text and attribute values (the checkstyle format).
 *
 * XML 1.0 cannot carry most control characters at all, not even as character references,
 * and an attribute value loses its tabs and line breaks to normalisation unless they are
 * written as references. So: & < > " ' become entities; tab, LF and CR become &#9; &#10;
 * &#13;; the other C0 controls, DEL (allowed but discouraged), U+FFFE, U+FFFF and invalid
 * UTF-8 bytes become U+FFFD; everything else (all of non-ASCII) is kept as UTF-8. */
#ifndef POSTLINT_XML_WRITER_H
#define POSTLINT_XML_WRITER_H

#include <stddef.h>

#include "util/buf.h"

void xml_escape(struct buf *b, const char *s, size_t n);
void xml_escapes(struct buf *b, const char *s);

#endif
