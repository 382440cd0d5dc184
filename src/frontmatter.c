/* Front matter: locate the YAML block, parse it with libyaml's event API into a value tree. */
#include "frontmatter.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "util/xalloc.h"

/* Returns the end of the line starting at pos (the offset of the last byte of its line break,
 * or len), and in *content_end the end of the line's content. Line breaks are "\n", "\r\n" and
 * a lone "\r" (old Mac files), as in the post's line table. */
static size_t line_end(const char *text, size_t len, size_t pos, size_t *content_end)
{
	size_t c = pos;
	while (c < len && text[c] != '\n' && text[c] != '\r')
		c++;
	*content_end = c;
	if (c + 1 < len && text[c] == '\r' && text[c + 1] == '\n')
		return c + 1;
	return c;
}

static bool line_is(const char *text, size_t start, size_t end, const char *marker)
{
	while (end > start && (text[end - 1] == ' ' || text[end - 1] == '\t'))
		end--; /* trailing blanks are invisible; forgive them */
	size_t n = strlen(marker);
	return end - start == n && memcmp(text + start, marker, n) == 0;
}

enum frontmatter_found frontmatter_locate(const char *text, size_t len, size_t *yaml_start,
					  size_t *yaml_end, size_t *body_start)
{
	size_t pos = 0;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	size_t content_end;
	size_t end = line_end(text, len, pos, &content_end);
	if (!line_is(text, pos, content_end, "---"))
		return FRONTMATTER_NONE;
	size_t start = end < len ? end + 1 : len;
	for (size_t line = start; line < len;) {
		end = line_end(text, len, line, &content_end);
		if (line_is(text, line, content_end, "---") || line_is(text, line, content_end, "...")) {
			*yaml_start = start;
			*yaml_end = line;
			*body_start = end < len ? end + 1 : len;
			return FRONTMATTER_FOUND;
		}
		line = end + 1;
	}
	*yaml_start = start;
	*yaml_end = len;
	*body_start = len;
	return FRONTMATTER_UNTERMINATED;
}

/* YAML 1.2 core schema resolution for plain scalars. */
static struct value *resolve_plain(const char *s, size_t n)
{
	static const char *const trues[] = { "true", "True", "TRUE" };
	static const char *const falses[] = { "false", "False", "FALSE" };
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	for (size_t i = 0; i < 3; i++) {
		if (strlen(trues[i]) == n && memcmp(s, trues[i], n) == 0)
			return value_new_bool(true);
		if (strlen(falses[i]) == n && memcmp(s, falses[i], n) == 0)
			return value_new_bool(false);
	}
	for (size_t i = 0; i < 5; i++)
		if (strlen(nulls[i]) == n && memcmp(s, nulls[i], n) == 0)
			return value_new(VALUE_NIL);
	/* [-+]?digits[.digits][e[-+]digits], nothing else: "2026-12-01" stays a string */
	size_t i = 0;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	size_t digits = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++, digits++;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++, digits++;
	}
	if (digits && i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		size_t exp = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++, exp++;
		if (!exp)
			digits = 0;
	}
	if (digits && i == n && n < 64) {
		char tmp[64];
		memcpy(tmp, s, n);
		tmp[n] = '\0';
		double d = strtod(tmp, NULL);
		if (isfinite(d))
			return value_new_number(d);
	}
	return value_new_string(s, n);
}

struct frame {
	struct value *node;
	char *pending_key; /* maps: the key waiting for its value */
	int key_line, key_column;
};

struct builder {
	const char *text;
	size_t yaml_start;
	int first_line;
	struct frame stack[FRONTMATTER_MAX_DEPTH + 1];
	int depth;
	struct value *root;
	struct frontmatter_error *err;
};

/* libyaml marks are relative to the parsed slice; convert to a byte offset in the file. */
static size_t mark_offset(const struct builder *b, yaml_mark_t mark)
{
	return b->yaml_start + mark.index;
}

static int fail(struct builder *b, size_t offset, const char *fmt, const char *detail)
{
	b->err->offset = offset;
	snprintf(b->err->message, sizeof(b->err->message), fmt, detail ? detail : "");
	return -1;
}

/* Attaches v to the container on top of the stack (or makes it the root). Takes ownership. */
static int attach(struct builder *b, struct value *v, yaml_mark_t mark)
{
	if (b->depth == 0) {
		b->root = v;
		return 0;
	}
	struct frame *top = &b->stack[b->depth - 1];
	if (top->node->type == VALUE_LIST) {
		value_list_push(top->node, v);
		return 0;
	}
	if (!top->pending_key) {
		/* a key: must be a scalar */
		if (v->type == VALUE_LIST || v->type == VALUE_MAP) {
			value_free(v);
			return fail(b, mark_offset(b, mark), "front matter keys must be plain text%s", NULL);
		}
		const char *key = v->type == VALUE_STRING ? v->string : NULL;
		char numbuf[64];
		if (v->type == VALUE_NUMBER) {
			snprintf(numbuf, sizeof(numbuf), "%g", v->number);
			key = numbuf;
		} else if (v->type == VALUE_BOOL) {
			key = v->boolean ? "true" : "false";
		} else if (v->type == VALUE_NIL) {
			key = "null";
		}
		if (value_map_get(top->node, key)) {
			char msg[200];
			snprintf(msg, sizeof(msg), "%.160s", key);
			value_free(v);
			return fail(b, mark_offset(b, mark), "duplicate front matter key '%s'", msg);
		}
		top->pending_key = xstrdup(key);
		value_free(v);
		return 0;
	}
	v->line = v->line ? v->line : 0;
	value_map_set(top->node, top->pending_key, v);
	free(top->pending_key);
	top->pending_key = NULL;
	return 0;
}

static int push_container(struct builder *b, enum value_type type, yaml_mark_t mark)
{
	if (b->depth >= FRONTMATTER_MAX_DEPTH)
		return fail(b, mark_offset(b, mark),
			    "front matter is nested too deeply (more than 32 levels)%s", NULL);
	struct value *v = value_new(type);
	v->line = b->first_line + (int)mark.line;
	v->column = (int)mark.column + 1;
	if (b->depth > 0) {
		/* attach now so that cleanup frees it with its parent */
		if (attach(b, v, mark) < 0)
			return -1;
	} else {
		b->root = v;
	}
	b->stack[b->depth].node = v;
	b->stack[b->depth].pending_key = NULL;
	b->depth++;
	return 0;
}

static int handle_event(struct builder *b, yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return fail(b, mark_offset(b, ev->start_mark),
			    "YAML aliases are not allowed in front matter ('*%s')",
			    (const char *)ev->data.alias.anchor);
	case YAML_SCALAR_EVENT: {
		if (ev->data.scalar.anchor)
			return fail(b, mark_offset(b, ev->start_mark),
				    "YAML anchors are not allowed in front matter ('&%s')",
				    (const char *)ev->data.scalar.anchor);
		const char *s = (const char *)ev->data.scalar.value;
		size_t n = ev->data.scalar.length;
		struct value *v = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !ev->data.scalar.tag
					  ? resolve_plain(s, n)
					  : value_new_string(s, n);
		v->line = b->first_line + (int)ev->start_mark.line;
		v->column = (int)ev->start_mark.column + 1;
		return attach(b, v, ev->start_mark);
	}
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		const yaml_char_t *anchor = ev->type == YAML_SEQUENCE_START_EVENT
						    ? ev->data.sequence_start.anchor
						    : ev->data.mapping_start.anchor;
		if (anchor)
			return fail(b, mark_offset(b, ev->start_mark),
				    "YAML anchors are not allowed in front matter ('&%s')",
				    (const char *)anchor);
		if (b->depth > 0 && b->stack[b->depth - 1].node->type == VALUE_MAP &&
		    !b->stack[b->depth - 1].pending_key)
			return fail(b, mark_offset(b, ev->start_mark),
				    "front matter keys must be plain text%s", NULL);
		return push_container(b, ev->type == YAML_SEQUENCE_START_EVENT ? VALUE_LIST : VALUE_MAP,
				      ev->start_mark);
	}
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (b->depth > 0) {
			b->depth--;
			free(b->stack[b->depth].pending_key);
			b->stack[b->depth].pending_key = NULL;
		}
		return 0;
	default:
		return 0;
	}
}

static void yaml_problem(struct builder *b, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "invalid YAML";
	size_t offset = b->yaml_start + p->problem_mark.index;
	if (p->error == YAML_READER_ERROR)
		offset = b->yaml_start + p->problem_offset;
	char msg[280];
	if (p->context && p->error != YAML_READER_ERROR)
		snprintf(msg, sizeof(msg), "%s %s", p->context, problem);
	else
		snprintf(msg, sizeof(msg), "%s", problem);
	if (p->problem && strstr(p->problem, "mapping values are not allowed"))
		strncat(msg, " (put quotes around a value that contains ': ')",
			sizeof(msg) - strlen(msg) - 1);
	else if (p->problem && strstr(p->problem, "cannot start any token"))
		strncat(msg, " (YAML indents with spaces, not tabs)", sizeof(msg) - strlen(msg) - 1);
	fail(b, offset, "invalid front matter: %s", msg);
}

int frontmatter_parse(const char *text, size_t yaml_start, size_t yaml_end, int first_line,
		      struct value **out, struct frontmatter_error *err)
{
	struct builder b = { .text = text, .yaml_start = yaml_start, .first_line = first_line,
			     .err = err };
	yaml_parser_t parser;
	int rc = -1;
	int documents = 0;
	*out = NULL;

	if (yaml_end - yaml_start > FRONTMATTER_MAX_BYTES) {
		err->offset = yaml_start;
		snprintf(err->message, sizeof(err->message),
			 "front matter is larger than %d KB", FRONTMATTER_MAX_BYTES / 1024);
		return -1;
	}
	if (!yaml_parser_initialize(&parser)) {
		err->offset = yaml_start;
		snprintf(err->message, sizeof(err->message), "cannot initialize the YAML parser");
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text + yaml_start,
				     yaml_end - yaml_start);
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			yaml_problem(&b, &parser);
			goto done;
		}
		yaml_event_type_t type = ev.type;
		if (type == YAML_DOCUMENT_START_EVENT && ++documents > 1) {
			fail(&b, mark_offset(&b, ev.start_mark),
			     "front matter holds more than one YAML document%s", NULL);
			yaml_event_delete(&ev);
			goto done;
		}
		int hr = handle_event(&b, &ev);
		yaml_event_delete(&ev);
		if (hr < 0)
			goto done;
		if (type == YAML_STREAM_END_EVENT)
			break;
	}
	if (!b.root || b.root->type == VALUE_NIL) {
		value_free(b.root);
		b.root = value_new(VALUE_MAP); /* "---\n---": empty front matter */
	} else if (b.root->type != VALUE_MAP) {
		fail(&b, yaml_start,
		     "front matter must be a mapping of keys to values (like 'platform: x')%s", NULL);
		goto done;
	}
	b.root->line = first_line;
	b.root->column = 1;
	*out = b.root;
	b.root = NULL;
	rc = 0;
done:
	for (int i = 0; i < b.depth; i++)
		free(b.stack[i].pending_key);
	value_free(b.root);
	yaml_parser_delete(&parser);
	return rc;
}
