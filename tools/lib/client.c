/*
 * client.c: choosing and opening a backend by name, and the calls a front
 * end makes through it (client.h), so no front end handles the tables of
 * backend.h.
 */
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "plugin.h"

struct client_backend {
	const client_backend_ops *ops;
	client_link *link;
};

/* The table for name; NULL with err filled. */
static const client_backend_ops *ops_find(const char *name, client_error *err)
{
	if (name == NULL || strcmp(name, "pkcs11") == 0)
		return client_backend_pkcs11();
	if (strcmp(name, "opensc") == 0)
		return client_opensc_plugin_load(err);
	client_fail(err, CLIENT_EXIT_USAGE, "usage",
	            "--backend '%s' is unknown: use pkcs11 or opensc", name);
	return NULL;
}

int client_backend_check(const char *name, client_error *err)
{
	return ops_find(name, err) != NULL ? 0 : err->exit_code;
}

int client_backend_open(const client_backend_opts *o, client_backend **out,
                        client_error *err)
{
	client_backend *b;
	int ret;

	*out = NULL;
	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	b->ops = ops_find(o->name, err);
	if (b->ops == NULL) {
		free(b);
		return err->exit_code;
	}
	ret = b->ops->open(o, &b->link, err);
	if (ret != 0) {
		free(b);
		return ret;
	}
	*out = b;
	return 0;
}

void client_backend_close(client_backend **pb)
{
	client_backend *b = *pb;

	if (b == NULL)
		return;
	b->ops->close(&b->link);
	free(b);
	*pb = NULL;
}

int client_slot_list_read(client_backend *b, client_slot_list *out,
                          client_error *err)
{
	return b->ops->list(b->link, out, err);
}

int client_slot_read(client_backend *b, const char *spec, client_slot *out,
                     client_error *err)
{
	return b->ops->info(b->link, spec, out, err);
}

int client_seed_burn(client_backend *b, const char *spec,
                     const client_burn_plan *plan, client_step_fn step,
                     void *arg, client_write_result *res, client_error *err)
{
	return b->ops->burn(b->link, spec, plan, step, arg, res, err);
}

int client_clock_set(client_backend *b, const char *spec,
                     const client_clock_plan *plan, client_step_fn step,
                     void *arg, client_write_result *res, client_error *err)
{
	return b->ops->clock_set(b->link, spec, plan, step, arg, res, err);
}
