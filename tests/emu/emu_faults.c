/* SPDX-License-Identifier: BSD-2-Clause */
/* Parsing of the emulator's fault options. */
#include "emu_faults.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_hex_byte(const char *s, unsigned *out)
{
	char *end = NULL;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 16);
	if (errno != 0 || end == s || v > 0xFF)
		return -1;
	*out = (unsigned)v;
	return (int)(end - s);
}

static int parse_count(const char *s, unsigned long *out)
{
	char *end = NULL;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v == 0 || s[0] == '-')
		return -1;
	*out = v;
	return 0;
}

bool emu_faults_takes_value(const char *name)
{
	return strcmp(name, "sw") == 0 || strcmp(name, "drop") == 0 ||
	       strcmp(name, "drop-exec") == 0 || strcmp(name, "garbage") == 0 ||
	       strcmp(name, "hang") == 0 || strcmp(name, "mute") == 0 ||
	       strcmp(name, "clock-skew") == 0;
}

static int ins_option(bool *table, const char *name, const char *value,
                      char *err, size_t errlen)
{
	unsigned ins;
	int n = parse_hex_byte(value, &ins);

	if (n <= 0 || value[n] != '\0') {
		snprintf(err, errlen,
		         "--%s %s: not an instruction byte; give it "
		         "in hex, e.g. --%s D4",
		         name, value, name);
		return -1;
	}
	table[ins] = true;
	return 0;
}

int emu_faults_option(emu_faults *f, const char *name, const char *value,
                      unsigned long count, char *err, size_t errlen)
{
	unsigned long n;
	unsigned ins, word;
	char *end = NULL;
	int k;

	if (strcmp(name, "t0") == 0) {
		f->t0 = true;
	} else if (strcmp(name, "foreign") == 0) {
		f->foreign = true;
	} else if (strcmp(name, "locked") == 0) {
		f->locked = true;
	} else if (strcmp(name, "wrong-le") == 0) {
		f->wrong_le = true;
	} else if (value == NULL && emu_faults_takes_value(name)) {
		snprintf(err, errlen,
		         "--%s needs a value; see 'safeid-emu help'", name);
		return -1;
	} else if (strcmp(name, "sw") == 0) {
		k = parse_hex_byte(value, &ins);
		if (k <= 0 || value[k] != '=')
			goto bad_sw;
		errno = 0;
		word = (unsigned)strtoul(value + k + 1, &end, 16);
		if (errno != 0 || end == value + k + 1 || *end != '\0' ||
		    word > 0xFFFF || word < 0x6000)
			goto bad_sw;
		f->has_sw[ins] = true;
		f->sw[ins] = word;
	} else if (strcmp(name, "drop") == 0 ||
	           strcmp(name, "drop-exec") == 0) {
		if (parse_count(value, &n) != 0) {
			snprintf(err, errlen,
			         "--%s %s: not an APDU number; give a "
			         "count from 1, e.g. --%s 4",
			         name, value, name);
			return -1;
		}
		if (name[4] == '\0')
			f->drop_at = count + n;
		else
			f->drop_exec_at = count + n;
	} else if (strcmp(name, "hang") == 0) {
		if (parse_count(value, &n) != 0) {
			snprintf(err, errlen,
			         "--hang %s: not an APDU number; give a "
			         "count from 1, e.g. --hang 4",
			         value);
			return -1;
		}
		f->hang_at = count + n;
	} else if (strcmp(name, "garbage") == 0) {
		return ins_option(f->garbage, name, value, err, errlen);
	} else if (strcmp(name, "mute") == 0) {
		return ins_option(f->mute, name, value, err, errlen);
	} else if (strcmp(name, "clock-skew") == 0) {
		errno = 0;
		f->clock_skew = strtol(value, &end, 10);
		if (errno != 0 || end == value || *end != '\0' ||
		    f->clock_skew == 0) {
			snprintf(err, errlen,
			         "--clock-skew %s: not a number of "
			         "seconds; give one other than 0, e.g. "
			         "--clock-skew 63158400",
			         value);
			return -1;
		}
	} else {
		snprintf(
			err, errlen,
			"--%s: unknown fault option; known: --t0 "
			"--foreign --locked --wrong-le --sw INS=SW --drop N --drop-exec N "
			"--hang N --garbage INS --mute INS --clock-skew S",
			name);
		return -1;
	}
	return 0;
bad_sw:
	snprintf(err, errlen,
	         "--sw %s: expected INS=SW in hex with SW1 6x..Fx, "
	         "e.g. --sw D4=6A80",
	         value);
	return -1;
}

int emu_faults_parse(emu_faults *f, const char *opts, unsigned long count,
                     char *err, size_t errlen)
{
	char buf[1024];
	char *tok, *save = NULL;

	memset(f, 0, sizeof(*f));
	if (strlen(opts) >= sizeof(buf)) {
		snprintf(err, errlen,
		         "fault options too long (over %zu bytes); "
		         "give fewer",
		         sizeof(buf) - 1);
		return -1;
	}
	memcpy(buf, opts, strlen(opts) + 1);
	for (tok = strtok_r(buf, " \t", &save); tok != NULL;
	     tok = strtok_r(NULL, " \t", &save)) {
		const char *name = tok, *value = NULL;
		char *eq;
		if (strncmp(name, "--", 2) != 0) {
			snprintf(err, errlen,
			         "fault option '%s': options start with "
			         "--, e.g. \"--drop 3\"",
			         tok);
			return -1;
		}
		name += 2;
		eq = strchr(tok, '=');
		/* --drop=3 and --drop 3 both work; --sw D4=6A80 keeps its '=' */
		if (eq != NULL && strncmp(name, "sw", 2) != 0) {
			*eq = '\0';
			value = eq + 1;
		} else if (emu_faults_takes_value(name)) {
			value = strtok_r(NULL, " \t", &save);
		}
		if (emu_faults_option(f, name, value, count, err, errlen) != 0)
			return -1;
	}
	return 0;
}
