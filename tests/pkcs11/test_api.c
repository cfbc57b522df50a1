/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_api.c: the module's checks that need no token: burn and clock
 * templates (exact CKR_* for each bad input, values the token cannot
 * honour refused), the clock text, attribute length semantics, the seed
 * slot read back as its template made it, and C_Initialize conformance
 * (arguments, locking callbacks, double init, fork), the PKCS#11 3.0
 * interfaces.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sp11.h"
#include "secret_key_attrs.h"
#include "unit.h"

static CK_OBJECT_CLASS cls_otp = CKO_OTP_KEY;
static CK_OBJECT_CLASS cls_sec = CKO_SECRET_KEY;
static CK_OBJECT_CLASS cls_data = CKO_DATA;
static CK_KEY_TYPE kt_hotp = CKK_HOTP;
static CK_KEY_TYPE kt_generic = CKK_GENERIC_SECRET;
static CK_KEY_TYPE kt_aes = CKK_AES;
static CK_KEY_TYPE kt_des3 = CKK_DES3;
static CK_BBOOL yes = CK_TRUE;
static CK_BBOOL no = CK_FALSE;
static CK_BYTE seed20[20] = "12345678901234567890";
static CK_BYTE seed64[64];
static CK_BYTE seed_big[SP11_KEPT_MAX];
static char txt_totp[] = "totp";
static char txt_2026[] = "2026010100000000";
static char txt_feb30[] = "2026023000000000";
static char txt_short[] = "20260101";

#define ATTR(t, v)                     \
	{                              \
		(t), (v), sizeof(*(v)) \
	}

static CK_RV burn1(CK_ATTRIBUTE_TYPE t, void *v, CK_ULONG len)
{
	CK_ATTRIBUTE a[3] = {ATTR(CKA_CLASS, &cls_otp),
	                     {CKA_VALUE, seed20, sizeof(seed20)},
	                     {t, v, len}};
	sp11_burn_plan p;

	return sp11_burn_template_parse(a, 3, &p);
}

START_TEST(burn_otp_key_full)
{
	CK_ULONG step = 60, hash = CKM_SHA256, disp = 120, clk = 1767225600;
	CK_ATTRIBUTE a[] = {ATTR(CKA_CLASS, &cls_otp),
	                    ATTR(CKA_KEY_TYPE, &kt_hotp),
	                    {CKA_VALUE, seed20, sizeof(seed20)},
	                    ATTR(CKA_OTP_TIME_INTERVAL, &step),
	                    ATTR(CKA_SAFEID_HASH, &hash),
	                    ATTR(CKA_SAFEID_DISPLAY_TIMEOUT, &disp),
	                    ATTR(CKA_SAFEID_BURN_CLOCK, &clk)};
	sp11_burn_plan p;

	ck_assert_uint_eq(sp11_burn_template_parse(a, 7, &p), CKR_OK);
	ck_assert_ptr_eq(p.seed, seed20);
	ck_assert_uint_eq(p.seedlen, 20);
	ck_assert_int_eq(p.hash, SAFEID_HASH_SHA256);
	ck_assert_uint_eq(p.step, 60);
	ck_assert_int_eq(p.display, SAFEID_DISPLAY_120S);
	ck_assert(p.has_clock);
	ck_assert_uint_eq(p.clock, 1767225600u);
}
END_TEST

/* What pkcs11-tool --write-object --type secrkey --key-type GENERIC:20
 * --label totp --sensitive sends. */
START_TEST(burn_pkcs11_tool_secret_key)
{
	CK_ATTRIBUTE a[] = {
		ATTR(CKA_CLASS, &cls_sec), ATTR(CKA_KEY_TYPE, &kt_generic),
		ATTR(CKA_TOKEN, &yes),     {CKA_VALUE, seed20, 20},
		ATTR(CKA_PRIVATE, &no),    ATTR(CKA_SENSITIVE, &yes),
		{CKA_LABEL, txt_totp, 4},  ATTR(CKA_ENCRYPT, &yes),
		ATTR(CKA_DECRYPT, &yes)};
	sp11_burn_plan p;

	ck_assert_uint_eq(sp11_burn_template_parse(a, 9, &p), CKR_OK);
	/* pkcs11-tool 0.23 can only send it as AES, with CKA_EXTRACTABLE. */
	a[1].pValue = &kt_aes;
	a[4].type = CKA_EXTRACTABLE;
	ck_assert_uint_eq(sp11_burn_template_parse(a, 9, &p), CKR_OK);
	ck_assert_int_eq(p.hash, SAFEID_HASH_SHA1);
	ck_assert_uint_eq(p.step, 30);
	ck_assert_int_eq(p.display, SAFEID_DISPLAY_30S);
	ck_assert(!p.has_clock);
	/* Without --sensitive it asks for a readable key, which the seed
	 * slot never is. */
	a[5].pValue = &no;
	ck_assert_uint_eq(sp11_burn_template_parse(a, 9, &p),
	                  CKR_TEMPLATE_INCONSISTENT);
}
END_TEST

/* Values each valid, that the seed slot cannot have: refused whole,
 * never dropped; attributes only the token sets: read-only. */
START_TEST(burn_unhonourable)
{
	static const CK_ATTRIBUTE_TYPE must_be_false[] = {
		CKA_PRIVATE,     CKA_MODIFIABLE,  CKA_COPYABLE,
		CKA_DESTROYABLE, CKA_EXTRACTABLE, CKA_TRUSTED};
	static const CK_ATTRIBUTE_TYPE read_only[] = {
		CKA_UNIQUE_ID, CKA_ALWAYS_SENSITIVE,  CKA_NEVER_EXTRACTABLE,
		CKA_LOCAL,     CKA_KEY_GEN_MECHANISM, CKA_OTP_TIME};
	CK_ULONG mandatory = CK_OTP_PARAM_MANDATORY,
		 ignored = CK_OTP_PARAM_IGNORED;
	CK_BYTE check[3] = {1, 2, 3};
	size_t i;

	for (i = 0; i < sizeof(must_be_false) / sizeof(must_be_false[0]); i++) {
		ck_assert_uint_eq(burn1(must_be_false[i], &yes, sizeof(yes)),
		                  CKR_TEMPLATE_INCONSISTENT);
		ck_assert_uint_eq(burn1(must_be_false[i], &no, sizeof(no)),
		                  CKR_OK);
	}
	ck_assert_uint_eq(burn1(CKA_SENSITIVE, &no, sizeof(no)),
	                  CKR_TEMPLATE_INCONSISTENT);
	ck_assert_uint_eq(burn1(CKA_TOKEN, &no, sizeof(no)),
	                  CKR_TEMPLATE_INCONSISTENT);
	for (i = 0; i < sizeof(read_only) / sizeof(read_only[0]); i++)
		ck_assert_uint_eq(burn1(read_only[i], &yes, sizeof(yes)),
		                  CKR_ATTRIBUTE_READ_ONLY);
	ck_assert_uint_eq(
		burn1(CKA_OTP_TIME_REQUIREMENT, &mandatory, sizeof(mandatory)),
		CKR_TEMPLATE_INCONSISTENT);
	ck_assert_uint_eq(
		burn1(CKA_OTP_PIN_REQUIREMENT, &ignored, sizeof(ignored)),
		CKR_OK);
	ck_assert_uint_eq(burn1(CKA_CHECK_VALUE, check, sizeof(check)),
	                  CKR_TEMPLATE_INCONSISTENT);
	ck_assert_uint_eq(burn1(CKA_CHECK_VALUE, NULL, 0), CKR_OK);
	/* A usage flag is kept as given; not a CK_BBOOL is invalid. */
	ck_assert_uint_eq(burn1(CKA_SIGN, &yes, sizeof(yes)), CKR_OK);
	ck_assert_uint_eq(burn1(CKA_SIGN, check, 3),
	                  CKR_ATTRIBUTE_VALUE_INVALID);
	/* Recovery flags are not secret-key attributes. */
	ck_assert_uint_eq(burn1(CKA_SIGN_RECOVER, &no, sizeof(no)),
	                  CKR_ATTRIBUTE_TYPE_INVALID);
}
END_TEST

START_TEST(burn_errors)
{
	CK_ULONG v45 = 45, sha512 = CKM_SHA512, len7 = 7, disp20 = 20;
	CK_ULONG unknown = 1;
	CK_ATTRIBUTE no_value[] = {ATTR(CKA_CLASS, &cls_otp)};
	CK_ATTRIBUTE no_class[] = {{CKA_VALUE, seed20, 20}};
	CK_ATTRIBUTE too_long[] = {ATTR(CKA_CLASS, &cls_otp),
	                           {CKA_VALUE, seed64, 64}};
	CK_ATTRIBUTE empty[] = {ATTR(CKA_CLASS, &cls_otp),
	                        {CKA_VALUE, seed20, 0}};
	CK_ATTRIBUTE data[] = {ATTR(CKA_CLASS, &cls_data),
	                       {CKA_VALUE, seed20, 20}};
	CK_ATTRIBUTE des3[] = {ATTR(CKA_CLASS, &cls_sec),
	                       ATTR(CKA_KEY_TYPE, &kt_des3),
	                       {CKA_VALUE, seed20, 20}};
	CK_ATTRIBUTE dup[] = {ATTR(CKA_CLASS, &cls_otp),
	                      {CKA_VALUE, seed20, 20},
	                      {CKA_VALUE, seed20, 10}};
	sp11_burn_plan p;

	ck_assert_uint_eq(sp11_burn_template_parse(no_value, 1, &p),
	                  CKR_TEMPLATE_INCOMPLETE);
	ck_assert_uint_eq(sp11_burn_template_parse(no_class, 1, &p),
	                  CKR_TEMPLATE_INCOMPLETE);
	ck_assert_uint_eq(sp11_burn_template_parse(too_long, 2, &p),
	                  CKR_ATTRIBUTE_VALUE_INVALID);
	ck_assert_ptr_null(p.seed);
	ck_assert_uint_eq(sp11_burn_template_parse(empty, 2, &p),
	                  CKR_ATTRIBUTE_VALUE_INVALID);
	ck_assert_uint_eq(sp11_burn_template_parse(data, 2, &p),
	                  CKR_ATTRIBUTE_VALUE_INVALID);
	ck_assert_uint_eq(sp11_burn_template_parse(des3, 3, &p),
	                  CKR_TEMPLATE_INCONSISTENT);
	ck_assert_uint_eq(sp11_burn_template_parse(dup, 3, &p),
	                  CKR_TEMPLATE_INCONSISTENT);
	ck_assert_uint_eq(burn1(CKA_OTP_TIME_INTERVAL, &v45, sizeof(v45)),
	                  CKR_ATTRIBUTE_VALUE_INVALID);
	ck_assert_uint_eq(burn1(CKA_SAFEID_HASH, &sha512, sizeof(sha512)),
	                  CKR_ATTRIBUTE_VALUE_INVALID);
	ck_assert_uint_eq(burn1(CKA_OTP_LENGTH, &len7, sizeof(len7)),
	                  CKR_ATTRIBUTE_VALUE_INVALID);
	ck_assert_uint_eq(
		burn1(CKA_SAFEID_DISPLAY_TIMEOUT, &disp20, sizeof(disp20)),
		CKR_ATTRIBUTE_VALUE_INVALID);
	/* A CK_ULONG attribute of the wrong size. */
	ck_assert_uint_eq(burn1(CKA_OTP_TIME_INTERVAL, &no, sizeof(no)),
	                  CKR_ATTRIBUTE_VALUE_INVALID);
	ck_assert_uint_eq(burn1(CKA_MODULUS, seed20, 20),
	                  CKR_ATTRIBUTE_TYPE_INVALID);
	ck_assert_uint_eq(
		burn1(CKA_VENDOR_DEFINED | 0x1234, &unknown, sizeof(unknown)),
		CKR_ATTRIBUTE_TYPE_INVALID);
	ck_assert_uint_eq(burn1(CKA_TOKEN, &no, sizeof(no)),
	                  CKR_TEMPLATE_INCONSISTENT);
	ck_assert_uint_eq(burn1(CKA_EXTRACTABLE, &yes, sizeof(yes)),
	                  CKR_TEMPLATE_INCONSISTENT);
	/* More than the module keeps of labels and IDs. */
	ck_assert_uint_eq(burn1(CKA_LABEL, seed_big, sizeof(seed_big)),
	                  CKR_ATTRIBUTE_VALUE_INVALID);
	ck_assert_uint_eq(burn1(CKA_VALUE_LEN, &len7, sizeof(len7)),
	                  CKR_TEMPLATE_INCONSISTENT);
	ck_assert_uint_eq(
		burn1(CKA_SAFEID_SEED_STATE, &unknown, sizeof(unknown)),
		CKR_ATTRIBUTE_READ_ONLY);
}
END_TEST

START_TEST(burn_seed_lengths)
{
	CK_ATTRIBUTE a[] = {ATTR(CKA_CLASS, &cls_otp), {CKA_VALUE, seed64, 63}};
	sp11_burn_plan p;

	ck_assert_uint_eq(sp11_burn_template_parse(a, 2, &p), CKR_OK);
	a[1].ulValueLen = 1;
	ck_assert_uint_eq(sp11_burn_template_parse(a, 2, &p), CKR_OK);
	a[1].pValue = NULL;
	ck_assert_uint_eq(sp11_burn_template_parse(a, 2, &p),
	                  CKR_ATTRIBUTE_VALUE_INVALID);
}
END_TEST

START_TEST(clock_templates)
{
	CK_ULONG step = 30, hash = CKM_SHA_1, disp = 15;
	CK_ATTRIBUTE full[] = {{CKA_VALUE, txt_2026, 16},
	                       ATTR(CKA_OTP_TIME_INTERVAL, &step),
	                       ATTR(CKA_SAFEID_HASH, &hash),
	                       ATTR(CKA_SAFEID_DISPLAY_TIMEOUT, &disp),
	                       ATTR(CKA_SAFEID_ERASE_SEED, &yes)};
	CK_ATTRIBUTE bad_date[] = {{CKA_VALUE, txt_feb30, 16}};
	CK_ATTRIBUTE short_text[] = {{CKA_VALUE, txt_short, 8}};
	CK_ATTRIBUTE no_value[] = {ATTR(CKA_SAFEID_HASH, &hash)};
	CK_ATTRIBUTE class_write[] = {{CKA_VALUE, txt_2026, 16},
	                              ATTR(CKA_CLASS, &cls_otp)};
	sp11_clock_plan p;

	ck_assert_uint_eq(sp11_clock_template_parse(full, 5, &p), CKR_OK);
	ck_assert_uint_eq(p.clock, 1767225600u);
	ck_assert(p.has_hash && p.has_step && p.has_display && p.erase_consent);
	ck_assert_int_eq(p.display, SAFEID_DISPLAY_15S);
	ck_assert_uint_eq(sp11_clock_template_parse(full, 1, &p), CKR_OK);
	ck_assert(!p.has_hash && !p.has_step && !p.has_display &&
	          !p.erase_consent);
	ck_assert_uint_eq(sp11_clock_template_parse(bad_date, 1, &p),
	                  CKR_ATTRIBUTE_VALUE_INVALID);
	ck_assert_uint_eq(sp11_clock_template_parse(short_text, 1, &p),
	                  CKR_ATTRIBUTE_VALUE_INVALID);
	ck_assert_uint_eq(sp11_clock_template_parse(no_value, 1, &p),
	                  CKR_TEMPLATE_INCOMPLETE);
	ck_assert_uint_eq(sp11_clock_template_parse(class_write, 2, &p),
	                  CKR_ATTRIBUTE_READ_ONLY);
}
END_TEST

START_TEST(clock_text)
{
	char t[16];
	uint32_t v;

	sp11_clock_format(1767225600u, t);
	ck_assert_int_eq(memcmp(t, "2026010100000000", 16), 0);
	sp11_clock_format(951825600u, t); /* 2000-02-29 12:00:00 */
	ck_assert_int_eq(memcmp(t, "2000022912000000", 16), 0);
	ck_assert(sp11_clock_parse("2000022912000000", 16, &v));
	ck_assert_uint_eq(v, 951825600u);
	ck_assert(!sp11_clock_parse("2100022912000000", 16, &v)); /* not leap */
	ck_assert(!sp11_clock_parse("1969123123595900", 16, &v));
	ck_assert(!sp11_clock_parse("2026013124000000", 16, &v));
	ck_assert(!sp11_clock_parse("2026-01-01T0000Z", 16, &v));
}
END_TEST

START_TEST(attribute_lengths)
{
	safeid_info info;
	sp11_record rec;
	sp11_view v = {&info, &rec};
	CK_ULONG cls = 0, len;
	char model[16];
	CK_ATTRIBUTE t[3];

	memset(&info, 0, sizeof(info));
	strcpy(info.serial, "8659622000001");
	info.model = safeid_model_lookup(info.serial);
	info.clock = 1767225600u;
	memset(&rec, 0, sizeof(rec));

	/* Length query, then a too-small buffer, then the value. */
	len = 0;
	ck_assert_uint_eq(sp11_object_attr(SP11_OBJ_SEED, &v, CKA_SAFEID_MODEL,
	                                   NULL, &len),
	                  CKR_OK);
	ck_assert_uint_eq(len, strlen("OTPC-P2-i"));
	len = 3;
	ck_assert_uint_eq(sp11_object_attr(SP11_OBJ_SEED, &v, CKA_SAFEID_MODEL,
	                                   model, &len),
	                  CKR_BUFFER_TOO_SMALL);
	ck_assert_uint_eq(len, CK_UNAVAILABLE_INFORMATION);
	len = sizeof(model);
	ck_assert_uint_eq(sp11_object_attr(SP11_OBJ_SEED, &v, CKA_SAFEID_MODEL,
	                                   model, &len),
	                  CKR_OK);
	ck_assert_int_eq(memcmp(model, "OTPC-P2-i", len), 0);

	/* The whole template is processed; bad entries are marked. */
	t[0] = (CK_ATTRIBUTE){CKA_CLASS, &cls, sizeof(cls)};
	t[1] = (CK_ATTRIBUTE){CKA_VALUE, NULL, 0};
	t[2] = (CK_ATTRIBUTE){CKA_MODULUS, NULL, 0};
	ck_assert_uint_ne(sp11_object_get(SP11_OBJ_SEED, &v, t, 3), CKR_OK);
	ck_assert_uint_eq(cls, CKO_OTP_KEY);
	ck_assert_uint_eq(t[1].ulValueLen, CK_UNAVAILABLE_INFORMATION);
	ck_assert_uint_eq(t[2].ulValueLen, CK_UNAVAILABLE_INFORMATION);
	ck_assert_uint_eq(sp11_object_get(SP11_OBJ_SEED, &v, &t[1], 1),
	                  CKR_ATTRIBUTE_SENSITIVE);
	t[2].ulValueLen = 0;
	ck_assert_uint_eq(sp11_object_get(SP11_OBJ_SEED, &v, &t[2], 1),
	                  CKR_ATTRIBUTE_TYPE_INVALID);
}
END_TEST

START_TEST(find_match)
{
	safeid_info info;
	sp11_record rec;
	sp11_view v = {&info, &rec};
	CK_OBJECT_CLASS hw = CKO_HW_FEATURE;
	CK_HW_FEATURE_TYPE clk = CKH_CLOCK;
	CK_ATTRIBUTE by_class[] = {ATTR(CKA_CLASS, &hw)};
	CK_ATTRIBUTE by_feature[] = {ATTR(CKA_HW_FEATURE_TYPE, &clk)};
	CK_ATTRIBUTE by_label[] = {{CKA_LABEL, txt_totp, 4}};
	CK_ATTRIBUTE by_type[] = {ATTR(CKA_KEY_TYPE, &kt_hotp)};

	memset(&info, 0, sizeof(info));
	strcpy(info.serial, "8659612000001");
	memset(&rec, 0, sizeof(rec));
	ck_assert(sp11_object_match(SP11_OBJ_CLOCK, &v, by_class, 1));
	ck_assert(!sp11_object_match(SP11_OBJ_SEED, &v, by_class, 1));
	ck_assert(sp11_object_match(SP11_OBJ_CLOCK, &v, by_feature, 1));
	ck_assert(!sp11_object_match(SP11_OBJ_SEED, &v, by_feature, 1));
	ck_assert(sp11_object_match(SP11_OBJ_SEED, &v, by_label, 1));
	ck_assert(!sp11_object_match(SP11_OBJ_CLOCK, &v, by_label, 1));
	ck_assert(sp11_object_match(SP11_OBJ_SEED, &v, by_type, 1));
	ck_assert(sp11_object_match(SP11_OBJ_SEED, &v, NULL, 0));
}
END_TEST

/* The seed slot reads back with what the template made it. */
START_TEST(seed_slot_as_made)
{
	static CK_BYTE id01[1] = {1};
	CK_ATTRIBUTE a[] = {
		ATTR(CKA_CLASS, &cls_sec), ATTR(CKA_KEY_TYPE, &kt_aes),
		{CKA_VALUE, seed20, 20},   ATTR(CKA_SENSITIVE, &yes),
		{CKA_LABEL, txt_totp, 4},  {CKA_ID, id01, 1},
		ATTR(CKA_ENCRYPT, &yes)};
	CK_ATTRIBUTE by[] = {ATTR(CKA_CLASS, &cls_sec),
	                     {CKA_LABEL, txt_totp, 4},
	                     {CKA_ID, id01, 1}};
	safeid_info info;
	sp11_record rec;
	sp11_view v = {&info, &rec};
	sp11_burn_plan p;
	CK_ULONG ul = 0, len;
	CK_BBOOL b = 9;
	CK_BYTE buf[8];

	memset(&info, 0, sizeof(info));
	strcpy(info.serial, "8659612000001");
	memset(&rec, 0, sizeof(rec));
	/* Before any burn: an OTP key labelled "totp", length unknown. */
	len = sizeof(ul);
	ck_assert_uint_eq(
		sp11_object_attr(SP11_OBJ_SEED, &v, CKA_CLASS, &ul, &len),
		CKR_OK);
	ck_assert_uint_eq(ul, CKO_OTP_KEY);
	len = sizeof(ul);
	ck_assert_uint_eq(
		sp11_object_attr(SP11_OBJ_SEED, &v, CKA_VALUE_LEN, &ul, &len),
		CKR_OK);
	ck_assert_uint_eq(ul, CK_UNAVAILABLE_INFORMATION);
	ck_assert(!sp11_object_match(SP11_OBJ_SEED, &v, by, 3));

	ck_assert_uint_eq(sp11_burn_template_parse(a, 7, &p), CKR_OK);
	rec.made = true;
	rec.kept_len = p.kept_len;
	memcpy(rec.kept, p.kept, p.kept_len);
	ck_assert(sp11_object_match(SP11_OBJ_SEED, &v, by, 3));
	len = sizeof(ul);
	ck_assert_uint_eq(
		sp11_object_attr(SP11_OBJ_SEED, &v, CKA_KEY_TYPE, &ul, &len),
		CKR_OK);
	ck_assert_uint_eq(ul, CKK_AES);
	len = sizeof(ul);
	ck_assert_uint_eq(
		sp11_object_attr(SP11_OBJ_SEED, &v, CKA_VALUE_LEN, &ul, &len),
		CKR_OK);
	ck_assert_uint_eq(ul, 20);
	len = sizeof(b);
	ck_assert_uint_eq(
		sp11_object_attr(SP11_OBJ_SEED, &v, CKA_ENCRYPT, &b, &len),
		CKR_OK);
	ck_assert_uint_eq(b, CK_TRUE);
	len = sizeof(b);
	ck_assert_uint_eq(
		sp11_object_attr(SP11_OBJ_SEED, &v, CKA_DECRYPT, &b, &len),
		CKR_OK);
	ck_assert_uint_eq(b, CK_FALSE);
	len = sizeof(buf);
	ck_assert_uint_eq(
		sp11_object_attr(SP11_OBJ_SEED, &v, CKA_LABEL, buf, &len),
		CKR_OK);
	ck_assert_uint_eq(len, 4);
	ck_assert_int_eq(memcmp(buf, "totp", 4), 0);
	len = sizeof(buf);
	ck_assert_uint_eq(
		sp11_object_attr(SP11_OBJ_SEED, &v, CKA_VALUE, buf, &len),
		CKR_ATTRIBUTE_SENSITIVE);
}
END_TEST

/* Every attribute PKCS#11 gives a secret key and an OTP key is answered
 * on the seed slot, with the values the token has. */
START_TEST(seed_slot_every_attribute)
{
	static const CK_ATTRIBUTE_TYPE all[] = {SECRET_KEY_ATTRIBUTES,
	                                        CKA_OTP_FORMAT,
	                                        CKA_OTP_LENGTH,
	                                        CKA_OTP_TIME_INTERVAL,
	                                        CKA_OTP_USER_FRIENDLY_MODE,
	                                        CKA_OTP_CHALLENGE_REQUIREMENT,
	                                        CKA_OTP_TIME_REQUIREMENT,
	                                        CKA_OTP_COUNTER_REQUIREMENT,
	                                        CKA_OTP_PIN_REQUIREMENT,
	                                        CKA_OTP_COUNTER,
	                                        CKA_OTP_TIME,
	                                        CKA_OTP_USER_IDENTIFIER,
	                                        CKA_OTP_SERVICE_IDENTIFIER,
	                                        CKA_OTP_SERVICE_LOGO,
	                                        CKA_OTP_SERVICE_LOGO_TYPE};
	static const CK_ATTRIBUTE_TYPE no_to[] = {
		CKA_PRIVATE,     CKA_MODIFIABLE, CKA_COPYABLE, CKA_DESTROYABLE,
		CKA_EXTRACTABLE, CKA_LOCAL,      CKA_ENCRYPT,  CKA_TRUSTED};
	static const CK_ATTRIBUTE_TYPE yes_to[] = {CKA_TOKEN, CKA_SENSITIVE,
	                                           CKA_ALWAYS_SENSITIVE,
	                                           CKA_NEVER_EXTRACTABLE};
	safeid_info info;
	sp11_record rec;
	sp11_view v = {&info, &rec};
	char otp_time[16];
	CK_BBOOL b;
	CK_ULONG len;
	size_t i;

	memset(&info, 0, sizeof(info));
	strcpy(info.serial, "8659612000001");
	info.clock = 1767225600u;
	memset(&rec, 0, sizeof(rec));
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		len = 0;
		ck_assert_msg(sp11_object_attr(SP11_OBJ_SEED, &v, all[i], NULL,
		                               &len) == CKR_OK,
		              "attribute 0x%lx not answered",
		              (unsigned long)all[i]);
		ck_assert_uint_ne(len, CK_UNAVAILABLE_INFORMATION);
	}
	for (i = 0; i < sizeof(no_to) / sizeof(no_to[0]); i++) {
		len = sizeof(b);
		ck_assert_uint_eq(
			sp11_object_attr(SP11_OBJ_SEED, &v, no_to[i], &b, &len),
			CKR_OK);
		ck_assert_msg(b == CK_FALSE, "0x%lx", (unsigned long)no_to[i]);
	}
	for (i = 0; i < sizeof(yes_to) / sizeof(yes_to[0]); i++) {
		len = sizeof(b);
		ck_assert_uint_eq(sp11_object_attr(SP11_OBJ_SEED, &v, yes_to[i],
		                                   &b, &len),
		                  CKR_OK);
		ck_assert_msg(b == CK_TRUE, "0x%lx", (unsigned long)yes_to[i]);
	}
	/* The OTP time is the token's clock. */
	len = sizeof(otp_time);
	ck_assert_uint_eq(sp11_object_attr(SP11_OBJ_SEED, &v, CKA_OTP_TIME,
	                                   otp_time, &len),
	                  CKR_OK);
	ck_assert_uint_eq(len, 14);
	ck_assert_int_eq(memcmp(otp_time, "20260101000000", 14), 0);
	/* The clock object: its own few, and its CKA_UNIQUE_ID differs. */
	len = 0;
	ck_assert_uint_eq(
		sp11_object_attr(SP11_OBJ_CLOCK, &v, CKA_UNIQUE_ID, NULL, &len),
		CKR_OK);
	ck_assert_uint_eq(
		sp11_object_attr(SP11_OBJ_CLOCK, &v, CKA_KEY_TYPE, NULL, &len),
		CKR_ATTRIBUTE_TYPE_INVALID);
}
END_TEST

static CK_RV m_create(CK_VOID_PTR_PTR m)
{
	*m = malloc(1);
	return *m != NULL ? CKR_OK : CKR_HOST_MEMORY;
}
static CK_RV m_destroy(CK_VOID_PTR m)
{
	free(m);
	return CKR_OK;
}
static int app_locks;
static CK_RV m_lock(CK_VOID_PTR m)
{
	(void)m;
	app_locks++;
	return CKR_OK;
}
static CK_RV m_unlock(CK_VOID_PTR m)
{
	(void)m;
	return CKR_OK;
}

START_TEST(initialize_args)
{
	CK_C_INITIALIZE_ARGS a;
	CK_INFO info;
	int reserved;

	ck_assert_uint_eq(C_GetInfo(&info), CKR_CRYPTOKI_NOT_INITIALIZED);
	memset(&a, 0, sizeof(a));
	a.CreateMutex = m_create; /* some but not all callbacks */
	ck_assert_uint_eq(C_Initialize(&a), CKR_ARGUMENTS_BAD);
	memset(&a, 0, sizeof(a));
	a.pReserved = &reserved;
	ck_assert_uint_eq(C_Initialize(&a), CKR_ARGUMENTS_BAD);
	memset(&a, 0, sizeof(a));
	a.flags = CKF_OS_LOCKING_OK;
	ck_assert_uint_eq(C_Initialize(&a), CKR_OK);
	ck_assert_uint_eq(C_Initialize(&a), CKR_CRYPTOKI_ALREADY_INITIALIZED);
	ck_assert_uint_eq(C_GetInfo(&info), CKR_OK);
	ck_assert_uint_eq(info.cryptokiVersion.major, 2);
	ck_assert_uint_eq(info.cryptokiVersion.minor, 40);
	ck_assert_uint_eq(C_Finalize(&reserved), CKR_ARGUMENTS_BAD);
	ck_assert_uint_eq(C_Finalize(NULL), CKR_OK);
	ck_assert_uint_eq(C_Finalize(NULL), CKR_CRYPTOKI_NOT_INITIALIZED);
	ck_assert_uint_eq(C_Initialize(NULL), CKR_OK);
	ck_assert_uint_eq(C_Finalize(NULL), CKR_OK);
}
END_TEST

START_TEST(initialize_app_mutexes)
{
	CK_C_INITIALIZE_ARGS a = {m_create, m_destroy, m_lock,
	                          m_unlock, 0,         NULL};
	CK_ULONG n = 0;

	app_locks = 0;
	ck_assert_uint_eq(C_Initialize(&a), CKR_OK);
	ck_assert_uint_eq(C_GetSlotList(CK_FALSE, NULL, &n), CKR_OK);
	/* Without CKF_OS_LOCKING_OK the application's mutexes are used. */
	ck_assert_int_gt(app_locks, 0);
	ck_assert_uint_eq(C_Finalize(NULL), CKR_OK);
}
END_TEST

START_TEST(fork_child_not_initialised)
{
	CK_INFO info;
	pid_t pid;
	int status = 0;

	ck_assert_uint_eq(C_Initialize(NULL), CKR_OK);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* 1: the child must not inherit the parent's session of the
		 * module; 2: it must be able to initialise its own. */
		if (C_GetInfo(&info) != CKR_CRYPTOKI_NOT_INITIALIZED)
			_exit(1);
		if (C_Initialize(NULL) != CKR_OK || C_GetInfo(&info) != CKR_OK)
			_exit(2);
		_exit(C_Finalize(NULL) == CKR_OK ? 0 : 3);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	ck_assert_uint_eq(C_GetInfo(&info), CKR_OK);
	ck_assert_uint_eq(C_Finalize(NULL), CKR_OK);
}
END_TEST

START_TEST(function_list_complete)
{
	CK_FUNCTION_LIST_PTR f = NULL;
	CK_SESSION_HANDLE h;
	CK_ULONG n = 99;

	ck_assert_uint_eq(C_GetFunctionList(&f), CKR_OK);
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(f->C_GenerateRandom);
	ck_assert_uint_eq(f->version.major, 2);
	ck_assert_uint_eq(f->version.minor, 40);
	ck_assert_uint_eq(f->C_Initialize(NULL), CKR_OK);
	/* No RNG, but the session is checked first. */
	ck_assert_uint_eq(f->C_GenerateRandom(1, NULL, 0),
	                  CKR_SESSION_HANDLE_INVALID);
	ck_assert_uint_eq(f->C_SeedRandom(1, NULL, 0),
	                  CKR_SESSION_HANDLE_INVALID);
	ck_assert_uint_eq(
		f->C_OpenSession(9999, CKF_SERIAL_SESSION, NULL, NULL, &h),
		CKR_SLOT_ID_INVALID);
	ck_assert_uint_eq(f->C_OpenSession(0, 0, NULL, NULL, &h),
	                  CKR_SESSION_PARALLEL_NOT_SUPPORTED);
	ck_assert_uint_eq(f->C_GetMechanismList(9999, NULL, &n),
	                  CKR_SLOT_ID_INVALID);
	ck_assert_uint_eq(f->C_CloseSession(77), CKR_SESSION_HANDLE_INVALID);
	ck_assert_uint_eq(f->C_Finalize(NULL), CKR_OK);
	ck_assert_uint_eq(f->C_GenerateRandom(1, NULL, 0),
	                  CKR_CRYPTOKI_NOT_INITIALIZED);
}
END_TEST

/* PKCS#11 3.0 interfaces: "PKCS 11" 3.0 by default, then 2.40 and the
 * vendor one; the usual two-call pattern; filters by name, version and
 * flags; no fork-safe interface. */
START_TEST(interfaces)
{
	CK_INTERFACE list[4], *i = NULL;
	CK_FUNCTION_LIST_3_0 *f30;
	CK_FUNCTION_LIST *f240;
	safeid_pkcs11_vendor_functions *fv;
	CK_VERSION v240 = {2, 40}, v99 = {9, 9};
	CK_ULONG n = 0, st;
	CK_INFO info;
	char p11[] = "PKCS 11", vendor[] = SAFEID_PKCS11_VENDOR_INTERFACE;
	char other[] = "Vendor other";

	ck_assert_uint_eq(C_GetInterfaceList(NULL, NULL), CKR_ARGUMENTS_BAD);
	ck_assert_uint_eq(C_GetInterfaceList(NULL, &n), CKR_OK);
	ck_assert_uint_eq(n, 3);
	n = 2;
	ck_assert_uint_eq(C_GetInterfaceList(list, &n), CKR_BUFFER_TOO_SMALL);
	ck_assert_uint_eq(n, 3);
	n = 4;
	ck_assert_uint_eq(C_GetInterfaceList(list, &n), CKR_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(list[0].pInterfaceName, "PKCS 11");
	ck_assert_str_eq(list[1].pInterfaceName, "PKCS 11");
	ck_assert_str_eq(list[2].pInterfaceName, "Vendor safeid");
	ck_assert_uint_eq(list[0].flags | list[1].flags | list[2].flags, 0);

	ck_assert_uint_eq(C_GetInterface(NULL, NULL, NULL, 0),
	                  CKR_ARGUMENTS_BAD);
	ck_assert_uint_eq(C_GetInterface(NULL, NULL, &i, 0), CKR_OK);
	f30 = i->pFunctionList;
	ck_assert_uint_eq(f30->version.major, 3);
	ck_assert_uint_eq(f30->version.minor, 0);
	ck_assert_ptr_eq(f30->C_GetInterface, C_GetInterface);
	ck_assert_ptr_nonnull(f30->C_MessageVerifyFinal);
	ck_assert_uint_eq(C_GetInterface((CK_UTF8CHAR_PTR)p11, NULL, &i, 0),
	                  CKR_OK);
	ck_assert_ptr_eq(i->pFunctionList, f30);
	ck_assert_uint_eq(C_GetInterface((CK_UTF8CHAR_PTR)p11, &v240, &i, 0),
	                  CKR_OK);
	f240 = i->pFunctionList;
	ck_assert_uint_eq(f240->version.major, 2);
	ck_assert_uint_eq(f240->version.minor, 40);
	ck_assert_uint_eq(C_GetInterface((CK_UTF8CHAR_PTR)p11, &v99, &i, 0),
	                  CKR_ARGUMENTS_BAD);
	ck_assert_uint_eq(C_GetInterface((CK_UTF8CHAR_PTR)p11, NULL, &i,
	                                 CKF_INTERFACE_FORK_SAFE),
	                  CKR_ARGUMENTS_BAD);
	ck_assert_uint_eq(C_GetInterface((CK_UTF8CHAR_PTR)other, NULL, &i, 0),
	                  CKR_ARGUMENTS_BAD);
	ck_assert_uint_eq(C_GetInterface((CK_UTF8CHAR_PTR)vendor, NULL, &i, 0),
	                  CKR_OK);
	fv = i->pFunctionList;
	ck_assert_uint_eq(fv->version.major, 1);
	ck_assert_uint_eq(fv->version.minor, 1);
	ck_assert_ptr_eq(fv->seed_state, safeid_pkcs11_seed_state);
	ck_assert_ptr_eq(fv->writes_started, safeid_pkcs11_writes_started);
	ck_assert_ptr_eq(fv->allow_last_try, safeid_pkcs11_allow_last_try);
	ck_assert_ptr_eq(fv->tries_left, safeid_pkcs11_tries_left);
	ck_assert_ptr_eq(fv->set_press_handler,
	                 safeid_pkcs11_set_press_handler);
	ck_assert_ptr_eq(fv->factory_reset, safeid_pkcs11_factory_reset);
	ck_assert_ptr_eq(fv->screen, safeid_pkcs11_screen);

	/* Each list's C_GetInfo says its own version; the 3.0 stubs check
	 * initialisation first. */
	ck_assert_uint_eq(f30->C_LoginUser(1, CKU_USER, NULL, 0, NULL, 0),
	                  CKR_CRYPTOKI_NOT_INITIALIZED);
	ck_assert_uint_eq(f30->C_Initialize(NULL), CKR_OK);
	ck_assert_uint_eq(f30->C_GetInfo(&info), CKR_OK);
	ck_assert_uint_eq(info.cryptokiVersion.major, 3);
	ck_assert_uint_eq(info.cryptokiVersion.minor, 0);
	ck_assert_uint_eq(f240->C_GetInfo(&info), CKR_OK);
	ck_assert_uint_eq(info.cryptokiVersion.major, 2);
	ck_assert_uint_eq(info.cryptokiVersion.minor, 40);
	ck_assert_uint_eq(f30->C_LoginUser(1, CKU_USER, NULL, 0, NULL, 0),
	                  CKR_FUNCTION_NOT_SUPPORTED);
	ck_assert_uint_eq(fv->seed_state("8659612000001", &st),
	                  CKR_DATA_INVALID);
	ck_assert_uint_eq(f30->C_Finalize(NULL), CKR_OK);
}
END_TEST

/* The vendor function answers from the records, only while initialised,
 * and forgets them at C_Finalize. */
START_TEST(vendor_seed_state)
{
	sp11_record rec;
	CK_ULONG st = 99;
	char longer[SAFEID_SERIAL_MAX + 2];

	ck_assert_uint_eq(safeid_pkcs11_seed_state("8659612000001", &st),
	                  CKR_CRYPTOKI_NOT_INITIALIZED);
	ck_assert_uint_eq(C_Initialize(NULL), CKR_OK);
	ck_assert_uint_eq(safeid_pkcs11_seed_state(NULL, &st),
	                  CKR_ARGUMENTS_BAD);
	ck_assert_uint_eq(safeid_pkcs11_seed_state("8659612000001", NULL),
	                  CKR_ARGUMENTS_BAD);
	ck_assert_uint_eq(safeid_pkcs11_seed_state("8659612000001", &st),
	                  CKR_DATA_INVALID);
	ck_assert_uint_eq(st, 99);
	memset(&rec, 0, sizeof(rec));
	rec.seed_state = CKS_SAFEID_SEED_ERASED;
	sp11_record_put("8659612000001", &rec);
	ck_assert_uint_eq(safeid_pkcs11_seed_state("8659612000001", &st),
	                  CKR_OK);
	ck_assert_uint_eq(st, CKS_SAFEID_SEED_ERASED);
	ck_assert_uint_eq(safeid_pkcs11_seed_state("8659612000002", &st),
	                  CKR_DATA_INVALID);
	memset(longer, '8', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	ck_assert_uint_eq(safeid_pkcs11_seed_state(longer, &st),
	                  CKR_DATA_INVALID);
	ck_assert_uint_eq(C_Finalize(NULL), CKR_OK);
	ck_assert_uint_eq(safeid_pkcs11_seed_state("8659612000001", &st),
	                  CKR_CRYPTOKI_NOT_INITIALIZED);
	ck_assert_uint_eq(C_Initialize(NULL), CKR_OK);
	ck_assert_uint_eq(safeid_pkcs11_seed_state("8659612000001", &st),
	                  CKR_DATA_INVALID);
	ck_assert_uint_eq(C_Finalize(NULL), CKR_OK);
}
END_TEST

Suite *suite_api(void)
{
	Suite *s = suite_create("api");
	TCase *t = tcase_create("templates");

	tcase_add_test(t, burn_otp_key_full);
	tcase_add_test(t, burn_pkcs11_tool_secret_key);
	tcase_add_test(t, burn_unhonourable);
	tcase_add_test(t, burn_errors);
	tcase_add_test(t, burn_seed_lengths);
	tcase_add_test(t, clock_templates);
	tcase_add_test(t, clock_text);
	suite_add_tcase(s, t);
	t = tcase_create("objects");
	tcase_add_test(t, attribute_lengths);
	tcase_add_test(t, find_match);
	tcase_add_test(t, seed_slot_as_made);
	tcase_add_test(t, seed_slot_every_attribute);
	suite_add_tcase(s, t);
	t = tcase_create("conformance");
	tcase_add_test(t, initialize_args);
	tcase_add_test(t, initialize_app_mutexes);
	tcase_add_test(t, fork_child_not_initialised);
	tcase_add_test(t, function_list_complete);
	tcase_add_test(t, vendor_seed_state);
	tcase_add_test(t, interfaces);
	suite_add_tcase(s, t);
	return s;
}
