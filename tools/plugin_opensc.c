/*
 * plugin_opensc.c: the table of safeid-tool-opensc.so, the plug-in that
 * holds --backend opensc (backend_opensc.c, linked with libopensc).  Built
 * into the plug-in only; its one exported symbol is this table.
 */
#include "plugin.h"

const tool_opensc_plugin safeid_tool_opensc_plugin = {
	.abi = TOOL_OPENSC_PLUGIN_ABI,
	.size = sizeof(tool_opensc_plugin),
	.types = TOOL_OPENSC_PLUGIN_TYPES,
	.backend = tool_backend_opensc,
};
