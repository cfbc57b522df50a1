/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * backend_pkcs11.h: what the PKCS#11 backend's files share (inside the
 * library only): the link to the module, and the steps both the
 * single-profile family (backend_pkcs11.c) and the Token2 Molto2
 * (backend_pkcs11_m2.c) take to reach a token.
 */
#ifndef CLIENT_BACKEND_PKCS11_H
#define CLIENT_BACKEND_PKCS11_H

#include <limits.h>
#include <stdint.h>

#include <p11-kit/pkcs11.h>

#include "backend.h"
#include "safeid-pkcs11.h"

struct client_link {
	void *dl;
	CK_FUNCTION_LIST_PTR f;
	/* The module's vendor function (safeid-pkcs11.h), NULL when the
	 * module has none: what a token holds, asked by serial. */
	safeid_pkcs11_seed_state_fn seed_state;
	/* Its count of write commands begun (safeid-pkcs11.h), NULL when
	 * the module has none. */
	safeid_pkcs11_writes_started_fn writes_started;
	/* A Molto2's tries as the module knows them, and the person's
	 * consent to spend the last one (NULL when the module has none). */
	safeid_pkcs11_tries_left_fn tries_left;
	safeid_pkcs11_allow_last_try_fn allow_last_try;
	/* The Molto2's commands PKCS#11 has no form for (NULL when the
	 * module has none). */
	safeid_pkcs11_set_press_handler_fn set_press_handler;
	safeid_pkcs11_factory_reset_fn factory_reset;
	safeid_pkcs11_screen_fn screen;
	bool initialized;
	client_backend_opts opts; /* the front end's callbacks */
	char path[PATH_MAX];
	/* The slot the last info read chose, so a write that follows on the
	 * same reader spec asks no other slot again. */
	bool have_chosen;
	client_slot chosen;
	char chosen_spec[CLIENT_READER_MAX];
};

/* A trace line for a call and what it returned. */
void client_p11_trace(const client_link *b, const char *call, CK_RV rv);
/* err: "WHAT on reader 'R' failed with CKR_...: advice". */
int client_p11_fail(client_error *err, CK_RV rv, int exit_code,
                    const char *what, const char *reader);
/* Unix time t as the clock object's "YYYYMMDDhhmmss00". */
void client_p11_utc_field(uint32_t t, char out[17]);
/* Serial, model and clock of the token in slot id. */
CK_RV client_p11_token_read(client_link *b, CK_SLOT_ID id, client_slot *slot);
/* Pick the slot for spec and make sure a token is on it. */
int client_p11_pick(client_link *b, const char *spec, client_slot *slot,
                    client_error *err);
/* A read-write session on the token for spec, which must be expect
 * (when given): else nothing written, err says why. */
int client_p11_session(client_link *b, const char *spec, const char *expect,
                       client_slot *slot, CK_SESSION_HANDLE *s,
                       client_error *err);
/* The CKH_CLOCK object of the session's token. */
CK_RV client_p11_clock_find(client_link *b, CK_SESSION_HANDLE s,
                            CK_OBJECT_HANDLE *obj);
/* The module's count of write commands begun (ULONG_MAX: unknown). */
unsigned long client_p11_writes(const client_link *b);
/* The module's CKS_SAFEID_SEED_* as the core's seed state. */
safeid_seed_state client_p11_seed_state(CK_ULONG st);

/* The Molto2 through the module (backend_pkcs11_m2.c). */
int client_p11_profiles(client_link *b, const char *spec,
                        client_profile_list *out, client_error *err);
int client_p11_m2(client_link *b, const char *spec, const client_m2_request *rq,
                  int tries, client_m2_outcome *out, client_error *err);

#endif /* CLIENT_BACKEND_PKCS11_H */
