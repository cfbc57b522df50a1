/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * opensc_client.c: a small OpenSC application for the tests: connects
 * through libopensc (with whatever OPENSC_CONF says) to the card on reader
 * 0 and drives the safeid driver's vendor card_ctl calls.
 *
 *   opensc-client info               serial=, model=, clock=, card=
 *   opensc-client burn HASH STEP DISPLAY   seed as hex on stdin
 *   opensc-client profile N          a Molto2's profile N: seed=, title=,
 *                                    hash=, digits=, step=
 *
 * The seed is read from stdin, never from argv.  Exit 0 on success, 1 on a
 * token/driver error (message on stderr), 2 on bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hex.h"
#include "opensc-abi.h"
#include "safeid-opensc.h"

static int connect_first(struct sc_context **ctx, struct sc_card **card)
{
	sc_context_param_t param;
	struct sc_reader *reader;
	int r;

	memset(&param, 0, sizeof(param));
	param.app_name = "safeid-test";
	r = sc_context_create(ctx, &param);
	if (r != SC_SUCCESS) {
		fprintf(stderr, "sc_context_create: %s\n", sc_strerror(r));
		return 1;
	}
	reader = sc_ctx_get_reader(*ctx, 0);
	if (reader == NULL) {
		fprintf(stderr, "no reader 0\n");
		return 1;
	}
	r = sc_connect_card(reader, card);
	if (r != SC_SUCCESS) {
		fprintf(stderr, "sc_connect_card on '%s': %s\n", reader->name,
		        sc_strerror(r));
		return 1;
	}
	return 0;
}

static int do_info(struct sc_card *card)
{
	struct safeid_cardctl_info a;
	int r;

	memset(&a, 0, sizeof(a));
	r = sc_card_ctl(card, SAFEID_CARDCTL_GET_INFO, &a);
	if (r != SC_SUCCESS) {
		fprintf(stderr, "GET_INFO: %s (%s)\n", sc_strerror(r),
		        safeid_errname(a.err));
		return 1;
	}
	printf("card=%s\nserial=%s\nmodel=%s\nclock=%u\n", card->name,
	       a.info.serial, a.info.model != NULL ? a.info.model->name : "",
	       (unsigned)a.info.clock);
	return 0;
}

/* Hex seed from stdin into seed (cap bytes). */
static int read_seed(uint8_t *seed, size_t cap, size_t *len)
{
	char line[256];
	long n = -1;

	if (fgets(line, sizeof(line), stdin) != NULL)
		n = hex_decode(line, seed, cap);
	safeid_wipe(line, sizeof(line));
	if (n < 0)
		return -1;
	*len = (size_t)n;
	return 0;
}

static const char *seed_word(safeid_seed_state s)
{
	switch (s) {
	case SAFEID_SEED_OLD:
		return "old";
	case SAFEID_SEED_ERASED:
		return "erased";
	case SAFEID_SEED_NEW:
		return "new";
	default:
		return "unknown";
	}
}

static int do_burn(struct sc_card *card, char **argv)
{
	struct safeid_cardctl_burn a;
	uint8_t seed[64];
	size_t seedlen = 0;
	int r, ret = 1;

	memset(&a, 0, sizeof(a));
	a.cfg.hash = strcmp(argv[0], "sha256") == 0 ? SAFEID_HASH_SHA256
	                                            : SAFEID_HASH_SHA1;
	a.cfg.step = (unsigned)strtoul(argv[1], NULL, 10);
	if (safeid_display_from_seconds((unsigned)strtoul(argv[2], NULL, 10),
	                                &a.cfg.display) != SAFEID_OK ||
	    read_seed(seed, sizeof(seed), &seedlen) != 0) {
		fprintf(stderr, "bad display or seed\n");
		ret = 2;
		goto fail;
	}
	a.cfg.clock = (uint32_t)time(NULL);
	a.seed = seed;
	a.seedlen = seedlen;
	r = sc_card_ctl(card, SAFEID_CARDCTL_BURN, &a);
	printf("step=%s\ndone=%d\nerr=%s\nseed=%s\napdus=%u\n",
	       safeid_step_name(a.report.step),
	       a.report.step == SAFEID_STEP_DONE, safeid_errname(a.report.err),
	       seed_word(a.report.seed), a.report.apdus);
	if (r != SC_SUCCESS) {
		fprintf(stderr, "BURN: %s\n", sc_strerror(r));
		goto fail;
	}
	printf("serial=%s\nclock_after=%u\n", a.report.after.serial,
	       (unsigned)a.report.after.clock);
	ret = 0;
fail:
	safeid_wipe(seed, sizeof(seed));
	return ret;
}

/* A Molto2's profile, through the driver's per-profile card_ctl. */
static int do_profile(struct sc_card *card, const char *arg)
{
	struct safeid_cardctl_m2_profile a;
	char *end = NULL;
	unsigned long n = strtoul(arg, &end, 10);
	int r;

	if (end == arg || *end != '\0' || n >= SAFEID_M2_PROFILES)
		return 2;
	memset(&a, 0, sizeof(a));
	a.profile = (unsigned)n;
	r = sc_card_ctl(card, SAFEID_CARDCTL_M2_PROFILE, &a);
	if (r != SC_SUCCESS) {
		fprintf(stderr, "M2_PROFILE %lu: %s (%s)\n", n, sc_strerror(r),
		        safeid_errname(a.err));
		return 1;
	}
	/* the title as stored: printable ASCII in these tests */
	printf("seed=%d\ntitle=%s\nhash=%d\ndigits=%u\nstep=%u\n",
	       a.info.seed ? 1 : 0, a.info.title, (int)a.info.hash,
	       a.info.digits, a.info.step);
	return 0;
}

int main(int argc, char **argv)
{
	struct sc_context *ctx = NULL;
	struct sc_card *card = NULL;
	int ret = 2;

	if (argc < 2 || (strcmp(argv[1], "burn") == 0 && argc != 5) ||
	    (strcmp(argv[1], "profile") == 0 && argc != 3)) {
		fprintf(stderr,
		        "usage: %s info | burn sha1|sha256 STEP DISPLAY "
		        "| profile N\n",
		        argv[0]);
		return 2;
	}
	ret = connect_first(&ctx, &card);
	if (ret != 0)
		goto fail;
	if (strcmp(argv[1], "info") == 0)
		ret = do_info(card);
	else if (strcmp(argv[1], "burn") == 0)
		ret = do_burn(card, argv + 2);
	else if (strcmp(argv[1], "profile") == 0)
		ret = do_profile(card, argv[2]);
	else
		ret = 2;
fail:
	if (card != NULL)
		sc_disconnect_card(card);
	if (ctx != NULL)
		sc_release_context(ctx);
	return ret;
}
