/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * m2auth.c: C_Login on a Molto2.  The customer key is the user PIN, and
 * the module checks it at once: the token counts a wrong key as a PIN
 * counts a wrong PIN (63 NN, NN tries left), so deferring the check to
 * the first write would only move the same cost to a call that cannot say
 * CKR_PIN_INCORRECT.  At one try left the core sends nothing unless the
 * person consented (safeid_pkcs11_allow_last_try); the module answers
 * CKR_PIN_LOCKED then, the PKCS#11 code that stops a client from trying
 * again, while the token flags tell it from a real lock
 * (CKF_USER_PIN_FINAL_TRY without CKF_USER_PIN_LOCKED).
 */
#include "m2op.h"

CK_RV sp11_m2_login(const sp11_session *s, const CK_BYTE *pin, CK_ULONG len)
{
	sp11_m2_op op;
	bool consent;
	CK_RV rv;
	int err;

	if (sp11_m2_logged_in(s->slot, s->epoch))
		return CKR_USER_ALREADY_LOGGED_IN;
	/* No protected authentication path: the key comes as the PIN. */
	if (pin == NULL)
		return CKR_ARGUMENTS_BAD;
	if (len == 0 || len > SAFEID_M2_CUSTOMER_KEY_MAX)
		return CKR_PIN_LEN_RANGE;
	consent = sp11_m2_consent_take(s);
	rv = sp11_m2_op_begin(s, 0, &op);
	if (rv != CKR_OK)
		return rv;
	if (consent)
		safeid_m2_allow_last_try(op.m2);
	err = safeid_m2_set_customer_key(op.m2, pin, len);
	if (err == SAFEID_OK)
		err = safeid_m2_authenticate(op.m2);
	sp11_m2_key_debug(s->serial, err, safeid_m2_tries_left(op.m2));
	rv = sp11_m2_op_rv(&op, err);
	if (rv == CKR_OK)
		rv = sp11_m2_login_keep(s, pin, len);
	sp11_m2_op_end(&op);
	return rv;
}

__attribute__((visibility("default"))) CK_RV safeid_pkcs11_allow_last_try(
	CK_SESSION_HANDLE session)
{
	sp11_session s;
	CK_RV rv = sp11_session_enter(session, &s);

	if (rv != CKR_OK)
		return rv;
	/* A token without a customer key has no tries to spend. */
	if (!s.m2)
		return CKR_FUNCTION_NOT_SUPPORTED;
	sp11_m2_consent_arm(&s);
	return CKR_OK;
}
