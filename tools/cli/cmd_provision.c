/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmd_provision.c: a stack of tokens burned one after another with fresh
 * seeds (the client library's provisioning session does the work; this
 * file shows the plan, waits for tokens, tells the person what to do and
 * writes the export at the end).  Ctrl-C ends after the token in hand: a
 * thread takes the signals and cancels the wait for the next token, so a
 * burn is never cut by it.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "prompt.h"
#include "provision.h"
#include "watchdog.h"

typedef struct batch {
	const tool_opts *o;
	json_out *j;
	client_batch_secret secret;
	client_users users;
	bool have_users;
	client_provision_opts po;
	client_export_opts eo;
	bool exporting;
	size_t count; /* 0: until stopped */
	client_provision *p;
	client_backend *b;
	client_arrivals *a;
	int lockfd;
	/* this run */
	size_t burned, failed, refused;
	long long started_us;
	bool stopped;
	client_export_result xres;
	bool exported;
} batch;

/* ---- Ctrl-C -------------------------------------------------------------- */

static atomic_bool stop_asked;
static client_arrivals *_Atomic stop_target;

static void *signal_thread(void *arg)
{
	sigset_t *set = arg;
	int sig = 0;

	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		if (atomic_exchange(&stop_asked, true)) {
			/* A second time: at once.  The journal keeps what a
			 * cut burn needs (the token is listed as unknown). */
			fputs("\nsafeid-tool: stopped at once\n", stderr);
			_exit(130);
		}
		fputs("\nsafeid-tool: stopping after the token in hand "
		      "(Ctrl-C again: at once)\n",
		      stderr);
		client_arrivals *a = atomic_load(&stop_target);

		if (a != NULL)
			client_arrivals_cancel(a);
	}
	return NULL;
}

static int signals_take(void)
{
	static sigset_t set;
	struct sigaction old;
	pthread_t t;

	/* A shell starts background jobs with Ctrl-C ignored; a stop asked
	 * for by kill -INT or -TERM must still end the batch cleanly.  A
	 * hangup stays ignored when it was (nohup). */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigaction(SIGHUP, NULL, &old) == 0 && old.sa_handler != SIG_IGN)
		sigaddset(&set, SIGHUP);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	if (pthread_create(&t, NULL, signal_thread, &set) != 0)
		return -1;
	pthread_detach(t);
	return 0;
}

/* ---- options into the session -------------------------------------------- */

static int secret_load(const tool_opts *o, client_batch_secret *s,
                       client_error *err)
{
	memset(s, 0, sizeof(*s));
	if (o->psk_file != NULL && o->password_file != NULL)
		return client_fail(err, CLIENT_EXIT_USAGE, "usage",
		                   "give --psk-file or --password-file, not "
		                   "both");
	if (o->psk_file != NULL)
		return client_batch_secret_load(s, CLIENT_SECRET_PSK,
		                                o->psk_file, err);
	if (o->password_file != NULL)
		return client_batch_secret_load(s, CLIENT_SECRET_PASSWORD,
		                                o->password_file, err);
	return 0;
}

int tool_batch_secret(const tool_opts *o, client_batch_secret *s,
                      client_error *err)
{
	return secret_load(o, s, err);
}

static int plan_make(batch *x, client_error *err)
{
	const tool_opts *o = x->o;
	client_export_plan plan;
	safeid_hash hash = SAFEID_HASH_SHA1;
	int ret;

	if (o->journal == NULL)
		return client_fail(err, CLIENT_EXIT_USAGE, "usage",
		                   "provision needs --journal FILE: the "
		                   "encrypted file that keeps every seed of "
		                   "the batch (created, or resumed when it "
		                   "exists)");
	if (o->hash != NULL && !client_hash_parse(o->hash, &hash))
		return client_fail(err, CLIENT_EXIT_USAGE, "usage",
		                   "--hash '%s' is not supported: use sha1 or "
		                   "sha256",
		                   o->hash);
	if ((o->out == NULL) != (o->format == NULL))
		return client_fail(err, CLIENT_EXIT_USAGE, "usage",
		                   "give --out FILE and --format F together "
		                   "(or neither, and export later)");
	ret = secret_load(o, &x->secret, err);
	if (ret != 0)
		return ret;
	if (x->secret.kind == CLIENT_SECRET_NONE && !o->insecure_plaintext)
		return client_fail(err, CLIENT_EXIT_USAGE, "usage",
		                   "the journal holds every seed: give the "
		                   "batch secret with --psk-file F or "
		                   "--password-file F (a plaintext journal "
		                   "only with --insecure-plaintext)");
	if (o->users_file != NULL) {
		ret = client_users_load(&x->users, o->users_file, err);
		if (ret != 0)
			return ret;
		x->have_users = true;
	}
	x->count = o->count_given  ? (size_t)o->count
	           : x->have_users ? x->users.count
	                           : 0;
	if (x->have_users && x->count > x->users.count)
		return client_fail(err, CLIENT_EXIT_INPUT, "users_short",
		                   "users file '%s' names %zu users for %zu "
		                   "tokens (--count): add users or lower "
		                   "--count",
		                   o->users_file, x->users.count, x->count);
	x->po.hash = hash;
	x->po.seedlen = o->seed_bytes > 0            ? (unsigned)o->seed_bytes
	                : hash == SAFEID_HASH_SHA256 ? 32u
	                                             : 20u;
	x->po.step = o->step > 0 ? (unsigned)o->step : 30u;
	x->po.display = tool_display(o);
	x->po.reburn = o->reburn;
	x->po.users = x->have_users ? &x->users : NULL;
	x->po.verify = o->verify_codes;
	if (o->format == NULL)
		return 0;
	if (!client_format_parse(o->format, &x->eo.format))
		return client_fail(err, CLIENT_EXIT_USAGE, "usage",
		                   "--format '%s' is unknown: use pskc, "
		                   "privacyidea-csv, linotp-csv, multiotp-csv "
		                   "or entra-csv",
		                   o->format);
	x->eo.out_path = o->out;
	x->eo.force = o->force;
	x->eo.include_unknown = o->include_unknown;
	x->eo.secret = &x->secret;
	/* With a batch secret the journal is encrypted all the same; the
	 * flag can then only be about the PSKC file. */
	x->eo.plaintext = o->insecure_plaintext;
	x->eo.realm = o->realm;
	memset(&plan, 0, sizeof(plan));
	plan.hash = hash;
	plan.seedlen = x->po.seedlen;
	plan.step = x->po.step;
	plan.digits = 6;
	plan.users = x->po.users;
	plan.count = x->count;
	x->exporting = true;
	return client_export_check(&x->eo, &plan, err);
}

/* ---- what the person sees ------------------------------------------------ */

/* Why a token of the batch is not done, for a person. */
static const char *unsettled_why(const client_jtoken *t)
{
	if (t->seed_lost)
		return "its seed record is damaged: burn it again";
	if (client_jtoken_state(t) == SAFEID_SEED_NEW)
		return t->verify < 0 ? "its code did not match"
		                     : "its code was not checked";
	if (!t->has_outcome)
		return "the burn was cut off: state unknown";
	return safeid_seed_state_text(client_jtoken_state(t));
}

static void unsettled_show(batch *x)
{
	const client_jtoken *t;
	size_t i;

	if (x->p == NULL || x->o->json)
		return;
	for (i = 0; (t = client_provision_unsettled(x->p, i)) != NULL; i++) {
		if (i == 0)
			printf("Not done (place these again to burn them anew, "
			       "or set them aside):\n");
		printf("  token %lu: %s%s%s: %s\n", t->index, t->serial,
		       t->user[0] != '\0' ? ", user " : "", t->user,
		       unsettled_why(t));
	}
}

static void unsettled_json(batch *x)
{
	const client_jtoken *t;

	json_arr(x->j, "unsettled");
	for (size_t i = 0; (t = client_provision_unsettled(x->p, i)) != NULL;
	     i++) {
		json_obj(x->j, NULL);
		json_uint(x->j, "index", t->index);
		json_str(x->j, "serial", t->serial);
		json_str(x->j, "seed_state",
		         safeid_seed_state_name(client_jtoken_state(t)));
		json_bool(x->j, "burn_cut_off", !t->has_outcome);
		json_int(x->j, "verify", t->verify);
		json_close(x->j);
	}
	json_close(x->j);
}

static void plan_show(batch *x, const client_journal_damage *d)
{
	const tool_opts *o = x->o;
	char text[CLIENT_MSG_MAX];
	bool plain = x->p != NULL ? client_journal_plaintext(
					    client_provision_journal(x->p))
	                          : x->secret.kind == CLIENT_SECRET_NONE;

	client_journal_damage_text(d, o->journal, text, sizeof(text));
	if (text[0] != '\0')
		fprintf(stderr, "safeid-tool: warning: %s\n", text);
	if (x->exporting && x->eo.format == CLIENT_FORMAT_PSKC &&
	    x->secret.kind == CLIENT_SECRET_PASSWORD && !x->secret.ascii_6_64)
		fprintf(stderr, "safeid-tool: warning: LinOTP imports PSKC "
		                "files only with a password of 6 to 64 ASCII "
		                "characters; privacyIDEA takes this one\n");
	if (o->json)
		return;
	printf("Provisioning plan\n");
	printf("Journal:    %s (%s%s)\n", o->journal,
	       plain ? "NOT encrypted" : "encrypted",
	       x->p == NULL ? ", new" : "");
	printf("Batch:      %zu done so far",
	       x->p != NULL ? client_provision_done(x->p) : 0);
	if (x->count > 0)
		printf(" of %zu", x->count);
	printf("; the next token is number %lu\n",
	       x->p != NULL ? client_provision_next_index(x->p) : 1UL);
	printf("TOTP:       %s, %u-byte random seeds, %u s step, 6 digits, "
	       "display on for %u s\n",
	       x->po.hash == SAFEID_HASH_SHA256 ? "SHA-256" : "SHA-1",
	       x->po.seedlen, x->po.step, x->po.display);
	printf("Readers:    %s\n",
	       o->reader != NULL ? o->reader : "every reader");
	if (x->have_users)
		printf("Users:      %zu from '%s', in order\n", x->users.count,
		       o->users_file);
	if (o->verify_codes)
		printf("Check:      type each token's code after its burn\n");
	if (x->exporting)
		printf("Export:     %s to '%s' at the end\n", o->format,
		       o->out);
	unsettled_show(x);
}

/* Steps re-arm the watchdog; provisioning prints one line per token. */
static void step_quiet(void *arg, client_step step, int phase)
{
	(void)arg;
	tool_watchdog_step(step, phase);
}

static long long mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void progress_show(batch *x, const client_provision_token *t)
{
	double min = (double)(mono_us() - x->started_us) / 6e7;
	size_t done = client_provision_done(x->p);
	double rate = min > 0 ? (double)x->burned / min : 0;
	char of[32] = "";

	if (x->count > 0)
		snprintf(of, sizeof(of), "/%zu", x->count);
	printf("token %zu%s done: %s, %s%s%s - take it off, place the next\n",
	       done, of, t->serial,
	       t->model[0] != '\0' ? t->model : "unknown model",
	       t->user[0] != '\0' ? ", for " : "", t->user);
	if (isatty(STDOUT_FILENO) == 1 && rate > 0) {
		printf("  %zu", done);
		if (x->count > 0)
			printf("/%zu", x->count);
		printf(" done, %.1f tokens/min", rate);
		if (x->count > done)
			printf(", about %.0f min left",
			       (double)(x->count - done) / rate);
		printf("\n");
	}
	fflush(stdout);
}

/* ---- one token ----------------------------------------------------------- */

/* A line typed for --verify (stdin, one code per line). */
static int code_read(batch *x, const char *serial, char *buf, size_t cap,
                     client_error *err)
{
	size_t n = 0;
	char c;

	if (isatty(STDIN_FILENO) == 1)
		fprintf(stderr,
		        "Switch token %s off and on (press its button) "
		        "and type the code it shows: ",
		        serial);
	while (n + 1 < cap) {
		ssize_t r = read(STDIN_FILENO, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (n == 0)
				return client_fail(err, CLIENT_EXIT_USAGE,
				                   "no_code",
				                   "--verify: no code for "
				                   "token %s on standard input",
				                   serial);
			break;
		}
		if (c == '\n')
			break;
		buf[n++] = c;
	}
	buf[n] = '\0';
	(void)x;
	return 0;
}

/* "ok", and on failure "exit_code" and "error", of a token's line. */
static void outcome_json(json_out *j, int ret, const client_error *e)
{
	json_bool(j, "ok", ret == 0);
	if (ret == 0)
		return;
	json_int(j, "exit_code", ret);
	json_obj(j, "error");
	json_str(j, "code", e->code);
	json_str(j, "message", e->msg);
	json_close(j);
}

/* The start of one line: command, reader, event. */
static void line_begin(json_out *j, const char *reader, const char *event)
{
	json_begin(j, stdout);
	json_str(j, "command", "provision");
	json_str(j, "reader", reader);
	if (event != NULL)
		json_str(j, "event", event);
}

static void token_json(batch *x, const client_provision_token *t, int ret,
                       const client_error *e)
{
	json_out *j = x->j;

	json_uint(j, "index", t->index);
	json_str(j, "serial", t->serial);
	json_str(j, "model", t->model[0] != '\0' ? t->model : NULL);
	json_str(j, "user", t->user[0] != '\0' ? t->user : NULL);
	json_str(j, "seed_state", safeid_seed_state_name(t->res.seed));
	if (t->res.after_valid && t->res.after.clock_known)
		json_uint(j, "token_clock", t->res.after.clock);
	else
		json_null(j, "token_clock");
	json_uint(j, "done", client_provision_done(x->p));
	json_uint(j, "count", x->count);
	json_int(j, "overhead_us", t->overhead_us);
	outcome_json(j, ret, e);
}

/*
 * Verify: the code the person types for the token just burned.  With
 * --json the question is a line of its own ("code_wanted") and the answer
 * another ("verified"), so a program can drive it.
 */
static int token_verify(batch *x, const char *reader, client_provision_token *t,
                        client_error *e)
{
	json_out *j = x->j;
	char line[64];
	long offset = 0;
	int ret;

	if (x->o->json) {
		line_begin(j, reader, "code_wanted");
		json_uint(j, "index", t->index);
		json_str(j, "serial", t->serial);
		json_end(j);
	}
	ret = code_read(x, t->serial, line, sizeof(line), e);
	if (ret == 0)
		ret = client_provision_verify(x->p, line, (uint64_t)time(NULL),
		                              &offset, e);
	if (!x->o->json)
		return ret;
	line_begin(j, reader, "verified");
	json_uint(j, "index", t->index);
	json_str(j, "serial", t->serial);
	json_str(j, "verified", ret == 0 ? "match" : "mismatch");
	json_int(j, "verify_offset_steps", offset);
	json_uint(j, "done", client_provision_done(x->p));
	outcome_json(j, ret, e);
	json_end(j);
	return ret;
}

/* The burn record of a complete burn of this batch into token s. */
static void record_made(const batch *x, const client_slot *s, client_record *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->serial, sizeof(r->serial), "%s", s->serial);
	client_record_name_copy(r->model, sizeof(r->model), s->model);
	r->seed = CLIENT_RECORD_SEED_NEW;
	snprintf(r->issuer, sizeof(r->issuer), "%s", "provisioning batch");
	r->hash = x->po.hash;
	r->step = x->po.step;
	r->display = x->po.display;
	r->time = (long long)time(NULL);
}

/* After the burn: the record says what the token holds (the journal is
 * the batch's own account of it).  A record that could not be settled
 * is said, next to the token's own message. */
static void record_settle(client_record_txn *t, const client_write_result *res,
                          int ret)
{
	char note[CLIENT_MSG_MAX];
	client_error rerr;

	memset(&rerr, 0, sizeof(rerr));
	if (client_record_end(t, res, note, sizeof(note), &rerr) != 0)
		fprintf(stderr, "safeid-tool: warning: %s\n", rerr.msg);
	else if (ret != 0 && note[0] != '\0')
		fprintf(stderr, "safeid-tool: %s\n", note);
}

/*
 * The token on reader: read, checked, burned, perhaps verified.  Returns
 * 0 or the error of this token (the session goes on), or sets *fatal
 * when the session cannot (the journal cannot be written).
 */
static int token_do(batch *x, const char *reader, bool *fatal, client_error *e)
{
	const tool_opts *o = x->o;
	client_provision_token t;
	client_record made;
	client_record_txn txn;
	client_slot s;
	int ret;

	memset(&t, 0, sizeof(t));
	memset(&s, 0, sizeof(s));
	if (o->json)
		line_begin(x->j, reader, NULL);
	tool_watchdog_reader(reader);
	tool_watchdog_arm(client_step_text(CLIENT_STEP_INFO), SAFEID_SEED_OLD,
	                  CLIENT_EXIT_TOKEN);
	ret = client_slot_read(x->b, reader, &s, e);
	tool_watchdog_disarm();
	if (ret == 0)
		ret = client_provision_check(x->p, &s, e);
	if (ret != 0) {
		x->refused++;
		if (o->json) {
			json_str(x->j, "event", "refused");
			json_str(x->j, "serial", s.present ? s.serial : NULL);
			outcome_json(x->j, ret, e);
			json_end(x->j);
		} else {
			fprintf(stderr, "safeid-tool: %s\n", e->msg);
		}
		return ret;
	}
	if (o->json)
		json_str(x->j, "event", "token");
	/* The token's burn record, as for a burn: a later 'clock' must find
	 * the configuration this batch writes, never an older one. */
	record_made(x, &s, &made);
	ret = client_record_begin(o->state_dir, s.serial, &made, true, &txn, e);
	if (ret != 0) {
		x->refused++;
		if (o->json) {
			outcome_json(x->j, ret, e);
			json_end(x->j);
		} else {
			fprintf(stderr, "safeid-tool: %s\n", e->msg);
		}
		return ret;
	}
	tool_watchdog_write(x->b, &s, &txn, true);
	tool_watchdog_arm(client_step_text(CLIENT_STEP_INFO), SAFEID_SEED_OLD,
	                  CLIENT_EXIT_TOKEN);
	ret = client_provision_burn(x->p, x->b, reader, &s, step_quiet,
	                            (void *)o, &t, e);
	tool_watchdog_disarm();
	tool_watchdog_write_end();
	record_settle(&txn, &t.res, ret);
	if (ret == CLIENT_EXIT_RECORD || ret == CLIENT_EXIT_SETUP)
		*fatal = true;
	if (t.index != 0 && ret == 0)
		x->burned++;
	else if (t.index != 0)
		x->failed++;
	if (o->json) {
		token_json(x, &t, ret, e);
		json_end(x->j);
	}
	if (ret == 0 && o->verify_codes) {
		ret = token_verify(x, reader, &t, e);
		if (ret != 0) {
			x->failed++;
			x->burned--;
		}
		if (ret == CLIENT_EXIT_RECORD || ret == CLIENT_EXIT_USAGE)
			*fatal = true;
	}
	if (o->json) {
		if (ret != 0 && *fatal)
			fprintf(stderr, "safeid-tool: %s\n", e->msg);
	} else if (ret == 0) {
		progress_show(x, &t);
	} else {
		fprintf(stderr, "safeid-tool: %s\n", e->msg);
		if (!*fatal)
			fprintf(stderr,
			        "Token %s: take it off; place it again "
			        "to burn it anew, or set it aside.\n",
			        s.serial);
	}
	return ret;
}

/* ---- the session --------------------------------------------------------- */

static int session_open(batch *x, client_error *err)
{
	const tool_opts *o = x->o;
	tool_opts bo = *o;
	client_journal_damage d;
	bool fresh;
	int ret;

	ret = plan_make(x, err);
	if (ret != 0)
		return ret;
	memset(&d, 0, sizeof(d));
	/* A journal that exists is read (and its secret checked) before the
	 * plan; a new one is made only once the person said yes. */
	fresh = access(o->journal, F_OK) != 0;
	if (!fresh) {
		ret = client_provision_open(o->journal, &x->secret, false,
		                            &x->po, &x->p, &d, err);
		if (ret != 0)
			return ret;
	}
	plan_show(x, &d);
	if (x->p != NULL && x->count > 0 &&
	    client_provision_done(x->p) >= x->count) {
		if (!o->json)
			printf("The batch is complete: %zu tokens done.\n",
			       client_provision_done(x->p));
		return 0;
	}
	ret = tool_confirm(o->yes,
	                   "Burn fresh seeds into the tokens placed "
	                   "from now on?",
	                   err);
	if (ret == 0 && fresh)
		ret = client_provision_open(o->journal, &x->secret, true,
		                            &x->po, &x->p, &d, err);
	if (ret != 0)
		return ret;
	ret = tool_lock_take(o, &x->lockfd, err);
	if (ret != 0)
		return ret;
	/* --wait bounds each token's wait here, not the backend's opening. */
	bo.wait_seconds = -1;
	ret = tool_backend_open(&bo, &x->b, err);
	if (ret == 0)
		ret = client_arrivals_new(o->reader, &x->a, err);
	return ret;
}

static int session_run(batch *x, client_error *err)
{
	const tool_opts *o = x->o;
	long wait_ms = o->wait_seconds >= 0 ? o->wait_seconds * 1000L : -1;
	char reader[CLIENT_READER_MAX];
	bool fatal = false, asked = false;
	client_error e;
	int ret = 0;

	atomic_store(&stop_target, x->a);
	if (signals_take() != 0)
		fprintf(stderr, "safeid-tool: warning: Ctrl-C cannot be "
		                "caught; it ends the tool at once (the journal "
		                "keeps the batch)\n");
	x->started_us = mono_us();
	while (x->count == 0 || client_provision_done(x->p) < x->count) {
		if (atomic_load(&stop_asked)) {
			x->stopped = true;
			break;
		}
		if (!o->json && !asked) {
			printf("Place token %lu on %s%s%s...\n",
			       client_provision_next_index(x->p),
			       o->reader != NULL ? "reader '" : "any reader",
			       o->reader != NULL ? o->reader : "",
			       o->reader != NULL ? "'" : "");
			fflush(stdout);
			asked = true;
		}
		memset(&e, 0, sizeof(e));
		ret = client_arrivals_next(x->a, wait_ms, reader,
		                           sizeof(reader), &e);
		if (ret != 0 && strcmp(e.code, "cancelled") == 0) {
			x->stopped = true;
			ret = 0;
			break;
		}
		if (ret != 0) {
			*err = e;
			break;
		}
		asked = false;
		ret = token_do(x, reader, &fatal, &e);
		client_arrivals_done(x->a, reader);
		if (fatal) {
			*err = e;
			break;
		}
		ret = 0;
	}
	atomic_store(&stop_target, NULL);
	return ret;
}

static void left_out(void *arg, const client_jtoken *t, const char *reason)
{
	batch *x = arg;

	if (x->o->json)
		return;
	printf("  left out: token %lu, %s: %s\n", t->index, t->serial, reason);
}

static int export_run(batch *x, client_error *err)
{
	int ret;

	if (!x->exporting || x->p == NULL)
		return 0;
	ret = client_export_write(client_provision_journal(x->p), &x->eo,
	                          left_out, x, &x->xres, err);
	x->exported = ret == 0;
	if (ret == 0 && !x->o->json)
		printf("Exported %zu tokens to '%s' (%s).\n", x->xres.written,
		       x->o->out, x->o->format);
	return ret;
}

static void summary_json(batch *x)
{
	json_out *j = x->j;

	json_begin(j, stdout);
	json_str(j, "command", "provision");
	json_str(j, "event", "summary");
	json_str(j, "journal", x->o->journal);
	if (x->p != NULL) {
		json_uint(j, "done", client_provision_done(x->p));
		json_uint(j, "count", x->count);
		json_uint(j, "next_index", client_provision_next_index(x->p));
		json_uint(j, "burned_this_run", x->burned);
		json_uint(j, "failed_this_run", x->failed);
		json_uint(j, "refused_this_run", x->refused);
		json_bool(j, "stopped", x->stopped);
		unsettled_json(x);
	}
	if (x->exporting) {
		json_obj(j, "export");
		json_str(j, "file", x->exported ? x->o->out : NULL);
		json_str(j, "format", x->o->format);
		json_uint(j, "written", x->xres.written);
		json_uint(j, "left_out", x->xres.left_out);
		json_close(j);
	}
}

int cmd_provision(const tool_opts *o, json_out *j, client_error *err)
{
	batch x;
	int ret, xret;

	memset(&x, 0, sizeof(x));
	x.o = o;
	x.j = j;
	x.lockfd = -1;
	ret = session_open(&x, err);
	if (ret == 0 && x.a != NULL)
		ret = session_run(&x, err);
	if (x.p != NULL && x.a != NULL && !o->json) {
		printf("%s: %zu burned in this run, %zu failed; %zu of the "
		       "batch done.\n",
		       x.stopped ? "Stopped" : "Finished", x.burned, x.failed,
		       client_provision_done(x.p));
		unsettled_show(&x);
	}
	client_arrivals_free(&x.a);
	client_backend_close(&x.b);
	client_lock_release(&x.lockfd);
	/* At the end, on Ctrl-C, and after a failure: the file reflects the
	 * journal as it is. */
	if (x.p != NULL) {
		client_error xe;

		memset(&xe, 0, sizeof(xe));
		xret = export_run(&x, &xe);
		if (xret != 0 && ret == 0) {
			ret = xret;
			*err = xe;
		} else if (xret != 0) {
			fprintf(stderr, "safeid-tool: %s\n", xe.msg);
		}
	}
	if (o->json)
		summary_json(&x);
	client_provision_close(&x.p);
	client_users_free(&x.users);
	client_batch_secret_free(&x.secret);
	return ret;
}
