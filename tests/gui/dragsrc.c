/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * gui-test-dragsrc: a small window a test drags one file from, as from a
 * file manager (a GdkFileList), onto safeid-gui.
 *
 *   gui-test-dragsrc FILE
 */
#include <stdio.h>

#include <gtk/gtk.h>

static GdkContentProvider *drag_prepare(GtkDragSource *s, double x, double y,
                                        gpointer data)
{
	GFile *f = g_file_new_for_path(data);
	GSList *files = g_slist_prepend(NULL, f);
	GdkFileList *list = gdk_file_list_new_from_list(files);
	GdkContentProvider *p =
		gdk_content_provider_new_typed(GDK_TYPE_FILE_LIST, list);

	(void)s;
	(void)x;
	(void)y;
	g_boxed_free(GDK_TYPE_FILE_LIST, list);
	g_slist_free(files);
	g_object_unref(f);
	return p;
}

/* What the test waits for: the window is up, a drag began, it ended. */
static void say(const char *what)
{
	printf("%s\n", what);
	fflush(stdout);
}

static void mapped(GtkWidget *w, gpointer data)
{
	(void)w;
	(void)data;
	say("ready");
}

static void drag_began(GtkDragSource *s, GdkDrag *d, gpointer data)
{
	(void)s;
	(void)d;
	(void)data;
	say("drag-begin");
}

static void drag_ended(GtkDragSource *s, GdkDrag *d, gboolean deleted,
                       gpointer data)
{
	(void)s;
	(void)d;
	(void)deleted;
	(void)data;
	say("drag-end");
}

static void activated(GtkApplication *app, gpointer data)
{
	GtkWidget *w = gtk_application_window_new(app);
	GtkWidget *l = gtk_label_new("drag me");
	GtkDragSource *src = gtk_drag_source_new();

	gtk_window_set_title(GTK_WINDOW(w), "drag source");
	gtk_window_set_default_size(GTK_WINDOW(w), 200, 120);
	gtk_drag_source_set_actions(src, GDK_ACTION_COPY);
	g_signal_connect(src, "prepare", G_CALLBACK(drag_prepare), data);
	g_signal_connect(src, "drag-begin", G_CALLBACK(drag_began), NULL);
	g_signal_connect(src, "drag-end", G_CALLBACK(drag_ended), NULL);
	g_signal_connect(l, "map", G_CALLBACK(mapped), NULL);
	gtk_widget_add_controller(l, GTK_EVENT_CONTROLLER(src));
	gtk_window_set_child(GTK_WINDOW(w), l);
	gtk_window_present(GTK_WINDOW(w));
}

int main(int argc, char **argv)
{
	GtkApplication *app;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: gui-test-dragsrc FILE\n");
		return 2;
	}
	app = gtk_application_new("org.safeid.TestDragSource",
	                          G_APPLICATION_NON_UNIQUE);
	g_signal_connect(app, "activate", G_CALLBACK(activated), argv[1]);
	rc = g_application_run(G_APPLICATION(app), 1, argv);
	g_object_unref(app);
	return rc;
}
