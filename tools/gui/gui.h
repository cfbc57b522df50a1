/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * gui.h: safeid-gui, the vendor burner's flow as a window on the client
 * library (client.h).  What its parts share: the window's state, the one
 * worker thread that makes every library call that reads a file, the
 * screen or a token (so the window never waits, and the library's
 * one-thread rules hold), and what each part offers the others.
 *
 * Parts: main.c (start, options), window.c (widgets, names, messages),
 * worker.c (jobs off the main thread), input.c (image file, drop, paste,
 * the account shown), scan.c (the screen, with the window out of the
 * way), token.c (readers and tokens from PC/SC events), burn.c (burn and
 * clock sync, their steps, the codes to expect), verify.c (the code the
 * token shows).
 */
#ifndef GUI_H
#define GUI_H

#include <gtk/gtk.h>

#include "client.h"

#define GUI_APP_ID "org.safeid.SafeidGui"

typedef struct gui gui;

/* Work for the worker thread: run() there, then done() and release() on
 * the main thread (done() is skipped once the window is gone). */
typedef struct gui_job gui_job;
struct gui_job {
	gui *g;
	void (*run)(gui_job *j);
	void (*done)(gui_job *j);
	void (*release)(gui_job *j);
};

typedef enum gui_tone {
	GUI_INFO = 0,
	GUI_WARNING,
	GUI_ERROR,
	GUI_GOOD,
} gui_tone;

struct gui {
	GtkApplication *app;
	GtkWidget *win;
	bool closed;      /* the window is gone: posts only free */
	bool first_frame; /* --first-frame: print when drawn, quit */
	GThreadPool *worker;

	/* the account (input.c, scan.c) */
	GtkWidget *scan, *open, *hint;
	GtkWidget *pick_row, *pick;
	GtkStringList *pick_list;
	GtkWidget *source, *account, *issuer, *hash, *step, *digits;
	GtkWidget *secret, *reveal;
	const input_account *shown; /* the account shown, in in */
	client_input *in;           /* what was read last; NULL: nothing */
	bool in_ok;                 /* an account is chosen and can be burned */
	char in_problem[CLIENT_MSG_MAX]; /* why not, when !in_ok */
	bool reading;                    /* an input is being read */
	bool scanning;          /* the window hides for a screen scan */
	unsigned long scan_xid; /* its X window, to know it is off screen */
	guint scan_bound;

	/* readers and tokens (token.c) */
	GtkWidget *reader;
	GtkStringList *readers;
	GtkWidget *token, *serial, *model, *clock;
	client_reader_watch *watch;
	GThread *watcher;
	client_reader_view view;
	bool view_ok; /* the PC/SC service answered */
	char view_problem[CLIENT_MSG_MAX];
	client_slot_list slots; /* read through the backend */
	gint64 slots_mono;      /* when (g_get_monotonic_time) */
	uint64_t slots_host;    /* the host clock then */
	char slots_problem[CLIENT_MSG_MAX];
	bool slots_busy, slots_again;

	/* burn and clock sync (burn.c) */
	GtkWidget *sync, *restricted, *burn, *steps, *result, *power, *codes;
	bool writing;
	guint countdown;

	/* the check (verify.c) */
	GtkWidget *code, *verify, *verdict, *offset;

	GtkWidget *status;
	GtkWidget *refocus; /* had the focus when work began */
};

/* window.c */
void gui_window_build(gui *g);
/* The one message line; tone sets its style.  text is shown cleaned
 * (gui_clean). */
void gui_say(gui *g, gui_tone tone, const char *text);
void gui_sayf(gui *g, gui_tone tone, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A label's text, cleaned, and its tone. */
void gui_label_set(GtkWidget *label, gui_tone tone, const char *text);
/* Text from a QR code, a reader or a token, as shown: escaped as
 * safeid-tool shows it (input_text_escape; g_free the result). */
char *gui_clean(const char *text);
/* An accessible name exactly as given (GTK 4.8 would join a mnemonic
 * label and the label property into one). */
void gui_name(GtkWidget *w, const char *name);
/* Whether the window takes new work (nothing written or read now). */
bool gui_idle(const gui *g);
void gui_busy_update(gui *g);

/* worker.c */
void gui_worker_start(gui *g);
/* Queue j (its run, done, release functions given) for the worker. */
void gui_job_run(gui_job *j, gui *g, void (*run)(gui_job *j),
                 void (*done)(gui_job *j), void (*release)(gui_job *j));
/* From the worker: fn(data) on the main thread. */
void gui_post(GSourceFunc fn, void *data);
/* Stop the worker (waits for its queue), then run what it posted. */
void gui_worker_stop(gui *g);

/* input.c */
typedef enum gui_source {
	GUI_FROM_FILE = 0,
	GUI_FROM_IMAGE,  /* PNG bytes, from the clipboard */
	GUI_FROM_TEXT,   /* text from the clipboard */
	GUI_FROM_SCREEN, /* every monitor */
} gui_source;

void gui_input_setup(gui *g);
/* Read an input on the worker.  data (g_malloc'd; it may hold a secret)
 * is taken, and wiped.  before(): on the main thread once the read is
 * over, before its result is shown. */
void gui_input_read(gui *g, gui_source from, const char *path, char *data,
                    size_t len, void (*before)(gui *g));
/* A read finished (any input): show it, or say why not. */
void gui_input_take(gui *g, client_input *in, int rc, const client_error *err);
void gui_input_free(gui *g);

/* scan.c */
void gui_scan_setup(gui *g);

/* token.c */
void gui_token_start(gui *g);
void gui_token_stop(gui *g);
/* The token on the chosen reader; NULL when none is known there. */
const client_slot *gui_token_chosen(const gui *g);
/* The chosen reader's name; NULL when there is none. */
const char *gui_reader_chosen(const gui *g);
/* Ask the backend again (after a write). */
void gui_token_refresh(gui *g);

/* burn.c */
void gui_burn_setup(gui *g);
void gui_burn_forget(gui *g); /* a new account: the last result goes */
void gui_burn_token_changed(gui *g);

/* verify.c */
void gui_verify_setup(gui *g);
void gui_verify_forget(gui *g);

#endif /* GUI_H */
