/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * p11_errors.c: CKR_* values as names and as advice for a person.
 *
 * One table so the name and the sentence of a return value never drift
 * apart (the habit of libfido2's err.c); a second one has the advice a
 * window gives where the tool's names its options or commands.
 */
#include <stdio.h>

#include "client.h"
#include "errtab.h"
#include "p11_errors.h"

#define E ERRTAB_ROW
static const errtab_row ckrs[] = {
	E(CKR_OK, "no error"),
	E(CKR_HOST_MEMORY,
          "the host ran out of memory: close other programs and try again"),
	E(CKR_SLOT_ID_INVALID,
          "the reader went away: plug it in again and rerun the command"),
	E(CKR_GENERAL_ERROR,
          "the module hit an internal error: rerun with --verbose and report "
          "it"),
	E(CKR_FUNCTION_FAILED,
          "the token did not complete the operation: keep the token switched "
          "on and on the reader, then try again"),
	E(CKR_ARGUMENTS_BAD,
          "the module rejected the request as malformed: report this as a bug"),
	E(CKR_ATTRIBUTE_TYPE_INVALID,
          "the module does not know an attribute the tool sent: use the "
          "safeid-pkcs11 module that came with this tool (--module)"),
	E(CKR_ATTRIBUTE_VALUE_INVALID,
          "the module refused a value (seed length, hash, time step or display "
          "timeout): check the input with 'safeid-tool scan'"),
	E(CKR_DEVICE_ERROR,
          "the token answered with an error or garbled data, or did not "
          "answer in time: keep it switched on and still on the reader; if "
          "it keeps failing it may not be a token of this family or may be "
          "locked - do not retry in a loop"),
	E(CKR_DEVICE_MEMORY,
          "the token has no room for this seed: use a shorter secret"),
	E(CKR_DEVICE_REMOVED,
          "the token left the reader during the operation: put it back, switch "
          "it on and run the command again"),
	E(CKR_FUNCTION_CANCELED, "the operation was cancelled"),
	E(CKR_FUNCTION_NOT_SUPPORTED,
          "the module does not support this operation: use the safeid-pkcs11 "
          "module (--module)"),
	E(CKR_FUNCTION_REJECTED,
          "the module refused the operation to protect the token's seed"),
	E(CKR_KEY_SIZE_RANGE,
          "the seed length is out of range (1 to 63 bytes)"),
	E(CKR_SESSION_HANDLE_INVALID,
          "the session ended (token removed or reader reset): run the command "
          "again"),
	E(CKR_SESSION_READ_ONLY,
          "the module opened a read-only session: report this as a bug"),
	E(CKR_TEMPLATE_INCOMPLETE,
          "the module wanted an attribute the tool did not send: use the "
          "safeid-pkcs11 module that came with this tool"),
	E(CKR_TEMPLATE_INCONSISTENT,
          "the module found the request inconsistent: report this as a bug"),
	E(CKR_TOKEN_NOT_PRESENT,
          "no token on the reader: place the token on the reader, press its "
          "button to switch it on, and run again (or use --wait SECONDS)"),
	E(CKR_TOKEN_NOT_RECOGNIZED,
          "the card on the reader is not a programmable OTP token of this "
          "family (a bank card or security key?): take it away and use the "
          "token"),
	E(CKR_TOKEN_WRITE_PROTECTED,
          "the token refused writing: it may be locked"),
	E(CKR_USER_NOT_LOGGED_IN,
          "the module wants a login, which safeid tokens do not have: use the "
          "safeid-pkcs11 module"),
	E(CKR_PIN_INCORRECT,
          "the token refused authentication (6983): it may be locked or not of "
          "this family - stop, do not retry"),
	E(CKR_PIN_LOCKED,
          "the token is locked: it refuses authentication - do not retry"),
	E(CKR_BUFFER_TOO_SMALL,
          "the module needed a bigger buffer: report this as a bug"),
	E(CKR_CRYPTOKI_NOT_INITIALIZED,
          "the module was not initialised: report this as a bug"),
	E(CKR_CRYPTOKI_ALREADY_INITIALIZED,
          "the module was already initialised"),
	E(CKR_OBJECT_HANDLE_INVALID,
          "the token's object went away (token replaced?): run the command "
          "again"),
	E(CKR_ATTRIBUTE_READ_ONLY,
          "the module does not allow writing this attribute: use the "
          "safeid-pkcs11 module"),
	E(CKR_ATTRIBUTE_SENSITIVE, "the value is secret and cannot be read"),
};

/* What the module's debug trace shows, for a window's user to report. */
#define WINDOW_REPORT                                                     \
	"start the window with SAFEID_PKCS11_DEBUG=1 in its environment " \
	"to see the module's trace, and report it"

static const errtab_row window_ckrs[] = {
	E(CKR_SLOT_ID_INVALID,
          "the reader went away: plug it in again, choose it in the list and "
          "try again"),
	E(CKR_GENERAL_ERROR,
          "the module hit an internal error: " WINDOW_REPORT),
	E(CKR_ATTRIBUTE_TYPE_INVALID,
          "the module does not know an attribute this program sent: use the "
          "safeid-pkcs11 module that came with it (SAFEID_PKCS11_MODULE)"),
	E(CKR_ATTRIBUTE_VALUE_INVALID,
          "the module refused a value (seed length, hash, time step or display "
          "timeout): check the account read"),
	E(CKR_DEVICE_REMOVED,
          "the token left the reader during the operation: put it back, switch "
          "it on and try again"),
	E(CKR_FUNCTION_NOT_SUPPORTED,
          "the module does not support this operation: use the safeid-pkcs11 "
          "module (SAFEID_PKCS11_MODULE)"),
	E(CKR_SESSION_HANDLE_INVALID,
          "the session ended (token removed or reader reset): try again"),
	E(CKR_TEMPLATE_INCOMPLETE,
          "the module wanted an attribute this program did not send: use the "
          "safeid-pkcs11 module that came with it"),
	E(CKR_TOKEN_NOT_PRESENT,
          "no token on the reader: place the token on the reader and press "
          "its button to switch it on"),
	E(CKR_OBJECT_HANDLE_INVALID,
          "the token's object went away (token replaced?): try again"),
};
#undef E

const char *client_ckr_name(CK_RV rv)
{
	const errtab_row *e = errtab_find(ckrs, ERRTAB_SIZE(ckrs), (long)rv);
	/* One buffer per thread (a front end may burn from a worker thread).
	 * Initial-exec: the library is linked into programs, and so the tool
	 * needs nothing of the dynamic loader's TLS code. */
	static _Thread_local char buf[32]
		__attribute__((tls_model("initial-exec")));

	if (e != NULL)
		return e->name;
	snprintf(buf, sizeof(buf), "CKR_0x%08lx", (unsigned long)rv);
	return buf;
}

const char *client_ckr_advice(CK_RV rv)
{
	const errtab_row *e = NULL;

	if (client_front_get() == CLIENT_FRONT_WINDOW)
		e = errtab_find(window_ckrs, ERRTAB_SIZE(window_ckrs),
		                (long)rv);
	if (e == NULL)
		e = errtab_find(ckrs, ERRTAB_SIZE(ckrs), (long)rv);
	if (e != NULL)
		return e->text;
	return client_front_words(
		"the module returned an unexpected error: "
		"rerun with --verbose and report it",
		"the module returned an unexpected error: " WINDOW_REPORT);
}
