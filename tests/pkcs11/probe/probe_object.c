/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * probe_object.c: creating a secret key from a template, reading it back
 * as it was made (also from another session), the rules of
 * C_GetAttributeValue, every attribute of the class answered, templates
 * the token cannot honour, and what read-only sessions may not do.
 */
#include <string.h>

#include "probe.h"
#include "../secret_key_attrs.h"

static CK_OBJECT_CLASS cls_secret = CKO_SECRET_KEY;
static CK_KEY_TYPE kt_generic = CKK_GENERIC_SECRET;
static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
static CK_BYTE value[20] = "12345678901234567890";
static char label[] = "p11probe";
static CK_BYTE id[1] = {0x42};

#define KEY_ATTRS 9

/* The key's template; extra (or NULL) is put in the last place. */
static CK_ULONG key_template(CK_ATTRIBUTE t[KEY_ATTRS + 1],
                             const CK_ATTRIBUTE *extra)
{
	CK_ATTRIBUTE base[KEY_ATTRS] = {
		{CKA_CLASS, &cls_secret, sizeof(cls_secret)},
		{CKA_KEY_TYPE, &kt_generic, sizeof(kt_generic)},
		{CKA_TOKEN, &yes, sizeof(yes)},
		{CKA_PRIVATE, &no, sizeof(no)},
		{CKA_SENSITIVE, &yes, sizeof(yes)},
		{CKA_EXTRACTABLE, &no, sizeof(no)},
		{CKA_LABEL, label, sizeof(label) - 1},
		{CKA_ID, id, sizeof(id)},
		{CKA_VALUE, value, sizeof(value)},
	};
	CK_ULONG n = KEY_ATTRS, i;

	memcpy(t, base, sizeof(base));
	if (extra != NULL) {
		/* Replace the same attribute, else add it. */
		for (i = 0; i < KEY_ATTRS && t[i].type != extra->type; i++)
			;
		t[i] = *extra;
		if (i == KEY_ATTRS)
			n++;
	}
	return n;
}

/* Create with one attribute changed; want is safeid's answer. */
static void refused(probe *p, CK_SESSION_HANDLE s, const char *id_, char kind,
                    CK_ATTRIBUTE extra, CK_RV want, const char *what)
{
	CK_ATTRIBUTE t[KEY_ATTRS + 1];
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_ULONG n = key_template(t, &extra);
	CK_RV rv = p->f->C_CreateObject(s, t, n, &h);

	probe_check(p, kind, id_, rv == want, "%s: %s (want %s)", what,
	            probe_rv(rv), probe_rv(want));
	if (rv == CKR_OK)
		(void)p->f->C_DestroyObject(s, h);
}

/* attr's value as a CK_ULONG / CK_BBOOL; false when not answered. */
static bool get_ulong(probe *p, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                      CK_ATTRIBUTE_TYPE t, CK_ULONG *v)
{
	CK_ATTRIBUTE a = {t, v, sizeof(*v)};

	return p->f->C_GetAttributeValue(s, h, &a, 1) == CKR_OK &&
	       a.ulValueLen == sizeof(*v);
}

static bool get_bool(probe *p, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
                     CK_ATTRIBUTE_TYPE t, CK_BBOOL *v)
{
	CK_ATTRIBUTE a = {t, v, sizeof(*v)};

	return p->f->C_GetAttributeValue(s, h, &a, 1) == CKR_OK &&
	       a.ulValueLen == sizeof(*v);
}

/* The key reads back as the template made it. */
static bool as_made(probe *p, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h)
{
	CK_BYTE lab[32], idv[8];
	CK_ATTRIBUTE a[2] = {{CKA_LABEL, lab, sizeof(lab)},
	                     {CKA_ID, idv, sizeof(idv)}};
	CK_ULONG cls = 0, kt = 0, len = 0;
	CK_BBOOL sens = 0;

	return get_ulong(p, s, h, CKA_CLASS, &cls) && cls == CKO_SECRET_KEY &&
	       get_ulong(p, s, h, CKA_KEY_TYPE, &kt) &&
	       kt == CKK_GENERIC_SECRET &&
	       get_ulong(p, s, h, CKA_VALUE_LEN, &len) &&
	       len == sizeof(value) &&
	       get_bool(p, s, h, CKA_SENSITIVE, &sens) && sens == CK_TRUE &&
	       p->f->C_GetAttributeValue(s, h, a, 2) == CKR_OK &&
	       a[0].ulValueLen == sizeof(label) - 1 &&
	       memcmp(lab, label, sizeof(label) - 1) == 0 &&
	       a[1].ulValueLen == sizeof(id) && idv[0] == id[0];
}

/* The objects a template finds; the first into *h. */
static CK_ULONG find(probe *p, CK_SESSION_HANDLE s, CK_ATTRIBUTE *t, CK_ULONG n,
                     CK_OBJECT_HANDLE *h)
{
	CK_OBJECT_HANDLE o[8];
	CK_ULONG got = 0;

	if (p->f->C_FindObjectsInit(s, t, n) != CKR_OK)
		return 0;
	if (p->f->C_FindObjects(s, o, 8, &got) != CKR_OK)
		got = 0;
	p->f->C_FindObjectsFinal(s);
	if (got > 0)
		*h = o[0];
	return got;
}

/* C_GetAttributeValue's rules (PKCS#11 5.7). */
static void attr_rules(probe *p, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h)
{
	CK_ULONG cls = 99;
	CK_BYTE small[2];
	CK_ATTRIBUTE mix[2] = {{CKA_CLASS, &cls, sizeof(cls)},
	                       {CKA_MODULUS, NULL, 0}};
	CK_ATTRIBUTE val = {CKA_VALUE, NULL, 0};
	CK_ATTRIBUTE lab = {CKA_LABEL, NULL, 0};
	CK_RV rv;

	rv = p->f->C_GetAttributeValue(s, h, mix, 2);
	probe_check(p, 'M', "attr.type_invalid",
	            rv == CKR_ATTRIBUTE_TYPE_INVALID &&
	                    mix[1].ulValueLen == CK_UNAVAILABLE_INFORMATION &&
	                    cls == CKO_SECRET_KEY,
	            "CKA_CLASS with an attribute a secret key has not: %s, "
	            "the class still read",
	            probe_rv(rv));
	rv = p->f->C_GetAttributeValue(s, h, &val, 1);
	probe_check(p, 'M', "attr.sensitive",
	            rv == CKR_ATTRIBUTE_SENSITIVE &&
	                    val.ulValueLen == CK_UNAVAILABLE_INFORMATION,
	            "CKA_VALUE of a sensitive key: %s", probe_rv(rv));
	rv = p->f->C_GetAttributeValue(s, h, &lab, 1);
	probe_check(p, 'M', "attr.length_query",
	            rv == CKR_OK && lab.ulValueLen == sizeof(label) - 1,
	            "NULL pValue gives the length: %s, %ld", probe_rv(rv),
	            (long)lab.ulValueLen);
	lab.pValue = small;
	lab.ulValueLen = sizeof(small);
	rv = p->f->C_GetAttributeValue(s, h, &lab, 1);
	probe_check(p, 'M', "attr.buffer_small",
	            rv == CKR_BUFFER_TOO_SMALL &&
	                    lab.ulValueLen == CK_UNAVAILABLE_INFORMATION,
	            "a short buffer: %s", probe_rv(rv));
}

/* Every attribute PKCS#11 gives a secret key (common, storage, key,
 * secret key, generic secret). */
static void every_attribute(probe *p, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h)
{
	static const CK_ATTRIBUTE_TYPE all[] = {SECRET_KEY_ATTRIBUTES};
	char missing[256] = "";
	CK_ATTRIBUTE a;
	size_t i, at = 0;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		a.type = all[i];
		a.pValue = NULL;
		a.ulValueLen = 0;
		if (p->f->C_GetAttributeValue(s, h, &a, 1) !=
		    CKR_ATTRIBUTE_TYPE_INVALID)
			continue;
		at += (size_t)snprintf(missing + at, sizeof(missing) - at,
		                       " 0x%lx", (unsigned long)all[i]);
		if (at >= sizeof(missing))
			at = sizeof(missing) - 1;
	}
	probe_check(p, 'P', "attr.every_secret_key", missing[0] == '\0',
	            "every secret-key attribute answered (not answered:%s)",
	            missing[0] ? missing : " none");
}

/* What the flags say is what the calls do. */
static void flags_mean(probe *p, CK_SESSION_HANDLE rw, CK_SESSION_HANDLE ro,
                       CK_OBJECT_HANDLE h)
{
	CK_BBOOL modifiable = 1, copyable = 1, destroyable = 1;
	char newlabel[] = "changed";
	CK_ATTRIBUTE lab = {CKA_LABEL, newlabel, sizeof(newlabel) - 1};
	CK_OBJECT_HANDLE copy;
	CK_RV rv;

	rv = p->f->C_DestroyObject(ro, h);
	probe_ref(p, "obj.destroy_read_only", probe_rv(rv),
	          rv == CKR_SESSION_READ_ONLY,
	          "C_DestroyObject of a token object in a read-only session");
	if (get_bool(p, rw, h, CKA_MODIFIABLE, &modifiable) && !modifiable) {
		rv = p->f->C_SetAttributeValue(rw, h, &lab, 1);
		probe_check(p, 'M', "obj.not_modifiable",
		            rv == CKR_ACTION_PROHIBITED,
		            "CKA_MODIFIABLE false: C_SetAttributeValue %s",
		            probe_rv(rv));
	}
	if (get_bool(p, rw, h, CKA_COPYABLE, &copyable) && !copyable) {
		rv = p->f->C_CopyObject(rw, h, NULL, 0, &copy);
		probe_check(
			p, 'M', "obj.not_copyable", rv == CKR_ACTION_PROHIBITED,
			"CKA_COPYABLE false: C_CopyObject %s", probe_rv(rv));
	}
	if (get_bool(p, rw, h, CKA_DESTROYABLE, &destroyable) && !destroyable) {
		rv = p->f->C_DestroyObject(rw, h);
		probe_check(p, 'M', "obj.not_destroyable",
		            rv == CKR_ACTION_PROHIBITED,
		            "CKA_DESTROYABLE false: C_DestroyObject %s",
		            probe_rv(rv));
	}
}

static bool logged_in(probe *p, CK_SESSION_HANDLE s)
{
	CK_RV rv;

	if (!p->has_pin || p->pin == NULL)
		return true;
	rv = p->f->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)p->pin,
	                   (CK_ULONG)strlen(p->pin));
	return rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN;
}

void probe_objects(probe *p)
{
	CK_ATTRIBUTE t[KEY_ATTRS + 1];
	CK_ATTRIBUTE by_label[2] = {
		{CKA_CLASS, &cls_secret, sizeof(cls_secret)},
		{CKA_LABEL, label, sizeof(label) - 1}};
	CK_ATTRIBUTE by_id[2] = {{CKA_CLASS, &cls_secret, sizeof(cls_secret)},
	                         {CKA_ID, id, sizeof(id)}};
	CK_BYTE uid[4] = "abcd";
	CK_SESSION_HANDLE rw, ro, other;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE, found = CK_INVALID_HANDLE;
	CK_ULONG n;
	CK_RV rv;

	rw = probe_session(p, true);
	ro = probe_session(p, false);
	if (rw == CK_INVALID_HANDLE || ro == CK_INVALID_HANDLE ||
	    !logged_in(p, rw)) {
		probe_check(p, 'M', "obj.session", false,
		            "no logged-in read-write session for the object "
		            "checks");
		return;
	}
	n = key_template(t, NULL);
	rv = p->f->C_CreateObject(ro, t, n, &h);
	probe_check(p, 'M', "obj.create_read_only", rv == CKR_SESSION_READ_ONLY,
	            "C_CreateObject of a token object in a read-only session: "
	            "%s",
	            probe_rv(rv));
	if (rv == CKR_OK)
		p->f->C_DestroyObject(rw, h);
	refused(p, rw, "obj.private_refused", 'P',
	        (CK_ATTRIBUTE){CKA_PRIVATE, &yes, sizeof(yes)},
	        CKR_TEMPLATE_INCONSISTENT,
	        "CKA_PRIVATE true, the token has none");
	refused(p, rw, "obj.modifiable_refused", 'P',
	        (CK_ATTRIBUTE){CKA_MODIFIABLE, &yes, sizeof(yes)},
	        CKR_TEMPLATE_INCONSISTENT,
	        "CKA_MODIFIABLE true, the token cannot modify");
	if (p->v3)
		refused(p, rw, "obj.unique_id_read_only", 'M',
		        (CK_ATTRIBUTE){CKA_UNIQUE_ID, uid, sizeof(uid)},
		        CKR_ATTRIBUTE_READ_ONLY, "CKA_UNIQUE_ID in a template");
	rv = p->f->C_CreateObject(rw, t, n, &h);
	probe_check(p, 'M', "obj.create",
	            rv == CKR_OK && h != CK_INVALID_HANDLE,
	            "C_CreateObject(generic secret, label, ID, sensitive): %s",
	            probe_rv(rv));
	if (rv != CKR_OK)
		return;
	probe_check(p, 'M', "obj.as_made", as_made(p, rw, h),
	            "reads back with the template's class, key type, label, "
	            "ID, CKA_VALUE_LEN");
	other = probe_session(p, false);
	probe_check(p, 'M', "obj.found",
	            find(p, other, by_label, 2, &found) == 1 &&
	                    as_made(p, other, found) &&
	                    find(p, other, by_id, 2, &found) == 1,
	            "another session finds it by class and label, by class "
	            "and ID, as made");
	attr_rules(p, other, found);
	every_attribute(p, other, found);
	flags_mean(p, rw, ro, h);
	/* Leave a reference token as it was. */
	(void)p->f->C_DestroyObject(rw, h);
	p->f->C_CloseAllSessions(p->slot);
}
