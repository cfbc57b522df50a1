/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * plugin_image.c: the table of safeid-tool-image.so, the plug-in that
 * reads QR codes from image files, the X11 screen and screenshot commands
 * (tools/inputs: image.c, qr.c, screen.c, grab.c, screencmd.c).  Built
 * into the plug-in only; its one exported symbol is this table.
 */
#include "plugin.h"

const client_image_plugin client_image_plugin_table = {
	.abi = CLIENT_IMAGE_PLUGIN_ABI,
	.size = sizeof(client_image_plugin),
	.types = CLIENT_IMAGE_PLUGIN_TYPES,
	.qr_decode_file = input_qr_decode_file,
	.qr_list_clear = input_qr_list_clear,
	.screen_scan = input_screen_scan,
	.screen_scan_cmd = input_screen_scan_cmd,
	.screen_result_clear = input_screen_result_clear,
	.qr_decode_buffer = input_qr_decode_buffer,
	.front_set = input_front_set,
};
