/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * words.c: the sentences front ends show people, in one place, so the
 * tool, a desktop window and the provisioning commands say the same thing
 * the same way and a sentence is changed once.  Errors carry their own
 * sentences (client_error); these are the ones said besides.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
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
	[CLIENT_TEXT_FACTORY_KEY] =
		"the token's factory customer key is used: it is public and "
		"protects nothing (anyone holding the token can change its "
		"profiles); set your own with 'safeid-tool set-key', then give "
		"it with --customer-key-file",
	[CLIENT_TEXT_M2_NO_RECORD] =
		"none needed: a Molto2 says itself what each profile holds "
		"('safeid-tool profiles')",
	[CLIENT_TEXT_M2_BURN_QUESTION] =
		"Burn into these profiles of the token?",
	[CLIENT_TEXT_OVERWRITE_QUESTION] =
		"This REPLACES the seed of every profile marked 'replaces'. "
		"Go on?",
	[CLIENT_TEXT_WIPE_QUESTION] =
		"Delete this profile's seed? Its codes are gone for good (the "
		"title and settings stay).",
	[CLIENT_TEXT_RESET_QUESTION] =
		"Factory reset: this ERASES every profile of the token and "
		"puts back the factory customer key. Go on?",
	[CLIENT_TEXT_LAST_TRY] =
		"the token has one try left: one more wrong customer key "
		"locks it, and only a factory reset (which erases every "
		"profile) makes it usable again",
	[CLIENT_TEXT_TITLES_PUBLIC] =
		"titles and settings can be read by anyone holding the token, "
		"without the key: put nothing secret in a title",
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

void client_text_press(safeid_m2_press what, const char *serial,
                       long seconds, char *out, size_t cap)
{
	snprintf(out, cap,
	         "Press the up-arrow button (▲) on token %s now to "
	         "confirm the %s, then press Enter here (within %ld s; Ctrl-D "
	         "gives up).",
	         serial,
	         what == SAFEID_M2_PRESS_RESET ? "factory reset"
	                                       : "customer key change",
	         seconds);
}

const char *client_m2_op_text(client_m2_op op)
{
	switch (op) {
	case CLIENT_M2_BURN:
		return "burn";
	case CLIENT_M2_SYNC:
		return "clock sync";
	case CLIENT_M2_WIPE:
		return "seed deletion";
	case CLIENT_M2_LOCK:
		return "screen lock";
	case CLIENT_M2_UNLOCK:
		return "screen unlock";
	case CLIENT_M2_SET_KEY:
		return "customer key change";
	case CLIENT_M2_RESET:
		return "factory reset";
	}
	return "command";
}

/* A part's state in the words of the core (safeid_m2_part_text), with
 * "erased" read as "none" for the parts a delete does not touch. */
void client_m2_text_held(const client_m2_result *r, char *out, size_t cap)
{
	snprintf(out, cap, "profile %u: seed %s; title %s; settings (hash, "
	         "digits, step, clock) %s",
	         r->profile, safeid_m2_part_text(r->seed),
	         safeid_m2_part_text(r->title), safeid_m2_part_text(r->config));
}

void client_m2_text_tries(int tries, char *out, size_t cap)
{
	if (tries < 0)
		snprintf(out, cap, "the tries left are not known");
	else if (tries == 0)
		snprintf(out, cap, "no try left: the token is locked");
	else
		snprintf(out, cap, "%d tr%s left before the token locks itself",
		         tries, tries == 1 ? "y" : "ies");
}

void client_text_exposed(const char *path, char *out, size_t cap)
{
	snprintf(out, cap,
	         "'%s' holds a secret but other users can read it: run "
	         "'chmod 600 %s' or delete it after the burn",
	         path, path);
}

/* Every part of r is as it was. */
static bool result_untouched(const client_m2_result *r)
{
	return r->seed == SAFEID_SEED_OLD && r->title == SAFEID_SEED_OLD &&
	       r->config == SAFEID_SEED_OLD;
}

/* The profile got what the command meant to give it. */
static bool result_complete(const client_m2_outcome *out,
                            const client_m2_result *r)
{
	switch (out->op) {
	case CLIENT_M2_BURN:
		return r->seed == SAFEID_SEED_NEW &&
		       r->config == SAFEID_SEED_NEW &&
		       r->title != SAFEID_SEED_UNKNOWN;
	case CLIENT_M2_SYNC:
		return r->config == SAFEID_SEED_NEW;
	case CLIENT_M2_WIPE:
		return r->seed == SAFEID_SEED_ERASED;
	default:
		return false;
	}
}

int client_m2_held_code(const client_m2_outcome *out)
{
	for (size_t i = 0; i < out->n; i++) {
		const client_m2_result *r = &out->results[i];

		if (r->seed == SAFEID_SEED_UNKNOWN ||
		    r->title == SAFEID_SEED_UNKNOWN ||
		    r->config == SAFEID_SEED_UNKNOWN)
			return CLIENT_EXIT_PARTIAL;
		/* a new seed without its settings shows wrong codes */
		if (out->op == CLIENT_M2_BURN && r->seed == SAFEID_SEED_NEW &&
		    r->config != SAFEID_SEED_NEW)
			return CLIENT_EXIT_PARTIAL;
	}
	return CLIENT_EXIT_TOKEN;
}

/* Append to out[cap] at *used. */
static void add(char *out, size_t cap, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(char *out, size_t cap, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (*used + 1 >= cap)
		return;
	va_start(ap, fmt);
	k = vsnprintf(out + *used, cap - *used, fmt, ap);
	va_end(ap);
	if (k > 0)
		*used = *used + (size_t)k >= cap ? cap - 1 : *used + (size_t)k;
}

/*
 * Those that got everything in a list; each other one that changed or
 * failed in a sentence; the rest as they were.  A long list is cut (the
 * --json results say it all).
 */
void client_m2_text_outcome(const client_m2_outcome *out, char *buf,
                            size_t cap)
{
	char line[512], list[320] = "";
	size_t used = 0, lused = 0, complete = 0, other = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < out->n; i++) {
		const client_m2_result *r = &out->results[i];

		if (!result_complete(out, r))
			continue;
		complete++;
		if (lused + 12 < sizeof(list))
			add(list, sizeof(list), &lused, "%s%u",
			    lused > 0 ? ", " : "", r->profile);
		else if (lused + 5 < sizeof(list))
			add(list, sizeof(list), &lused, ", ...");
	}
	if (complete > 0)
		add(buf, cap, &used, "profile%s %s: %s; ",
		    complete == 1 ? "" : "s", list,
		    out->op == CLIENT_M2_BURN   ? "the new account, complete"
		    : out->op == CLIENT_M2_SYNC ? "the new clock"
		                                : "no seed (deleted)");
	for (size_t i = 0; i < out->n; i++) {
		const client_m2_result *r = &out->results[i];

		if (result_complete(out, r) ||
		    (result_untouched(r) && r->err == SAFEID_OK))
			continue;
		/* one failed but untouched profile is enough to name */
		if (result_untouched(r) && other > 0)
			continue;
		client_m2_text_held(r, line, sizeof(line));
		add(buf, cap, &used, "%s; ", line);
		other++;
	}
	add(buf, cap, &used, "%s", complete + other > 0
	                                   ? "every other profile as it was"
	                                   : "every profile as it was "
	                                     "(nothing was changed)");
}
