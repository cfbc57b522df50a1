/* p11_errors.h: names and advice for PKCS#11 return values. */
#ifndef SAFEID_TOOL_P11_ERRORS_H
#define SAFEID_TOOL_P11_ERRORS_H

#include <p11-kit/pkcs11.h>

/* "CKR_DEVICE_REMOVED", or "CKR_0x........" for unknown values. */
const char *p11_rv_name(CK_RV rv);
/* What it means for the person and what to do next. */
const char *p11_rv_advice(CK_RV rv);

#endif /* SAFEID_TOOL_P11_ERRORS_H */
