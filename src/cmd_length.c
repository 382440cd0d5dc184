/* `postlint length [FILE...|--stdin] [--platform P|all] [--format json]`: each post's
 * length per platform and thread part, against the platform's limit. */
#include "cmd_length.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config.h"
#include "length.h"
#include "platform.h"
#include "post.h"
#include "source.h"
#include "util/buf.h"
#include "util/xalloc.h"

static const char *const all_platforms[] = { "x", "mastodon", "bluesky", "threads", "linkedin",
	"instagram", "facebook", NULL };

/* The platforms to measure: --platform, else the front matter's, else the .lintrc default,
 * else all of them. Unknown names from the front matter are reported and skipped. */
static size_t choose_platforms(const char *option, const struct post *post,
			       const struct config *cfg, const char **out, size_t cap)
{
	size_t n = 0;
	if (option && strcmp(option, "all") != 0) {
		out[n++] = option;
		return n;
	}
	if (!option) {
		const struct value *v = value_map_get(post_meta(post), "platform");
		if (!v)
			v = value_map_get(post_meta(post), "platforms");
		if (v && v->type == VALUE_STRING) {
			out[n++] = v->string;
		} else if (v && v->type == VALUE_LIST) {
			for (size_t i = 0; i < v->len && n < cap; i++)
				if (v->items[i]->type == VALUE_STRING)
					out[n++] = v->items[i]->string;
		}
		if (n == 0 && cfg && cfg->platforms)
			for (char **p = cfg->platforms; *p && n < cap; p++)
				out[n++] = *p;
		if (n)
			return n;
	}
	for (const char *const *p = all_platforms; *p && n < cap; p++)
		out[n++] = *p;
	return n;
}

/* Reads all of f (standard input), at most max bytes. */
static int read_stream(FILE *f, char **data, size_t *len, size_t max, struct buf *err)
{
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf_add(&b, chunk, n);
		if (b.len > max) {
			buf_release(&b);
			buf_addf(err, "<stdin>: larger than %zu KB", max >> 10);
			return -1;
		}
	}
	if (ferror(f)) {
		buf_release(&b);
		buf_adds(err, "cannot read standard input");
		return -1;
	}
	*data = buf_detach(&b, len);
	return 0;
}

struct totals {
	bool over, trouble;
};

static void measure_post(const struct cli *cli, const struct post *post, const struct config *cfg,
			 json_t *files, struct totals *t)
{
	const char *names[32];
	size_t n = choose_platforms(cli->platform, post, cfg, names, 32);
	json_t *jfile = json_object();
	json_object_set_new(jfile, "path", json_string(post->path));
	json_t *jplatforms = json_array();
	bool text = files == NULL;
	if (text)
		printf("%s\n", post->path);
	size_t nparts = post->parts.len;
	for (size_t i = 0; i < n; i++) {
		char lower[16];
		snprintf(lower, sizeof(lower), "%s", names[i]);
		for (char *c = lower; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		struct platform_settings ps;
		if (!length_settings(lower, cfg ? &cfg->platform_limits : NULL, &ps)) {
			fprintf(stderr, "postlint: %s: unknown platform '%s' (known: %s)\n", post->path,
				names[i], platform_names());
			t->trouble = true;
			continue;
		}
		json_t *jp = json_object();
		json_object_set_new(jp, "platform", json_string(ps.name));
		json_object_set_new(jp, "limit", json_integer(ps.limit));
		json_object_set_new(jp, "unit", json_string(ps.unit));
		json_object_set_new(jp, "max_bytes", ps.max_bytes ? json_integer(ps.max_bytes) : json_null());
		json_t *jparts = json_array();
		for (size_t k = 1; k <= nparts; k++) {
			struct buf body = BUF_INIT;
			length_post_text(post, nparts > 1 ? k : 0, &body);
			struct length_result r;
			length_measure(&ps, body.ptr, body.len, &r);
			buf_release(&body);
			t->over |= r.over;
			json_t *jr = json_object();
			json_object_set_new(jr, "part", json_integer((json_int_t)k));
			json_object_set_new(jr, "length", json_integer(r.length));
			json_object_set_new(jr, "bytes", json_integer((json_int_t)r.bytes));
			json_object_set_new(jr, "over", json_boolean(r.over));
			json_array_append_new(jparts, jr);
			if (!text)
				continue;
			char where[32] = "";
			if (nparts > 1)
				snprintf(where, sizeof(where), "part %zu/%zu", k, nparts);
			printf("  %-10s %-10s %ld/%ld %s", ps.name, where, r.length, ps.limit, ps.unit);
			if (ps.max_bytes)
				printf(", %zu/%ld bytes", r.bytes, ps.max_bytes);
			if (r.length > ps.limit)
				printf("  over by %ld", r.length - ps.limit);
			else if (ps.max_bytes && (long)r.bytes > ps.max_bytes)
				printf("  over by %ld bytes", (long)r.bytes - ps.max_bytes);
			printf("\n");
		}
		json_object_set_new(jp, "parts", jparts);
		json_array_append_new(jplatforms, jp);
	}
	json_object_set_new(jfile, "platforms", jplatforms);
	if (files)
		json_array_append_new(files, jfile);
	else
		json_decref(jfile);
}

int cmd_length(const struct cli *cli)
{
	const char *fmt = cli->format ? cli->format : "text";
	if (strcmp(fmt, "text") != 0 && strcmp(fmt, "json") != 0) {
		fprintf(stderr, "postlint: length: --format must be text or json\n");
		return 2;
	}
	if (cli->platform && strcmp(cli->platform, "all") != 0) {
		struct platform_settings ps;
		if (!length_settings(cli->platform, NULL, &ps)) {
			fprintf(stderr, "postlint: unknown platform '%s' (known: %s, or all)\n",
				cli->platform, platform_names());
			return 2;
		}
	}
	if (cli->stdin_input == (cli->nargs > 0)) {
		fprintf(stderr, "usage: postlint length [--platform P|all] [--format json] "
				"(FILE... | --stdin)\n");
		return 2;
	}
	struct totals t = { 0 };
	json_t *files = strcmp(fmt, "json") == 0 ? json_array() : NULL;
	struct config_store *configs = config_store_new(cli->config_path);
	size_t ninputs = cli->stdin_input ? 1 : cli->nargs;
	for (size_t i = 0; i < ninputs; i++) {
		const char *display = cli->stdin_input ? "<stdin>" : cli->args[i];
		char *data = NULL;
		size_t len = 0;
		struct buf err = BUF_INIT;
		int rc = cli->stdin_input ? read_stream(stdin, &data, &len, 64u << 20, &err)
					 : source_read(cli->args[i], &data, &len, &err);
		if (rc < 0) {
			fprintf(stderr, "postlint: %s\n", err.ptr);
			buf_release(&err);
			t.trouble = true;
			continue;
		}
		buf_release(&err);
		char *abs = source_absolute(cli->stdin_input ? "." : cli->args[i]);
		const struct config *cfg = config_store_for(configs, abs, cli->stdin_input);
		free(abs);
		struct post *post = post_new(display, data, len);
		if (post->front_matter_failed) {
			int line, col;
			post_line_col(post, post->front_matter_error->offset, &line, &col);
			fprintf(stderr, "postlint: %s:%d:%d: front matter: %s\n", display, line, col,
				post->front_matter_error->message);
			t.trouble = true;
		}
		measure_post(cli, post, cfg, files, &t);
		post_free(post);
	}
	if (config_store_errors(configs)) {
		fprintf(stderr, "postlint: %s", config_store_errors(configs));
		t.trouble = true;
	}
	config_store_free(configs);
	if (files) {
		json_t *root = json_object();
		json_object_set_new(root, "version", json_integer(1));
		json_object_set_new(root, "files", files);
		char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("%s\n", s);
		free(s);
		json_decref(root);
	}
	if (t.trouble)
		return 2;
	return t.over ? 1 : 0;
}
