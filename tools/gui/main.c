/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * main.c: safeid-gui's start: its few options, the application, and the
 * order things are set up and taken down in (threads stopped before the
 * state they use is freed).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <glib-unix.h>

#include "gui.h"

static const char usage_text[] =
	"Usage: safeid-gui [--version] [--help]\n"
	"\n"
	"The window to burn a TOTP seed into a programmable OTP token: read\n"
	"the account from a QR code (the screen, an image file, a dropped or\n"
	"pasted image, a pasted otpauth:// URI), pick the reader, burn, then\n"
	"check the code the token shows.  safeid-tool does the same from a\n"
	"terminal.\n"
	"\n"
	"  --first-frame   print the monotonic time (ms) at which the window\n"
	"                  was first drawn, then quit (for the benchmark)\n"
	"  --version       print the version\n"
	"  --help          this text\n";

static void first_frame_seen(GdkFrameClock *clock, gpointer data)
{
	gui *g = data;
	struct timespec ts;

	g_signal_handlers_disconnect_by_func(clock, first_frame_seen, data);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("first-frame %.3f\n",
	       (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6);
	fflush(stdout);
	g_application_quit(G_APPLICATION(g->app));
}

static void realized(GtkWidget *w, gpointer data)
{
	g_signal_connect(gtk_widget_get_frame_clock(w), "after-paint",
	                 G_CALLBACK(first_frame_seen), data);
}

/* A write in progress is not abandoned: the window stays until it ends. */
static gboolean close_asked(GtkWindow *w, gpointer data)
{
	gui *g = data;

	(void)w;
	if (!g->writing)
		return FALSE;
	gui_say(g, GUI_WARNING, client_text(CLIENT_TEXT_CLOSE_WAIT));
	return TRUE;
}

static void window_gone(GtkWidget *w, gpointer data)
{
	gui *g = data;

	(void)w;
	g->closed = true;
	if (g->countdown != 0)
		g_source_remove(g->countdown);
	g->countdown = 0;
	if (g->scan_bound != 0)
		g_source_remove(g->scan_bound);
	g->scan_bound = 0;
}

/* SIGTERM, SIGINT, Ctrl+Q: the window closes as if its close button was
 * pressed (so not during a write), and the program ends cleanly. */
static gboolean quit_asked(gpointer data)
{
	gui *g = data;

	if (g->win != NULL && !g->closed)
		gtk_window_close(GTK_WINDOW(g->win));
	else
		g_application_quit(G_APPLICATION(g->app));
	return G_SOURCE_CONTINUE;
}

static void quit_pressed(GSimpleAction *a, GVariant *v, gpointer data)
{
	(void)a;
	(void)v;
	quit_asked(data);
}

static void activated(GtkApplication *app, gpointer data)
{
	gui *g = data;

	(void)app;
	if (g->win != NULL) {
		gtk_window_present(GTK_WINDOW(g->win));
		return;
	}
	gui_window_build(g);
	g_signal_connect(g->win, "close-request", G_CALLBACK(close_asked), g);
	g_signal_connect(g->win, "destroy", G_CALLBACK(window_gone), g);
	if (g->first_frame)
		g_signal_connect(g->win, "realize", G_CALLBACK(realized), g);
	gui_worker_start(g);
	gui_input_setup(g);
	gui_scan_setup(g);
	gui_burn_setup(g);
	gui_verify_setup(g);
	gui_token_start(g);
	gtk_window_present(GTK_WINDOW(g->win));
}

static void started(GApplication *app, gpointer data)
{
	static const char *const quit_keys[] = {"<Control>q", NULL};
	GSimpleAction *quit = g_simple_action_new("quit", NULL);

	g_signal_connect(quit, "activate", G_CALLBACK(quit_pressed), data);
	g_action_map_add_action(G_ACTION_MAP(app), G_ACTION(quit));
	g_object_unref(quit);
	gtk_application_set_accels_for_action(GTK_APPLICATION(app), "app.quit",
	                                      quit_keys);
	/* The file chooser would list the QR image, which holds a seed, in
	 * recently-used.xbel. */
	g_object_set(gtk_settings_get_default(), "gtk-recent-files-enabled",
	             FALSE, NULL);
}

int main(int argc, char **argv)
{
	gui g;
	int rc;

	memset(&g, 0, sizeof(g));
	/* The library's advice names this window's controls, not the
	 * tool's options; first, before any thread starts. */
	client_front_set(CLIENT_FRONT_WINDOW);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--version") == 0) {
			printf("safeid-gui %s\n", SAFEID_VERSION);
			return 0;
		}
		if (strcmp(argv[i], "--help") == 0) {
			fputs(usage_text, stdout);
			return 0;
		}
		if (strcmp(argv[i], "--first-frame") == 0) {
			g.first_frame = true;
			continue;
		}
		fprintf(stderr,
		        "safeid-gui: unknown option '%s': see "
		        "'safeid-gui --help'\n",
		        argv[i]);
		return CLIENT_EXIT_USAGE;
	}
	/* Before anything can hold a secret: no core dumps, not dumpable. */
	if (client_secrets_protect() != 0)
		fprintf(stderr, "safeid-gui: warning: cannot disable core "
		                "dumps; a crash could write secrets to disk\n");
	g.app = gtk_application_new(GUI_APP_ID, G_APPLICATION_NON_UNIQUE);
	g_signal_connect(g.app, "startup", G_CALLBACK(started), &g);
	g_signal_connect(g.app, "activate", G_CALLBACK(activated), &g);
	g_unix_signal_add(SIGTERM, quit_asked, &g);
	g_unix_signal_add(SIGINT, quit_asked, &g);
	/* Our options are ours: GApplication sees none of them. */
	rc = g_application_run(G_APPLICATION(g.app), 1, argv);
	g.closed = true;
	gui_token_stop(&g);
	gui_worker_stop(&g);
	gui_input_free(&g);
	client_slot_list_free(&g.slots);
	g_object_unref(g.app);
	return rc;
}
