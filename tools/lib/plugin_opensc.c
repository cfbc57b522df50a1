/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * plugin_opensc.c: the table of safeid-tool-opensc.so, the plug-in that
 * holds --backend opensc (backend_opensc.c, linked with libopensc).  Built
 * into the plug-in only; its one exported symbol is this table.
 */
#include "plugin.h"

const client_opensc_plugin client_opensc_plugin_table = {
	.abi = CLIENT_OPENSC_PLUGIN_ABI,
	.size = sizeof(client_opensc_plugin),
	.types = CLIENT_OPENSC_PLUGIN_TYPES,
	.backend = client_backend_opensc,
};
