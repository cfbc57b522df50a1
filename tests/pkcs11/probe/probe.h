/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * probe.h: p11probe, a PKCS#11 conformance probe that loads any module by
 * path (dlopen) and checks it through its own function list.
 *
 * Each check has a kind:
 *   M  mandated by the standard: must hold for every module;
 *   P  a rule of this project (what safeid-pkcs11 promises where the
 *      standard leaves a choice): asserted with --profile safeid, shown as
 *      INFO for other modules;
 *   R  left open by the standard, compared with a reference module: the
 *      reference run (--profile reference) records its answer (--record),
 *      a safeid run asserts safeid's own rule and shows the reference's
 *      answer beside it (--reference).
 * One line per check: "PASS|FAIL|INFO|SKIP <kind> <id>: <what>", then
 * "p11probe: N passed, N failed, N skipped, N info"; exit 0 when nothing
 * failed.
 */
#ifndef SAFEID_P11PROBE_H
#define SAFEID_P11PROBE_H

#include <stdbool.h>
#include <stdio.h>

#include <p11-kit/pkcs11.h>

#include "pkcs11v3.h"

#define PROBE_REFS_MAX 64

typedef struct probe {
	/* Options. */
	const char *module;
	bool reference;           /* --profile reference */
	const char *token_label;  /* pick the token by label */
	const char *token_reader; /* or by slot description */
	const char *pin;          /* user PIN, for tokens that have one */
	const char *remove_cmd, *insert_cmd; /* take the token away, back */
	const char *foreign_reader, *mute_reader;
	long bound_ms; /* the module's bound for a mute token */
	FILE *record;  /* --record: R answers of this module */
	/* References: "id value" lines of --reference. */
	size_t nrefs;
	char ref_id[PROBE_REFS_MAX][48];
	char ref_val[PROBE_REFS_MAX][64];
	/* The module. */
	void *dl;
	CK_FUNCTION_LIST_PTR f;  /* the list in use: the default interface's,
	                           * else C_GetFunctionList's */
	CK_FUNCTION_LIST_PTR f2; /* C_GetFunctionList's */
	CK_C_GetInterfaceList get_iflist;
	CK_C_GetInterface get_if;
	bool v3;          /* CK_INFO says 3.x */
	bool initialized; /* C_Initialize succeeded */
	/* The token under test. */
	bool have_slot;
	CK_SLOT_ID slot;
	CK_TOKEN_INFO ti;
	bool has_pin; /* CKF_LOGIN_REQUIRED or a user PIN set */
	bool logged_in;
	/* The secret key the object checks created (0: none). */
	CK_OBJECT_HANDLE key;
	/* Counts. */
	int passed, failed, skipped, infos;
} probe;

/* Report one check (kind 'M' or 'P'); ok decides PASS or FAIL, except
 * that P checks are INFO in the reference profile. */
void probe_check(probe *p, char kind, const char *id, bool ok, const char *fmt,
                 ...) __attribute__((format(printf, 5, 6)));
/* An R check: value is this module's answer (recorded in the reference
 * profile); ok is safeid's rule. */
void probe_ref(probe *p, const char *id, const char *value, bool ok,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void probe_skip(probe *p, const char *id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void probe_info(probe *p, const char *id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "CKR_OK", "CKR_SESSION_HANDLE_INVALID", ... or "0x..." */
const char *probe_rv(CK_RV rv);
long long probe_ms(void);
/* Run a shell command (the harness's remove / insert); true on exit 0. */
bool probe_run(const char *cmd);
/* A read-write (or read-only) session on the token, logged in when the
 * token has a PIN and one was given; 0 on failure (reported). */
CK_SESSION_HANDLE probe_session(probe *p, bool rw);
/* The slot whose description is reader; false when none. */
bool probe_slot_by_reader(probe *p, const char *reader, CK_SLOT_ID *out);

/* The groups of checks, in the order main runs them. */
void probe_load(probe *p);     /* dlopen, interfaces, C_Initialize */
void probe_infos(probe *p);    /* info fields, slots, mechanisms */
void probe_sessions(probe *p); /* sessions, limits, login, RNG, find */
void probe_objects(probe *p);  /* templates, attributes, read-back */
void probe_events(probe *p);   /* C_WaitForSlotEvent, fork */
void probe_removal(probe *p);  /* a token taken away and back */
void probe_cards(probe *p);    /* a foreign card, a mute token */

#endif /* SAFEID_P11PROBE_H */
