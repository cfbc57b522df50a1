/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * secret_key_attrs.h: every attribute PKCS#11 3.0 gives an object of the
 * secret-key classes (common object, storage, key, secret key, generic
 * secret), for the tests that ask a module for all of them: the unit
 * tests of the module's objects and the module-agnostic probe.
 */
#ifndef TESTS_PKCS11_SECRET_KEY_ATTRS_H
#define TESTS_PKCS11_SECRET_KEY_ATTRS_H

/* clang-format off */
#define SECRET_KEY_ATTRIBUTES                                                 \
	CKA_CLASS, CKA_UNIQUE_ID, CKA_TOKEN, CKA_PRIVATE, CKA_MODIFIABLE,     \
	CKA_LABEL, CKA_COPYABLE, CKA_DESTROYABLE, CKA_KEY_TYPE, CKA_ID,       \
	CKA_START_DATE, CKA_END_DATE, CKA_DERIVE, CKA_LOCAL,                  \
	CKA_KEY_GEN_MECHANISM, CKA_ALLOWED_MECHANISMS, CKA_SENSITIVE,         \
	CKA_ENCRYPT, CKA_DECRYPT, CKA_SIGN, CKA_VERIFY, CKA_WRAP, CKA_UNWRAP, \
	CKA_EXTRACTABLE, CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE,         \
	CKA_CHECK_VALUE, CKA_WRAP_WITH_TRUSTED, CKA_TRUSTED,                  \
	CKA_WRAP_TEMPLATE, CKA_UNWRAP_TEMPLATE, CKA_DERIVE_TEMPLATE,          \
	CKA_VALUE_LEN
/* clang-format on */

#endif
