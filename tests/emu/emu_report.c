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
			printf("{\"code\":null,\"token_time\":%" PRId64 ",\"has_seed\":"
			       "false,\"hash\":\"%s\",\"step\":%u,\"digits\":6,"
			       "\"serial\":\"%s\"}\n", tt, hash_name(t->hash), t->step,
			       t->serial);
		fprintf(stderr, "safeid-emu: token %s: no seed: the display shows "
		        "no code; burn a seed first\n", t->serial);
		return 3;
	}
	if (code < 0) {
		fprintf(stderr, "safeid-emu: token %s: cannot compute the code "
		        "(HMAC failed or clock before 1970)\n", t->serial);
		return 1;
	}
	if (json)
		printf("{\"code\":\"%06ld\",\"token_time\":%" PRId64 ",\"has_seed\":"
		       "true,\"hash\":\"%s\",\"step\":%u,\"digits\":6,"
		       "\"serial\":\"%s\"}\n", code, tt, hash_name(t->hash), t->step,
		       t->serial);
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
		       "\"clock_offset\":%" PRId64 ",\"drift_ppm\":%" PRId32 "}\n",
		       t->serial, emu_token_model(t->serial),
		       restricted ? "true" : "false",
		       t->seedlen > 0 ? "true" : "false", hash_name(t->hash), t->step,
		       emu_display_seconds(t->display), offset, t->drift_ppm);
		return;
	}
	printf("serial: %s\nmodel: %s\nrestricted_sync: %s\nhas_seed: %s\n"
	       "hash: %s\nstep: %u\ndisplay: %u\nclock_offset: %" PRId64
	       "\ndrift_ppm: %" PRId32 "\n",
	       t->serial, emu_token_model(t->serial), restricted ? "yes" : "no",
	       t->seedlen > 0 ? "yes" : "no", hash_name(t->hash), t->step,
	       emu_display_seconds(t->display), offset, t->drift_ppm);
}
