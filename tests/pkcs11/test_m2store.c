/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_m2store.c: what the module remembers of a Molto2 across processes
 * (m2store.c: the tries the token told, the profiles it made and how):
 * written privately, read back as it was, and distrusted when read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sp11.h"
#include "test_state.h"
#include "unit.h"

#define SERIAL "826658719844001"

static sp11_m2_file *file_new(void)
{
	sp11_m2_file *f = calloc(1, sizeof(*f));

	ck_assert_ptr_nonnull(f);
	return f;
}

/* Profile 57 made as SHA-256, 60 s, 8 digits, "GitHub", kept as a
 * CKO_SECRET_KEY of 20 bytes. */
static void made_57(sp11_m2_file *f)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_ULONG len = 20;
	sp11_m2_prof *r = &f->prof[57];

	f->made[57] = true;
	r->made = true;
	r->written.number = 57;
	r->written.seed = true;
	r->written.hash = SAFEID_HASH_SHA256;
	r->written.step = 60;
	r->written.digits = 8;
	strcpy(r->written.title, "GitHub");
	r->written.titlelen = 6;
	r->display = SAFEID_DISPLAY_60S;
	ck_assert(sp11_kept_add_in(r->kept, sizeof(r->kept), &r->kept_len,
	                           CKA_CLASS, &cls, sizeof(cls)));
	ck_assert(sp11_kept_add_in(r->kept, sizeof(r->kept), &r->kept_len,
	                           CKA_VALUE_LEN, &len, sizeof(len)));
}

/* Saved by one process, read by the next as it was; a private file. */
START_TEST(m2store_roundtrip)
{
	sp11_m2_file *f = file_new(), *back = file_new();
	const unsigned char *v;
	CK_ULONG vl;
	struct stat st;
	char path[256];
	unsigned p;

	test_state_new();
	f->time = 1767225600;
	f->tries = 1;
	made_57(f);
	sp11_m2_store_save(SERIAL, f);
	snprintf(path, sizeof(path), "%s/safeid-pkcs11/" SERIAL ".molto2",
	         test_state);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ck_assert(sp11_m2_store_load(SERIAL, back));
	ck_assert_int_eq(back->time, 1767225600);
	ck_assert_int_eq(back->tries, 1);
	for (p = 0; p < SAFEID_M2_PROFILES; p++)
		ck_assert(back->made[p] == (p == 57));
	ck_assert_int_eq(back->prof[57].written.hash, SAFEID_HASH_SHA256);
	ck_assert_uint_eq(back->prof[57].written.step, 60);
	ck_assert_uint_eq(back->prof[57].written.digits, 8);
	ck_assert_str_eq(back->prof[57].written.title, "GitHub");
	ck_assert_int_eq(back->prof[57].display, SAFEID_DISPLAY_60S);
	ck_assert_uint_eq(back->prof[57].kept_len, f->prof[57].kept_len);
	ck_assert(sp11_kept_find(back->prof[57].kept, back->prof[57].kept_len,
	                         CKA_VALUE_LEN, &v, &vl));
	/* Unknown tries are kept as unknown. */
	f->tries = -1;
	sp11_m2_store_save(SERIAL, f);
	ck_assert(sp11_m2_store_load(SERIAL, back));
	ck_assert_int_eq(back->tries, -1);
	/* Another token's file says nothing of this one. */
	ck_assert(!sp11_m2_store_load("826658719844002", back));
	test_state_gone();
	free(f);
	free(back);
}
END_TEST

static bool parses(const char *text)
{
	sp11_m2_file *f = file_new();
	char *buf = strdup(text);
	bool ok;

	ck_assert_ptr_nonnull(buf);
	ok = sp11_m2_store_parse(buf, SERIAL, f);
	/* A refused file leaves nothing behind. */
	if (!ok)
		ck_assert(f->tries == -1 && !f->made[57] && f->time == 0);
	free(buf);
	free(f);
	return ok;
}

#define HEAD "serial=" SERIAL "\ntime=5\n"

/* Any doubt about a field and the whole file is ignored. */
START_TEST(m2store_distrust)
{
	ck_assert(parses(HEAD "tries=3\n"));
	CK_ULONG cls = CKO_SECRET_KEY;
	char good[256], hex[2 * sizeof(cls) + 1];
	size_t i;

	for (i = 0; i < sizeof(cls); i++)
		snprintf(hex + 2 * i, 3, "%02x", ((unsigned char *)&cls)[i]);
	snprintf(good, sizeof(good),
	         HEAD "tries=unknown\nmade=57:SHA256:60:8:60:476974487562\n"
	              "attr=57:0:%s\n",
	         hex);
	ck_assert(parses(good));
	/* A CK_ULONG of the wrong size. */
	ck_assert(!parses(HEAD "tries=3\nmade=1:SHA1:30:6:30:\n"
	                       "attr=1:0:04\n"));
	ck_assert(parses(HEAD "tries=0\nmade=0:SHA1:30:6:30:\n"));
	ck_assert(!parses(HEAD "\n")); /* no tries */
	ck_assert(!parses("serial=826658719844002\ntime=5\ntries=3\n"));
	ck_assert(!parses(HEAD "tries=3\ntries=2\n")); /* twice */
	ck_assert(!parses(HEAD "tries=256\n"));        /* SW2 is a byte */
	ck_assert(!parses(HEAD "tries=-1\n"));
	ck_assert(!parses(HEAD "tries=03\n"));
	ck_assert(!parses(HEAD "tries=3"));           /* cut short */
	ck_assert(!parses(HEAD "tries=3\nkey=00\n")); /* unknown field */
	ck_assert(!parses(HEAD "tries=3\nmade=100:SHA1:30:6:30:\n"));
	ck_assert(!parses(HEAD "tries=3\nmade=1:SHA512:30:6:30:\n"));
	ck_assert(!parses(HEAD "tries=3\nmade=1:SHA1:45:6:30:\n"));
	ck_assert(!parses(HEAD "tries=3\nmade=1:SHA1:30:7:30:\n"));
	ck_assert(!parses(HEAD "tries=3\nmade=1:SHA1:30:6:31:\n"));
	ck_assert(!parses(HEAD "tries=3\nmade=1:SHA1:30:6:30:4100\n"));
	ck_assert(!parses(HEAD "tries=3\nmade=1:SHA1:30:6:30:4\n"));
	ck_assert(!parses(HEAD "tries=3\nmade=1:SHA1:30:6:30:"
	                       "41414141414141414141414141414141414141\n"));
	ck_assert(!parses(HEAD "tries=3\nmade=1:SHA1:30:6:30:41:42\n"));
	ck_assert(!parses(HEAD "tries=3\nmade=1:SHA1:30:6:30:\n"
	                       "made=1:SHA1:30:6:30:\n"));       /* twice */
	ck_assert(!parses(HEAD "tries=3\nattr=1:0:04000000\n")); /* not made */
	/* Never a seed, and never the token's own label or ID. */
	ck_assert(!parses(HEAD "tries=3\nmade=1:SHA1:30:6:30:\n"
	                       "attr=1:11:3132\n"));
	ck_assert(!parses(HEAD "tries=3\nmade=1:SHA1:30:6:30:\n"
	                       "attr=1:3:41\n"));
	ck_assert(!parses(HEAD "tries=3\nmade=1:SHA1:30:6:30:\n"
	                       "attr=1:102:01\n"));
}
END_TEST

/* The tries the token told, in one process, reach the next one. */
START_TEST(m2store_tries_across)
{
	test_state_new();
	ck_assert_uint_eq(C_Initialize(NULL), CKR_OK);
	ck_assert_int_eq(sp11_m2_tries(SERIAL), -1);
	ck_assert(!sp11_m2_known(SERIAL));
	sp11_m2_tries_put(SERIAL, 2);
	ck_assert_int_eq(sp11_m2_tries(SERIAL), 2);
	ck_assert_uint_eq(C_Finalize(NULL), CKR_OK);
	/* A new start forgets, then takes the file. */
	ck_assert_uint_eq(C_Initialize(NULL), CKR_OK);
	ck_assert_int_eq(sp11_m2_tries(SERIAL), -1);
	sp11_m2_refresh(SERIAL);
	ck_assert_int_eq(sp11_m2_tries(SERIAL), 2);
	ck_assert(sp11_m2_known(SERIAL));
	/* A good key forgets the count, for later processes too. */
	sp11_m2_tries_put(SERIAL, -1);
	ck_assert_uint_eq(C_Finalize(NULL), CKR_OK);
	ck_assert_uint_eq(C_Initialize(NULL), CKR_OK);
	sp11_m2_refresh(SERIAL);
	ck_assert_int_eq(sp11_m2_tries(SERIAL), -1);
	ck_assert_uint_eq(C_Finalize(NULL), CKR_OK);
	test_state_gone();
}
END_TEST

Suite *suite_m2store(void)
{
	Suite *s = suite_create("m2store");
	TCase *t = tcase_create("files");

	tcase_add_test(t, m2store_roundtrip);
	tcase_add_test(t, m2store_distrust);
	tcase_add_test(t, m2store_tries_across);
	suite_add_tcase(s, t);
	return s;
}
