/* SPDX-License-Identifier: BSD-2-Clause */
/* Printing the token's code and state. */
#include "emu_report.h"

#include <inttypes.h>
#include <stdio.h>

#include "emu_crypto.h"
#include "emu_state.h"

static const char *hash_name(unsigned hash)
{
	return hash == EMU_HASH_SHA256 ? "SHA256" : "SHA1";
}

long emu_report_code(const emu_token *t, int64_t now, int64_t *token_time)
{
	int64_t tt = emu_token_time(t, now);

	*token_time = tt;
	if (t->seedlen == 0 || tt < 0 || t->step == 0)
		return -1;
	return emu_hotp6(t->hash, t->seed, t->seedlen,
	                 (uint64_t)tt / (uint64_t)t->step);
}

int emu_report_print_code(const emu_token *t, int64_t now, bool json)
{
	int64_t tt = 0;
	long code = emu_report_code(t, now, &tt);

	if (t->seedlen == 0) {
		if (json)
			printf("{\"code\":null,\"token_time\":%" PRId64
			       ",\"has_seed\":"
			       "false,\"hash\":\"%s\",\"step\":%u,\"digits\":6,"
			       "\"serial\":\"%s\"}\n",
			       tt, hash_name(t->hash), t->step, t->serial);
		fprintf(stderr,
		        "safeid-emu: token %s: no seed: the display shows "
		        "no code; burn a seed first\n",
		        t->serial);
		return 3;
	}
	if (code < 0) {
		fprintf(stderr,
		        "safeid-emu: token %s: cannot compute the code "
		        "(HMAC failed or clock before 1970)\n",
		        t->serial);
		return 1;
	}
	if (json)
		printf("{\"code\":\"%06ld\",\"token_time\":%" PRId64
		       ",\"has_seed\":"
		       "true,\"hash\":\"%s\",\"step\":%u,\"digits\":6,"
		       "\"serial\":\"%s\"}\n",
		       code, tt, hash_name(t->hash), t->step, t->serial);
	else
		printf("%06ld\n", code);
	return 0;
}

void emu_report_print_show(const emu_token *t, int64_t now, bool json)
{
	int64_t offset = emu_token_time(t, now) - now;
	bool restricted = emu_token_restricted(t->serial);

	if (json) {
		printf("{\"serial\":\"%s\",\"model\":\"%s\",\"restricted_sync\":%s,"
		       "\"has_seed\":%s,\"hash\":\"%s\",\"step\":%u,\"display\":%u,"
		       "\"clock_offset\":%" PRId64 ",\"drift_ppm\":%" PRId32
		       "}\n",
		       t->serial, emu_token_model(t->serial),
		       restricted ? "true" : "false",
		       t->seedlen > 0 ? "true" : "false", hash_name(t->hash),
		       t->step, emu_display_seconds(t->display), offset,
		       t->drift_ppm);
		return;
	}
	printf("serial: %s\nmodel: %s\nrestricted_sync: %s\nhas_seed: %s\n"
	       "hash: %s\nstep: %u\ndisplay: %u\nclock_offset: %" PRId64
	       "\ndrift_ppm: %" PRId32 "\n",
	       t->serial, emu_token_model(t->serial), restricted ? "yes" : "no",
	       t->seedlen > 0 ? "yes" : "no", hash_name(t->hash), t->step,
	       emu_display_seconds(t->display), offset, t->drift_ppm);
}

/* ---- the Molto2 ---------------------------------------------------------- */

/* A title as a JSON string: printable ASCII as it is, other bytes (UTF-8
 * included) as they are unless they are controls, quotes or backslashes. */
static void print_title_json(const uint8_t *title)
{
	putchar('"');
	for (size_t i = 0; i < EMU_M2_TITLE_FIELD && title[i] != 0; i++) {
		uint8_t c = title[i];

		if (c < 0x20 || c == 0x7F)
			printf("\\u%04x", c);
		else if (c == '"' || c == '\\')
			printf("\\%c", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_title_text(const uint8_t *title)
{
	for (size_t i = 0; i < EMU_M2_TITLE_FIELD && title[i] != 0; i++)
		putchar(title[i] >= 0x20 && title[i] != 0x7F ? title[i] : '?');
}

int emu_report_print_m2_code(const emu_token *t, unsigned p, int64_t now,
                             bool json)
{
	const emu_m2_profile *q = &t->m2.p[p];
	int64_t tt = 0;
	long code = emu_m2_code(t, p, now, &tt);

	if (q->seedlen == 0) {
		if (json) {
			printf("{\"code\":null,\"token_time\":%" PRId64
			       ",\"has_seed\":"
			       "false,\"profile\":%u,\"serial\":\"%s\"}\n",
			       tt, p, t->serial);
		}
		fprintf(stderr,
		        "safeid-emu: token %s profile %u: no seed: the "
		        "display shows no code for it; burn a seed first\n",
		        t->serial, p);
		return 3;
	}
	if (code < 0) {
		fprintf(stderr,
		        "safeid-emu: token %s profile %u: cannot compute "
		        "the code (no config written, HMAC failed or clock before "
		        "1970)\n",
		        t->serial, p);
		return 1;
	}
	if (!json) {
		printf("%0*ld\n", (int)q->digits, code);
		return 0;
	}
	printf("{\"code\":\"%0*ld\",\"token_time\":%" PRId64 ",\"has_seed\":"
	       "true,\"hash\":\"%s\",\"step\":%u,\"digits\":%u,\"profile\":%u,"
	       "\"title\":",
	       (int)q->digits, code, tt, hash_name(q->hash), q->step, q->digits,
	       p);
	print_title_json(q->title);
	printf(",\"serial\":\"%s\"}\n", t->serial);
	return 0;
}

void emu_report_print_m2_show(const emu_token *t, int64_t now, bool json)
{
	const emu_m2 *m = &t->m2;
	int64_t offset = emu_token_time(t, now) - now;
	unsigned p;

	if (json) {
		printf("{\"family\":\"molto2\",\"serial\":\"%s\",\"profiles\":%u,"
		       "\"tries_left\":%u,\"tries_max\":%u,\"locked\":%s,"
		       "\"locked_sw\":\"%04X\",\"keep_tries\":%s,"
		       "\"screen_cmd\":%s,\"screen_locked\":%s,"
		       "\"clock_offset\":%" PRId64 ",\"drift_ppm\":%" PRId32
		       ",\"list\":[",
		       t->serial, m->profiles, m->tries_left, m->tries_max,
		       m->locked ? "true" : "false", m->locked_sw,
		       m->keep_tries ? "true" : "false",
		       m->screen_cmd ? "true" : "false",
		       m->screen_locked ? "true" : "false", offset,
		       t->drift_ppm);
		for (p = 0; p < m->profiles; p++) {
			const emu_m2_profile *q = &m->p[p];

			printf("%s{\"profile\":%u,\"has_seed\":%s,\"title\":",
			       p > 0 ? "," : "", p,
			       q->seedlen > 0 ? "true" : "false");
			print_title_json(q->title);
			printf(",\"hash\":\"%s\",\"digits\":%u,\"step\":%u,"
			       "\"display\":%u,\"clock_offset\":%" PRId64 "}",
			       q->hash != 0 ? hash_name(q->hash) : "none",
			       q->digits, q->step,
			       emu_display_seconds(q->display),
			       emu_m2_time(t, p, now) - now);
		}
		printf("]}\n");
		return;
	}
	printf("family: molto2\nserial: %s\nprofiles: %u\ntries_left: %u of "
	       "%u\nlocked: %s\nscreen_locked: %s\nclock_offset: %" PRId64
	       "\ndrift_ppm: %" PRId32 "\n",
	       t->serial, m->profiles, m->tries_left, m->tries_max,
	       m->locked ? "yes" : "no", m->screen_locked ? "yes" : "no",
	       offset, t->drift_ppm);
	for (p = 0; p < m->profiles; p++) {
		const emu_m2_profile *q = &m->p[p];

		if (q->seedlen == 0 && q->flag == 0)
			continue;
		printf("profile %u: seed %s, %s, %u digits, %u s, title \"", p,
		       q->seedlen > 0 ? "yes" : "no",
		       q->hash != 0 ? hash_name(q->hash) : "no config",
		       q->digits, q->step);
		print_title_text(q->title);
		printf("\"\n");
	}
}
