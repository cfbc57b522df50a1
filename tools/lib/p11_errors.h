/* SPDX-License-Identifier: BSD-2-Clause */
/* p11_errors.h: names and advice for PKCS#11 return values. */
#ifndef CLIENT_P11_ERRORS_H
#define CLIENT_P11_ERRORS_H

#include <p11-kit/pkcs11.h>

/* "CKR_DEVICE_REMOVED", or "CKR_0x........" for unknown values. */
const char *client_ckr_name(CK_RV rv);
/* What it means for the person and what to do next. */
const char *client_ckr_advice(CK_RV rv);

#endif /* CLIENT_P11_ERRORS_H */
