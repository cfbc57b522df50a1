/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Faults the emulator injects on request, so tests can show that every
 * failure ends in a clear error and never in a reported success.
 */
#ifndef SAFEID_EMU_FAULTS_H
#define SAFEID_EMU_FAULTS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct emu_faults {
	bool t0;          /* answer 61XX; data only via GET RESPONSE */
	bool foreign;     /* 6D00 to everything: not a token of ours */
	bool locked;      /* 6983 to every authenticate */
	bool wrong_le;    /* 6CXX until a data command comes with Le */
	bool has_sw[256]; /* --sw INS=SW: answer sw[INS], do nothing */
	unsigned sw[256];
	bool garbage[256];     /* malformed data + 9000, do nothing */
	bool mute[256];        /* no answer at all */
	unsigned long drop_at; /* APDU number that closes the link, 0: none */
	unsigned long drop_exec_at; /* APDU number executed, then link closed */
	long clock_skew;            /* an accepted config write sets the clock
	                           this many seconds off the time written */
	unsigned long hang_at;      /* APDU number never answered, unexecuted */
} emu_faults;

/*
 * Apply one fault option (name without the dashes, e.g. "drop", and its
 * value or NULL).  count is the number of APDUs seen so far: --drop N means
 * the Nth APDU from now.  Returns 0, or -1 with a sentence in err.
 */
int emu_faults_option(emu_faults *f, const char *name, const char *value,
                      unsigned long count, char *err, size_t errlen);

/* true when the option name takes a value */
bool emu_faults_takes_value(const char *name);

/* Parse a whole option string ("--t0 --sw D4=6A80") into a fresh set. */
int emu_faults_parse(emu_faults *f, const char *opts, unsigned long count,
                     char *err, size_t errlen);

#endif
