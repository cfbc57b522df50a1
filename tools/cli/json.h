/*
 * json.h: a small JSON writer for --json output (one object per run).
 *
 * Keys and nesting are written in call order; strings are escaped per RFC
 * 8259 (control characters as \u00XX, invalid UTF-8 bytes as U+FFFD), so
 * any account name a QR code carries gives valid JSON.
 */
#ifndef TOOL_JSON_H
#define TOOL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_DEPTH_MAX 8

typedef struct json_out {
	FILE *f;
	int depth;
	bool need_comma[JSON_DEPTH_MAX];
	char closer[JSON_DEPTH_MAX]; /* '}' or ']' per open level */
} json_out;

void json_begin(json_out *j, FILE *f);   /* writes "{" */
void json_end(json_out *j);              /* closes everything, newline */

/* key may be NULL inside arrays. */
void json_str(json_out *j, const char *key, const char *val); /* NULL: null */
void json_int(json_out *j, const char *key, long long val);
void json_uint(json_out *j, const char *key, unsigned long long val);
void json_bool(json_out *j, const char *key, bool val);
void json_null(json_out *j, const char *key);
void json_obj(json_out *j, const char *key);   /* opens an object */
void json_arr(json_out *j, const char *key);   /* opens an array */
void json_close(json_out *j);                  /* closes the innermost */

#endif /* TOOL_JSON_H */
