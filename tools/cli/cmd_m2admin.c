/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmd_m2admin.c: the Token2 Molto2's own commands in safeid-tool: wipe
 * (one profile's seed), set-key and reset (confirmed with the token's ▲
 * button), lock and unlock (its screen).  Each takes the writer lock,
 * opens the token, runs one request with its steps shown, and says what
 * every profile holds after it (cmd_molto2.c has the shared parts).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "m2.h"
#include "prompt.h"
#include "watchdog.h"

/* ---- the person's part of a wait for ▲ ----------------------------------- */

struct press_ctx {
	const char *serial;
};

static int press_cb(void *arg, safeid_m2_press what, long timeout_ms)
{
	const struct press_ctx *p = arg;
	char tell[400], shown[TOOL_TEXT_CAP(SAFEID_SERIAL_MAX)];
	int rc;

	/* The person, not the token, is waited for: no --timeout meanwhile. */
	tool_watchdog_disarm();
	client_text_press(what, tool_text(p->serial, shown, sizeof(shown)),
	                  (timeout_ms + 999) / 1000, tell, sizeof(tell));
	rc = tool_press_wait(tell, timeout_ms);
	tool_watchdog_arm_text(what == SAFEID_M2_PRESS_RESET
	                               ? "read the profiles after the reset"
	                               : "check the key change",
	                       SAFEID_SEED_OLD,
	                       "each profile as it was; the request's outcome "
	                       "is not known",
	                       CLIENT_EXIT_TOKEN);
	return rc;
}

/* ---- the commands of a Molto2 alone -------------------------------------- */

/* What the command's run says at its end, on the terminal or in JSON. */
static void outcome_show(const tool_opts *o, json_out *j,
                         const client_m2_outcome *out)
{
	char text[CLIENT_MSG_MAX];

	if (o->json) {
		tool_m2_outcome_json(j, out);
		return;
	}
	if (out->n == 0)
		return;
	client_m2_text_outcome(out, text, sizeof(text));
	printf("The token holds: %s.\n", text);
}

/* What each of the Molto2's own commands holds from its start to its end. */
struct m2_cmd {
	client_m2_outcome *out;
	struct m2_show *m;
	client_backend *b;
	client_m2_key k;
	client_slot s;
	int lockfd;
};

/* The writer lock, the backend, the token (a Molto2), the buffers. */
static int cmd_begin(const tool_opts *o, json_out *j, struct m2_cmd *c,
                     client_error *err)
{
	memset(c, 0, sizeof(*c));
	c->lockfd = -1;
	c->out = calloc(1, sizeof(*c->out));
	c->m = calloc(1, sizeof(*c->m));
	if (c->out == NULL || c->m == NULL)
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	return tool_m2_open(o, j, &c->lockfd, &c->b, &c->s, err);
}

static void cmd_end(struct m2_cmd *c)
{
	client_m2_key_free(&c->k);
	client_backend_close(&c->b);
	client_lock_release(&c->lockfd);
	free(c->out);
	free(c->m);
}

/* wipe: profile o->profile of c's token holds a seed (*held), read
 * without the key; its title in title. */
static int wipe_check(const tool_opts *o, struct m2_cmd *c, bool *held,
                      char *title, size_t cap, client_error *err)
{
	client_profile_list *pl = calloc(1, sizeof(*pl));
	int ret;

	if (pl == NULL)
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	ret = tool_m2_profiles_read(o, c->b, pl, err);
	if (ret == 0)
		ret = client_token_changed(&pl->token, c->s.serial, err);
	if (ret == 0) {
		*held = pl->items[o->profile].seed;
		tool_text(pl->items[o->profile].title, title, cap);
	}
	free(pl);
	return ret;
}

int cmd_wipe(const tool_opts *o, json_out *j, client_error *err)
{
	char t[TOOL_TEXT_CAP(SAFEID_M2_TITLE_FIELD + 1)];
	client_m2_request rq;
	struct m2_cmd c;
	unsigned one;
	bool held = false;
	int ret;

	if (o->profile < 0)
		return client_fail(err, CLIENT_EXIT_USAGE, "usage",
		                   "wipe needs --profile N: the profile whose "
		                   "seed is deleted ('safeid-tool profiles' "
		                   "lists them)");
	ret = cmd_begin(o, j, &c, err);
	if (ret == 0 && (unsigned)o->profile >= c.s.profiles)
		ret = client_fail(err, CLIENT_EXIT_USAGE, "profile",
		                  "nothing written: token %s has %u profiles "
		                  "(0 to %u); choose one of them",
		                  c.s.serial, c.s.profiles, c.s.profiles - 1);
	if (ret == 0)
		ret = wipe_check(o, &c, &held, t, sizeof(t), err);
	if (ret != 0 || !held) {
		if (ret == 0 && o->json)
			json_bool(j, "had_seed", false);
		else if (ret == 0)
			printf("Profile %ld of token %s holds no seed: nothing "
			       "to delete.\n",
			       o->profile, c.s.serial);
		goto fail;
	}
	if (!o->json)
		printf("Delete the seed of profile %ld ('%s') of token %s.\n",
		       o->profile, t, c.s.serial);
	ret = tool_m2_key_get(o, j, &c.s, &c.k, err);
	if (ret == 0)
		ret = tool_confirm(o->yes,
		                   client_text(CLIENT_TEXT_WIPE_QUESTION), err);
	if (ret != 0)
		goto fail;
	tool_m2_request_begin(&rq, o, CLIENT_M2_WIPE, &c.s, &c.k, c.m);
	one = (unsigned)o->profile;
	rq.profiles = &one;
	rq.nprofiles = 1;
	ret = tool_m2_run(o, c.b, &rq, c.m, c.out, err);
	if (o->json)
		json_bool(j, "had_seed", true);
	outcome_show(o, j, c.out);
fail:
	cmd_end(&c);
	return ret;
}

/* The new customer key of set-key: --new-key-file, else typed twice on
 * the terminal (the two must agree). */
static int new_key_get(const tool_opts *o, const client_slot *s,
                       client_m2_key *nk, client_error *err)
{
	char prompt[160], shown[TOOL_TEXT_CAP(SAFEID_SERIAL_MAX)];
	char *a = NULL, *b = NULL;
	size_t alen = 0, acap = 0, blen = 0, bcap = 0;
	int ret;

	memset(nk, 0, sizeof(*nk));
	if (o->new_key_file != NULL)
		return client_m2_key_file(o->new_key_file, "--new-key-file", nk,
		                          err);
	snprintf(prompt, sizeof(prompt),
	         "New customer key of token %s (not "
	         "shown): ",
	         tool_text(s->serial, shown, sizeof(shown)));
	ret = tool_tty_secret(prompt, "the new customer key typed",
	                      SAFEID_M2_CUSTOMER_KEY_MAX + 2, &a, &alen, &acap,
	                      err);
	if (ret == 1)
		return client_fail(err, CLIENT_EXIT_USAGE, "no_terminal",
		                   "nothing sent: there is no terminal to type "
		                   "the new customer key on; give it with "
		                   "--new-key-file F (a 0600 file of yours)");
	if (ret != 0)
		return ret;
	ret = tool_tty_secret(
		"The same key again: ", "the new customer key typed again",
		SAFEID_M2_CUSTOMER_KEY_MAX + 2, &b, &blen, &bcap, err);
	if (ret == 1)
		ret = client_fail(err, CLIENT_EXIT_USAGE, "no_terminal",
		                  "nothing sent: the terminal went away; give "
		                  "the new key with --new-key-file F");
	if (ret == 0 && (alen != blen || memcmp(a, b, alen) != 0))
		ret = client_fail(
			err, CLIENT_EXIT_INPUT, "key_mismatch",
			"nothing sent: the two new customer keys typed "
			"differ; run set-key again and type the same "
			"key twice");
	input_secret_free(b, bcap);
	if (ret == 0) {
		ret = client_m2_key_take(nk, a, alen, acap, err);
		a = NULL;
	}
	if (a != NULL)
		input_secret_free(a, acap);
	if (ret == 0 && nk->bytes == NULL)
		ret = client_fail(err, CLIENT_EXIT_INPUT, "customer_key",
		                  "nothing sent: the new customer key typed is "
		                  "empty; a customer key is 1 to %u bytes",
		                  SAFEID_M2_CUSTOMER_KEY_MAX);
	return ret;
}

/* set-key and reset: a request the token confirms with ▲. */
static int press_cmd(const tool_opts *o, json_out *j, client_m2_op op,
                     client_error *err)
{
	client_m2_request rq;
	struct press_ctx pc;
	client_m2_key nk;
	struct m2_cmd c;
	int ret;

	memset(&nk, 0, sizeof(nk));
	ret = cmd_begin(o, j, &c, err);
	if (ret == 0 && op == CLIENT_M2_SET_KEY) {
		ret = tool_m2_key_get(o, j, &c.s, &c.k, err);
		if (ret == 0)
			ret = new_key_get(o, &c.s, &nk, err);
	} else if (ret == 0) {
		ret = tool_confirm(
			o->yes, client_text(CLIENT_TEXT_RESET_QUESTION), err);
	}
	if (ret != 0)
		goto fail;
	tool_m2_request_begin(&rq, o, op, &c.s,
	                      op == CLIENT_M2_SET_KEY ? &c.k : NULL, c.m);
	rq.new_key = op == CLIENT_M2_SET_KEY ? &nk : NULL;
	rq.verify_key = o->verify_key;
	pc.serial = c.s.serial;
	rq.press = press_cb;
	rq.press_arg = &pc;
	ret = tool_m2_run(o, c.b, &rq, c.m, c.out, err);
	if (o->json) {
		json_str(j, "outcome", safeid_m2_outcome_name(c.out->press));
		tool_m2_outcome_json(j, c.out);
		if (op == CLIENT_M2_RESET && c.out->read_after) {
			json_uint(j, "seeds_before", c.out->seeds_before);
			json_uint(j, "seeds_after", c.out->seeds_after);
		}
	} else if (ret == 0) {
		printf("%s\n", safeid_m2_outcome_text(c.out->press));
		if (op == CLIENT_M2_RESET && c.out->read_after)
			printf("Profiles with a seed: %u before, %u after.\n",
			       c.out->seeds_before, c.out->seeds_after);
		if (op == CLIENT_M2_SET_KEY &&
		    c.out->press == SAFEID_M2_UNCONFIRMED)
			printf("Check it when convenient: 'safeid-tool lock "
			       "--customer-key-file NEW' uses the new key (a "
			       "wrong key costs a try).\n");
	}
fail:
	client_m2_key_free(&nk);
	cmd_end(&c);
	return ret;
}

int cmd_set_key(const tool_opts *o, json_out *j, client_error *err)
{
	return press_cmd(o, j, CLIENT_M2_SET_KEY, err);
}

int cmd_reset(const tool_opts *o, json_out *j, client_error *err)
{
	return press_cmd(o, j, CLIENT_M2_RESET, err);
}

static int screen_cmd(const tool_opts *o, json_out *j, bool lock,
                      client_error *err)
{
	client_m2_request rq;
	struct m2_cmd c;
	int ret;

	ret = cmd_begin(o, j, &c, err);
	if (ret == 0)
		ret = tool_m2_key_get(o, j, &c.s, &c.k, err);
	if (ret != 0)
		goto fail;
	tool_m2_request_begin(&rq, o, lock ? CLIENT_M2_LOCK : CLIENT_M2_UNLOCK,
	                      &c.s, &c.k, c.m);
	ret = tool_m2_run(o, c.b, &rq, c.m, c.out, err);
	if (o->json)
		tool_m2_outcome_json(j, c.out);
	else if (ret == 0)
		printf("The screen of token %s is %s.\n", c.s.serial,
		       lock ? "locked" : "unlocked");
fail:
	cmd_end(&c);
	return ret;
}

int cmd_lock(const tool_opts *o, json_out *j, client_error *err)
{
	return screen_cmd(o, j, true, err);
}

int cmd_unlock(const tool_opts *o, json_out *j, client_error *err)
{
	return screen_cmd(o, j, false, err);
}
