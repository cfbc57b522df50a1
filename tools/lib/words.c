/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * words.c: the sentences front ends show people, in one place, so the
 * tool, a desktop window and the provisioning commands say the same thing
 * the same way and a sentence is changed once.  Errors carry their own
 * sentences (client_error); these are the ones said besides.  Where the
 * tool's sentence names its options or commands, a window has its own
 * (window_texts), naming its controls instead.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "backend.h"

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

/* A window's words where the tool's name its options or commands, and
 * what only a window says (the tool never asks for those). */
static const char *const window_texts[CLIENT_TEXT_COUNT] = {
	[CLIENT_TEXT_CLOCK_UNREAD] =
		"The token clock could not be read back; check the codes with "
		"\"Verify\".",
	[CLIENT_TEXT_BURN_AGAIN] =
		"Burn the seed again: read the account, then press \"Burn\".",
	[CLIENT_TEXT_RESTRICTED_BURN] =
		"Restricted sync: this model erases its seed on any clock "
		"write. A burn always sets the clock, so burning the account "
		"syncs it; a clock-only sync (Burn without an account) would "
		"erase the seed, so it is refused.",
	[CLIENT_TEXT_NOTHING_TO_BURN] =
		"Nothing to burn: scan the screen, open a QR image or paste an "
		"otpauth:// link first (or tick \"Sync token clock\" to set "
		"the token's clock alone).",
	[CLIENT_TEXT_INPUT_HINT] =
		"Or drop an image file on this window, or paste an image or an "
		"otpauth:// link (Ctrl+V).",
	[CLIENT_TEXT_DROP_HINT] = "Drop the image to open it.",
	[CLIENT_TEXT_BUSY] =
		"Busy: wait until the token or the input being read is done.",
	[CLIENT_TEXT_READING] = "Reading…",
	[CLIENT_TEXT_SCANNING] = "Looking for a QR code on every monitor…",
	[CLIENT_TEXT_SECRET_HIDDEN] = "hidden: press \"Show secret\"",
	[CLIENT_TEXT_CLIP_TEXT] =
		"the clipboard's text could not be read: copy the otpauth:// "
		"link again and paste it",
	[CLIENT_TEXT_CLIP_IMAGE] =
		"the clipboard's image could not be read: copy the QR code "
		"image again and paste it",
	[CLIENT_TEXT_CLIP_NONE] =
		"the clipboard holds neither an image nor text: copy the QR "
		"code image or the otpauth:// link, then paste again",
	[CLIENT_TEXT_READERS_WAIT] = "looking for readers…",
	[CLIENT_TEXT_TOKEN_READING] = "reading the token…",
	[CLIENT_TEXT_NOT_FAMILY] =
		"a card that is not a token of this family (or does not "
		"answer): switch the token on and hold it on the reader",
	[CLIENT_TEXT_NO_ACCOUNT] =
		"No account to check the code against: scan the screen, open "
		"the QR image or paste the otpauth:// link burned into the "
		"token.",
	[CLIENT_TEXT_CLOSE_WAIT] =
		"A write to the token is in progress: the window closes when "
		"it has ended.",
};

void client_front_set(client_front f)
{
	client_front_now = f;
	input_front_set((input_front)f);
}

client_front client_front_get(void)
{
	return client_front_now;
}

const char *client_text(client_text_id id)
{
	const char *t;

	if ((unsigned)id >= CLIENT_TEXT_COUNT)
		return "";
	t = client_front_words(texts[id], window_texts[id]);
	if (t == NULL)
		t = window_texts[id];
	return t != NULL ? t : "";
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
		snprintf(out, cap,
		         "the token holds no seed (the configuration "
		         "write erased it; it has this write's %s): burn again",
		         cfg);
		return;
	case SAFEID_SEED_UNKNOWN:
		snprintf(out, cap,
		         "unknown: a write was sent but its answer "
		         "was lost or garbled; burn again to be sure");
		return;
	default:
		break;
	}
	if (res->config == CLIENT_CONFIG_WRITTEN)
		snprintf(out, cap,
		         "the token still holds its previous seed, "
		         "with the configuration this write set (%s)",
		         cfg);
	else if (res->config == CLIENT_CONFIG_UNKNOWN)
		snprintf(out, cap,
		         "the token still holds its previous seed, "
		         "but its configuration is not known: the answer to "
		         "the configuration write (%s) was lost or garbled, so "
		         "it has the old configuration or this one",
		         cfg);
	else
		snprintf(out, cap,
		         "the token still holds its previous seed "
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
		return client_front_words("switch the token off and on and "
		                          "check its codes with 'safeid-tool "
		                          "verify'",
		                          "switch the token off and on and "
		                          "check its codes with \"Verify\"");
	return client_front_words("take the token off the reader, switch it "
	                          "off and on, put it back and run again (or "
	                          "raise --timeout)",
	                          "take the token off the reader, switch it "
	                          "off and on, put it back and try again");
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

void client_text_drift(uint64_t clock, uint64_t host_now, char *out, size_t cap)
{
	char when[48];

	client_text_time(clock, when, sizeof(when));
	snprintf(out, cap, "%s (%+lld s from the host clock)", when,
	         (long long)clock - (long long)host_now);
}

void client_text_clock(const char *verb, uint64_t clock, uint64_t host_now,
                       char *out, size_t cap)
{
	char drift[96];

	client_text_drift(clock, host_now, drift, sizeof(drift));
	snprintf(out, cap, "Token clock %s %s.", verb, drift);
}

void client_text_offset(long offset, unsigned step, char *out, size_t cap)
{
	long steps = offset < 0 ? -offset : offset;

	snprintf(out, cap,
	         "MATCH, but the token's clock is %ld step%s (about %ld s) %s "
	         "this host.\n%s",
	         steps, steps == 1 ? "" : "s", steps * (long)step,
	         offset > 0 ? "ahead of" : "behind",
	         client_front_words("Set it with 'safeid-tool clock' (on a "
	                            "restricted-sync model, burn again "
	                            "instead).",
	                            "Burn the account again with \"Sync "
	                            "token clock\" ticked: a burn sets the "
	                            "clock."));
}

void client_text_press(safeid_m2_press what, const char *serial, long seconds,
                       char *out, size_t cap)
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
	snprintf(out, cap,
	         "profile %u: seed %s; title %s; settings (hash, "
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
		    (r->config == SAFEID_SEED_UNKNOWN && !r->refused_unsaid))
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
void client_m2_text_outcome(const client_m2_outcome *out, char *buf, size_t cap)
{
	char line[512], list[320] = "";
	size_t used = 0, lused = 0, complete = 0, other = 0, unsaid = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < out->n; i++)
		unsaid += out->results[i].refused_unsaid;
	if (unsaid > 0 && unsaid == out->n) {
		snprintf(buf, cap,
		         "every profile: seed and title as they were; clock "
		         "unknown: the token refused the clock write of one "
		         "or more profiles and the module does not say which "
		         "(the others took the new clock); run the clock sync "
		         "again, or with --backend opensc to see each "
		         "profile's answer");
		return;
	}
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
	add(buf, cap, &used, "%s",
	    complete + other > 0 ? "every other profile as it was"
	                         : "every profile as it was "
	                           "(nothing was changed)");
}

void client_text_no_token(const char *reader, char *out, size_t cap)
{
	snprintf(out, cap,
	         "no token on reader '%s': place the token on the reader, "
	         "press its button to switch it on%s",
	         reader,
	         client_front_words(", and run again (or add --wait SECONDS)",
	                            ""));
}

void client_text_accounts(const client_input *in, char *out, size_t cap)
{
	snprintf(out, cap, "%s: %zu account%s", in->source, in->accounts.count,
	         in->accounts.count == 1 ? "" : "s");
}

void client_text_monitor(const input_monitor *m, char *out, size_t cap)
{
	snprintf(out, cap, "Monitor %s: %ux%u at %+d%+d, %zu QR code%s",
	         m->name, m->width, m->height, m->x, m->y, m->codes,
	         m->codes == 1 ? "" : "s");
}

void client_text_burning(const char *serial, char *out, size_t cap)
{
	snprintf(out, cap, "Burning into token %s", serial);
}

void client_text_clock_setting(const char *serial, const char *reader,
                               const client_clock_plan *p, const char *source,
                               char *out, size_t cap)
{
	snprintf(out, cap,
	         "Setting the clock of token %s on '%s' (%s, %u s step, %u s "
	         "display, from the %s)",
	         serial, reader,
	         p->hash == SAFEID_HASH_SHA256 ? "SHA-256" : "SHA-1", p->step,
	         p->display_seconds, source);
}

void client_text_steps(long offset, unsigned step, char *out, size_t cap)
{
	snprintf(out, cap, "Clock offset: %+ld step%s (%+ld s)", offset,
	         offset == 1 || offset == -1 ? "" : "s", offset * (long)step);
}

void client_text_lock_wait(int fd, unsigned seconds, char *out, size_t cap)
{
	char who[64];

	client_lock_holder(fd, who, sizeof(who));
	snprintf(out, cap,
	         "%s is writing a token; waiting up to %u s for it to "
	         "finish%s",
	         who, seconds, client_front_words("...", "…"));
}

void client_text_not_local(const char *name, char *out, size_t cap)
{
	snprintf(out, cap,
	         "cannot open '%s': it is not a local file; save the image to "
	         "a folder on this computer first",
	         name);
}
