/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * window.c: the window's widgets, in the order of the vendor guide's
 * steps (the account, the token, the check), their accessible names, and
 * the one line where messages appear.  Signals are connected by the parts
 * that own them.
 */
#include <stdarg.h>
#include <string.h>

#include "gui.h"

static const char *const tone_class[] = {
	[GUI_INFO] = NULL,
	[GUI_WARNING] = "warning",
	[GUI_ERROR] = "error",
	[GUI_GOOD] = "success",
};

/* Characters that must not reach a label from a QR code, a reader or a
 * token: controls, and those that reorder the text around them. */
/* Text from a QR code, a file, a token or a reader, shown as the CLI shows
 * it (the library's one escaping), line by line: the window's own
 * messages may hold line breaks. */
char *gui_clean(const char *text)
{
	GString *out = g_string_sized_new(strlen(text));
	const char *p = text;

	for (;;) {
		size_t n = strcspn(p, "\n");
		/* every byte escaped takes at most 4 bytes */
		size_t cap = 4 * n + 8;
		char *buf = g_malloc(cap);

		g_string_append(out, input_text_escape(p, n, buf, cap));
		g_free(buf);
		if (p[n] == '\0')
			break;
		g_string_append_c(out, '\n');
		p += n + 1;
	}
	return g_string_free(out, FALSE);
}

void gui_label_set(GtkWidget *label, gui_tone tone, const char *text)
{
	char *clean = gui_clean(text != NULL ? text : "");

	for (size_t i = 0; i < G_N_ELEMENTS(tone_class); i++)
		if (tone_class[i] != NULL)
			gtk_widget_remove_css_class(label, tone_class[i]);
	if (tone_class[tone] != NULL)
		gtk_widget_add_css_class(label, tone_class[tone]);
	gtk_label_set_text(GTK_LABEL(label), clean);
	gtk_widget_set_visible(label, clean[0] != '\0');
	g_free(clean);
}

void gui_say(gui *g, gui_tone tone, const char *text)
{
	gui_label_set(g->status, tone, text);
}

void gui_sayf(gui *g, gui_tone tone, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	gui_say(g, tone, text);
	g_free(text);
}

void gui_name(GtkWidget *w, const char *name)
{
	gtk_accessible_reset_relation(GTK_ACCESSIBLE(w),
	                              GTK_ACCESSIBLE_RELATION_LABELLED_BY);
	gtk_accessible_update_property(GTK_ACCESSIBLE(w),
	                               GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

bool gui_idle(const gui *g)
{
	return !g->writing && !g->reading && !g->scanning;
}

/* While something runs, what would start more is not offered; the focus
 * stays where it was when that widget comes back. */
void gui_busy_update(gui *g)
{
	bool idle = gui_idle(g);
	GtkWidget *const buttons[] = {g->scan, g->open,   g->burn,
	                              g->sync, g->reader, g->pick};
	GtkWidget *focus = gtk_root_get_focus(GTK_ROOT(g->win));

	for (size_t i = 0; i < G_N_ELEMENTS(buttons); i++) {
		if (!idle && g->refocus == NULL && focus != NULL &&
		    (focus == buttons[i] ||
		     gtk_widget_is_ancestor(focus, buttons[i])))
			g->refocus = buttons[i];
		gtk_widget_set_sensitive(buttons[i], idle);
	}
	if (idle && g->refocus != NULL) {
		gtk_widget_grab_focus(g->refocus);
		g->refocus = NULL;
	}
}

/* chars > 0: the label wraps, and is at least that wide (a wrapping
 * label is as tall as at its narrowest, which sizes the window first). */
static GtkWidget *label_new(const char *text, const char *css, int chars)
{
	GtkWidget *l = gtk_label_new(text);

	gtk_label_set_xalign(GTK_LABEL(l), 0.0f);
	if (chars > 0) {
		gtk_label_set_wrap(GTK_LABEL(l), TRUE);
		gtk_label_set_wrap_mode(GTK_LABEL(l), PANGO_WRAP_WORD_CHAR);
		gtk_label_set_width_chars(GTK_LABEL(l), chars);
		gtk_label_set_max_width_chars(GTK_LABEL(l), 56);
	}
	if (css != NULL)
		gtk_widget_add_css_class(l, css);
	return l;
}

/* A line that says something (a message, a result), known to tests and
 * screen readers by its description. */
static GtkWidget *message_new(const char *description)
{
	GtkWidget *l = label_new("", NULL, 40);

	gtk_widget_set_visible(l, FALSE);
	gtk_accessible_update_property(GTK_ACCESSIBLE(l),
	                               GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
	                               description, -1);
	return l;
}

/* "Caption  value" on a row of grid; the value label is returned and
 * described by the caption. */
static GtkWidget *field_new(GtkWidget *grid, int row, const char *caption)
{
	GtkWidget *c = label_new(caption, "dim-label", 0);
	GtkWidget *v = label_new("", NULL, 32);

	gtk_widget_set_hexpand(v, TRUE);
	gtk_grid_attach(GTK_GRID(grid), c, 0, row, 1, 1);
	gtk_grid_attach(GTK_GRID(grid), v, 1, row, 2, 1);
	gtk_accessible_update_property(GTK_ACCESSIBLE(v),
	                               GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
	                               caption, -1);
	return v;
}

static GtkWidget *grid_new(void)
{
	GtkWidget *grid = gtk_grid_new();

	gtk_grid_set_row_spacing(GTK_GRID(grid), 4);
	gtk_grid_set_column_spacing(GTK_GRID(grid), 12);
	return grid;
}

static GtkWidget *section_new(GtkWidget *box, const char *title)
{
	GtkWidget *frame = gtk_frame_new(NULL);
	GtkWidget *head = gtk_label_new(title);
	GtkWidget *inner = gtk_box_new(GTK_ORIENTATION_VERTICAL, 8);

	gtk_widget_add_css_class(head, "heading");
	gtk_frame_set_label_widget(GTK_FRAME(frame), head);
	gtk_widget_set_margin_start(inner, 12);
	gtk_widget_set_margin_end(inner, 12);
	gtk_widget_set_margin_top(inner, 8);
	gtk_widget_set_margin_bottom(inner, 12);
	gtk_frame_set_child(GTK_FRAME(frame), inner);
	gtk_box_append(GTK_BOX(box), frame);
	return inner;
}

static GtkWidget *button_new(const char *mnemonic, const char *name)
{
	GtkWidget *b = gtk_button_new_with_mnemonic(mnemonic);

	gui_name(b, name);
	return b;
}

static GtkWidget *row_new(GtkWidget *box)
{
	GtkWidget *r = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);

	gtk_box_append(GTK_BOX(box), r);
	return r;
}

static void account_build(gui *g, GtkWidget *box)
{
	GtkWidget *sec = section_new(box, "1. The account");
	GtkWidget *r = row_new(sec), *grid, *l;

	g->scan = button_new("_Scan screen", "Scan screen");
	g->open = button_new("_Open QR image…", "Open QR image…");
	gtk_box_append(GTK_BOX(r), g->scan);
	gtk_box_append(GTK_BOX(r), g->open);
	g->hint = label_new("", "dim-label", 40);
	gtk_box_append(GTK_BOX(sec), g->hint);

	g->pick_row = row_new(sec);
	l = gtk_label_new_with_mnemonic("Choose the _account");
	g->pick_list = gtk_string_list_new(NULL);
	g->pick = gtk_drop_down_new(G_LIST_MODEL(g->pick_list), NULL);
	gtk_widget_set_hexpand(g->pick, TRUE);
	gtk_label_set_mnemonic_widget(GTK_LABEL(l), g->pick);
	gtk_box_append(GTK_BOX(g->pick_row), l);
	gtk_box_append(GTK_BOX(g->pick_row), g->pick);
	gtk_widget_set_visible(g->pick_row, FALSE);

	grid = grid_new();
	g->source = field_new(grid, 0, "From");
	g->account = field_new(grid, 1, "Account");
	g->issuer = field_new(grid, 2, "Issuer");
	g->hash = field_new(grid, 3, "Hash");
	g->step = field_new(grid, 4, "Step");
	g->digits = field_new(grid, 5, "Digits");
	l = label_new("Secret", "dim-label", 0);
	gtk_grid_attach(GTK_GRID(grid), l, 0, 6, 1, 1);
	/* GTK's locked, wiped memory (input.c puts it there when shown). */
	g->secret = gtk_entry_new_with_buffer(gtk_password_entry_buffer_new());
	gtk_editable_set_editable(GTK_EDITABLE(g->secret), FALSE);
	gtk_entry_set_visibility(GTK_ENTRY(g->secret), FALSE);
	gtk_widget_set_hexpand(g->secret, TRUE);
	gtk_widget_set_can_focus(g->secret, FALSE);
	gui_name(g->secret, "Secret");
	gtk_grid_attach(GTK_GRID(grid), g->secret, 1, 6, 1, 1);
	g->reveal = gtk_toggle_button_new_with_mnemonic("Show s_ecret");
	gui_name(g->reveal, "Show secret");
	gtk_widget_set_sensitive(g->reveal, FALSE);
	gtk_grid_attach(GTK_GRID(grid), g->reveal, 2, 6, 1, 1);
	gtk_box_append(GTK_BOX(sec), grid);
}

static void token_build(gui *g, GtkWidget *box)
{
	GtkWidget *sec = section_new(box, "2. The token");
	GtkWidget *r = row_new(sec), *grid, *l;

	l = gtk_label_new_with_mnemonic("_Reader");
	g->readers = gtk_string_list_new(NULL);
	g->reader = gtk_drop_down_new(G_LIST_MODEL(g->readers), NULL);
	gtk_widget_set_hexpand(g->reader, TRUE);
	gtk_label_set_mnemonic_widget(GTK_LABEL(l), g->reader);
	gtk_box_append(GTK_BOX(r), l);
	gtk_box_append(GTK_BOX(r), g->reader);

	grid = grid_new();
	g->token = field_new(grid, 0, "Token");
	g->serial = field_new(grid, 1, "Serial");
	g->model = field_new(grid, 2, "Model");
	g->clock = field_new(grid, 3, "Clock");
	gtk_box_append(GTK_BOX(sec), grid);

	g->sync = gtk_check_button_new_with_mnemonic("S_ync token clock");
	gtk_check_button_set_active(GTK_CHECK_BUTTON(g->sync), TRUE);
	gui_name(g->sync, "Sync token clock");
	gtk_box_append(GTK_BOX(sec), g->sync);
	g->restricted = message_new("Restricted sync");
	gtk_box_append(GTK_BOX(sec), g->restricted);

	r = row_new(sec);
	g->burn = button_new("_Burn", "Burn");
	gtk_box_append(GTK_BOX(r), g->burn);
	g->steps = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
	gtk_box_append(GTK_BOX(sec), g->steps);
	g->result = message_new("Result");
	gtk_box_append(GTK_BOX(sec), g->result);
	g->power = message_new("Next");
	gtk_box_append(GTK_BOX(sec), g->power);
	g->codes = message_new("Codes");
	gtk_widget_add_css_class(g->codes, "title-4");
	gtk_box_append(GTK_BOX(sec), g->codes);
}

static void check_build(gui *g, GtkWidget *box)
{
	GtkWidget *sec = section_new(box, "3. The check");
	GtkWidget *r = row_new(sec), *l;

	l = gtk_label_new_with_mnemonic("_Code shown on the token");
	g->code = gtk_entry_new();
	gtk_entry_set_input_purpose(GTK_ENTRY(g->code),
	                            GTK_INPUT_PURPOSE_DIGITS);
	gtk_entry_set_max_length(GTK_ENTRY(g->code), 16);
	gtk_editable_set_width_chars(GTK_EDITABLE(g->code), 10);
	gtk_label_set_mnemonic_widget(GTK_LABEL(l), g->code);
	g->verify = button_new("_Verify", "Verify");
	gtk_box_append(GTK_BOX(r), l);
	gtk_box_append(GTK_BOX(r), g->code);
	gtk_box_append(GTK_BOX(r), g->verify);
	g->verdict = message_new("Verdict");
	gtk_box_append(GTK_BOX(sec), g->verdict);
	g->offset = message_new("Offset");
	gtk_box_append(GTK_BOX(sec), g->offset);
}

/* Two columns, read left to right: the account; the token and the
 * check.  The message line spans both. */
void gui_window_build(gui *g)
{
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
	GtkWidget *cols = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 16);
	GtkWidget *left = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
	GtkWidget *right = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);

	g->win = gtk_application_window_new(g->app);
	gtk_window_set_title(GTK_WINDOW(g->win), "safeid");
	gtk_window_set_default_size(GTK_WINDOW(g->win), 1040, 480);
	gtk_widget_set_margin_start(box, 16);
	gtk_widget_set_margin_end(box, 16);
	gtk_widget_set_margin_top(box, 16);
	gtk_widget_set_margin_bottom(box, 16);
	gtk_window_set_child(GTK_WINDOW(g->win), box);
	gtk_box_set_homogeneous(GTK_BOX(cols), TRUE);
	gtk_box_append(GTK_BOX(box), cols);
	gtk_box_append(GTK_BOX(cols), left);
	gtk_box_append(GTK_BOX(cols), right);
	account_build(g, left);
	token_build(g, right);
	check_build(g, right);
	g->status = message_new("Status");
	gtk_box_append(GTK_BOX(box), g->status);
}
