/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * json.c: the --json writer, on jansson (Debian's libjansson).
 *
 * The object is built as the command goes and written whole at the end:
 * a run that dies on the way (a crash, Ctrl-C) leaves nothing on standard
 * output rather than a cut object, and one that fails writes its error
 * inside the same valid object.  The watchdog, which ends the run from a
 * signal handler, cannot build anything there: it prepares the whole
 * object with its error beforehand (json_render) and only writes it.
 *
 * jansson refuses strings that are not UTF-8; such bytes (a name from a
 * hostile QR code, a file name) become U+FFFD here, one for each broken
 * character, and nothing is passed through as it came.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* jansson has a json_null() of its own, which our json_null (the
 * writer's API, older than this file) shadows: its declaration is kept
 * out of the way and a null value is made with json_pack("n"). */
#define json_null jansson_json_null_unused
#include <jansson.h>
#undef json_null

#include "inputs.h"
#include "json.h"

/* Dump flags: compact, and ASCII only, so that control, C1 and
 * bidirectional characters travel as \u escapes. */
#define JSON_FLAGS (JSON_COMPACT | JSON_ENSURE_ASCII)

/* s as a JSON string: as it is when strict UTF-8, else with every bad
 * sequence replaced by U+FFFD. */
static json_t *string_new(const char *s)
{
	size_t len = strlen(s), o = 0;
	json_t *v = json_stringn(s, len);
	char *fixed;

	if (v != NULL || len > SIZE_MAX / 3)
		return v;
	/* a bad byte (1) becomes EF BF BD (3) */
	fixed = malloc(len * 3 + 1);
	if (fixed == NULL)
		return NULL;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = input_utf8_next(s + i, len - i, &cp);

		if (cp == INPUT_UTF8_BAD) {
			memcpy(fixed + o, "\xef\xbf\xbd", 3);
			o += 3;
		} else {
			memcpy(fixed + o, s + i, n);
			o += n;
		}
		i += n;
	}
	v = json_stringn(fixed, o);
	free(fixed);
	return v;
}

/* Put v under key into the innermost open level (takes v). */
static void add(json_out *j, const char *key, json_t *v)
{
	json_t *parent = j->level[j->depth];
	int rc = -1;

	if (v != NULL && parent != NULL) {
		if (json_is_array(parent))
			rc = json_array_append_new(parent, v);
		else
			rc = json_object_set_new(parent, key != NULL ? key : "",
			                         v);
		v = NULL;
	}
	json_decref(v);
	if (rc != 0)
		j->failed = true;
}

void json_begin(json_out *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->level[0] = json_object();
	j->failed = j->level[0] == NULL;
}

/* What is left to say when the object itself could not be built. */
static const char nomem_object[] =
	"{\"ok\":false,\"exit_code\":9,\"error\":{\"code\":\"nomem\","
	"\"message\":\"out of memory writing the JSON output\"}}\n";

void json_end(json_out *j)
{
	char *text = NULL;

	if (!j->failed)
		text = json_dumps(j->level[0], JSON_FLAGS);
	if (text != NULL) {
		fputs(text, j->f);
		fputc('\n', j->f);
		free(text);
	} else {
		fputs(nomem_object, j->f);
	}
	fflush(j->f);
	json_decref(j->level[0]);
	memset(j->level, 0, sizeof(j->level));
	j->depth = 0;
	j->deeper = 0;
}

void json_str(json_out *j, const char *key, const char *val)
{
	add(j, key, val != NULL ? string_new(val) : json_pack("n"));
}

void json_int(json_out *j, const char *key, long long val)
{
	add(j, key, json_integer((json_int_t)val));
}

void json_uint(json_out *j, const char *key, unsigned long long val)
{
	/* JSON numbers have no size; jansson's integers stop at 2^63-1,
	 * past which the value goes as the nearest double (never reached:
	 * times, counts and sizes) */
	add(j, key,
	    val <= (unsigned long long)LLONG_MAX ? json_integer((json_int_t)val)
	                                         : json_real((double)val));
}

void json_bool(json_out *j, const char *key, bool val)
{
	add(j, key, json_boolean(val));
}

void json_null(json_out *j, const char *key)
{
	add(j, key, json_pack("n"));
}

static void nested_open(json_out *j, const char *key, json_t *v)
{
	json_t *parent = j->level[j->depth];
	int rc = -1;

	if (v != NULL && parent != NULL)
		rc = json_is_array(parent)
		             ? json_array_append(parent, v)
		             : json_object_set(parent, key != NULL ? key : "",
		                               v);
	if (rc != 0)
		j->failed = true;
	/* Deeper than the output ever goes: keep writing into the last
	 * level (still valid JSON), and count the closes that are due. */
	if (j->depth + 1 < JSON_DEPTH_MAX)
		j->level[++j->depth] = rc == 0 ? v : NULL;
	else
		j->deeper++;
	json_decref(v); /* the parent holds it */
}

void json_obj(json_out *j, const char *key)
{
	nested_open(j, key, json_object());
}

void json_arr(json_out *j, const char *key)
{
	nested_open(j, key, json_array());
}

void json_close(json_out *j)
{
	if (j->deeper > 0) {
		j->deeper--;
		return;
	}
	if (j->depth == 0)
		return;
	j->level[j->depth--] = NULL;
}

char *json_render(const json_out *j, const char *seed_state,
                  const char *config_state, int exit_code, const char *code,
                  const char *message)
{
	json_t *top = j->failed ? NULL : json_deep_copy(j->level[0]);
	json_t *e = json_object();
	char *text = NULL, *line = NULL;
	int rc = top != NULL && e != NULL ? 0 : -1;

	if (rc == 0 && seed_state != NULL)
		rc |= json_object_set_new(top, "seed_state",
		                          string_new(seed_state));
	if (rc == 0 && config_state != NULL)
		rc |= json_object_set_new(top, "config_state",
		                          string_new(config_state));
	if (rc == 0) {
		rc |= json_object_set_new(top, "ok", json_false());
		rc |= json_object_set_new(top, "exit_code",
		                          json_integer(exit_code));
		rc |= json_object_set_new(e, "code", string_new(code));
		rc |= json_object_set_new(e, "message", string_new(message));
		rc |= json_object_set_new(top, "error", json_incref(e));
	}
	if (rc == 0)
		text = json_dumps(top, JSON_FLAGS);
	if (text != NULL && (line = malloc(strlen(text) + 2)) != NULL) {
		strcpy(line, text);
		strcat(line, "\n");
	}
	free(text);
	json_decref(e);
	json_decref(top);
	return line;
}
