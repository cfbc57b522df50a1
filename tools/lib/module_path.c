/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * module_path.c: where the default PKCS#11 module is.
 *
 * Order (first file that exists wins; documented in safeid-tool(1)):
 *   1. --module PATH
 *   2. $SAFEID_PKCS11_MODULE
 *   3. <exe dir>/../lib/safeid-pkcs11.so           (the build tree)
 *   4. <exe dir>/<bindir-to-libdir>/pkcs11/safeid-pkcs11.so (installed,
 *      relative, so a relocated install still finds its own module)
 *   5. the absolute install path baked in at build time.
 * The executable's directory comes from /proc/self/exe, not argv[0], so a
 * symlink or a PATH lookup cannot point it elsewhere.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "module_path.h"

#ifndef SAFEID_MODULE_RELDIR
#define SAFEID_MODULE_RELDIR "../lib/pkcs11"
#endif
#ifndef SAFEID_MODULE_ABSDIR
#define SAFEID_MODULE_ABSDIR "/usr/local/lib/pkcs11"
#endif
#define MODULE_FILE "safeid-pkcs11.so"

int client_exe_dir(char *out, size_t cap)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	char *slash;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash == NULL)
		return -1;
	*slash = '\0';
	if ((size_t)snprintf(out, cap, "%s", buf) >= cap)
		return -1;
	return 0;
}

static int path_try(char *out, size_t cap, const char *dir, const char *sub)
{
	int n = snprintf(out, cap, "%s/%s/%s", dir, sub, MODULE_FILE);

	if (n < 0 || (size_t)n >= cap)
		return -1;
	return access(out, R_OK) == 0 ? 0 : -1;
}

int client_module_find(const char *given, char *out, size_t cap)
{
	const char *env = getenv("SAFEID_PKCS11_MODULE");
	char dir[PATH_MAX];

	if (given != NULL && given[0] != '\0') {
		if ((size_t)snprintf(out, cap, "%s", given) >= cap)
			return -1;
		return 0;
	}
	if (env != NULL && env[0] != '\0') {
		if ((size_t)snprintf(out, cap, "%s", env) >= cap)
			return -1;
		return 0;
	}
	if (client_exe_dir(dir, sizeof(dir)) == 0) {
		if (path_try(out, cap, dir, "../lib") == 0)
			return 0;
		if (path_try(out, cap, dir, SAFEID_MODULE_RELDIR) == 0)
			return 0;
	}
	if ((size_t)snprintf(out, cap, "%s/%s", SAFEID_MODULE_ABSDIR,
	                     MODULE_FILE) >= cap)
		return -1;
	return 0;
}
