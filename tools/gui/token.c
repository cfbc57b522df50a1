/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * token.c: the "Reader" drop-down and the token on the chosen reader,
 * kept up to date by PC/SC's events.  A thread of its own blocks in the
 * library's reader watch; each change is posted to the main loop, which
 * lists the readers and has the worker read the tokens (serial, model,
 * clock) through the backend.  Nobody presses a button; nothing polls.
 */
#include <string.h>
#include <time.h>

#include "gui.h"

typedef struct view_post {
	gui *g;
	int rc;
	client_error err;
	client_reader_view view;
} view_post;

typedef struct slots_job {
	gui_job base;
	client_slot_list list;
	int rc;
	client_error err;
	gint64 mono;
	uint64_t host;
} slots_job;

const char *gui_reader_chosen(const gui *g)
{
	guint i = gtk_drop_down_get_selected(GTK_DROP_DOWN(g->reader));

	if (!g->view_ok || i == GTK_INVALID_LIST_POSITION || i >= g->view.count)
		return NULL;
	return g->view.names[i];
}

static const client_slot *slot_of(const gui *g, const char *reader)
{
	for (size_t i = 0; reader != NULL && i < g->slots.count; i++)
		if (strcmp(g->slots.slots[i].reader, reader) == 0)
			return &g->slots.slots[i];
	return NULL;
}

static const safeid_reader_state *state_of(const gui *g, const char *reader)
{
	for (size_t i = 0; reader != NULL && i < g->view.count; i++)
		if (strcmp(g->view.names[i], reader) == 0)
			return &g->view.states[i];
	return NULL;
}

const client_slot *gui_token_chosen(const gui *g)
{
	const char *reader = gui_reader_chosen(g);
	const safeid_reader_state *st = state_of(g, reader);
	const client_slot *s = slot_of(g, reader);

	/* What the backend read is only good while PC/SC still sees a card
	 * there. */
	if (st == NULL || !st->present || s == NULL || !s->present)
		return NULL;
	return s;
}

static void fields_set(gui *g, gui_tone tone, const char *token,
                       const char *serial, const char *model, const char *clock)
{
	gui_label_set(g->token, tone, token);
	gui_label_set(g->serial, GUI_INFO, serial);
	gui_label_set(g->model, GUI_INFO, model);
	gui_label_set(g->clock, GUI_INFO, clock);
}

/* Serial, model and clock as safeid-tool info says them. */
static void token_show(gui *g)
{
	const char *reader = gui_reader_chosen(g);
	const safeid_reader_state *st = state_of(g, reader);
	const client_slot *s = gui_token_chosen(g);
	char model[CLIENT_MODEL_MAX + 128], clock[128];

	if (!g->view_ok) {
		fields_set(g, GUI_ERROR, g->view_problem, "", "", "");
	} else if (g->view.count == 0) {
		fields_set(g, GUI_ERROR, client_text(CLIENT_TEXT_NO_READER), "",
		           "", "");
	} else if (st == NULL || !st->present) {
		char none[160];

		snprintf(none, sizeof(none), "none (%s)",
		         client_text(CLIENT_TEXT_PLACE_TOKEN));
		fields_set(g, GUI_INFO, none, "", "", "");
	} else if (s != NULL) {
		snprintf(model, sizeof(model), "%s%s%s%s",
		         s->model[0] != '\0' ? s->model : "unknown",
		         s->restricted_sync ? " (" : "",
		         s->restricted_sync
		                 ? client_text(CLIENT_TEXT_RESTRICTED)
		                 : "",
		         s->restricted_sync ? ")" : "");
		if (s->clock_known) {
			client_text_drift(s->clock, g->slots_host, clock,
			                  sizeof(clock));
		} else {
			snprintf(clock, sizeof(clock), "not readable");
		}
		fields_set(g, GUI_GOOD, "present", s->serial, model, clock);
	} else if (g->slots_problem[0] != '\0' && !g->slots_busy) {
		fields_set(g, GUI_ERROR, g->slots_problem, "", "", "");
	} else if (!g->slots_busy && !g->slots_again && st->usable) {
		fields_set(g, GUI_WARNING, client_text(CLIENT_TEXT_NOT_FAMILY),
		           "", "", "");
	} else {
		fields_set(g, GUI_INFO, client_text(CLIENT_TEXT_TOKEN_READING),
		           "", "", "");
	}
	gui_burn_token_changed(g);
}

/* ---- the tokens, read on the worker ------------------------------------- */

static void slots_run(gui_job *j)
{
	slots_job *s = (slots_job *)j;
	client_backend_opts o;
	client_backend *b = NULL;

	memset(&o, 0, sizeof(o));
	s->rc = client_backend_open(&o, &b, &s->err);
	if (s->rc == 0)
		s->rc = client_slot_list_read(b, &s->list, &s->err);
	s->mono = g_get_monotonic_time();
	s->host = (uint64_t)time(NULL);
	client_backend_close(&b);
}

static void slots_read(gui *g);

static void slots_done(gui_job *j)
{
	slots_job *s = (slots_job *)j;
	gui *g = j->g;

	g->slots_busy = false;
	client_slot_list_free(&g->slots);
	g->slots = s->list;
	memset(&s->list, 0, sizeof(s->list));
	g->slots_mono = s->mono;
	g->slots_host = s->host;
	snprintf(g->slots_problem, sizeof(g->slots_problem), "%s",
	         s->rc != 0 ? s->err.msg : "");
	if (g->slots_again) {
		g->slots_again = false;
		slots_read(g);
	}
	token_show(g);
}

static void slots_release(gui_job *j)
{
	slots_job *s = (slots_job *)j;

	client_slot_list_free(&s->list);
	g_free(s);
}

/* One read at a time; a change during one asks for another after it. */
static void slots_read(gui *g)
{
	slots_job *s;

	if (g->slots_busy) {
		g->slots_again = true;
		return;
	}
	s = g_new0(slots_job, 1);
	g->slots_busy = true;
	gui_job_run(&s->base, g, slots_run, slots_done, slots_release);
}

void gui_token_refresh(gui *g)
{
	slots_read(g);
}

/* ---- the readers, from the watch ---------------------------------------- */

static void reader_picked(GObject *o, GParamSpec *ps, gpointer data)
{
	(void)o;
	(void)ps;
	token_show(data);
}

/* The reader a token was just placed on, else the one chosen before,
 * else the first with a token, else the first. */
static guint reader_to_choose(const gui *g, const client_reader_view *old,
                              const char *before)
{
	guint keep = GTK_INVALID_LIST_POSITION;
	guint card = GTK_INVALID_LIST_POSITION;

	for (guint i = 0; i < g->view.count; i++) {
		const safeid_reader_state *was = NULL;

		for (size_t k = 0; k < old->count; k++)
			if (strcmp(old->names[k], g->view.names[i]) == 0)
				was = &old->states[k];
		if (g->view.states[i].present &&
		    (was == NULL || !was->present ||
		     was->events != g->view.states[i].events))
			return i;
		if (before != NULL && strcmp(before, g->view.names[i]) == 0)
			keep = i;
		if (card == GTK_INVALID_LIST_POSITION &&
		    g->view.states[i].present)
			card = i;
	}
	if (keep != GTK_INVALID_LIST_POSITION)
		return keep;
	return card != GTK_INVALID_LIST_POSITION ? card : 0;
}

static void readers_fill(gui *g, const client_reader_view *old,
                         const char *before)
{
	guint n = g_list_model_get_n_items(G_LIST_MODEL(g->readers));
	char **names = g_new0(char *, g->view.count + 1);

	for (size_t i = 0; i < g->view.count; i++)
		names[i] = gui_clean(g->view.names[i]);
	g_signal_handlers_block_by_func(g->reader, reader_picked, g);
	gtk_string_list_splice(g->readers, 0, n, (const char *const *)names);
	if (g->view.count > 0)
		gtk_drop_down_set_selected(GTK_DROP_DOWN(g->reader),
		                           reader_to_choose(g, old, before));
	g_signal_handlers_unblock_by_func(g->reader, reader_picked, g);
	g_strfreev(names);
}

/* A reader whose card came, went or changed: what was read of it no
 * longer holds until it is read again. */
static void slots_stale(gui *g, const client_reader_view *old)
{
	for (size_t i = 0; i < g->slots.count; i++) {
		client_slot *s = &g->slots.slots[i];
		const safeid_reader_state *now = state_of(g, s->reader);
		const safeid_reader_state *was = NULL;

		for (size_t k = 0; k < old->count; k++)
			if (strcmp(old->names[k], s->reader) == 0)
				was = &old->states[k];
		if (now == NULL || was == NULL ||
		    now->present != was->present ||
		    now->usable != was->usable || now->events != was->events)
			s->present = false;
	}
}

static void view_take(gui *g, const view_post *p)
{
	client_reader_view *old = g_new(client_reader_view, 1);
	const char *chosen = gui_reader_chosen(g);
	char *before = chosen != NULL ? g_strdup(chosen) : NULL;

	*old = g->view;
	g->view_ok = p->rc == 0;
	if (g->view_ok) {
		g->view = p->view;
		g->view_problem[0] = '\0';
	} else {
		memset(&g->view, 0, sizeof(g->view));
		snprintf(g->view_problem, sizeof(g->view_problem), "%s",
		         p->err.msg);
	}
	slots_stale(g, old);
	readers_fill(g, old, before);
	if (g->view_ok && g->view.count > 0)
		slots_read(g);
	token_show(g);
	g_free(before);
	g_free(old);
}

static gboolean view_arrived(gpointer data)
{
	view_post *p = data;

	if (!p->g->closed)
		view_take(p->g, p);
	g_free(p);
	return G_SOURCE_REMOVE;
}

static gpointer watcher_main(gpointer data)
{
	gui *g = data;
	client_reader_view v;

	memset(&v, 0, sizeof(v));
	for (;;) {
		view_post *p = g_new0(view_post, 1);

		p->g = g;
		p->rc = client_reader_watch_next(g->watch, &v, &p->err);
		if (p->rc != 0 && strcmp(p->err.code, "cancelled") == 0) {
			g_free(p);
			break;
		}
		p->view = v;
		gui_post(view_arrived, p);
	}
	return NULL;
}

void gui_token_start(gui *g)
{
	client_error err;

	g_signal_connect(g->reader, "notify::selected",
	                 G_CALLBACK(reader_picked), g);
	fields_set(g, GUI_INFO, client_text(CLIENT_TEXT_READERS_WAIT), "", "",
	           "");
	g->view_ok = true;
	if (client_reader_watch_new(&g->watch, &err) != 0) {
		gui_say(g, GUI_ERROR, err.msg);
		return;
	}
	g->watcher = g_thread_new("readers", watcher_main, g);
}

void gui_token_stop(gui *g)
{
	if (g->watch == NULL)
		return;
	client_reader_watch_cancel(g->watch);
	if (g->watcher != NULL)
		g_thread_join(g->watcher);
	g->watcher = NULL;
	client_reader_watch_free(&g->watch);
}
