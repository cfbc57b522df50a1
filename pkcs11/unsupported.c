/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * unsupported.c: the PKCS#11 functions this module does not offer.  The
 * token does no cryptography for the host (it only shows codes), has no
 * SO PIN, no random number generator and no other objects, so these answer
 * CKR_FUNCTION_NOT_SUPPORTED (the two RNG calls CKR_RANDOM_NO_RNG)
 * (after the initialisation check every function owes the caller).  The
 * functions PKCS#11 3.0 added are here too: the 3.0 function list
 * (functions.c) must have every entry.
 */
#include "sp11.h"

static CK_RV unsupported(void)
{
	CK_RV rv = sp11_ready();

	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

/* None of them looks at its arguments. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"

CK_RV C_InitToken(CK_SLOT_ID slot_id, CK_BYTE_PTR pin, CK_ULONG pin_len,
                  CK_BYTE_PTR label)
{
	return unsupported();
}

CK_RV C_InitPIN(CK_SESSION_HANDLE session, CK_BYTE_PTR pin, CK_ULONG pin_len)
{
	return unsupported();
}

CK_RV C_GetOperationState(CK_SESSION_HANDLE session,
                          CK_BYTE_PTR operation_state,
                          CK_ULONG_PTR operation_state_len)
{
	return unsupported();
}

CK_RV C_SetOperationState(CK_SESSION_HANDLE session,
                          CK_BYTE_PTR operation_state,
                          CK_ULONG operation_state_len,
                          CK_OBJECT_HANDLE encryption_key,
                          CK_OBJECT_HANDLE authentication_key)
{
	return unsupported();
}

CK_RV C_EncryptInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
                    CK_OBJECT_HANDLE key)
{
	return unsupported();
}

CK_RV C_Encrypt(CK_SESSION_HANDLE session, CK_BYTE_PTR data, CK_ULONG data_len,
                CK_BYTE_PTR encrypted_data, CK_ULONG_PTR encrypted_data_len)
{
	return unsupported();
}

CK_RV C_EncryptUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
                      CK_ULONG part_len, CK_BYTE_PTR encrypted_part,
                      CK_ULONG_PTR encrypted_part_len)
{
	return unsupported();
}

CK_RV C_EncryptFinal(CK_SESSION_HANDLE session, CK_BYTE_PTR last_encrypted_part,
                     CK_ULONG_PTR last_encrypted_part_len)
{
	return unsupported();
}

CK_RV C_DecryptInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
                    CK_OBJECT_HANDLE key)
{
	return unsupported();
}

CK_RV C_Decrypt(CK_SESSION_HANDLE session, CK_BYTE_PTR encrypted_data,
                CK_ULONG encrypted_data_len, CK_BYTE_PTR data,
                CK_ULONG_PTR data_len)
{
	return unsupported();
}

CK_RV C_DecryptUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR encrypted_part,
                      CK_ULONG encrypted_part_len, CK_BYTE_PTR part,
                      CK_ULONG_PTR part_len)
{
	return unsupported();
}

CK_RV C_DecryptFinal(CK_SESSION_HANDLE session, CK_BYTE_PTR last_part,
                     CK_ULONG_PTR last_part_len)
{
	return unsupported();
}

CK_RV C_DigestInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism)
{
	return unsupported();
}

CK_RV C_Digest(CK_SESSION_HANDLE session, CK_BYTE_PTR data, CK_ULONG data_len,
               CK_BYTE_PTR digest, CK_ULONG_PTR digest_len)
{
	return unsupported();
}

CK_RV C_DigestUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
                     CK_ULONG part_len)
{
	return unsupported();
}

CK_RV C_DigestKey(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key)
{
	return unsupported();
}

CK_RV C_DigestFinal(CK_SESSION_HANDLE session, CK_BYTE_PTR digest,
                    CK_ULONG_PTR digest_len)
{
	return unsupported();
}

CK_RV C_SignInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
                 CK_OBJECT_HANDLE key)
{
	return unsupported();
}

CK_RV C_Sign(CK_SESSION_HANDLE session, CK_BYTE_PTR data, CK_ULONG data_len,
             CK_BYTE_PTR signature, CK_ULONG_PTR signature_len)
{
	return unsupported();
}

CK_RV C_SignUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
                   CK_ULONG part_len)
{
	return unsupported();
}

CK_RV C_SignFinal(CK_SESSION_HANDLE session, CK_BYTE_PTR signature,
                  CK_ULONG_PTR signature_len)
{
	return unsupported();
}

CK_RV C_SignRecoverInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
                        CK_OBJECT_HANDLE key)
{
	return unsupported();
}

CK_RV C_SignRecover(CK_SESSION_HANDLE session, CK_BYTE_PTR data,
                    CK_ULONG data_len, CK_BYTE_PTR signature,
                    CK_ULONG_PTR signature_len)
{
	return unsupported();
}

CK_RV C_VerifyInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
                   CK_OBJECT_HANDLE key)
{
	return unsupported();
}

CK_RV C_Verify(CK_SESSION_HANDLE session, CK_BYTE_PTR data, CK_ULONG data_len,
               CK_BYTE_PTR signature, CK_ULONG signature_len)
{
	return unsupported();
}

CK_RV C_VerifyUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
                     CK_ULONG part_len)
{
	return unsupported();
}

CK_RV C_VerifyFinal(CK_SESSION_HANDLE session, CK_BYTE_PTR signature,
                    CK_ULONG signature_len)
{
	return unsupported();
}

CK_RV C_VerifyRecoverInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
                          CK_OBJECT_HANDLE key)
{
	return unsupported();
}

CK_RV C_VerifyRecover(CK_SESSION_HANDLE session, CK_BYTE_PTR signature,
                      CK_ULONG signature_len, CK_BYTE_PTR data,
                      CK_ULONG_PTR data_len)
{
	return unsupported();
}

CK_RV C_DigestEncryptUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
                            CK_ULONG part_len, CK_BYTE_PTR encrypted_part,
                            CK_ULONG_PTR encrypted_part_len)
{
	return unsupported();
}

CK_RV C_DecryptDigestUpdate(CK_SESSION_HANDLE session,
                            CK_BYTE_PTR encrypted_part,
                            CK_ULONG encrypted_part_len, CK_BYTE_PTR part,
                            CK_ULONG_PTR part_len)
{
	return unsupported();
}

CK_RV C_SignEncryptUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
                          CK_ULONG part_len, CK_BYTE_PTR encrypted_part,
                          CK_ULONG_PTR encrypted_part_len)
{
	return unsupported();
}

CK_RV C_DecryptVerifyUpdate(CK_SESSION_HANDLE session,
                            CK_BYTE_PTR encrypted_part,
                            CK_ULONG encrypted_part_len, CK_BYTE_PTR part,
                            CK_ULONG_PTR part_len)
{
	return unsupported();
}

CK_RV C_GenerateKey(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
                    CK_ATTRIBUTE_PTR templ, CK_ULONG count,
                    CK_OBJECT_HANDLE_PTR key)
{
	return unsupported();
}

CK_RV C_GenerateKeyPair(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
                        CK_ATTRIBUTE_PTR public_key_template,
                        CK_ULONG public_key_attribute_count,
                        CK_ATTRIBUTE_PTR private_key_template,
                        CK_ULONG private_key_attribute_count,
                        CK_OBJECT_HANDLE_PTR public_key,
                        CK_OBJECT_HANDLE_PTR private_key)
{
	return unsupported();
}

CK_RV C_WrapKey(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
                CK_OBJECT_HANDLE wrapping_key, CK_OBJECT_HANDLE key,
                CK_BYTE_PTR wrapped_key, CK_ULONG_PTR wrapped_key_len)
{
	return unsupported();
}

CK_RV C_UnwrapKey(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
                  CK_OBJECT_HANDLE unwrapping_key, CK_BYTE_PTR wrapped_key,
                  CK_ULONG wrapped_key_len, CK_ATTRIBUTE_PTR templ,
                  CK_ULONG attribute_count, CK_OBJECT_HANDLE_PTR key)
{
	return unsupported();
}

CK_RV C_DeriveKey(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
                  CK_OBJECT_HANDLE base_key, CK_ATTRIBUTE_PTR templ,
                  CK_ULONG attribute_count, CK_OBJECT_HANDLE_PTR key)
{
	return unsupported();
}

/* No random number generator (CKF_RNG is off): the standard's answer is
 * CKR_RANDOM_NO_RNG, after the session check (pkcs11-tool --test then
 * says "RNG not available" and counts no error). */
static CK_RV no_rng(CK_SESSION_HANDLE session)
{
	sp11_session s;
	CK_RV rv = sp11_session_enter(session, &s);

	return rv != CKR_OK ? rv : CKR_RANDOM_NO_RNG;
}

CK_RV C_SeedRandom(CK_SESSION_HANDLE session, CK_BYTE_PTR seed,
                   CK_ULONG seed_len)
{
	return no_rng(session);
}

CK_RV C_GenerateRandom(CK_SESSION_HANDLE session, CK_BYTE_PTR random_data,
                       CK_ULONG random_len)
{
	return no_rng(session);
}

/* ---- PKCS#11 3.0 ---------------------------------------------------------- */

/* No user names: the token has no PIN at all (session.c, C_Login). */
CK_RV C_LoginUser(CK_SESSION_HANDLE session, CK_USER_TYPE user_type,
                  CK_UTF8CHAR_PTR pin, CK_ULONG pin_len,
                  CK_UTF8CHAR_PTR username, CK_ULONG username_len)
{
	return unsupported();
}

CK_RV C_SessionCancel(CK_SESSION_HANDLE session, CK_FLAGS flags)
{
	return unsupported();
}

CK_RV C_MessageEncryptInit(CK_SESSION_HANDLE session,
                           CK_MECHANISM_PTR mechanism, CK_OBJECT_HANDLE key)
{
	return unsupported();
}

CK_RV C_EncryptMessage(CK_SESSION_HANDLE session, CK_VOID_PTR parameter,
                       CK_ULONG parameter_len, CK_BYTE_PTR associated_data,
                       CK_ULONG associated_data_len, CK_BYTE_PTR plaintext,
                       CK_ULONG plaintext_len, CK_BYTE_PTR ciphertext,
                       CK_ULONG_PTR ciphertext_len)
{
	return unsupported();
}

CK_RV C_EncryptMessageBegin(CK_SESSION_HANDLE session, CK_VOID_PTR parameter,
                            CK_ULONG parameter_len, CK_BYTE_PTR associated_data,
                            CK_ULONG associated_data_len)
{
	return unsupported();
}

CK_RV C_EncryptMessageNext(CK_SESSION_HANDLE session, CK_VOID_PTR parameter,
                           CK_ULONG parameter_len, CK_BYTE_PTR plaintext_part,
                           CK_ULONG plaintext_part_len,
                           CK_BYTE_PTR ciphertext_part,
                           CK_ULONG_PTR ciphertext_part_len, CK_FLAGS flags)
{
	return unsupported();
}

CK_RV C_MessageEncryptFinal(CK_SESSION_HANDLE session)
{
	return unsupported();
}

CK_RV C_MessageDecryptInit(CK_SESSION_HANDLE session,
                           CK_MECHANISM_PTR mechanism, CK_OBJECT_HANDLE key)
{
	return unsupported();
}

CK_RV C_DecryptMessage(CK_SESSION_HANDLE session, CK_VOID_PTR parameter,
                       CK_ULONG parameter_len, CK_BYTE_PTR associated_data,
                       CK_ULONG associated_data_len, CK_BYTE_PTR ciphertext,
                       CK_ULONG ciphertext_len, CK_BYTE_PTR plaintext,
                       CK_ULONG_PTR plaintext_len)
{
	return unsupported();
}

CK_RV C_DecryptMessageBegin(CK_SESSION_HANDLE session, CK_VOID_PTR parameter,
                            CK_ULONG parameter_len, CK_BYTE_PTR associated_data,
                            CK_ULONG associated_data_len)
{
	return unsupported();
}

CK_RV C_DecryptMessageNext(CK_SESSION_HANDLE session, CK_VOID_PTR parameter,
                           CK_ULONG parameter_len, CK_BYTE_PTR ciphertext_part,
                           CK_ULONG ciphertext_part_len,
                           CK_BYTE_PTR plaintext_part,
                           CK_ULONG_PTR plaintext_part_len, CK_FLAGS flags)
{
	return unsupported();
}

CK_RV C_MessageDecryptFinal(CK_SESSION_HANDLE session)
{
	return unsupported();
}

CK_RV C_MessageSignInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
                        CK_OBJECT_HANDLE key)
{
	return unsupported();
}

CK_RV C_SignMessage(CK_SESSION_HANDLE session, CK_VOID_PTR parameter,
                    CK_ULONG parameter_len, CK_BYTE_PTR data, CK_ULONG data_len,
                    CK_BYTE_PTR signature, CK_ULONG_PTR signature_len)
{
	return unsupported();
}

CK_RV C_SignMessageBegin(CK_SESSION_HANDLE session, CK_VOID_PTR parameter,
                         CK_ULONG parameter_len)
{
	return unsupported();
}

CK_RV C_SignMessageNext(CK_SESSION_HANDLE session, CK_VOID_PTR parameter,
                        CK_ULONG parameter_len, CK_BYTE_PTR data,
                        CK_ULONG data_len, CK_BYTE_PTR signature,
                        CK_ULONG_PTR signature_len)
{
	return unsupported();
}

CK_RV C_MessageSignFinal(CK_SESSION_HANDLE session)
{
	return unsupported();
}

CK_RV C_MessageVerifyInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
                          CK_OBJECT_HANDLE key)
{
	return unsupported();
}

CK_RV C_VerifyMessage(CK_SESSION_HANDLE session, CK_VOID_PTR parameter,
                      CK_ULONG parameter_len, CK_BYTE_PTR data,
                      CK_ULONG data_len, CK_BYTE_PTR signature,
                      CK_ULONG signature_len)
{
	return unsupported();
}

CK_RV C_VerifyMessageBegin(CK_SESSION_HANDLE session, CK_VOID_PTR parameter,
                           CK_ULONG parameter_len)
{
	return unsupported();
}

CK_RV C_VerifyMessageNext(CK_SESSION_HANDLE session, CK_VOID_PTR parameter,
                          CK_ULONG parameter_len, CK_BYTE_PTR data,
                          CK_ULONG data_len, CK_BYTE_PTR signature,
                          CK_ULONG signature_len)
{
	return unsupported();
}

CK_RV C_MessageVerifyFinal(CK_SESSION_HANDLE session)
{
	return unsupported();
}

#pragma GCC diagnostic pop
