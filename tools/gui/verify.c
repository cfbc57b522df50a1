/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * verify.c: "Code shown on the token" and "Verify": is the code one of
 * the account's, and how many steps is the token's clock off.  Computed
 * here on the main thread (no token is asked), as safeid-tool verify.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gui.h"

/* Steps searched either side of now, as safeid-tool's default. */
#define WINDOW_STEPS 10L

static void verdict_clear(gui *g)
{
	gui_label_set(g->verdict, GUI_INFO, "");
	gui_label_set(g->offset, GUI_INFO, "");
}

/* A new account or a new burn: the code typed for the last one goes. */
void gui_verify_forget(gui *g)
{
	gtk_editable_set_text(GTK_EDITABLE(g->code), "");
	verdict_clear(g);
}

static void verify_pressed(GtkWidget *w, gpointer data)
{
	gui *g = data;
	const char *text = gtk_editable_get_text(GTK_EDITABLE(g->code));
	char typed[7], line[CLIENT_MSG_MAX];
	client_error err;
	long offset = 0;
	unsigned step;

	(void)w;
	memset(&err, 0, sizeof(err));
	verdict_clear(g);
	if (g->in == NULL || !g->in_ok) {
		gui_label_set(g->verdict, GUI_ERROR,
		              client_text(CLIENT_TEXT_NO_ACCOUNT));
		return;
	}
	if (client_code_parse(text, strlen(text), typed, &err) != 0) {
		gui_label_set(g->verdict, GUI_ERROR, err.msg);
		return;
	}
	step = g->in->report.step;
	if (!client_code_find(g->in, (uint64_t)time(NULL), WINDOW_STEPS,
	                      (uint32_t)strtoul(typed, NULL, 10), &offset)) {
		client_code_mismatch(&err, WINDOW_STEPS);
		gui_label_set(g->verdict, GUI_ERROR, err.msg);
		return;
	}
	if (offset == 0)
		snprintf(line, sizeof(line), "%s",
		         client_text(CLIENT_TEXT_MATCH));
	else
		client_text_offset(offset, step, line, sizeof(line));
	gui_label_set(g->verdict, offset == 0 ? GUI_GOOD : GUI_WARNING, line);
	client_text_steps(offset, step, line, sizeof(line));
	gui_label_set(g->offset, GUI_INFO, line);
}

void gui_verify_setup(gui *g)
{
	g_signal_connect(g->verify, "clicked", G_CALLBACK(verify_pressed), g);
	g_signal_connect(g->code, "activate", G_CALLBACK(verify_pressed), g);
}
