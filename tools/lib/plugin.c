/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * plugin.c: find and load the library's plug-ins (see plugin.h).
 *
 * Where (first file that exists wins; the PKCS#11 module is found the same
 * way, see module_path.c):
 *   1. <exe dir>/../lib/FILE                      (the build tree)
 *   2. <exe dir>/<bindir-to-plug-in-dir>/FILE     (installed, relative, so
 *      a relocated install loads its own plug-ins)
 *   3. the absolute install directory baked in at build time.
 * A plug-in is loaded once, on first use, and stays loaded until exit: the
 * tables and code the library calls live in it.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "module_path.h"
#include "plugin.h"

#ifndef SAFEID_PLUGIN_RELDIR
#define SAFEID_PLUGIN_RELDIR "../lib/safeid"
#endif
#ifndef SAFEID_PLUGIN_ABSDIR
#define SAFEID_PLUGIN_ABSDIR "/usr/local/lib/safeid"
#endif

#ifdef __SANITIZE_ADDRESS__
/*
 * Sanitized builds only.  The sanitizer runtime of gcc 12 misreads the
 * dynamic TLS block of a library loaded with dlopen() (libjpeg has one and
 * comes with the image plug-in) as an old glibc layout, and LeakSanitizer
 * then crashes at exit scanning a bogus range (google/sanitizers#1322).
 * Not tracking dynamic TLS avoids that; nothing of ours keeps heap
 * pointers there.  ASAN_OPTIONS from the environment still applies.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "intercept_tls_get_addr=0";
}
#endif

/* How every table starts (plugin.h). */
typedef struct plugin_head {
	uint32_t abi;
	uint32_t size;
	uint32_t types;
} plugin_head;

typedef struct plugin_spec {
	const char *file;       /* CLIENT_*_PLUGIN_FILE */
	const char *symbol;     /* the exported table */
	const char *target;     /* the CMake target that builds it */
	const char *needed_for; /* the options that need it */
	const char *instead;    /* what works without it */
	const char *window_needed_for, *window_instead; /* a window's */
	uint32_t abi, size, types;
} plugin_spec;

/* Sets path to the first candidate that exists, else to the last one;
 * dirs lists the directories looked in, for messages. */
static void plugin_find(const char *file, char *path, size_t cap, char *dirs,
                        size_t dcap)
{
	const char *subs[2] = {"../lib", SAFEID_PLUGIN_RELDIR};
	char exe[PATH_MAX], dir[PATH_MAX + 64];
	size_t used = 0;

	dirs[0] = '\0';
	if (client_exe_dir(exe, sizeof(exe)) == 0) {
		for (size_t i = 0; i < 2; i++) {
			int n;

			snprintf(dir, sizeof(dir), "%s/%s", exe, subs[i]);
			n = snprintf(dirs + used, dcap - used, "%s%s",
			             used > 0 ? ", " : "", dir);
			if (n > 0 && (size_t)n < dcap - used)
				used += (size_t)n;
			n = snprintf(path, cap, "%s/%s", dir, file);
			if (n > 0 && (size_t)n < cap && access(path, F_OK) == 0)
				return;
		}
	}
	snprintf(dirs + used, dcap - used, "%s%s", used > 0 ? ", " : "",
	         SAFEID_PLUGIN_ABSDIR);
	snprintf(path, cap, "%s/%s", SAFEID_PLUGIN_ABSDIR, file);
}

/* Load the plug-in and check its table; NULL with err filled. */
static const void *plugin_load(const plugin_spec *sp, client_error *err)
{
	char path[PATH_MAX + 128], dirs[3 * PATH_MAX];
	const plugin_head *t;
	const char *why;
	void *h;

	plugin_find(sp->file, path, sizeof(path), dirs, sizeof(dirs));
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		why = dlerror();
		client_fail(
			err, CLIENT_EXIT_SETUP, "plugin_missing",
			"cannot load %s, the part of %s that %s (%s; "
			"looked in %s): install safeid again with the "
			"libraries it needs, or build the target %s in a "
			"build tree; %s",
			sp->file, client_front_words("safeid-tool", "safeid"),
			client_front_words(sp->needed_for,
		                           sp->window_needed_for),
			why != NULL ? why : "no reason given", dirs, sp->target,
			client_front_words(sp->instead, sp->window_instead));
		return NULL;
	}
	t = dlsym(h, sp->symbol);
	if (t == NULL || t->abi != sp->abi || t->size < sp->size ||
	    t->types != sp->types) {
		char detail[128];

		if (t == NULL)
			snprintf(detail, sizeof(detail), "it has no table %s",
			         sp->symbol);
		else
			snprintf(detail, sizeof(detail),
			         "interface %u, %u bytes, types %u; this tool "
			         "needs %u, %u, %u",
			         t->abi, t->size, t->types, sp->abi, sp->size,
			         sp->types);
		client_fail(
			err, CLIENT_EXIT_SETUP, "plugin_mismatch",
			"%s is not the plug-in this %s was built with (%s): "
			"install %s and its plug-ins from the same build",
			path, client_front_words("safeid-tool", "program"),
			detail, client_front_words("safeid-tool", "safeid"));
		dlclose(h);
		return NULL;
	}
	return t;
}

const client_image_plugin *client_image_plugin_load(client_error *err)
{
	static const plugin_spec spec = {
		.file = CLIENT_IMAGE_PLUGIN_FILE,
		.symbol = "client_image_plugin_table",
		.target = "safeid-tool-image",
		.needed_for = "reads QR codes (--qr, --screen)",
		.instead = "--uri, --uri-file and --secret work without it",
		.window_needed_for = "reads QR codes (\"Scan screen\", "
				     "\"Open QR image…\", pasted images)",
		.window_instead = "a pasted otpauth:// link works without it",
		.abi = CLIENT_IMAGE_PLUGIN_ABI,
		.size = sizeof(client_image_plugin),
		.types = CLIENT_IMAGE_PLUGIN_TYPES,
	};
	static const client_image_plugin *loaded;

	if (loaded == NULL) {
		loaded = plugin_load(&spec, err);
		if (loaded != NULL)
			loaded->front_set(input_front_get());
	}
	return loaded;
}

const client_backend_ops *client_opensc_plugin_load(client_error *err)
{
#ifdef CLIENT_OPENSC_PLUGIN
	static const plugin_spec spec = {
		.file = CLIENT_OPENSC_PLUGIN_FILE,
		.symbol = "client_opensc_plugin_table",
		.target = "safeid-tool-opensc",
		.needed_for =
			"reaches tokens through OpenSC (--backend opensc)",
		.instead = "--backend pkcs11 (the default) works without it",
		/* no window reaches tokens through OpenSC */
		.window_needed_for = "reaches tokens through OpenSC",
		.window_instead = "the PKCS#11 module works without it",
		.abi = CLIENT_OPENSC_PLUGIN_ABI,
		.size = sizeof(client_opensc_plugin),
		.types = CLIENT_OPENSC_PLUGIN_TYPES,
	};
	static const client_backend_ops *ops;
	const client_opensc_plugin *p;

	if (ops != NULL)
		return ops;
	p = plugin_load(&spec, err);
	if (p == NULL)
		return NULL;
	ops = p->backend();
	if (ops == NULL)
		client_fail(err, CLIENT_EXIT_SETUP, "plugin_mismatch",
		            "%s gave no backend: install safeid-tool and its "
		            "plug-ins from the same build",
		            CLIENT_OPENSC_PLUGIN_FILE);
	return ops;
#else
	client_fail(err, CLIENT_EXIT_SETUP, "backend",
	            "this safeid-tool was built without the OpenSC backend: "
	            "use --backend pkcs11 (the default)");
	return NULL;
#endif
}
