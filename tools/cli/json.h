/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * json.h: the --json output (one object per run), built with jansson.
 *
 * Keys and nesting follow the calls; the object is written whole by
 * json_end (or, if the watchdog ends the run, whole by it with the error
 * added: json_render), so standard output holds one complete, valid JSON
 * object or nothing, never a cut one.  Strings are checked as strict
 * UTF-8 (bytes that are not UTF-8 become U+FFFD) and written as ASCII
 * with \u escapes, so any name a QR code, a file or a token carries
 * gives valid JSON that cannot act on a terminal.
 */
#ifndef TOOL_JSON_H
#define TOOL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_DEPTH_MAX 8

struct json_t;

typedef struct json_out {
	FILE *f;
	int depth;                            /* levels open below the top */
	struct json_t *level[JSON_DEPTH_MAX]; /* [0]: the whole object */
	int deeper;                           /* opened past JSON_DEPTH_MAX */
	bool failed;                          /* out of memory on the way */
} json_out;

void json_begin(json_out *j, FILE *f); /* starts the object */
void json_end(json_out *j);            /* writes it whole, newline */

/* key may be NULL inside arrays. */
void json_str(json_out *j, const char *key, const char *val); /* NULL: null */
void json_int(json_out *j, const char *key, long long val);
void json_uint(json_out *j, const char *key, unsigned long long val);
void json_bool(json_out *j, const char *key, bool val);
void json_null(json_out *j, const char *key);
void json_obj(json_out *j, const char *key); /* opens an object */
void json_arr(json_out *j, const char *key); /* opens an array */
void json_close(json_out *j);                /* closes the innermost */

/*
 * The object as it stands, with these top-level members set (the
 * watchdog's ending): "seed_state" and "config_state" (each when not
 * NULL), "ok": false,
 * "exit_code", "error": {"code", "message"}; a heap string ending in a
 * newline, or NULL when out of memory.  j is not changed.
 */
char *json_render(const json_out *j, const char *seed_state,
                  const char *config_state, int exit_code, const char *code,
                  const char *message);

#endif /* TOOL_JSON_H */
