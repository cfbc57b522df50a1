/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * functions.c: the function lists and the interfaces that offer them
 * (C_GetFunctionList, C_GetInterfaceList and C_GetInterface are the
 * module's exported entry points, see safeid-pkcs11.map), and the
 * mechanism and parallel-function queries.
 *
 * Interfaces (PKCS#11 3.0, "C_GetInterface"): "PKCS 11" 3.0 first, the
 * default, because pkcs11-tool (OpenSC 0.23) takes the default "PKCS 11"
 * interface as its only list and lists interfaces only through a 3.0
 * one; then "PKCS 11" 2.40, the list C_GetFunctionList gives, for 2.x
 * clients that ask for it by version; then "Vendor safeid" with the
 * vendor function.  Each list's C_GetInfo reports that list's version.
 * No interface is CKF_INTERFACE_FORK_SAFE: a forked child starts with the
 * module not initialised (module.c) instead of keeping the parent's
 * sessions, so a request for that flag finds nothing (NSS then asks
 * again without it).
 */
#include <string.h>

#include "sp11.h"

CK_RV C_GetMechanismList(CK_SLOT_ID slotID, CK_MECHANISM_TYPE_PTR pList,
                         CK_ULONG_PTR pulCount)
{
	CK_RV rv = sp11_ready();

	(void)pList;
	if (rv != CKR_OK)
		return rv;
	if (pulCount == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = sp11_slot_check(slotID);
	if (rv != CKR_OK)
		return rv;
	/* The token computes codes for its display, not for the host. */
	*pulCount = 0;
	return CKR_OK;
}

CK_RV C_GetMechanismInfo(CK_SLOT_ID slotID, CK_MECHANISM_TYPE type,
                         CK_MECHANISM_INFO_PTR pInfo)
{
	CK_RV rv = sp11_ready();

	(void)type;
	(void)pInfo;
	if (rv != CKR_OK)
		return rv;
	rv = sp11_slot_check(slotID);
	if (rv != CKR_OK)
		return rv;
	return CKR_MECHANISM_INVALID;
}

CK_RV C_GetFunctionStatus(CK_SESSION_HANDLE hSession)
{
	CK_RV rv = sp11_ready();

	(void)hSession;
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_PARALLEL;
}

CK_RV C_CancelFunction(CK_SESSION_HANDLE hSession)
{
	CK_RV rv = sp11_ready();

	(void)hSession;
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_PARALLEL;
}

/* The 68 functions of PKCS#11 2.40 in their list order; info is the
 * list's C_GetInfo (each list reports its own version). */
#define FUNCTIONS_240(info)                                                    \
	C_Initialize, C_Finalize, info, C_GetFunctionList, C_GetSlotList,      \
		C_GetSlotInfo, C_GetTokenInfo, C_GetMechanismList,             \
		C_GetMechanismInfo, C_InitToken, C_InitPIN, C_SetPIN,          \
		C_OpenSession, C_CloseSession, C_CloseAllSessions,             \
		C_GetSessionInfo, C_GetOperationState, C_SetOperationState,    \
		C_Login, C_Logout, C_CreateObject, C_CopyObject,               \
		C_DestroyObject, C_GetObjectSize, C_GetAttributeValue,         \
		C_SetAttributeValue, C_FindObjectsInit, C_FindObjects,         \
		C_FindObjectsFinal, C_EncryptInit, C_Encrypt, C_EncryptUpdate, \
		C_EncryptFinal, C_DecryptInit, C_Decrypt, C_DecryptUpdate,     \
		C_DecryptFinal, C_DigestInit, C_Digest, C_DigestUpdate,        \
		C_DigestKey, C_DigestFinal, C_SignInit, C_Sign, C_SignUpdate,  \
		C_SignFinal, C_SignRecoverInit, C_SignRecover, C_VerifyInit,   \
		C_Verify, C_VerifyUpdate, C_VerifyFinal, C_VerifyRecoverInit,  \
		C_VerifyRecover, C_DigestEncryptUpdate, C_DecryptDigestUpdate, \
		C_SignEncryptUpdate, C_DecryptVerifyUpdate, C_GenerateKey,     \
		C_GenerateKeyPair, C_WrapKey, C_UnwrapKey, C_DeriveKey,        \
		C_SeedRandom, C_GenerateRandom, C_GetFunctionStatus,           \
		C_CancelFunction, C_WaitForSlotEvent

/* The list C_GetFunctionList gives: PKCS#11 2.40, whatever version the
 * PKCS#11 header describes (p11-kit 0.25 says 3.0). */
static CK_FUNCTION_LIST list_240 = {
	{2, 40},
	FUNCTIONS_240(C_GetInfo),
};

/* The same functions, then the 24 that PKCS#11 3.0 added. */
static CK_FUNCTION_LIST_3_0 list_30 = {
	{3, 0},
	FUNCTIONS_240(sp11_info_v3),
	C_GetInterfaceList,
	C_GetInterface,
	C_LoginUser,
	C_SessionCancel,
	C_MessageEncryptInit,
	C_EncryptMessage,
	C_EncryptMessageBegin,
	C_EncryptMessageNext,
	C_MessageEncryptFinal,
	C_MessageDecryptInit,
	C_DecryptMessage,
	C_DecryptMessageBegin,
	C_DecryptMessageNext,
	C_MessageDecryptFinal,
	C_MessageSignInit,
	C_SignMessage,
	C_SignMessageBegin,
	C_SignMessageNext,
	C_MessageSignFinal,
	C_MessageVerifyInit,
	C_VerifyMessage,
	C_VerifyMessageBegin,
	C_VerifyMessageNext,
	C_MessageVerifyFinal,
};

static safeid_pkcs11_vendor_functions list_vendor = {
	{1, 1},
	safeid_pkcs11_seed_state,
	safeid_pkcs11_writes_started,
	safeid_pkcs11_allow_last_try,
	safeid_pkcs11_tries_left,
	safeid_pkcs11_set_press_handler,
	safeid_pkcs11_factory_reset,
	safeid_pkcs11_screen,
};

/* Writable, as CK_INTERFACE's members are; never written. */
static char name_pkcs11[] = "PKCS 11";
static char name_vendor[] = SAFEID_PKCS11_VENDOR_INTERFACE;

static CK_INTERFACE interfaces[] = {
	{name_pkcs11, &list_30, 0},
	{name_pkcs11, &list_240, 0},
	{name_vendor, &list_vendor, 0},
};

#define N_INTERFACES (sizeof(interfaces) / sizeof(interfaces[0]))

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR ppFunctionList)
{
	if (ppFunctionList == NULL)
		return CKR_ARGUMENTS_BAD;
	*ppFunctionList = &list_240;
	return CKR_OK;
}

/* Like C_GetFunctionList, these need no C_Initialize. */
CK_RV C_GetInterfaceList(CK_INTERFACE_PTR pInterfacesList,
                         CK_ULONG_PTR pulCount)
{
	if (pulCount == NULL)
		return CKR_ARGUMENTS_BAD;
	if (pInterfacesList == NULL) {
		*pulCount = N_INTERFACES;
		return CKR_OK;
	}
	if (*pulCount < N_INTERFACES) {
		*pulCount = N_INTERFACES;
		return CKR_BUFFER_TOO_SMALL;
	}
	memcpy(pInterfacesList, interfaces, sizeof(interfaces));
	*pulCount = N_INTERFACES;
	return CKR_OK;
}

/* The version at the start of every interface's function list. */
static const CK_VERSION *interface_version(const CK_INTERFACE *i)
{
	return i->pFunctionList;
}

CK_RV C_GetInterface(CK_UTF8CHAR_PTR pInterfaceName, CK_VERSION_PTR pVersion,
                     CK_INTERFACE_PTR_PTR ppInterface, CK_FLAGS flags)
{
	const CK_VERSION *v;
	size_t i;

	if (ppInterface == NULL)
		return CKR_ARGUMENTS_BAD;
	/* The first that matches every criterion given: no name is any
	 * name, no version any version, and the flags asked must all be
	 * set. */
	for (i = 0; i < N_INTERFACES; i++) {
		v = interface_version(&interfaces[i]);
		if (pInterfaceName != NULL &&
		    strcmp((const char *)pInterfaceName,
		           interfaces[i].pInterfaceName) != 0)
			continue;
		if (pVersion != NULL && (pVersion->major != v->major ||
		                         pVersion->minor != v->minor))
			continue;
		if ((interfaces[i].flags & flags) != flags)
			continue;
		*ppInterface = &interfaces[i];
		return CKR_OK;
	}
	/* The standard has no "not found" code; this is OpenSC's. */
	return CKR_ARGUMENTS_BAD;
}
