/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The model table: data, so a new model is one line.  The serial's prefix
 * names the model, and the model says whether a config write erases the
 * seed ("restricted sync").
 */
#include <string.h>

#include "internal.h"

static const safeid_model model_table[] = {
	{"8659612", "OTPC-P1-i", false},   {"8659622", "OTPC-P2-i", true},
	{"8659621", "OTPC-P2-i-NB", true}, {"8659600", "miniOTP-2-i", false},
	{"8659601", "miniOTP-3-i", true},  {"8659609", "miniOTP-3-i-NB", true},
	{"8659610", "C301-i", true},       {"8659632", "C302-i", false},
};

const safeid_model *safeid_model_lookup(const char *serial)
{
	const safeid_model *best = NULL;
	size_t best_len = 0;
	size_t i;

	if (serial == NULL)
		return NULL;
	/* Longest prefix wins, so a future longer prefix can refine a model. */
	for (i = 0; i < sizeof(model_table) / sizeof(model_table[0]); i++) {
		size_t n = strlen(model_table[i].prefix);

		if (n > best_len &&
		    strncmp(serial, model_table[i].prefix, n) == 0) {
			best = &model_table[i];
			best_len = n;
		}
	}
	return best;
}

bool safeid_serial_restricted(const char *serial)
{
	const safeid_model *m = safeid_model_lookup(serial);

	/* Unknown models count as restricted: losing a seed by surprise is
	 * worse than asking for a consent that was not needed. */
	return m == NULL || m->restricted_sync;
}
