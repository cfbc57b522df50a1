/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * burn.c: "Burn" and "Sync token clock".  With an account, Burn writes it
 * into the token on the chosen reader, its steps shown as they happen;
 * then the window says to switch the token off and on, and counts down
 * the codes it should show.  The box ticked (the default), a burn sets
 * the token clock from this host; unticked, the burn keeps the token's
 * own time.  With no account, the box ticked, Burn sets the clock alone,
 * which on a restricted-sync model would erase the seed: there the
 * library's refusal is shown and nothing is written.  Token I/O runs on
 * the worker; the countdown is a one-second timer that runs only while
 * the codes are shown.
 */
#include <string.h>
#include <time.h>

#include "gui.h"

/* How long the token's display stays on, as safeid-tool's default. */
#define DISPLAY_SECONDS 30u

typedef struct write_job {
	gui_job base;
	bool burn; /* false: the clock alone */
	char reader[CLIENT_READER_MAX];
	char serial[SAFEID_SERIAL_MAX + 1];
	const client_input *in; /* the window's; kept still meanwhile */
	bool keep_clock;        /* the token's own time, not the host's */
	uint32_t token_clock;   /* as read at token_mono */
	gint64 token_mono;
	int rc;
	client_error err;
	client_write_result res;
	client_clock_plan plan; /* clock sync: what was re-sent */
	const char *source;     /* ... and whence it came */
	int record_rc;
	client_error record_err;
} write_job;

typedef struct step_post {
	gui *g;
	client_step step;
	int phase;
} step_post;

/* ---- steps, as they happen ---------------------------------------------- */

static gboolean step_arrived(gpointer data)
{
	step_post *p = data;
	gui *g = p->g;
	GtkWidget *last;
	char *text;

	if (g->closed)
		goto done;
	if (p->phase == CLIENT_PHASE_START) {
		last = gtk_label_new(NULL);
		gtk_label_set_xalign(GTK_LABEL(last), 0.0f);
		gtk_accessible_update_property(
			GTK_ACCESSIBLE(last),
			GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "Burn step", -1);
		text = g_strdup_printf("%s … ", client_step_text(p->step));
		gtk_box_append(GTK_BOX(g->steps), last);
	} else {
		last = gtk_widget_get_last_child(g->steps);
		if (last == NULL)
			goto done;
		text = g_strdup_printf("%s … %s", client_step_text(p->step),
		                       p->phase == CLIENT_PHASE_OK ? "done"
		                                                   : "FAILED");
		if (p->phase != CLIENT_PHASE_OK)
			gtk_widget_add_css_class(last, "error");
	}
	gtk_label_set_text(GTK_LABEL(last), text);
	g_free(text);
done:
	g_free(p);
	return G_SOURCE_REMOVE;
}

/* On the worker, from the library, as each step starts and ends. */
static void step_seen(void *arg, client_step step, int phase)
{
	write_job *w = arg;
	step_post *p = g_new0(step_post, 1);

	p->g = w->base.g;
	p->step = step;
	p->phase = phase;
	gui_post(step_arrived, p);
}

static void steps_clear(gui *g)
{
	GtkWidget *c;

	while ((c = gtk_widget_get_first_child(g->steps)) != NULL)
		gtk_box_remove(GTK_BOX(g->steps), c);
}

/* ---- the codes to expect, counted down ---------------------------------- */

static gboolean tick(gpointer data);

static void codes_show(gui *g)
{
	char line[CLIENT_MSG_MAX];
	gint64 now_ms = g_get_real_time() / 1000;

	client_text_codes(g->in, (uint64_t)(now_ms / 1000), line, sizeof(line));
	gui_label_set(g->codes, GUI_INFO, line);
	/* Just after the next second starts. */
	g->countdown =
		g_timeout_add((guint)(1000 - now_ms % 1000) + 5, tick, g);
}

static gboolean tick(gpointer data)
{
	gui *g = data;

	g->countdown = 0;
	codes_show(g);
	return G_SOURCE_REMOVE;
}

static void countdown_stop(gui *g)
{
	if (g->countdown != 0)
		g_source_remove(g->countdown);
	g->countdown = 0;
}

void gui_burn_forget(gui *g)
{
	countdown_stop(g);
	if (g->writing)
		return;
	steps_clear(g);
	gui_label_set(g->result, GUI_INFO, "");
	gui_label_set(g->power, GUI_INFO, "");
	gui_label_set(g->codes, GUI_INFO, "");
}

void gui_burn_token_changed(gui *g)
{
	const client_slot *s = gui_token_chosen(g);

	gui_label_set(g->restricted, GUI_WARNING,
	              s != NULL && s->restricted_sync
	                      ? client_text(CLIENT_TEXT_RESTRICTED_BURN)
	                      : "");
}

/* ---- the write, on the worker ------------------------------------------- */

/* After a write: the token's record says what the outcome leaves on it
 * (the old one kept, the new one, an erased seed, or none). */
static int record_settle(write_job *w, client_record_txn *t)
{
	char note[CLIENT_MSG_MAX];
	size_t n, m;

	memset(&w->record_err, 0, sizeof(w->record_err));
	w->record_rc = client_record_end(t, &w->res, note, sizeof(note),
	                                 &w->record_err);
	if (w->rc == 0)
		return 0;
	n = strlen(w->err.msg);
	m = strlen(note);
	if (m > 0 && n + 1 + m < sizeof(w->err.msg)) {
		w->err.msg[n] = ' ';
		memcpy(w->err.msg + n + 1, note, m + 1);
	}
	return w->rc;
}

static int burn_write(write_job *w, client_backend *b, const client_slot *s)
{
	client_burn_plan p;
	client_record made;
	client_record_txn t;

	client_burn_plan_fill(&p, w->in, DISPLAY_SECONDS);
	p.expect_serial = w->serial;
	if (w->keep_clock) {
		p.clock_given = true;
		p.clock = w->token_clock +
		          (uint32_t)((g_get_monotonic_time() - w->token_mono) /
		                     G_USEC_PER_SEC);
	}
	/* So a later clock sync knows the configuration (never the seed);
	 * the old record is set aside until the outcome is known. */
	client_record_fill(&made, w->in, s, DISPLAY_SECONDS,
	                   (long long)time(NULL));
	w->rc = client_record_begin(NULL, w->serial, &made, true, &t, &w->err);
	if (w->rc != 0)
		return w->rc;
	w->rc = client_seed_burn(b, w->reader, &p, step_seen, w, &w->res,
	                         &w->err);
	return record_settle(w, &t);
}

static int clock_write(write_job *w, client_backend *b, const client_slot *s)
{
	client_clock_opts none;
	client_record prev, made;
	client_record_txn t;
	client_error ignored;
	char path[4200];
	bool have_prev, have_made;

	if (s->restricted_sync)
		return client_clock_refuse(s, &w->err);
	memset(&none, 0, sizeof(none));
	if (client_clock_plan_fill(&w->plan, NULL, s, &none, &w->source,
	                           &w->err) != 0)
		return w->err.exit_code;
	w->plan.expect_serial = w->serial;
	/* The record as a complete write leaves it; the old one set aside
	 * until the outcome is known. */
	have_prev = client_record_load(NULL, s->serial, &prev, path,
	                               sizeof(path), &ignored) == 0;
	have_made = client_record_fill_clock(&made, have_prev ? &prev : NULL, s,
	                                     &w->plan, (long long)time(NULL));
	w->rc = client_record_begin(NULL, s->serial, have_made ? &made : NULL,
	                            false, &t, &w->err);
	if (w->rc != 0)
		return w->rc;
	w->rc = client_clock_set(b, w->reader, &w->plan, step_seen, w, &w->res,
	                         &w->err);
	return record_settle(w, &t);
}

static void write_run(gui_job *j)
{
	write_job *w = (write_job *)j;
	client_backend_opts o;
	client_backend *b = NULL;
	client_slot s;
	char lock[4200];
	int lockfd = -1;

	memset(&o, 0, sizeof(o));
	/* One writer at a time; this window does not wait for another. */
	w->rc = client_lock_try(NULL, &lockfd, lock, sizeof(lock), &w->err);
	if (w->rc == 1)
		w->rc = client_lock_fail(&lockfd, 0, lock, &w->err);
	if (w->rc != 0)
		return;
	w->rc = client_backend_open(&o, &b, &w->err);
	if (w->rc == 0)
		w->rc = client_slot_read(b, w->reader, &s, &w->err);
	if (w->rc == 0)
		w->rc = w->burn ? burn_write(w, b, &s) : clock_write(w, b, &s);
	client_backend_close(&b);
	client_lock_release(&lockfd);
}

static void burn_shown(gui *g, write_job *w)
{
	char line[CLIENT_MSG_MAX];

	if (w->res.after_valid && w->res.after.clock_known)
		client_text_clock("set to", w->res.after.clock,
		                  (uint64_t)time(NULL), line, sizeof(line));
	else
		snprintf(line, sizeof(line), "%s",
		         client_text(CLIENT_TEXT_CLOCK_UNREAD));
	gui_label_set(g->result, GUI_GOOD, line);
	snprintf(line, sizeof(line), "Done. %s",
	         client_text(CLIENT_TEXT_POWER_CYCLE));
	gui_label_set(g->power, GUI_INFO, line);
	codes_show(g);
	if (w->record_rc != 0)
		gui_say(g, GUI_WARNING, w->record_err.msg);
	else
		gui_say(g, GUI_INFO, "");
	gtk_widget_grab_focus(g->code);
}

/* As safeid-tool clock says it: what was re-sent, the clock, the seed. */
static void clock_shown(gui *g, write_job *w)
{
	char line[CLIENT_MSG_MAX];
	GString *s = g_string_new(NULL);

	g_string_append_printf(
		s,
		"Clock set (%s, %u s step, %u s display, "
		"from the %s).\n",
		w->plan.hash == SAFEID_HASH_SHA256 ? "SHA-256" : "SHA-1",
		w->plan.step, w->plan.display_seconds, w->source);
	if (w->res.after_valid && w->res.after.clock_known) {
		client_text_clock("now", w->res.after.clock,
		                  (uint64_t)time(NULL), line, sizeof(line));
		g_string_append_printf(s, "%s\n", line);
	}
	g_string_append_printf(s, "The token holds: %s.",
	                       safeid_seed_state_text(w->res.seed));
	if (w->res.seed == SAFEID_SEED_ERASED)
		g_string_append_printf(s, "\n%s",
		                       client_text(CLIENT_TEXT_BURN_AGAIN));
	gui_label_set(g->result, GUI_GOOD, s->str);
	g_string_free(s, TRUE);
	gui_say(g, GUI_INFO, "");
}

static void write_done(gui_job *j)
{
	write_job *w = (write_job *)j;
	gui *g = j->g;

	g->writing = false;
	gui_busy_update(g);
	if (w->rc != 0) {
		gui_label_set(g->result,
		              w->rc == CLIENT_EXIT_DECLINED ? GUI_WARNING
		                                            : GUI_ERROR,
		              w->err.msg);
		gui_say(g, GUI_INFO, "");
	} else if (w->burn)
		burn_shown(g, w);
	else
		clock_shown(g, w);
	/* What the token is now, read again. */
	gui_token_refresh(g);
}

static void write_release(gui_job *j)
{
	safeid_wipe(j, sizeof(write_job));
	g_free(j);
}

/* ---- Burn --------------------------------------------------------------- */

static void write_start(gui *g, const client_slot *s, bool burn)
{
	write_job *w = g_new0(write_job, 1);

	w->burn = burn;
	snprintf(w->reader, sizeof(w->reader), "%s", s->reader);
	snprintf(w->serial, sizeof(w->serial), "%s", s->serial);
	w->in = g->in;
	w->keep_clock = burn && s->clock_known &&
	                !gtk_check_button_get_active(GTK_CHECK_BUTTON(g->sync));
	w->token_clock = (uint32_t)s->clock;
	w->token_mono = g->slots_mono;
	gui_burn_forget(g);
	gui_verify_forget(g);
	g->writing = true;
	gui_busy_update(g);
	if (burn) {
		char line[SAFEID_SERIAL_MAX + 64];

		client_text_burning(s->serial, line, sizeof(line));
		gui_sayf(g, GUI_INFO, "%s on '%s'…", line, s->reader);
	} else {
		gui_sayf(g, GUI_INFO, "Setting the clock of token %s on '%s'…",
		         s->serial, s->reader);
	}
	gui_job_run(&w->base, g, write_run, write_done, write_release);
}

static void burn_clicked(GtkButton *b, gpointer data)
{
	gui *g = data;
	const char *reader = gui_reader_chosen(g);
	const client_slot *s = gui_token_chosen(g);
	bool sync = gtk_check_button_get_active(GTK_CHECK_BUTTON(g->sync));

	(void)b;
	if (!gui_idle(g))
		return;
	if (reader == NULL) {
		gui_say(g, GUI_ERROR,
		        g->view_ok ? client_text(CLIENT_TEXT_NO_READER)
		                   : g->view_problem);
	} else if (s == NULL) {
		char line[CLIENT_MSG_MAX];

		/* as the library refuses a write there */
		client_text_no_token(reader, line, sizeof(line));
		gui_say(g, GUI_ERROR, line);
	} else if (g->in == NULL && !sync) {
		gui_say(g, GUI_ERROR, client_text(CLIENT_TEXT_NOTHING_TO_BURN));
	} else if (g->in != NULL && !g->in_ok) {
		gui_say(g, GUI_ERROR, g->in_problem);
	} else {
		write_start(g, s, g->in != NULL);
	}
}

void gui_burn_setup(gui *g)
{
	g_signal_connect(g->burn, "clicked", G_CALLBACK(burn_clicked), g);
}
