/*
 * plugin.h: the parts of safeid-tool that live in plug-ins.
 *
 * Reading QR codes (libzbar, libpng, libjpeg, X11) and the OpenSC backend
 * (libopensc) pull in some forty shared libraries; loading them at every
 * start would cost more than a whole burn from a URI.  So they are built
 * as plug-ins the tool loads with dlopen() only when a command needs them:
 *   safeid-tool-image.so   --qr, --screen, --screenshot-cmd
 *   safeid-tool-opensc.so  --backend opensc
 * Each exports one table, named below, whose first two fields let the tool
 * refuse a plug-in from another build before calling anything in it.
 * The tool and its plug-ins share nothing else: each plug-in carries its
 * own copy of the code it needs and exports only its table.
 */
#ifndef SAFEID_TOOL_PLUGIN_H
#define SAFEID_TOOL_PLUGIN_H

#include <stdint.h>

#include "backend.h"
#include "inputs.h"
#include "tool.h"

/* Raise when a table or the inputs.h types it passes change. */
#define TOOL_IMAGE_PLUGIN_ABI 1u
#define TOOL_OPENSC_PLUGIN_ABI 1u

#define TOOL_IMAGE_PLUGIN_FILE "safeid-tool-image.so"
#define TOOL_OPENSC_PLUGIN_FILE "safeid-tool-opensc.so"

/* The sizes of the types a table passes; a plug-in built from another
 * inputs.h or backend.h shows here even when its ABI number was kept. */
#define TOOL_IMAGE_PLUGIN_TYPES                                             \
	((uint32_t)(sizeof(input_qr_list) + sizeof(input_screen_result) +    \
	            sizeof(input_error)))
#define TOOL_OPENSC_PLUGIN_TYPES                                            \
	((uint32_t)(sizeof(tool_backend_ops) + sizeof(tool_slot) +             \
	            sizeof(tool_burn_plan) + sizeof(tool_clock_plan) +         \
	            sizeof(tool_write_result) + sizeof(tool_error)))

/* safeid-tool-image.so: the functions of inputs.h that read images. */
typedef struct tool_image_plugin {
	uint32_t abi;        /* TOOL_IMAGE_PLUGIN_ABI */
	uint32_t size;       /* sizeof(tool_image_plugin) */
	uint32_t types;      /* TOOL_IMAGE_PLUGIN_TYPES */
	int (*qr_decode_file)(const char *path, input_qr_list *out,
	                      input_error *err);
	void (*qr_list_clear)(input_qr_list *l);
	int (*screen_scan)(const char *display, input_screen_result *out,
	                   input_error *err);
	int (*screen_scan_cmd)(const char *cmd, input_screen_result *out,
	                       input_error *err);
	void (*screen_result_clear)(input_screen_result *r);
} tool_image_plugin;

/* safeid-tool-opensc.so: the OpenSC backend's table (backend_opensc.c). */
typedef struct tool_opensc_plugin {
	uint32_t abi;        /* TOOL_OPENSC_PLUGIN_ABI */
	uint32_t size;       /* sizeof(tool_opensc_plugin) */
	uint32_t types;      /* TOOL_OPENSC_PLUGIN_TYPES */
	const tool_backend_ops *(*backend)(void);
} tool_opensc_plugin;

/* The exported tables (defined in plugin_image.c / plugin_opensc.c). */
extern const tool_image_plugin safeid_tool_image_plugin;
extern const tool_opensc_plugin safeid_tool_opensc_plugin;

/*
 * The image plug-in, loaded on the first call and kept until exit.  NULL
 * with err filled (EXIT_SETUP: the file looked for, why it failed, what to
 * do) when it cannot be loaded or is from another build.
 */
const tool_image_plugin *tool_load_image_plugin(tool_error *err);

/* The OpenSC backend, loaded likewise; NULL with err filled, also when
 * this safeid-tool was built without it. */
const tool_backend_ops *tool_load_opensc_backend(tool_error *err);

#endif /* SAFEID_TOOL_PLUGIN_H */
