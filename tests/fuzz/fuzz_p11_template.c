/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The PKCS#11 module's template handling, with no token: the burn template
 * of C_CreateObject (sp11_burn_template_parse), the clock write template of
 * C_SetAttributeValue (sp11_clock_template_parse) and C_GetAttributeValue over
 * both objects (sp11_object_get), also on a seed slot made by the burn
 * template just parsed; a Molto2 burn's template (sp11_m2_template_parse);
 * and the module's files read back (sp11_store_parse, sp11_m2_store_parse).  Every attribute value is a heap block of exactly
 * ulValueLen bytes, so reading past it is caught.
 *
 * Input: byte 0 selects the function; then per attribute: a type byte (an
 * index into the attributes the module knows, or a raw 32-bit type when
 * 0xFF), a length byte, the value bytes.  For the files: the rest of the
 * input is the file's text.
 */
#include <string.h>

#include "fuzz_common.h"
#include "sp11.h"

#define MAX_ATTRS 12

static const CK_ATTRIBUTE_TYPE known[] = {
	CKA_CLASS,
	CKA_KEY_TYPE,
	CKA_VALUE,
	CKA_VALUE_LEN,
	CKA_TOKEN,
	CKA_PRIVATE,
	CKA_SENSITIVE,
	CKA_EXTRACTABLE,
	CKA_LABEL,
	CKA_ID,
	CKA_OTP_TIME_INTERVAL,
	CKA_OTP_LENGTH,
	CKA_OTP_FORMAT,
	CKA_OTP_USER_FRIENDLY_MODE,
	CKA_SAFEID_HASH,
	CKA_SAFEID_DISPLAY_TIMEOUT,
	CKA_SAFEID_BURN_CLOCK,
	CKA_SAFEID_ERASE_SEED,
	CKA_SAFEID_MODEL,
	CKA_SAFEID_RESTRICTED_SYNC,
	CKA_SAFEID_SEED_STATE,
	CKA_HW_FEATURE_TYPE,
	CKA_ALWAYS_SENSITIVE,
	CKA_NEVER_EXTRACTABLE,
	CKA_LOCAL,
	CKA_MODIFIABLE,
	CKA_ENCRYPT,
	CKA_SIGN,
	CKA_START_DATE,
	CKA_ALLOWED_MECHANISMS,
	CKA_OTP_USER_IDENTIFIER,
	CKA_KEY_GEN_MECHANISM,
	CKA_UNIQUE_ID,
	CKA_COPYABLE,
	CKA_DESTROYABLE,
	CKA_TRUSTED,
	CKA_CHECK_VALUE,
	CKA_OTP_TIME_REQUIREMENT,
	CKA_OTP_SERVICE_LOGO,
	CKA_OTP_TIME,
	CKA_WRAP_TEMPLATE,
	CKA_DERIVE,
};

typedef struct cursor {
	const uint8_t *d;
	size_t n, pos;
} cursor;

static int take(cursor *c)
{
	return c->pos < c->n ? c->d[c->pos++] : -1;
}

static CK_ULONG build(cursor *cur, CK_ATTRIBUTE *tmpl)
{
	CK_ULONG n = 0;
	int t, len;

	while (n < MAX_ATTRS && (t = take(cur)) >= 0 &&
	       (len = take(cur)) >= 0) {
		CK_ATTRIBUTE *a = &tmpl[n];
		size_t k;

		if (t == 0xFF) {
			a->type = 0;
			for (int i = 0; i < 4; i++)
				a->type = (a->type << 8) |
				          (CK_ULONG)(take(cur) & 0xFF);
		} else {
			a->type = known[(size_t)t %
			                (sizeof(known) / sizeof(known[0]))];
		}
		k = cur->n - cur->pos < (size_t)len ? cur->n - cur->pos
		                                    : (size_t)len;
		/* a length byte of 0xFE: a length query (no buffer) */
		if (len == 0xFE) {
			a->pValue = NULL;
			a->ulValueLen = 0;
			n++;
			continue;
		}
		a->pValue = malloc(k ? k : 1);
		if (a->pValue == NULL)
			break;
		memcpy(a->pValue, cur->d + cur->pos, k);
		cur->pos += k;
		a->ulValueLen = k;
		n++;
	}
	return n;
}

/* C_GetAttributeValue over both objects; kept: a burn plan's kept
 * attributes (the seed slot as made), or NULL. */
static void check_get(const CK_ATTRIBUTE *tmpl, CK_ULONG n,
                      const sp11_burn_plan *made)
{
	static const safeid_info info = {"8659622000042", 1767225600u, NULL};
	static sp11_record rec;
	sp11_view v = {&info, &rec};
	CK_ATTRIBUTE copy[MAX_ATTRS];
	CK_ULONG orig[MAX_ATTRS];
	CK_RV rv;

	memset(&rec, 0, sizeof(rec));
	rec.cfg_known = true;
	rec.hash = SAFEID_HASH_SHA256;
	rec.step = 60;
	rec.display = SAFEID_DISPLAY_60S;
	rec.seed_state = CKS_SAFEID_SEED_NEW;
	if (made != NULL) {
		rec.made = true;
		rec.kept_len = made->kept_len;
		memcpy(rec.kept, made->kept, made->kept_len);
	}
	for (CK_OBJECT_HANDLE h = SP11_OBJ_CLOCK; h <= SP11_OBJ_SEED; h++) {
		memcpy(copy, tmpl, n * sizeof(*tmpl));
		for (CK_ULONG i = 0; i < n; i++)
			orig[i] = copy[i].ulValueLen;
		rv = sp11_object_get(h, &v, copy, n);
		for (CK_ULONG i = 0; i < n; i++) {
			/* the seed is never readable */
			if (h == SP11_OBJ_SEED && copy[i].type == CKA_VALUE)
				FUZZ_CHECK(copy[i].ulValueLen ==
				           CK_UNAVAILABLE_INFORMATION);
			/* a written value fits the buffer it was given */
			if (copy[i].pValue != NULL &&
			    copy[i].ulValueLen != CK_UNAVAILABLE_INFORMATION)
				FUZZ_CHECK(copy[i].ulValueLen <= orig[i]);
		}
		FUZZ_CHECK(rv == CKR_OK || rv == CKR_BUFFER_TOO_SMALL ||
		           rv == CKR_ATTRIBUTE_SENSITIVE ||
		           rv == CKR_ATTRIBUTE_TYPE_INVALID);
		(void)sp11_object_match(h, &v, tmpl, n);
	}
}

/* A Molto2's file read back: what is accepted is well formed. */
static void check_m2_store(char *buf)
{
	static sp11_m2_file f;
	const unsigned char *v;
	CK_ATTRIBUTE_TYPE t;
	CK_ULONG vl;
	size_t at;

	if (!sp11_m2_store_parse(buf, "826658719844001", &f))
		return;
	FUZZ_CHECK(f.tries >= -1 && f.tries <= 255);
	for (unsigned p = 0; p < SAFEID_M2_PROFILES; p++) {
		const sp11_m2_prof *r = &f.prof[p];

		if (!f.made[p])
			continue;
		FUZZ_CHECK(r->written.step == 30 || r->written.step == 60);
		FUZZ_CHECK(safeid_family_digits_ok(safeid_family_molto2(),
		                                   r->written.digits));
		FUZZ_CHECK(r->written.titlelen <= SAFEID_M2_TITLE_FIELD);
		FUZZ_CHECK(r->kept_len <= SP11_M2_KEPT_MAX);
		at = 0;
		while (sp11_kept_next(r->kept, r->kept_len, &at, &t, &v, &vl))
			FUZZ_CHECK(sp11_kept_type(t) && t != CKA_VALUE &&
			           t != CKA_LABEL && t != CKA_ID);
	}
}

/* A file read back: both formats; what is accepted is well formed. */
static int check_store(const uint8_t *d, size_t n)
{
	static sp11_record rec;
	const unsigned char *v;
	CK_ATTRIBUTE_TYPE t;
	CK_ULONG vl;
	size_t at = 0;
	char *buf = malloc(n + 1);

	if (buf == NULL)
		return 0;
	for (int tool = 0; tool < 2; tool++) {
		memcpy(buf, d, n);
		buf[n] = '\0';
		if (!sp11_store_parse(buf, "8659622000042", tool, &rec))
			continue;
		FUZZ_CHECK(!rec.cfg_known || rec.step == 30 || rec.step == 60);
		FUZZ_CHECK(rec.kept_len <= SP11_KEPT_MAX);
		while (sp11_kept_next(rec.kept, rec.kept_len, &at, &t, &v, &vl))
			FUZZ_CHECK(sp11_kept_type(t) && t != CKA_VALUE);
		at = 0;
	}
	memcpy(buf, d, n);
	buf[n] = '\0';
	check_m2_store(buf);
	free(buf);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	CK_ATTRIBUTE tmpl[MAX_ATTRS];
	cursor cur = {data, size, 0};
	sp11_burn_plan bp;
	sp11_clock_plan cp;
	static sp11_m2_plan mp;
	CK_ULONG n;
	CK_RV rv;
	int mode = take(&cur);

	if (mode < 0)
		return 0;
	if (mode % 4 == 3)
		return check_store(data + 1, size - 1);
	memset(tmpl, 0, sizeof(tmpl));
	n = build(&cur, tmpl);
	switch (mode % 4) {
	case 0:
		rv = sp11_burn_template_parse(tmpl, n, &bp);
		if (rv == CKR_OK) {
			FUZZ_CHECK(bp.seed != NULL);
			FUZZ_CHECK(bp.seedlen >= 1 &&
			           bp.seedlen <= SAFEID_SEED_MAX);
			FUZZ_CHECK(bp.step == 30 || bp.step == 60);
			FUZZ_CHECK(bp.hash == SAFEID_HASH_SHA1 ||
			           bp.hash == SAFEID_HASH_SHA256);
			FUZZ_CHECK(bp.display <= SAFEID_DISPLAY_120S);
			FUZZ_CHECK(bp.kept_len <= SP11_KEPT_MAX);
			/* The seed slot as this template made it. */
			check_get(tmpl, n, &bp);
		} else {
			FUZZ_CHECK(bp.seed == NULL);
		}
		break;
	case 1:
		rv = sp11_clock_template_parse(tmpl, n, &cp);
		if (rv == CKR_OK && cp.has_step)
			FUZZ_CHECK(cp.step == 30 || cp.step == 60);
		rv = sp11_m2_template_parse(tmpl, n, SAFEID_M2_PROFILES, &mp);
		if (rv == CKR_OK) {
			FUZZ_CHECK(mp.seed != NULL);
			FUZZ_CHECK(mp.seedlen >= 1 &&
			           mp.seedlen <= SAFEID_SEED_MAX);
			FUZZ_CHECK(!mp.has_profile ||
			           mp.profile < SAFEID_M2_PROFILES);
			FUZZ_CHECK(mp.titlelen <= SAFEID_M2_TITLE_MAX);
			FUZZ_CHECK(mp.kept_len <= SP11_M2_KEPT_MAX);
		} else {
			FUZZ_CHECK(mp.seed == NULL);
		}
		break;
	default:
		check_get(tmpl, n, NULL);
		break;
	}
	for (CK_ULONG i = 0; i < n; i++)
		free(tmpl[i].pValue);
	return 0;
}
