/* SPDX-License-Identifier: BSD-2-Clause */
/* module_path.h: find the PKCS#11 module the library loads by default. */
#ifndef CLIENT_MODULE_PATH_H
#define CLIENT_MODULE_PATH_H

#include <stddef.h>

/* Writes the module path to use into out; given = --module or NULL.
 * Returns 0, or -1 when the path does not fit. */
int client_module_find(const char *given, char *out, size_t cap);

/* The directory of the running executable, from /proc/self/exe (so no
 * symlink or PATH lookup can point it elsewhere).  0, or -1 when unknown. */
int client_exe_dir(char *out, size_t cap);

#endif /* CLIENT_MODULE_PATH_H */
