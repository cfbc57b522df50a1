/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * input.c: the account to burn, from an image file (the file chooser, or
 * dropped on the window) or the clipboard (an image, or an otpauth://
 * URI), read by the library on the worker; and the account shown: name,
 * issuer, hash, step, digits, and the secret, hidden until revealed.
 */
#include <string.h>

#include "gui.h"

typedef struct read_job {
	gui_job base;
	gui_source from;
	char *path; /* a file */
	char *data; /* an image or text; may hold a secret */
	size_t len;
	void (*before)(gui *g); /* on the main thread, before the result */
	client_input *in;
	int rc;
	client_error err;
} read_job;

static void read_run(gui_job *j)
{
	read_job *r = (read_job *)j;

	r->in = g_new0(client_input, 1);
	memset(&r->err, 0, sizeof(r->err));
	switch (r->from) {
	case GUI_FROM_FILE:
		r->rc = client_input_qr_read(r->path, r->in, &r->err);
		break;
	case GUI_FROM_IMAGE:
		r->rc = client_input_image_read(
			(const uint8_t *)r->data, r->len,
			"the image on the clipboard", r->in, &r->err);
		break;
	case GUI_FROM_TEXT:
		r->rc = client_input_uri_parse(r->data, r->len,
		                               "the text on the clipboard",
		                               r->in, &r->err);
		break;
	case GUI_FROM_SCREEN:
		r->rc = client_input_screen_read(NULL, r->in, &r->err);
		break;
	}
	if (r->data != NULL)
		safeid_wipe(r->data, r->len);
}

static void read_done(gui_job *j)
{
	read_job *r = (read_job *)j;
	gui *g = j->g;

	g->reading = false;
	if (r->before != NULL)
		r->before(g);
	gui_busy_update(g);
	gui_input_take(g, r->in, r->rc, &r->err);
	r->in = NULL;
}

static void read_release(gui_job *j)
{
	read_job *r = (read_job *)j;

	if (r->in != NULL) {
		client_input_free(r->in);
		g_free(r->in);
	}
	g_free(r->path);
	if (r->data != NULL)
		safeid_wipe(r->data, r->len);
	g_free(r->data);
	safeid_wipe(&r->err, sizeof(r->err));
	g_free(r);
}

void gui_input_read(gui *g, gui_source from, const char *path, char *data,
                    size_t len, void (*before)(gui *g))
{
	read_job *r = g_new0(read_job, 1);

	r->from = from;
	r->path = g_strdup(path);
	r->data = data;
	r->len = len;
	r->before = before;
	g->reading = true;
	gui_busy_update(g);
	if (from == GUI_FROM_SCREEN)
		gui_say(g, GUI_INFO, client_text(CLIENT_TEXT_SCANNING));
	else
		gui_say(g, GUI_INFO, client_text(CLIENT_TEXT_READING));
	gui_job_run(&r->base, g, read_run, read_done, read_release);
}

/* ---- the account shown -------------------------------------------------- */

static void fields_clear(gui *g)
{
	GtkWidget *const f[] = {g->source, g->account, g->issuer,
	                        g->hash,   g->step,    g->digits};

	for (size_t i = 0; i < G_N_ELEMENTS(f); i++)
		gtk_label_set_text(GTK_LABEL(f[i]), "");
	g->shown = NULL;
	gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(g->reveal), FALSE);
	gtk_editable_set_text(GTK_EDITABLE(g->secret), "");
	gtk_entry_set_placeholder_text(GTK_ENTRY(g->secret), NULL);
	gtk_widget_set_sensitive(g->reveal, FALSE);
}

/* Where it came from; for the screen, the monitors that had a code. */
static void source_show(gui *g)
{
	GString *s = g_string_new(g->in->source);
	const char *sep = " (";

	for (size_t i = 0; i < g->in->monitor_count; i++) {
		const input_monitor *m = &g->in->monitors[i];

		if (m->codes == 0)
			continue;
		g_string_append_printf(s, "%smonitor %s, %ux%u at %+d%+d", sep,
		                       m->name, m->width, m->height, m->x,
		                       m->y);
		sep = "; ";
	}
	if (strcmp(sep, "; ") == 0)
		g_string_append(s, ")");
	gui_label_set(g->source, GUI_INFO, s->str);
	g_string_free(s, TRUE);
}

static void fields_show(gui *g, const input_account *a)
{
	char buf[64];

	source_show(g);
	gui_label_set(g->account, GUI_INFO,
	              a->name[0] != '\0' ? a->name : "(no name)");
	gui_label_set(g->issuer, GUI_INFO,
	              a->issuer[0] != '\0' ? a->issuer : "(none)");
	if (g->in_ok)
		snprintf(buf, sizeof(buf), "%s",
		         g->in->report.hash == SAFEID_HASH_SHA256 ? "SHA-256"
		                                                  : "SHA-1");
	else
		snprintf(buf, sizeof(buf), "%s", input_alg_name(a->alg));
	gtk_label_set_text(GTK_LABEL(g->hash), buf);
	snprintf(buf, sizeof(buf), "%u s", a->period);
	gtk_label_set_text(GTK_LABEL(g->step), buf);
	snprintf(buf, sizeof(buf), "%u", a->digits);
	gtk_label_set_text(GTK_LABEL(g->digits), buf);
	g->shown = a;
	gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(g->reveal), FALSE);
	gtk_editable_set_text(GTK_EDITABLE(g->secret), "");
	gtk_entry_set_placeholder_text(GTK_ENTRY(g->secret),
	                               client_text(CLIENT_TEXT_SECRET_HIDDEN));
	gtk_widget_set_sensitive(g->reveal, TRUE);
}

/* What the library said besides: codes that held no account, and the
 * plan's warnings. */
static void notes_say(gui *g)
{
	GString *s = g_string_new(NULL);
	const input_plan_report *r = &g->in->report;

	for (size_t i = 0; i < r->count; i++)
		if (r->issues[i].severity == INPUT_SEV_WARNING)
			g_string_append_printf(s, "%swarning: %s",
			                       s->len > 0 ? "\n" : "",
			                       r->issues[i].msg);
	if (g->in->skipped[0] != '\0')
		g_string_append_printf(s, "%sSkipped:\n%s",
		                       s->len > 0 ? "\n" : "", g->in->skipped);
	if (s->len > 0)
		gui_say(g, GUI_WARNING, s->str);
	else {
		char line[sizeof(g->in->source) + 32];

		client_text_accounts(g->in, line, sizeof(line));
		gui_sayf(g, GUI_GOOD, "%s; %s.", line,
		         client_text(CLIENT_TEXT_BURNABLE));
	}
	g_string_free(s, TRUE);
}

/* Account i of what was read becomes the one to burn, if it can be. */
static void account_choose(gui *g, size_t i)
{
	client_input *in = g->in;
	client_error err;
	long pick = in->accounts.count > 1 ? (long)i + 1 : 0;

	memset(&err, 0, sizeof(err));
	g->in_ok = client_input_choose(in, pick, NULL, &err) == 0;
	snprintf(g->in_problem, sizeof(g->in_problem), "%s", err.msg);
	fields_show(g, &in->accounts.items[i]);
	if (g->in_ok)
		notes_say(g);
	else
		gui_say(g, GUI_ERROR, err.msg);
	gui_burn_forget(g);
	gui_verify_forget(g);
}

static void picked(GObject *o, GParamSpec *ps, gpointer data)
{
	gui *g = data;
	guint i = gtk_drop_down_get_selected(GTK_DROP_DOWN(o));

	(void)ps;
	if (g->in == NULL || i == GTK_INVALID_LIST_POSITION ||
	    i >= g->in->accounts.count)
		return;
	account_choose(g, i);
}

static void pick_fill(gui *g)
{
	guint old = g_list_model_get_n_items(G_LIST_MODEL(g->pick_list));
	char **labels = g_new0(char *, g->in->accounts.count + 1);

	for (size_t i = 0; i < g->in->accounts.count; i++) {
		char label[600];

		input_account_label(&g->in->accounts.items[i], label,
		                    sizeof(label));
		labels[i] = gui_clean(label);
	}
	g_signal_handlers_block_by_func(g->pick, picked, g);
	gtk_string_list_splice(g->pick_list, 0, old,
	                       (const char *const *)labels);
	gtk_drop_down_set_selected(GTK_DROP_DOWN(g->pick), 0);
	g_signal_handlers_unblock_by_func(g->pick, picked, g);
	g_strfreev(labels);
	gtk_widget_set_visible(g->pick_row, g->in->accounts.count > 1);
}

void gui_input_take(gui *g, client_input *in, int rc, const client_error *err)
{
	if (rc != 0) {
		/* The account read before stays, untouched. */
		gui_say(g, GUI_ERROR, err->msg);
		client_input_free(in);
		g_free(in);
		return;
	}
	gui_input_free(g);
	g->in = in;
	pick_fill(g);
	account_choose(g, 0);
}

void gui_input_free(gui *g)
{
	if (g->in == NULL)
		return;
	client_input_free(g->in);
	g_free(g->in);
	g->in = NULL;
	g->in_ok = false;
	if (!g->closed)
		fields_clear(g);
}

/* The secret is in the entry only while shown: GTK 4.8 gives a hidden
 * entry's text to AT-SPI clients as it is.  The entry keeps it in GTK's
 * locked memory, wiped when replaced; our copy is wiped at once. */
static void reveal_toggled(GtkToggleButton *b, gpointer data)
{
	gui *g = data;
	bool show = gtk_toggle_button_get_active(b) && g->shown != NULL;
	char *b32 = NULL;

	gtk_editable_set_text(GTK_EDITABLE(g->secret), "");
	if (show && input_base32_encode(g->shown->secret, g->shown->secret_len,
	                                false, &b32) == INPUT_OK) {
		gtk_editable_set_text(GTK_EDITABLE(g->secret), b32);
		input_secret_free(b32, strlen(b32) + 1);
	}
	gtk_entry_set_visibility(GTK_ENTRY(g->secret), show);
}

/* ---- an image file: chosen, or dropped on the window -------------------- */

static bool can_read(gui *g)
{
	if (gui_idle(g))
		return true;
	gui_say(g, GUI_WARNING, client_text(CLIENT_TEXT_BUSY));
	return false;
}

static void file_read(gui *g, GFile *f)
{
	char *path = g_file_get_path(f);

	if (path == NULL) {
		char *name = g_file_get_parse_name(f);
		char line[CLIENT_MSG_MAX];

		client_text_not_local(name, line, sizeof(line));
		gui_say(g, GUI_ERROR, line);
		g_free(name);
		return;
	}
	gui_input_read(g, GUI_FROM_FILE, path, NULL, 0, NULL);
	g_free(path);
}

static void chosen(GtkNativeDialog *d, int response, gpointer data)
{
	gui *g = data;

	if (response == GTK_RESPONSE_ACCEPT && can_read(g)) {
		GFile *f = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(d));

		if (f != NULL) {
			file_read(g, f);
			g_object_unref(f);
		}
	}
	g_object_unref(d);
}

static void open_clicked(GtkButton *b, gpointer data)
{
	gui *g = data;
	GtkFileChooserNative *d;
	GtkFileFilter *images = gtk_file_filter_new(), *all;

	(void)b;
	if (!can_read(g))
		return;
	d = gtk_file_chooser_native_new("Open QR image", GTK_WINDOW(g->win),
	                                GTK_FILE_CHOOSER_ACTION_OPEN, "_Open",
	                                "_Cancel");
	gtk_native_dialog_set_modal(GTK_NATIVE_DIALOG(d), TRUE);
	gtk_file_filter_set_name(images, "PNG and JPEG images");
	gtk_file_filter_add_mime_type(images, "image/png");
	gtk_file_filter_add_mime_type(images, "image/jpeg");
	gtk_file_chooser_add_filter(GTK_FILE_CHOOSER(d), images);
	all = gtk_file_filter_new();
	gtk_file_filter_set_name(all, "All files");
	gtk_file_filter_add_pattern(all, "*");
	gtk_file_chooser_add_filter(GTK_FILE_CHOOSER(d), all);
	g_object_unref(images);
	g_object_unref(all);
	g_signal_connect(d, "response", G_CALLBACK(chosen), g);
	gtk_native_dialog_show(GTK_NATIVE_DIALOG(d));
}

static gboolean dropped(GtkDropTarget *t, const GValue *v, double x, double y,
                        gpointer data)
{
	gui *g = data;
	GSList *files;

	(void)t;
	(void)x;
	(void)y;
	gtk_label_set_text(GTK_LABEL(g->hint),
	                   client_text(CLIENT_TEXT_INPUT_HINT));
	if (!G_VALUE_HOLDS(v, GDK_TYPE_FILE_LIST) || !can_read(g))
		return FALSE;
	files = gdk_file_list_get_files(g_value_get_boxed(v));
	if (files != NULL)
		file_read(g, files->data);
	g_slist_free(files);
	return files != NULL;
}

/* Saying it also lets a test release the drag only once the window has
 * answered it. */
static GdkDragAction drag_entered(GtkDropTarget *t, double x, double y,
                                  gpointer data)
{
	gui *g = data;

	(void)t;
	(void)x;
	(void)y;
	gtk_label_set_text(GTK_LABEL(g->hint),
	                   client_text(CLIENT_TEXT_DROP_HINT));
	return GDK_ACTION_COPY;
}

static void drag_left(GtkDropTarget *t, gpointer data)
{
	gui *g = data;

	(void)t;
	gtk_label_set_text(GTK_LABEL(g->hint),
	                   client_text(CLIENT_TEXT_INPUT_HINT));
}

/* ---- the clipboard ------------------------------------------------------ */

static void text_pasted(GObject *src, GAsyncResult *res, gpointer data)
{
	gui *g = data;
	char *text =
		gdk_clipboard_read_text_finish(GDK_CLIPBOARD(src), res, NULL);

	if (g->closed || text == NULL) {
		if (text == NULL && !g->closed)
			gui_say(g, GUI_ERROR,
			        client_text(CLIENT_TEXT_CLIP_TEXT));
		g_free(text);
		return;
	}
	if (can_read(g))
		gui_input_read(g, GUI_FROM_TEXT, NULL, text, strlen(text),
		               NULL);
	else
		g_free(text);
}

static void texture_pasted(GObject *src, GAsyncResult *res, gpointer data)
{
	gui *g = data;
	GdkTexture *t = gdk_clipboard_read_texture_finish(GDK_CLIPBOARD(src),
	                                                  res, NULL);
	GBytes *png;
	gsize len = 0;
	char *bytes;

	if (g->closed || t == NULL) {
		if (t == NULL && !g->closed)
			gui_say(g, GUI_ERROR,
			        client_text(CLIENT_TEXT_CLIP_IMAGE));
		g_clear_object(&t);
		return;
	}
	/* The library reads PNG and JPEG; GTK gave pixels of any format. */
	png = gdk_texture_save_to_png_bytes(t);
	g_object_unref(t);
	bytes = g_bytes_unref_to_data(png, &len);
	if (can_read(g)) {
		gui_input_read(g, GUI_FROM_IMAGE, NULL, bytes, len, NULL);
	} else {
		safeid_wipe(bytes, len);
		g_free(bytes);
	}
}

/* Ctrl+V outside a text field (a text field takes it first). */
static gboolean paste_pressed(GtkWidget *w, GVariant *args, gpointer data)
{
	gui *g = data;
	GdkClipboard *cb = gtk_widget_get_clipboard(w);
	GdkContentFormats *f = gdk_clipboard_get_formats(cb);

	(void)args;
	if (!can_read(g))
		return TRUE;
	if (gdk_content_formats_contain_gtype(f, GDK_TYPE_TEXTURE))
		gdk_clipboard_read_texture_async(cb, NULL, texture_pasted, g);
	else if (gdk_content_formats_contain_gtype(f, G_TYPE_STRING))
		gdk_clipboard_read_text_async(cb, NULL, text_pasted, g);
	else
		gui_say(g, GUI_ERROR, client_text(CLIENT_TEXT_CLIP_NONE));
	return TRUE;
}

void gui_input_setup(gui *g)
{
	GtkDropTarget *drop;
	GtkEventController *keys;
	GtkShortcut *paste;

	gtk_label_set_text(GTK_LABEL(g->hint),
	                   client_text(CLIENT_TEXT_INPUT_HINT));
	fields_clear(g);
	g_signal_connect(g->open, "clicked", G_CALLBACK(open_clicked), g);
	g_signal_connect(g->pick, "notify::selected", G_CALLBACK(picked), g);
	g_signal_connect(g->reveal, "toggled", G_CALLBACK(reveal_toggled), g);

	drop = gtk_drop_target_new(GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
	g_signal_connect(drop, "drop", G_CALLBACK(dropped), g);
	g_signal_connect(drop, "enter", G_CALLBACK(drag_entered), g);
	g_signal_connect(drop, "leave", G_CALLBACK(drag_left), g);
	gtk_widget_add_controller(g->win, GTK_EVENT_CONTROLLER(drop));

	/* Bubble phase: a focused text field pastes into itself first. */
	keys = gtk_shortcut_controller_new();
	gtk_event_controller_set_propagation_phase(keys, GTK_PHASE_BUBBLE);
	paste = gtk_shortcut_new(
		gtk_shortcut_trigger_parse_string("<Control>v"),
		gtk_callback_action_new(paste_pressed, g, NULL));
	gtk_shortcut_controller_add_shortcut(GTK_SHORTCUT_CONTROLLER(keys),
	                                     paste);
	gtk_widget_add_controller(g->win, keys);
}
