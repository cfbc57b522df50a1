/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmd_molto2.c: the Token2 Molto2 in safeid-tool: its burn (one account
 * or a whole export into its profiles), its clock sync (every profile,
 * seeds kept), profiles, code and verify of a profile, and what the
 * Molto2's own commands (cmd_m2admin.c) share with them.  The customer key comes from a file or the terminal, never
 * argv; without either, the factory key, with a warning that it protects
 * nothing.  What each profile holds after a failure is said per part,
 * from the backend's report (client_m2_run), and the watchdog is armed
 * with the same sentence as every step starts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "m2.h"
#include "prompt.h"
#include "watchdog.h"

static const char *hash_label(safeid_hash h)
{
	return h == SAFEID_HASH_SHA256 ? "SHA-256"
	       : h == SAFEID_HASH_SHA1 ? "SHA-1"
	                               : "-";
}

static const char *hash_json(safeid_hash h)
{
	return h == SAFEID_HASH_SHA256 ? "SHA256"
	       : h == SAFEID_HASH_SHA1 ? "SHA1"
	                               : NULL;
}

/* Every profile of the chosen token, bounded by --timeout (a read:
 * nothing written if it fires). */
int tool_m2_profiles_read(const tool_opts *o, client_backend *b,
                          client_profile_list *pl, client_error *err)
{
	int ret;

	tool_watchdog_arm("read the profiles", SAFEID_SEED_OLD,
	                  CLIENT_EXIT_TOKEN);
	ret = client_profiles_read(b, o->reader, pl, err);
	tool_watchdog_disarm();
	return ret;
}

/* ---- the customer key ---------------------------------------------------- */

/*
 * The key of token s: --customer-key-file, else asked on the terminal,
 * else (no terminal, or Enter) the factory key with a warning.  When the
 * token last said one try is left and the person did not give
 * --last-try, they are asked on the terminal (without one, the core
 * refuses to spend the try and the message says how to agree).
 */
int tool_m2_key_get(const tool_opts *o, json_out *j, const client_slot *s,
                    client_m2_key *k, client_error *err)
{
	char prompt[160], shown[TOOL_TEXT_CAP(SAFEID_SERIAL_MAX)];
	const char *source = "factory";
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int tries = -1, ret;

	memset(k, 0, sizeof(*k));
	if (o->key_file != NULL) {
		ret = client_m2_key_file(o->key_file, "--customer-key-file", k,
		                         err);
		if (ret != 0)
			return ret;
		source = "file";
	} else {
		snprintf(prompt, sizeof(prompt),
		         "Customer key of token %s (not shown; Enter: the "
		         "factory key): ",
		         tool_text(s->serial, shown, sizeof(shown)));
		ret = tool_tty_secret(prompt, "the customer key typed",
		                      SAFEID_M2_CUSTOMER_KEY_MAX + 2, &buf,
		                      &len, &cap, err);
		if (ret > 1 || ret < 0)
			return ret;
		if (ret == 0) {
			ret = client_m2_key_take(k, buf, len, cap, err);
			if (ret != 0)
				return ret;
			if (k->bytes != NULL)
				source = "typed";
		}
	}
	if (k->bytes == NULL)
		fprintf(stderr, "safeid-tool: warning: %s\n",
		        client_text(CLIENT_TEXT_FACTORY_KEY));
	if (o->json)
		json_str(j, "customer_key", source);
	k->last_try = o->last_try;
	ret = client_tries_load(o->state_dir, s->serial, &tries, err);
	if (ret != 0)
		return ret;
	if (tries == 1 && !k->last_try) {
		char q[512];
		client_error declined;

		snprintf(q, sizeof(q), "Warning: %s. Spend it on this key?",
		         client_text(CLIENT_TEXT_LAST_TRY));
		/* no terminal: the core refuses, and says how to agree */
		k->last_try = tool_confirm(false, q, &declined) == 0;
	}
	return 0;
}

/* ---- progress ------------------------------------------------------------ */

/* The steps as they come, on the terminal and for the watchdog. */

static client_m2_result *mirror_of(struct m2_show *m, int profile)
{
	for (size_t i = 0; i < m->mirror.n; i++)
		if ((int)m->mirror.results[i].profile == profile)
			return &m->mirror.results[i];
	return NULL;
}

/* The part a step writes, in r. */
static safeid_seed_state *part_of(client_m2_result *r, safeid_m2_step step)
{
	switch (step) {
	case SAFEID_M2_STEP_SEED:
	case SAFEID_M2_STEP_DELETE:
		return &r->seed;
	case SAFEID_M2_STEP_TITLE:
		return &r->title;
	case SAFEID_M2_STEP_CONFIG:
	case SAFEID_M2_STEP_CLOCK:
		return &r->config;
	default:
		return NULL;
	}
}

/* Arm the watchdog for step with what the profiles hold if the token
 * falls silent now. */
static void watch(struct m2_show *m, const char *step)
{
	char held[1024];
	int code = client_m2_held_code(&m->mirror);

	client_m2_text_outcome(&m->mirror, held, sizeof(held));
	tool_watchdog_arm_text(step,
	                       code == CLIENT_EXIT_PARTIAL ? SAFEID_SEED_UNKNOWN
	                                                   : SAFEID_SEED_OLD,
	                       held, code);
}

static bool last_step(safeid_m2_step step)
{
	return step == SAFEID_M2_STEP_CONFIRM || step == SAFEID_M2_STEP_CLOCK;
}

static void step_print(struct m2_show *m, int profile, safeid_m2_step step,
                       int phase)
{
	const char *name = safeid_m2_step_name(step);

	if (step == SAFEID_M2_STEP_CHECK && m->mirror.op != CLIENT_M2_WIPE) {
		if (phase == CLIENT_PHASE_START && !m->checking) {
			printf("  read the profiles ... ");
			m->checking = true;
		} else if (phase == CLIENT_PHASE_FAIL) {
			printf("FAILED at profile %d\n", profile);
			m->checking = false;
		}
		return;
	}
	if (m->checking && phase == CLIENT_PHASE_START) {
		printf("done\n");
		m->checking = false;
	}
	if (profile < 0) {
		if (phase == CLIENT_PHASE_START)
			printf("  %s ... ", name);
		else
			printf("%s\n",
			       phase == CLIENT_PHASE_OK ? "done" : "FAILED");
		return;
	}
	/* A backend that writes several profiles in one call starts them
	 * all first: each line is then written whole as its profile ends. */
	if (phase == CLIENT_PHASE_START && m->line >= 0 && profile != m->line)
		return;
	if (phase != CLIENT_PHASE_START && profile != m->line &&
	    (phase == CLIENT_PHASE_FAIL || last_step(step))) {
		if (m->line >= 0)
			printf("\n");
		printf("  profile %d ... ", profile);
		m->line = profile;
	}
	if (phase == CLIENT_PHASE_START && profile != m->line) {
		printf("  profile %d ... ", profile);
		m->line = profile;
	} else if (phase == CLIENT_PHASE_FAIL) {
		printf("FAILED (%s)\n", name);
		m->line = -1;
	} else if (phase == CLIENT_PHASE_OK && last_step(step)) {
		printf("done\n");
		m->line = -1;
	}
}

static void step_cb(void *arg, int profile, safeid_m2_step step, int phase)
{
	struct m2_show *m = arg;
	client_m2_result *r = profile >= 0 ? mirror_of(m, profile) : NULL;
	safeid_seed_state *part = r != NULL ? part_of(r, step) : NULL;
	char label[96];

	if (part != NULL && phase == CLIENT_PHASE_START)
		*part = SAFEID_SEED_UNKNOWN;
	else if (part != NULL && phase == CLIENT_PHASE_OK)
		*part = step == SAFEID_M2_STEP_DELETE ? SAFEID_SEED_ERASED
		                                      : SAFEID_SEED_NEW;
	if (profile >= 0)
		snprintf(label, sizeof(label), "%s of profile %d",
		         safeid_m2_step_name(step), profile);
	else
		snprintf(label, sizeof(label), "%s", safeid_m2_step_name(step));
	watch(m, label);
	if (!m->o->json)
		step_print(m, profile, step, phase);
	fflush(stdout);
}

static void show_begin(struct m2_show *m, const tool_opts *o,
                       const client_m2_request *rq)
{
	memset(m, 0, sizeof(*m));
	m->o = o;
	m->line = -1;
	client_m2_outcome_begin(&m->mirror, rq, -1);
}

/* ---- output -------------------------------------------------------------- */

static void results_json(json_out *j, const client_m2_outcome *out)
{
	json_arr(j, "results");
	for (size_t i = 0; i < out->n; i++) {
		const client_m2_result *r = &out->results[i];

		json_obj(j, NULL);
		json_uint(j, "profile", r->profile);
		json_str(j, "step", safeid_m2_step_name(r->step));
		json_str(j, "error",
		         r->err != SAFEID_OK ? safeid_errname(r->err) : NULL);
		json_str(j, "seed_state", safeid_seed_state_name(r->seed));
		json_str(j, "title_state", safeid_seed_state_name(r->title));
		json_str(j, "config_state", safeid_seed_state_name(r->config));
		json_bool(j, "confirmed", r->confirmed);
		json_close(j);
	}
	json_close(j);
}

/* What every command says at its end, failed or not. */
void tool_m2_outcome_json(json_out *j, const client_m2_outcome *out)
{
	results_json(j, out);
	if (out->tries_left >= 0)
		json_int(j, "tries_left", out->tries_left);
	else
		json_null(j, "tries_left");
	if (out->apdus > 0)
		json_uint(j, "apdus", out->apdus);
	else
		json_null(j, "apdus");
}

/* ---- opening ------------------------------------------------------------- */

/* The start of a Molto2 command: the writer lock, the backend, the token
 * (which must be a Molto2). */
int tool_m2_open(const tool_opts *o, json_out *j, int *lockfd,
                 client_backend **b, client_slot *s, client_error *err)
{
	int ret = tool_writer_open(o, lockfd, b, s, err);

	if (ret != 0)
		return ret;
	if (!s->molto2)
		return client_fail(
			err, CLIENT_EXIT_USAGE, "single_profile",
			"token %s on reader '%s' is a single-profile "
			"token (%s): it has no profiles, customer key "
			"or screen lock; '%s' is for a Token2 Molto2",
			s->serial, s->reader,
			s->model[0] != '\0' ? s->model : "unknown model",
			o->command);
	if (o->json)
		tool_slot_show(o, j, s, tool_now(o));
	return 0;
}

void tool_m2_request_begin(client_m2_request *rq, const tool_opts *o,
                           client_m2_op op, const client_slot *s,
                           const client_m2_key *k, struct m2_show *m)
{
	memset(rq, 0, sizeof(*rq));
	rq->op = op;
	rq->expect_serial = s->serial;
	rq->state_dir = o->state_dir;
	rq->key = k;
	rq->step = step_cb;
	rq->step_arg = m;
	rq->press_ms = o->press_wait > 0 ? o->press_wait * 1000L : 0;
}

/* Run rq, the watchdog bounding every step. */
int tool_m2_run(const tool_opts *o, client_backend *b, client_m2_request *rq,
                struct m2_show *m, client_m2_outcome *out, client_error *err)
{
	int ret;

	show_begin(m, o, rq);
	watch(m, "read token info");
	ret = client_m2_run(b, o->reader, rq, out, err);
	tool_watchdog_disarm();
	if (!o->json && (m->line >= 0 || m->checking))
		printf("\n");
	return ret;
}

/* ---- burn ---------------------------------------------------------------- */

/* Options that only a single-profile burn or clock takes. */
static int single_only(const tool_opts *o, const char *what, client_error *err)
{
	const char *opt = o->erase_seed ? "--erase-seed" : NULL;

	if (opt == NULL)
		return 0;
	return client_fail(err, CLIENT_EXIT_USAGE, "usage",
	                   "%s does not apply to a Token2 Molto2: %s; remove "
	                   "it",
	                   opt, what);
}

/* The profiles the accounts go into: --profile, the first free one, or
 * (--all) the free ones from --first-profile on; with --overwrite, one
 * after the other whatever they hold. */
static int profiles_choose(const tool_opts *o, const client_input *in,
                           const client_profile_list *pl,
                           client_m2_account *acc, size_t n, client_error *err)
{
	const client_slot *s = &pl->token;
	unsigned p = o->all && o->first_profile >= 0
	                     ? (unsigned)o->first_profile
	             : !o->all && o->profile >= 0 ? (unsigned)o->profile
	                                          : 0;
	size_t i;

	if (p >= pl->count)
		return client_fail(
			err, CLIENT_EXIT_USAGE, "profile",
			"nothing written: token %s has %zu profiles "
			"(0 to %zu)%s; choose one of them",
			s->serial, pl->count, pl->count - 1,
			s->profiles_known
				? ""
				: " as far as it tells (profile 99 did not "
				  "answer)");
	if (!o->all && o->profile >= 0) {
		acc[0].profile = p;
		acc[0].replaces = pl->items[p].seed;
		if (acc[0].replaces && !o->overwrite)
			return client_fail(
				err, CLIENT_EXIT_DECLINED, "occupied",
				"nothing written: profile %u of token "
				"%s holds a seed already; add "
				"--overwrite to replace it, or choose a "
				"free profile ('safeid-tool profiles')",
				p, s->serial);
		return 0;
	}
	for (i = 0; i < n; i++, p++) {
		while (!o->overwrite && p < pl->count && pl->items[p].seed)
			p++;
		if (p >= pl->count)
			break;
		acc[i].profile = p;
		acc[i].replaces = pl->items[p].seed;
	}
	if (i == n)
		return 0;
	return client_fail(err, CLIENT_EXIT_DECLINED, "no_free_profile",
	                   "nothing written: %s holds %zu account%s but "
	                   "token %s has only %zu free profile%s from profile "
	                   "%ld on; free some with 'safeid-tool wipe', start "
	                   "lower with --first-profile, or add --overwrite",
	                   in->source, n, n == 1 ? "" : "s", s->serial, i,
	                   i == 1 ? "" : "s",
	                   o->all && o->first_profile >= 0 ? o->first_profile
	                                                   : 0L);
}

static safeid_hash hash_of(const input_account *a)
{
	return a->alg == INPUT_ALG_SHA256 ? SAFEID_HASH_SHA256
	                                  : SAFEID_HASH_SHA1;
}

/* The accounts to burn, in input order. */
static int accounts_fill(const tool_opts *o, const client_input *in,
                         const client_profile_list *pl, client_m2_account *acc,
                         size_t *n, client_error *err)
{
	size_t count = o->all ? in->accounts.count : 1;

	if (count > pl->count)
		return client_fail(err, CLIENT_EXIT_DECLINED, "no_free_profile",
		                   "nothing written: %s holds %zu accounts, "
		                   "more than the %zu profiles of token %s",
		                   in->source, count, pl->count,
		                   pl->token.serial);
	for (size_t i = 0; i < count; i++) {
		size_t idx = o->all ? i : in->chosen;
		const input_account *a = &in->accounts.items[idx];

		memset(&acc[i], 0, sizeof(acc[i]));
		acc[i].index = idx;
		acc[i].seed = a->secret;
		acc[i].seedlen = a->secret_len;
		acc[i].hash = hash_of(a);
		acc[i].step = a->period;
		acc[i].digits = a->digits;
		acc[i].titlelen =
			client_m2_title(a, o->all ? NULL : o->title,
		                        acc[i].title, &acc[i].title_cut);
	}
	*n = count;
	return profiles_choose(o, in, pl, acc, count, err);
}

static void plan_show(const tool_opts *o, json_out *j, const client_input *in,
                      const client_profile_list *pl,
                      const client_m2_account *acc, size_t n,
                      client_ntp_state ntp)
{
	char t[TOOL_TEXT_CAP(SAFEID_M2_TITLE_FIELD + 1)];
	char l[TOOL_TEXT_CAP(600)], label[600];
	char old[TOOL_TEXT_CAP(SAFEID_M2_TITLE_FIELD + 1)];
	char src[TOOL_TEXT_CAP(sizeof(in->source))];

	if (o->json) {
		tool_slot_show(o, j, &pl->token, tool_now(o));
		json_arr(j, "accounts");
		for (size_t i = 0; i < n; i++) {
			const input_account *a =
				&in->accounts.items[acc[i].index];

			json_obj(j, NULL);
			json_uint(j, "profile", acc[i].profile);
			json_str(j, "title", acc[i].title);
			json_bool(j, "title_cut", acc[i].title_cut);
			json_str(j, "account", a->name);
			json_str(j, "issuer", a->issuer);
			json_str(j, "hash", hash_json(acc[i].hash));
			json_uint(j, "digits", acc[i].digits);
			json_uint(j, "step", acc[i].step);
			json_bool(j, "replaces", acc[i].replaces);
			json_close(j);
		}
		json_close(j);
		json_uint(j, "display", tool_display(o));
		json_str(j, "source", in->source);
		json_str(j, "host_clock_ntp", client_ntp_state_name(ntp));
		return;
	}
	printf("Burn plan\n");
	tool_slot_show(o, j, &pl->token, tool_now(o));
	printf("From:       %s\n", tool_text(in->source, src, sizeof(src)));
	printf("Display:    on for %u s\n", tool_display(o));
	printf("Host clock: %s\n", client_ntp_state_text(ntp));
	printf("\n  Profile  Title         TOTP                       "
	       "Account\n");
	for (size_t i = 0; i < n; i++) {
		const input_account *a = &in->accounts.items[acc[i].index];
		char totp[64];

		input_account_label(a, label, sizeof(label));
		snprintf(totp, sizeof(totp), "%s, %u s, %u digits",
		         hash_label(acc[i].hash), acc[i].step, acc[i].digits);
		/* titles and names come from the QR code: shown, escaped */
		printf("  %7u  %-12s  %-25s  %s%s%s%s%s\n", acc[i].profile,
		       acc[i].titlelen > 0
		               ? tool_text(acc[i].title, t, sizeof(t))
		               : "(kept)",
		       totp, tool_text(label, l, sizeof(l)),
		       acc[i].title_cut ? " (title cut to 12 bytes)" : "",
		       acc[i].replaces ? " (replaces '" : "",
		       acc[i].replaces
		               ? tool_text(pl->items[acc[i].profile].title, old,
		                           sizeof(old))
		               : "",
		       acc[i].replaces ? "')" : "");
	}
	printf("  (%s)\n", client_text(CLIENT_TEXT_TITLES_PUBLIC));
	if (ntp == CLIENT_NTP_UNSYNCED)
		fprintf(stderr, "safeid-tool: warning: %s\n",
		        client_text(CLIENT_TEXT_NTP_ADVICE));
}

/* The code account i shows at t, as text. */
static void code_of(const client_input *in, const client_m2_account *a,
                    uint64_t t, char out[11])
{
	const input_account *acc = &in->accounts.items[a->index];
	uint32_t c = 0;

	safeid_totp(acc->secret, acc->secret_len, a->hash, a->step, t,
	            a->digits, &c);
	snprintf(out, 11, "%0*u", (int)a->digits, c);
}

static void burn_done(const tool_opts *o, json_out *j, const client_input *in,
                      const client_m2_account *acc, size_t n,
                      const client_m2_outcome *out)
{
	uint64_t now = tool_now(o);
	char c1[11], c2[11];

	if (o->json) {
		json_arr(j, "codes");
		for (size_t i = 0; i < n; i++) {
			code_of(in, &acc[i], now, c1);
			code_of(in, &acc[i], now + acc[i].step, c2);
			json_obj(j, NULL);
			json_uint(j, "profile", acc[i].profile);
			json_str(j, "now", c1);
			json_str(j, "next", c2);
			json_uint(j, "seconds_left",
			          acc[i].step - (unsigned)(now % acc[i].step));
			json_close(j);
		}
		json_close(j);
		json_uint(j, "time", now);
		return;
	}
	printf("\nDone: %zu profile%s burned and read back.\n", out->done,
	       out->done == 1 ? "" : "s");
	for (size_t i = 0; i < n && i < 10; i++) {
		code_of(in, &acc[i], now, c1);
		code_of(in, &acc[i], now + acc[i].step, c2);
		printf("Profile %u should show %s now (%u s left), then %s.\n",
		       acc[i].profile, c1,
		       acc[i].step - (unsigned)(now % acc[i].step), c2);
	}
	if (n > 10)
		printf("(and %zu more: 'safeid-tool code --profile N ...' "
		       "shows each)\n",
		       n - 10);
	printf("Check with: safeid-tool verify --profile N ... (type the code "
	       "it shows)\n");
}

int tool_m2_burn(const tool_opts *o, json_out *j, client_input *in,
                 client_backend *b, const client_slot *s, client_error *err)
{
	client_m2_account *acc = NULL;
	client_profile_list *pl = NULL;
	client_m2_outcome *out = NULL;
	struct m2_show *m = NULL;
	client_m2_request rq;
	client_m2_key k;
	client_ntp_state ntp;
	bool replaces = false;
	size_t n = 0;
	int ret;

	memset(&k, 0, sizeof(k));
	ret = single_only(o, "a Molto2's writes never erase a seed", err);
	if (ret != 0)
		return ret;
	acc = calloc(SAFEID_M2_PROFILES, sizeof(*acc));
	pl = calloc(1, sizeof(*pl));
	out = calloc(1, sizeof(*out));
	m = calloc(1, sizeof(*m));
	if (acc == NULL || pl == NULL || out == NULL || m == NULL) {
		ret = client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                  "out of memory");
		goto fail;
	}
	ret = tool_m2_profiles_read(o, b, pl, err);
	if (ret == 0)
		ret = client_token_changed(&pl->token, s->serial, err);
	if (ret == 0)
		ret = accounts_fill(o, in, pl, acc, &n, err);
	if (ret == 0)
		ret = tool_m2_key_get(o, j, s, &k, err);
	if (ret != 0)
		goto fail;
	ntp = client_ntp_state_read();
	plan_show(o, j, in, pl, acc, n, ntp);
	for (size_t i = 0; i < n; i++)
		replaces = replaces || acc[i].replaces;
	ret = tool_confirm(o->yes,
	                   client_text(replaces ? CLIENT_TEXT_OVERWRITE_QUESTION
	                                        : CLIENT_TEXT_M2_BURN_QUESTION),
	                   err);
	if (ret != 0)
		goto fail;
	if (!o->json)
		printf("Burning into token %s:\n", s->serial);
	tool_m2_request_begin(&rq, o, CLIENT_M2_BURN, s, &k, m);
	rq.acc = acc;
	rq.n = n;
	rq.overwrite = o->overwrite;
	rq.display_seconds = tool_display(o);
	ret = tool_m2_run(o, b, &rq, m, out, err);
	if (o->json)
		tool_m2_outcome_json(j, out);
	if (ret == 0)
		burn_done(o, j, in, acc, n, out);
fail:
	client_m2_key_free(&k);
	free(acc);
	free(pl);
	free(out);
	free(m);
	return ret;
}

/* ---- clock --------------------------------------------------------------- */

int tool_m2_clock(const tool_opts *o, json_out *j, client_backend *b,
                  const client_slot *s, client_error *err)
{
	client_m2_outcome *out = NULL;
	struct m2_show *m = NULL;
	client_m2_request rq;
	client_m2_key k;
	unsigned one;
	char line[CLIENT_MSG_MAX], serial[TOOL_TEXT_CAP(SAFEID_SERIAL_MAX)];
	int ret;

	memset(&k, 0, sizeof(k));
	if (o->hash != NULL || o->step > 0 || o->display > 0 || o->erase_seed)
		return client_fail(
			err, CLIENT_EXIT_USAGE, "usage",
			"%s does not apply to a Token2 Molto2's clock: "
			"its clock sync sets the clock alone and keeps "
			"each profile's seed, title and settings; "
			"remove it",
			o->hash != NULL  ? "--hash"
			: o->step > 0    ? "--step"
			: o->display > 0 ? "--display"
					 : "--erase-seed");
	if (o->profile >= 0 && (unsigned)o->profile >= s->profiles)
		return client_fail(err, CLIENT_EXIT_USAGE, "profile",
		                   "nothing written: token %s has %u profiles "
		                   "(0 to %u); choose one of them",
		                   s->serial, s->profiles, s->profiles - 1);
	ret = tool_m2_key_get(o, j, s, &k, err);
	if (ret != 0)
		goto fail;
	out = calloc(1, sizeof(*out));
	m = calloc(1, sizeof(*m));
	if (out == NULL || m == NULL) {
		ret = client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                  "out of memory");
		goto fail;
	}
	if (!o->json) {
		if (o->profile >= 0)
			printf("Setting the clock of profile %ld of token %s "
			       "(its seed, title and settings stay):\n",
			       o->profile,
			       tool_text(s->serial, serial, sizeof(serial)));
		else
			printf("Setting the clock of every profile (%u) of "
			       "token %s (seeds, titles and settings stay):\n",
			       s->profiles,
			       tool_text(s->serial, serial, sizeof(serial)));
	}
	tool_m2_request_begin(&rq, o, CLIENT_M2_SYNC, s, &k, m);
	one = (unsigned)o->profile;
	rq.profiles = o->profile >= 0 ? &one : NULL;
	rq.nprofiles = o->profile >= 0 ? 1 : 0;
	if (rq.profiles == NULL) {
		/* every profile, listed so that each has its result */
		static unsigned all[SAFEID_M2_PROFILES];

		for (unsigned p = 0; p < s->profiles; p++)
			all[p] = p;
		rq.profiles = all;
		rq.nprofiles = s->profiles;
	}
	ret = tool_m2_run(o, b, &rq, m, out, err);
	if (o->json) {
		tool_m2_outcome_json(j, out);
		if (out->have_after)
			json_uint(j, "token_clock_after", out->clock_after);
		else
			json_null(j, "token_clock_after");
	} else if (ret == 0) {
		if (out->have_after) {
			client_text_clock("now", out->clock_after, tool_now(o),
			                  line, sizeof(line));
			printf("%s\n", line);
		}
		printf("The token holds: %zu profile%s with the new clock; "
		       "every seed, title and setting as it was.\n",
		       out->done, out->done == 1 ? "" : "s");
	}
fail:
	client_m2_key_free(&k);
	free(out);
	free(m);
	return ret;
}

/* ---- profiles ------------------------------------------------------------ */

int cmd_profiles(const tool_opts *o, json_out *j, client_error *err)
{
	client_profile_list *pl = calloc(1, sizeof(*pl));
	client_backend *b = NULL;
	char t[TOOL_TEXT_CAP(SAFEID_M2_TITLE_FIELD + 1)], dg[8], st[16];
	size_t held = 0;
	int ret;

	if (pl == NULL)
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	ret = tool_backend_open(o, &b, err);
	if (ret != 0)
		goto fail;
	ret = tool_m2_profiles_read(o, b, pl, err);
	if (ret != 0)
		goto fail;
	for (size_t i = 0; i < pl->count; i++)
		held += pl->items[i].seed ? 1 : 0;
	if (o->json) {
		tool_slot_show(o, j, &pl->token, tool_now(o));
		json_uint(j, "with_seed", held);
		json_arr(j, "profiles");
	} else {
		tool_slot_show(o, j, &pl->token, tool_now(o));
		printf("Profiles:   %zu of %zu hold a seed (%s)\n\n", held,
		       pl->count, client_text(CLIENT_TEXT_TITLES_PUBLIC));
		printf("  Profile  Seed  Title             Hash     Digits  "
		       "Step\n");
	}
	for (size_t i = 0; i < pl->count; i++) {
		const client_profile *p = &pl->items[i];

		if (o->json) {
			json_obj(j, NULL);
			json_uint(j, "profile", p->number);
			json_bool(j, "seed", p->seed);
			json_bool(j, "info_known", !p->info_unknown);
			if (p->info_unknown) {
				/* not known: never said to be none */
				json_null(j, "title");
				json_null(j, "hash");
				json_null(j, "digits");
				json_null(j, "step");
				json_close(j);
				continue;
			}
			json_str(j, "title", p->title);
			json_str(j, "hash", hash_json(p->hash));
			if (p->digits > 0)
				json_uint(j, "digits", p->digits);
			else
				json_null(j, "digits");
			if (p->step > 0)
				json_uint(j, "step", p->step);
			else
				json_null(j, "step");
			json_close(j);
			continue;
		}
		if (p->info_unknown) {
			printf("  %7u  %-4s  %-16s  %-7s  %6s  %s\n", p->number,
			       p->seed ? "yes" : "-", "?", "?", "?", "?");
			continue;
		}
		snprintf(dg, sizeof(dg), p->digits > 0 ? "%u" : "-", p->digits);
		snprintf(st, sizeof(st), p->step > 0 ? "%u s" : "-", p->step);
		/* the title comes from the token: shown, escaped */
		printf("  %7u  %-4s  %-16s  %-7s  %6s  %s\n", p->number,
		       p->seed ? "yes" : "-",
		       p->title[0] != '\0' ? tool_text(p->title, t, sizeof(t))
		                           : "-",
		       hash_label(p->hash), dg, st);
	}
	for (size_t i = 0; !o->json && i < pl->count; i++)
		if (pl->items[i].info_unknown) {
			printf("  (?: not known through the PKCS#11 module, "
			       "which lists only the profiles that hold a "
			       "seed; --backend opensc shows the others' "
			       "titles and settings)\n");
			break;
		}
	if (o->json)
		json_close(j);
fail:
	client_backend_close(&b);
	free(pl);
	return ret;
}

/* ---- code and verify with --profile -------------------------------------- */

int tool_m2_profile_settings(const tool_opts *o, client_input *in,
                             client_error *err)
{
	client_profile_list *pl = calloc(1, sizeof(*pl));
	client_backend *b = NULL;
	const client_profile *p;
	int ret;

	if (pl == NULL)
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	ret = tool_backend_open(o, &b, err);
	if (ret != 0)
		goto fail;
	ret = tool_m2_profiles_read(o, b, pl, err);
	if (ret != 0)
		goto fail;
	if ((size_t)o->profile >= pl->count) {
		ret = client_fail(
			err, CLIENT_EXIT_USAGE, "profile",
			"token %s has %zu profiles (0 to %zu); choose "
			"one of them",
			pl->token.serial, pl->count, pl->count - 1);
		goto fail;
	}
	p = &pl->items[o->profile];
	if (!p->seed || p->digits == 0 || p->step == 0 || p->hash == 0) {
		ret = client_fail(err, CLIENT_EXIT_USAGE, "empty_profile",
		                  "profile %ld of token %s holds no seed; "
		                  "'safeid-tool profiles' shows which do",
		                  o->profile, pl->token.serial);
		goto fail;
	}
	/* the token's settings decide what it shows */
	in->report.digits = p->digits;
	in->report.step = p->step;
	in->report.hash = (int)p->hash;
fail:
	client_backend_close(&b);
	free(pl);
	return ret;
}

int tool_m2_options_refuse(const tool_opts *o, const client_slot *s,
                           client_error *err)
{
	const char *opt = o->profile >= 0         ? "--profile"
	                  : o->all                ? "--all"
	                  : o->first_profile >= 0 ? "--first-profile"
	                  : o->overwrite          ? "--overwrite"
	                  : o->title != NULL      ? "--title"
	                  : o->key_file != NULL   ? "--customer-key-file"
	                  : o->last_try           ? "--last-try"
	                                          : NULL;

	if (opt == NULL)
		return 0;
	return client_fail(err, CLIENT_EXIT_USAGE, "single_profile",
	                   "nothing written: %s is for a Token2 Molto2, but "
	                   "token %s on reader '%s' is a single-profile token "
	                   "(one seed, no profiles, titles or customer key); "
	                   "remove %s",
	                   opt, s->serial, s->reader, opt);
}
