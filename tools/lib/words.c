/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * words.c: the sentences front ends show people, in one place, so the
 * tool, a desktop window and the provisioning commands say the same thing
 * the same way and a sentence is changed once.  Errors carry their own
 * sentences (client_error); these are the ones said besides.
 */
#include <stdio.h>
#include <time.h>

#include "client.h"

static const char *const texts[CLIENT_TEXT_COUNT] = {
	[CLIENT_TEXT_POWER_CYCLE] =
		"Switch the token off and on (press its button until the "
		"display goes off, then again):\nuntil then it may still show "
		"codes of the old seed.",
	[CLIENT_TEXT_NTP_ADVICE] =
		"the host clock is not NTP-synchronised; enable it with "
		"'timedatectl set-ntp true' and burn again if the codes are "
		"off",
	[CLIENT_TEXT_NO_READER] =
		"No reader found: plug in a contactless (NFC) reader and check "
		"that pcscd runs (systemctl status pcscd).",
	[CLIENT_TEXT_PLACE_TOKEN] = "place the token and press its button",
	[CLIENT_TEXT_RESTRICTED] =
		"restricted sync: a clock write erases the seed",
	[CLIENT_TEXT_CLOCK_UNREAD] =
		"The token clock could not be read back; check the codes with "
		"'safeid-tool verify'.",
	[CLIENT_TEXT_BURN_QUESTION] =
		"Burn this account into the token? It replaces the seed the "
		"token holds.",
	[CLIENT_TEXT_ERASE_QUESTION] = "This ERASES the token's seed. Go on?",
	[CLIENT_TEXT_BURN_AGAIN] = "Burn the seed again: safeid-tool burn ...",
	[CLIENT_TEXT_BURNABLE] = "can be burned into this token family",
	[CLIENT_TEXT_NO_RECORD] = "no record on this host",
	[CLIENT_TEXT_FOREIGN_CARD] = CLIENT_FOREIGN_CARD_TEXT,
	[CLIENT_TEXT_MATCH] =
		"MATCH: the token shows the right code; its clock is in step "
		"with this host.",
};

const char *client_text(client_text_id id)
{
	if ((unsigned)id >= CLIENT_TEXT_COUNT || texts[id] == NULL)
		return "";
	return texts[id];
}

const char *client_config_state_name(client_config_state s)
{
	switch (s) {
	case CLIENT_CONFIG_UNCHANGED:
		return "unchanged";
	case CLIENT_CONFIG_WRITTEN:
		return "written";
	default:
		return "unknown";
	}
}

/*
 * The seed alone does not say it all: on a model without restricted sync
 * a configuration write leaves the seed but replaces the clock, hash,
 * step and display, so the codes change even when the seed did not.
 */
void client_text_held(const client_write_result *res, char *out, size_t cap)
{
	char cfg[96];

	snprintf(cfg, sizeof(cfg), "clock, %s, %u s step, %u s display",
	         res->hash == SAFEID_HASH_SHA256 ? "SHA-256" : "SHA-1",
	         res->step, res->display_seconds);
	switch (res->seed) {
	case SAFEID_SEED_NEW:
		snprintf(out, cap, "the token holds the new seed");
		return;
	case SAFEID_SEED_ERASED:
		snprintf(out, cap, "the token holds no seed (the configuration "
		         "write erased it; it has this write's %s): burn again",
		         cfg);
		return;
	case SAFEID_SEED_UNKNOWN:
		snprintf(out, cap, "unknown: a write was sent but its answer "
		         "was lost or garbled; burn again to be sure");
		return;
	default:
		break;
	}
	if (res->config == CLIENT_CONFIG_WRITTEN)
		snprintf(out, cap, "the token still holds its previous seed, "
		         "with the configuration this write set (%s)", cfg);
	else if (res->config == CLIENT_CONFIG_UNKNOWN)
		snprintf(out, cap, "the token still holds its previous seed, "
		         "but its configuration is not known: the answer to "
		         "the configuration write (%s) was lost or garbled, so "
		         "it has the old configuration or this one", cfg);
	else
		snprintf(out, cap, "the token still holds its previous seed "
		         "and configuration (nothing was changed)");
}

const char *client_step_text(client_step step)
{
	switch (step) {
	case CLIENT_STEP_INFO:
		return "read token info";
	case CLIENT_STEP_BURN_WRITE:
		return "authenticate, write configuration, then seed";
	case CLIENT_STEP_CLOCK_WRITE:
		return "authenticate, write configuration with the clock";
	case CLIENT_STEP_READ_BACK:
		return "read the clock back";
	}
	return "unknown step";
}

const char *client_ntp_state_text(client_ntp_state s)
{
	switch (s) {
	case CLIENT_NTP_SYNCED:
		return "synchronised by NTP";
	case CLIENT_NTP_UNSYNCED:
		return "NOT synchronised by NTP: the token will be set to this "
		       "clock, so its codes may be off";
	default:
		return "synchronisation unknown";
	}
}

const char *client_text_next_step(safeid_seed_state held, int exit_code)
{
	if (exit_code == CLIENT_EXIT_PARTIAL)
		return "take the token off the reader, switch it off and on, "
		       "and burn again";
	if (held == SAFEID_SEED_NEW)
		return "switch the token off and on and check its codes with "
		       "'safeid-tool verify'";
	return "take the token off the reader, switch it off and on, put it "
	       "back and run again (or raise --timeout)";
}

void client_text_time(uint64_t t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, cap, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(out, cap, "%llu", (unsigned long long)t);
}

void client_text_codes(const client_input *in, uint64_t now, char *out,
                       size_t cap)
{
	unsigned step = in->report.step;

	snprintf(out, cap, "It should show %06u now (%u s left), then %06u.",
	         client_code_at(in, now), step - (unsigned)(now % step),
	         client_code_at(in, now + step));
}

void client_text_clock(const char *verb, uint64_t clock, uint64_t host_now,
                       char *out, size_t cap)
{
	char when[48];

	client_text_time(clock, when, sizeof(when));
	snprintf(out, cap, "Token clock %s %s (%+lld s from the host clock).",
	         verb, when, (long long)clock - (long long)host_now);
}

void client_text_offset(long offset, unsigned step, char *out, size_t cap)
{
	long steps = offset < 0 ? -offset : offset;

	snprintf(out, cap,
	         "MATCH, but the token's clock is %ld step%s (about %ld s) %s "
	         "this host.\nSet it with 'safeid-tool clock' (on a "
	         "restricted-sync model, burn again instead).",
	         steps, steps == 1 ? "" : "s", steps * (long)step,
	         offset > 0 ? "ahead of" : "behind");
}

void client_text_exposed(const char *path, char *out, size_t cap)
{
	snprintf(out, cap,
	         "'%s' holds a secret but other users can read it: run "
	         "'chmod 600 %s' or delete it after the burn",
	         path, path);
}
