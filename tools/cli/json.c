/*
 * json.c: the --json writer.  Output goes straight to the stream; nothing
 * is buffered, so a crash mid-way leaves a truncated object, never a
 * plausible but wrong one.
 */
#include <string.h>

#include "json.h"

static void string_put(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p != '\0') {
		unsigned char c = *p;
		size_t n = 0;

		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
			p++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
			p++;
			continue;
		}
		if (c < 0x80) {
			fputc(c, f);
			p++;
			continue;
		}
		/* Multi-byte UTF-8: copy a well-formed sequence, else U+FFFD. */
		if ((c & 0xe0) == 0xc0 && c >= 0xc2)
			n = 2;
		else if ((c & 0xf0) == 0xe0)
			n = 3;
		else if ((c & 0xf8) == 0xf0 && c <= 0xf4)
			n = 4;
		for (size_t k = 1; k < n; k++)
			if ((p[k] & 0xc0) != 0x80)
				n = 0;
		if (n == 0) {
			fputs("\\ufffd", f);
			p++;
			continue;
		}
		fwrite(p, 1, n, f);
		p += n;
	}
	fputc('"', f);
}

static void key_put(json_out *j, const char *key)
{
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	j->need_comma[j->depth] = true;
	if (key != NULL) {
		string_put(j->f, key);
		fputc(':', j->f);
	}
}

void json_begin(json_out *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	fputc('{', f);
}

void json_end(json_out *j)
{
	while (j->depth > 0)
		json_close(j);
	fputs("}\n", j->f);
	fflush(j->f);
}

void json_str(json_out *j, const char *key, const char *val)
{
	key_put(j, key);
	if (val == NULL)
		fputs("null", j->f);
	else
		string_put(j->f, val);
}

void json_int(json_out *j, const char *key, long long val)
{
	key_put(j, key);
	fprintf(j->f, "%lld", val);
}

void json_uint(json_out *j, const char *key, unsigned long long val)
{
	key_put(j, key);
	fprintf(j->f, "%llu", val);
}

void json_bool(json_out *j, const char *key, bool val)
{
	key_put(j, key);
	fputs(val ? "true" : "false", j->f);
}

void json_null(json_out *j, const char *key)
{
	key_put(j, key);
	fputs("null", j->f);
}

static void nested_open(json_out *j, const char *key, char open, char close)
{
	key_put(j, key);
	fputc(open, j->f);
	if (j->depth + 1 < JSON_DEPTH_MAX) {
		j->depth++;
		j->need_comma[j->depth] = false;
		j->closer[j->depth] = close;
	}
}

void json_obj(json_out *j, const char *key)
{
	nested_open(j, key, '{', '}');
}

void json_arr(json_out *j, const char *key)
{
	nested_open(j, key, '[', ']');
}

void json_close(json_out *j)
{
	if (j->depth == 0)
		return;
	fputc(j->closer[j->depth], j->f);
	j->depth--;
}
