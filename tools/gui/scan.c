/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * scan.c: "Scan screen": every monitor, with this window out of the way.
 * The window hides; once the X server says it is unmapped (UnmapNotify:
 * GDK's own "mapped" flag drops before the unmap is even sent, so it
 * proves nothing), the library captures and decodes every monitor on the
 * worker; then the window comes back.
 */
#include "gui.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

/* A window manager may keep the window on the screen a while: after this
 * long without the server's word, the scan goes ahead anyway. */
#define UNMAP_BOUND_MS 3000

static void scan_over(gui *g)
{
	g->scanning = false;
	if (g->closed)
		return;
	gtk_widget_set_visible(g->win, TRUE);
	gtk_window_present(GTK_WINDOW(g->win));
}

static void scan_read(gui *g)
{
	if (g->scan_bound != 0)
		g_source_remove(g->scan_bound);
	g->scan_bound = 0;
	g->scan_xid = 0;
	gui_input_read(g, GUI_FROM_SCREEN, NULL, NULL, 0, scan_over);
}

static gboolean unmap_late(gpointer data)
{
	gui *g = data;

	g->scan_bound = 0;
	scan_read(g);
	return G_SOURCE_REMOVE;
}

#ifdef GDK_WINDOWING_X11
static gboolean xevent_seen(GdkX11Display *d, gpointer xev, gpointer data)
{
	const XEvent *e = xev;
	gui *g = data;

	(void)d;
	if (g->scanning && g->scan_xid != 0 && e->type == UnmapNotify &&
	    e->xunmap.window == (Window)g->scan_xid)
		scan_read(g);
	return GDK_EVENT_PROPAGATE;
}
#endif

static void scan_clicked(GtkButton *b, gpointer data)
{
	gui *g = data;
	GdkSurface *s = gtk_native_get_surface(GTK_NATIVE(g->win));

	(void)b;
	(void)s;
	if (!gui_idle(g)) {
		gui_say(g, GUI_WARNING, client_text(CLIENT_TEXT_BUSY));
		return;
	}
	g->scanning = true;
	gui_busy_update(g);
#ifdef GDK_WINDOWING_X11
	if (GDK_IS_X11_SURFACE(s) && gdk_surface_get_mapped(s)) {
		g->scan_xid = gdk_x11_surface_get_xid(s);
		g->scan_bound = g_timeout_add(UNMAP_BOUND_MS, unmap_late, g);
		gtk_widget_set_visible(g->win, FALSE);
		return;
	}
#endif
	/* Nothing of ours on an X screen: the library says what it can do
	 * (under Wayland: use a screenshot). */
	scan_read(g);
}

void gui_scan_setup(gui *g)
{
	g_signal_connect(g->scan, "clicked", G_CALLBACK(scan_clicked), g);
#ifdef GDK_WINDOWING_X11
	if (GDK_IS_X11_DISPLAY(gdk_display_get_default()))
		g_signal_connect(gdk_display_get_default(), "xevent",
		                 G_CALLBACK(xevent_seen), g);
#endif
}
