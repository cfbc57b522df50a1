/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * plugin.h: the parts of the client library that live in plug-ins.
 *
 * Reading QR codes (libzbar, libpng, libjpeg, X11) and the OpenSC backend
 * (libopensc) pull in some forty shared libraries; loading them at every
 * start would cost more than a whole burn from a URI.  So they are built
 * as plug-ins the library loads with dlopen() only when they are needed:
 *   safeid-tool-image.so   QR codes from files, the screen, screenshots
 *   safeid-tool-opensc.so  the OpenSC backend
 * Each exports one table, named below, whose first fields let the library
 * refuse a plug-in from another build before calling anything in it.
 * The library and its plug-ins share nothing else: each plug-in carries
 * its own copy of the code it needs and exports only its table.
 */
#ifndef CLIENT_PLUGIN_H
#define CLIENT_PLUGIN_H

#include <stdint.h>

#include "backend.h"

/* Raise when a table or the types it passes change. */
#define CLIENT_IMAGE_PLUGIN_ABI 3u
#define CLIENT_OPENSC_PLUGIN_ABI 2u

#define CLIENT_IMAGE_PLUGIN_FILE "safeid-tool-image.so"
#define CLIENT_OPENSC_PLUGIN_FILE "safeid-tool-opensc.so"

/* The sizes of the types a table passes; a plug-in built from another
 * inputs.h or backend.h shows here even when its ABI number was kept. */
#define CLIENT_IMAGE_PLUGIN_TYPES                                         \
	((uint32_t)(sizeof(input_qr_list) + sizeof(input_screen_result) + \
	            sizeof(input_error)))
#define CLIENT_OPENSC_PLUGIN_TYPES                                             \
	((uint32_t)(sizeof(client_backend_ops) + sizeof(client_backend_opts) + \
	            sizeof(client_slot) + sizeof(client_burn_plan) +           \
	            sizeof(client_clock_plan) + sizeof(client_write_result) +  \
	            sizeof(client_error)))

/* safeid-tool-image.so: the functions of inputs.h that read images. */
typedef struct client_image_plugin {
	uint32_t abi;   /* CLIENT_IMAGE_PLUGIN_ABI */
	uint32_t size;  /* sizeof(client_image_plugin) */
	uint32_t types; /* CLIENT_IMAGE_PLUGIN_TYPES */
	int (*qr_decode_file)(const char *path, input_qr_list *out,
	                      input_error *err);
	void (*qr_list_clear)(input_qr_list *l);
	int (*screen_scan)(const char *display, input_screen_result *out,
	                   input_error *err);
	int (*screen_scan_cmd)(const char *cmd, input_screen_result *out,
	                       input_error *err);
	void (*screen_result_clear)(input_screen_result *r);
	int (*qr_decode_buffer)(const uint8_t *data, size_t len,
	                        const char *what, input_qr_list *out,
	                        input_error *err);
	/* The plug-in's messages advise the front end the library has
	 * (input_front_set: it has its own copy of the inputs code). */
	void (*front_set)(input_front f);
} client_image_plugin;

/* safeid-tool-opensc.so: the OpenSC backend's table (backend_opensc.c). */
typedef struct client_opensc_plugin {
	uint32_t abi;   /* CLIENT_OPENSC_PLUGIN_ABI */
	uint32_t size;  /* sizeof(client_opensc_plugin) */
	uint32_t types; /* CLIENT_OPENSC_PLUGIN_TYPES */
	const client_backend_ops *(*backend)(void);
} client_opensc_plugin;

/* The exported tables (defined in plugin_image.c / plugin_opensc.c). */
extern const client_image_plugin client_image_plugin_table;
extern const client_opensc_plugin client_opensc_plugin_table;

/*
 * The image plug-in, loaded on the first call and kept until exit.  NULL
 * with err filled (CLIENT_EXIT_SETUP: the file looked for, why it failed,
 * what to do) when it cannot be loaded or is from another build.
 */
const client_image_plugin *client_image_plugin_load(client_error *err);

/* The OpenSC backend, loaded likewise; NULL with err filled, also when
 * the library was built without it. */
const client_backend_ops *client_opensc_plugin_load(client_error *err);

#endif /* CLIENT_PLUGIN_H */
