/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * worker.c: one thread for every library call that reads a file, the
 * screen or a token.  One, because the library wants one thread per open
 * backend and loads its plug-ins on first use; a job at a time keeps a
 * token from being asked two things at once.  Results come back to the
 * main loop as idle callbacks: the window never waits for a token.
 */
#include "gui.h"

static gboolean job_finish(gpointer data)
{
	gui_job *j = data;

	if (!j->g->closed && j->done != NULL)
		j->done(j);
	j->release(j);
	return G_SOURCE_REMOVE;
}

static void job_work(gpointer data, gpointer user)
{
	gui_job *j = data;

	(void)user;
	j->run(j);
	gui_post(job_finish, j);
}

void gui_worker_start(gui *g)
{
	/* exclusive: the same thread for the program's life */
	g->worker = g_thread_pool_new(job_work, g, 1, TRUE, NULL);
}

void gui_job_run(gui_job *j, gui *g, void (*run)(gui_job *j),
                 void (*done)(gui_job *j), void (*release)(gui_job *j))
{
	j->g = g;
	j->run = run;
	j->done = done;
	j->release = release;
	g_thread_pool_push(g->worker, j, NULL);
}

void gui_post(GSourceFunc fn, void *data)
{
	g_main_context_invoke(NULL, fn, data);
}

void gui_worker_stop(gui *g)
{
	if (g->worker != NULL)
		g_thread_pool_free(g->worker, FALSE, TRUE);
	g->worker = NULL;
	/* What the threads posted last is freed by its callbacks. */
	while (g_main_context_iteration(NULL, FALSE))
		continue;
}
