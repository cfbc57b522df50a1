/* SPDX-License-Identifier: BSD-2-Clause */
/* Secret hygiene: a wipe the compiler cannot drop as a dead store. */
#include <openssl/crypto.h>

#include "internal.h"

void safeid_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		OPENSSL_cleanse(p, n);
}
