/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * probe.c: p11probe's main: options, reporting, references, helpers.
 *
 *   p11probe MODULE [--profile safeid|reference] [--token-label L]
 *            [--token-reader NAME] [--pin PIN] [--record FILE]
 *            [--reference FILE] [--remove-cmd CMD --insert-cmd CMD]
 *            [--foreign-reader NAME] [--mute-reader NAME --bound-ms MS]
 *
 * The token under test is the one labelled L, or on the reader NAME, or
 * the first slot whose token answers C_GetTokenInfo.  --remove-cmd and
 * --insert-cmd take that token away and put it back (each returns once
 * the reader shows it), for the removal and event checks.  See probe.h
 * for the kinds of checks and the output.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "probe.h"

static void line(probe *p, const char *verdict, char kind, const char *id,
                 const char *what)
{
	(void)p;
	printf("%s %c %s: %s\n", verdict, kind, id, what);
	fflush(stdout);
}

void probe_check(probe *p, char kind, const char *id, bool ok, const char *fmt,
                 ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (kind == 'P' && p->reference) {
		line(p, "INFO", kind, id, what);
		p->infos++;
		return;
	}
	line(p, ok ? "PASS" : "FAIL", kind, id, what);
	if (ok)
		p->passed++;
	else
		p->failed++;
}

static const char *ref_of(const probe *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->nrefs; i++)
		if (strcmp(p->ref_id[i], id) == 0)
			return p->ref_val[i];
	return NULL;
}

void probe_ref(probe *p, const char *id, const char *value, bool ok,
               const char *fmt, ...)
{
	char what[512], full[700];
	const char *ref;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (p->reference) {
		if (p->record != NULL)
			fprintf(p->record, "%s %s\n", id, value);
		snprintf(full, sizeof(full), "%s [recorded: %s]", what, value);
		line(p, "INFO", 'R', id, full);
		p->infos++;
		return;
	}
	ref = ref_of(p, id);
	if (ref == NULL)
		snprintf(full, sizeof(full), "%s [%s; no reference]", what,
		         value);
	else
		snprintf(full, sizeof(full), "%s [%s; reference: %s%s]", what,
		         value, ref,
		         strcmp(ref, value) == 0 ? "" : ", differs");
	line(p, ok ? "PASS" : "FAIL", 'R', id, full);
	if (ok)
		p->passed++;
	else
		p->failed++;
}

void probe_skip(probe *p, const char *id, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	line(p, "SKIP", '-', id, what);
	p->skipped++;
}

void probe_info(probe *p, const char *id, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	line(p, "INFO", '-', id, what);
	p->infos++;
}

const char *probe_rv(CK_RV rv)
{
	static const struct {
		CK_RV rv;
		const char *name;
	} names[] = {
		{CKR_OK, "CKR_OK"},
		{CKR_HOST_MEMORY, "CKR_HOST_MEMORY"},
		{CKR_SLOT_ID_INVALID, "CKR_SLOT_ID_INVALID"},
		{CKR_GENERAL_ERROR, "CKR_GENERAL_ERROR"},
		{CKR_FUNCTION_FAILED, "CKR_FUNCTION_FAILED"},
		{CKR_ARGUMENTS_BAD, "CKR_ARGUMENTS_BAD"},
		{CKR_NO_EVENT, "CKR_NO_EVENT"},
		{CKR_ATTRIBUTE_READ_ONLY, "CKR_ATTRIBUTE_READ_ONLY"},
		{CKR_ATTRIBUTE_SENSITIVE, "CKR_ATTRIBUTE_SENSITIVE"},
		{CKR_ATTRIBUTE_TYPE_INVALID, "CKR_ATTRIBUTE_TYPE_INVALID"},
		{CKR_ATTRIBUTE_VALUE_INVALID, "CKR_ATTRIBUTE_VALUE_INVALID"},
		{CKR_ACTION_PROHIBITED, "CKR_ACTION_PROHIBITED"},
		{CKR_DEVICE_ERROR, "CKR_DEVICE_ERROR"},
		{CKR_DEVICE_REMOVED, "CKR_DEVICE_REMOVED"},
		{CKR_FUNCTION_NOT_SUPPORTED, "CKR_FUNCTION_NOT_SUPPORTED"},
		{CKR_OBJECT_HANDLE_INVALID, "CKR_OBJECT_HANDLE_INVALID"},
		{CKR_OPERATION_ACTIVE, "CKR_OPERATION_ACTIVE"},
		{CKR_OPERATION_NOT_INITIALIZED,
	         "CKR_OPERATION_NOT_INITIALIZED"},
		{CKR_PIN_INCORRECT, "CKR_PIN_INCORRECT"},
		{CKR_SESSION_CLOSED, "CKR_SESSION_CLOSED"},
		{CKR_SESSION_COUNT, "CKR_SESSION_COUNT"},
		{CKR_SESSION_HANDLE_INVALID, "CKR_SESSION_HANDLE_INVALID"},
		{CKR_SESSION_PARALLEL_NOT_SUPPORTED,
	         "CKR_SESSION_PARALLEL_NOT_SUPPORTED"},
		{CKR_SESSION_READ_ONLY, "CKR_SESSION_READ_ONLY"},
		{CKR_TEMPLATE_INCOMPLETE, "CKR_TEMPLATE_INCOMPLETE"},
		{CKR_TEMPLATE_INCONSISTENT, "CKR_TEMPLATE_INCONSISTENT"},
		{CKR_TOKEN_NOT_PRESENT, "CKR_TOKEN_NOT_PRESENT"},
		{CKR_TOKEN_NOT_RECOGNIZED, "CKR_TOKEN_NOT_RECOGNIZED"},
		{CKR_USER_ALREADY_LOGGED_IN, "CKR_USER_ALREADY_LOGGED_IN"},
		{CKR_USER_NOT_LOGGED_IN, "CKR_USER_NOT_LOGGED_IN"},
		{CKR_USER_PIN_NOT_INITIALIZED, "CKR_USER_PIN_NOT_INITIALIZED"},
		{CKR_USER_TYPE_INVALID, "CKR_USER_TYPE_INVALID"},
		{CKR_RANDOM_NO_RNG, "CKR_RANDOM_NO_RNG"},
		{CKR_BUFFER_TOO_SMALL, "CKR_BUFFER_TOO_SMALL"},
		{CKR_CRYPTOKI_NOT_INITIALIZED, "CKR_CRYPTOKI_NOT_INITIALIZED"},
		{CKR_CRYPTOKI_ALREADY_INITIALIZED,
	         "CKR_CRYPTOKI_ALREADY_INITIALIZED"},
	};
	static char other[32];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].rv == rv)
			return names[i].name;
	snprintf(other, sizeof(other), "0x%lx", (unsigned long)rv);
	return other;
}

long long probe_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool probe_run(const char *cmd)
{
	fflush(stdout);
	return system(cmd) == 0;
}

CK_SESSION_HANDLE probe_session(probe *p, bool rw)
{
	CK_FLAGS flags = CKF_SERIAL_SESSION | (rw ? CKF_RW_SESSION : 0);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_RV rv = p->f->C_OpenSession(p->slot, flags, NULL, NULL, &s);

	if (rv != CKR_OK) {
		probe_info(p, "session.open", "C_OpenSession: %s",
		           probe_rv(rv));
		return CK_INVALID_HANDLE;
	}
	return s;
}

/* The slot description without its padding. */
static void slot_name(const CK_SLOT_INFO *si, char out[65])
{
	size_t n = sizeof(si->slotDescription);

	memcpy(out, si->slotDescription, n);
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

bool probe_slot_by_reader(probe *p, const char *reader, CK_SLOT_ID *out)
{
	CK_SLOT_ID ids[64];
	CK_ULONG n = 64, i;
	CK_SLOT_INFO si;
	char name[65];

	if (p->f->C_GetSlotList(CK_FALSE, ids, &n) != CKR_OK)
		return false;
	for (i = 0; i < n; i++) {
		if (p->f->C_GetSlotInfo(ids[i], &si) != CKR_OK)
			continue;
		slot_name(&si, name);
		if (strcmp(name, reader) == 0) {
			*out = ids[i];
			return true;
		}
	}
	return false;
}

/* The token under test. */
static void token_pick(probe *p)
{
	CK_SLOT_ID ids[64];
	CK_ULONG n = 64, i;
	CK_TOKEN_INFO ti;
	size_t len;

	if (p->token_reader != NULL) {
		if (probe_slot_by_reader(p, p->token_reader, &p->slot) &&
		    p->f->C_GetTokenInfo(p->slot, &p->ti) == CKR_OK)
			p->have_slot = true;
	} else if (p->f->C_GetSlotList(CK_TRUE, ids, &n) == CKR_OK) {
		for (i = 0; i < n && !p->have_slot; i++) {
			if (p->f->C_GetTokenInfo(ids[i], &ti) != CKR_OK)
				continue;
			len = p->token_label != NULL ? strlen(p->token_label)
			                             : 0;
			if (p->token_label != NULL &&
			    (len > sizeof(ti.label) ||
			     memcmp(ti.label, p->token_label, len) != 0 ||
			     (len < sizeof(ti.label) && ti.label[len] != ' ')))
				continue;
			p->slot = ids[i];
			p->ti = ti;
			p->have_slot = true;
		}
	}
	if (!p->have_slot) {
		probe_check(p, 'M', "token.found", false,
		            "no token to test (label %s, reader %s)",
		            p->token_label ? p->token_label : "any",
		            p->token_reader ? p->token_reader : "any");
		return;
	}
	p->has_pin = (p->ti.flags &
	              (CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED)) != 0;
	probe_info(p, "token.found", "slot %lu, token flags 0x%lx",
	           (unsigned long)p->slot, (unsigned long)p->ti.flags);
}

static void refs_read(probe *p, const char *path)
{
	char buf[160], id[48], val[64];
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		printf("p11probe: no reference file %s: R checks without "
		       "reference\n",
		       path);
		return;
	}
	while (p->nrefs < PROBE_REFS_MAX && fgets(buf, sizeof(buf), f) != NULL)
		if (sscanf(buf, "%47s %63s", id, val) == 2) {
			snprintf(p->ref_id[p->nrefs], sizeof(p->ref_id[0]),
			         "%s", id);
			snprintf(p->ref_val[p->nrefs], sizeof(p->ref_val[0]),
			         "%s", val);
			p->nrefs++;
		}
	fclose(f);
}

static int usage(void)
{
	fprintf(stderr,
	        "usage: p11probe MODULE [--profile safeid|reference] "
	        "[--token-label L] [--token-reader NAME] [--pin PIN] "
	        "[--record FILE] [--reference FILE] [--remove-cmd CMD "
	        "--insert-cmd CMD] [--foreign-reader NAME] [--mute-reader "
	        "NAME --bound-ms MS]\n");
	return 2;
}

int main(int argc, char **argv)
{
	probe p;
	const char *record = NULL;
	int i;

	memset(&p, 0, sizeof(p));
	if (argc < 2 || argv[1][0] == '-')
		return usage();
	p.module = argv[1];
	if (argc % 2 != 0)
		return usage();
	for (i = 2; i < argc; i += 2) {
		const char *o = argv[i], *v = argv[i + 1];

		if (strcmp(o, "--profile") == 0)
			p.reference = strcmp(v, "reference") == 0;
		else if (strcmp(o, "--token-label") == 0)
			p.token_label = v;
		else if (strcmp(o, "--token-reader") == 0)
			p.token_reader = v;
		else if (strcmp(o, "--pin") == 0)
			p.pin = v;
		else if (strcmp(o, "--record") == 0)
			record = v;
		else if (strcmp(o, "--reference") == 0)
			refs_read(&p, v);
		else if (strcmp(o, "--remove-cmd") == 0)
			p.remove_cmd = v;
		else if (strcmp(o, "--insert-cmd") == 0)
			p.insert_cmd = v;
		else if (strcmp(o, "--foreign-reader") == 0)
			p.foreign_reader = v;
		else if (strcmp(o, "--mute-reader") == 0)
			p.mute_reader = v;
		else if (strcmp(o, "--bound-ms") == 0)
			p.bound_ms = strtol(v, NULL, 10);
		else
			return usage();
	}
	if (record != NULL && (p.record = fopen(record, "w")) == NULL) {
		perror(record);
		return 2;
	}
	printf("p11probe: %s, profile %s\n", p.module,
	       p.reference ? "reference" : "safeid");
	probe_load(&p);
	if (p.initialized) {
		token_pick(&p);
		probe_infos(&p);
		if (p.have_slot) {
			probe_sessions(&p);
			probe_objects(&p);
		}
		probe_events(&p);
		if (p.have_slot)
			probe_removal(&p);
		probe_cards(&p);
		(void)p.f->C_Finalize(NULL);
	}
	if (p.record != NULL)
		fclose(p.record);
	printf("p11probe: %d passed, %d failed, %d skipped, %d info\n",
	       p.passed, p.failed, p.skipped, p.infos);
	/* The module stays loaded: it may have threads of its own. */
	return p.failed == 0 ? 0 : 1;
}
