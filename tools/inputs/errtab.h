/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * errtab.h: the shape of every error table in tools/ (the inputs' errors,
 * PKCS#11 return values): one row per code gives the code, its name as
 * written in the source (stringified, so the two never drift apart) and
 * its sentence.
 */
#ifndef INPUTS_ERRTAB_H
#define INPUTS_ERRTAB_H

#include <stddef.h>

typedef struct errtab_row {
	long code;
	const char *name;
	const char *text;
} errtab_row;

#define ERRTAB_ROW(code, text)              \
	{                                   \
		(long)(code), #code, (text) \
	}
#define ERRTAB_SIZE(tab) (sizeof(tab) / sizeof((tab)[0]))

/* The row of code, or NULL. */
static inline const errtab_row *errtab_find(const errtab_row *tab, size_t n,
                                            long code)
{
	for (size_t i = 0; i < n; i++)
		if (tab[i].code == code)
			return &tab[i];
	return NULL;
}

#endif /* INPUTS_ERRTAB_H */
