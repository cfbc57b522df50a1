/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_store.c: what the module remembers of tokens, in the process
 * (record.c: thousands of tokens, none forgotten) and across processes
 * (store.c: its own file and safeid-tool's burn record, both distrusted).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sp11.h"
#include "test_state.h"
#include "unit.h"

#define SERIAL "8659612000001"
/* Larger than the module reads (16 KiB). */
#define STORE_TEST_BIG 17000

/* A burn of thousands of tokens in one process forgets none: the first
 * one's state is still known after 5000 others (the table once held 64
 * and then overwrote its first entry, turning "new" into "old"). */
START_TEST(records_thousands)
{
	char serial[32];
	sp11_record rec;
	CK_ULONG st = 99;
	unsigned i;

	ck_assert_uint_eq(C_Initialize(NULL), CKR_OK);
	memset(&rec, 0, sizeof(rec));
	rec.seed_state = CKS_SAFEID_SEED_NEW;
	sp11_record_put("8659612000000", &rec);
	for (i = 1; i <= 5000; i++) {
		snprintf(serial, sizeof(serial), "86596%08u",
		         i * 7919u % 100000000u);
		rec.seed_state = i % 2 ? CKS_SAFEID_SEED_UNKNOWN
		                       : CKS_SAFEID_SEED_ERASED;
		ck_assert_uint_eq(sp11_record_reserve(serial, 0), CKR_OK);
		sp11_record_put(serial, &rec);
	}
	ck_assert_uint_eq(safeid_pkcs11_seed_state("8659612000000", &st),
	                  CKR_OK);
	ck_assert_uint_eq(st, CKS_SAFEID_SEED_NEW);
	for (i = 1; i <= 5000; i++) {
		snprintf(serial, sizeof(serial), "86596%08u",
		         i * 7919u % 100000000u);
		ck_assert_uint_eq(safeid_pkcs11_seed_state(serial, &st),
		                  CKR_OK);
		ck_assert_uint_eq(st, i % 2 ? CKS_SAFEID_SEED_UNKNOWN
		                            : CKS_SAFEID_SEED_ERASED);
	}
	/* A reservation alone is no write: never written still says so. */
	ck_assert_uint_eq(sp11_record_reserve("8659612999999", 100), CKR_OK);
	ck_assert_uint_eq(safeid_pkcs11_seed_state("8659612999999", &st),
	                  CKR_DATA_INVALID);
	ck_assert_uint_eq(C_Finalize(NULL), CKR_OK);
}
END_TEST

/* ---- files ---------------------------------------------------------------- */

char test_state[64];

void test_state_new(void)
{
	snprintf(test_state, sizeof(test_state), "/tmp/sp11-store.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(test_state));
	ck_assert_int_eq(setenv("XDG_STATE_HOME", test_state, 1), 0);
}

void test_state_gone(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", test_state);
	ck_assert_int_eq(system(cmd), 0);
	unsetenv("XDG_STATE_HOME");
}

/* Write text to <state>/<dir>/<name> with mode. */
static void put_file(const char *dir, const char *name, const char *text,
                     mode_t mode)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", test_state, dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/%s/%s", test_state, dir, name);
	unlink(path);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static void made_record(sp11_record *rec)
{
	static CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	static CK_KEY_TYPE kt = CKK_AES;
	static CK_BBOOL yes = CK_TRUE;
	static CK_BYTE seed[20] = "12345678901234567890";
	static char label[] = "totp";
	CK_ATTRIBUTE a[] = {{CKA_CLASS, &cls, sizeof(cls)},
	                    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	                    {CKA_VALUE, seed, sizeof(seed)},
	                    {CKA_SENSITIVE, &yes, sizeof(yes)},
	                    {CKA_LABEL, label, 4}};
	sp11_burn_plan p;

	ck_assert_uint_eq(sp11_burn_template_parse(a, 5, &p), CKR_OK);
	memset(rec, 0, sizeof(*rec));
	rec->cfg_known = true;
	rec->hash = SAFEID_HASH_SHA256;
	rec->step = 60;
	rec->display = SAFEID_DISPLAY_120S;
	rec->made = true;
	rec->kept_len = p.kept_len;
	memcpy(rec->kept, p.kept, p.kept_len);
	rec->time = 1767225600;
}

/* Saved by one process, read by the next, as it was; private files. */
START_TEST(store_roundtrip)
{
	sp11_record rec, back;
	const unsigned char *v;
	CK_ULONG vl;
	struct stat st;
	char path[256];

	test_state_new();
	made_record(&rec);
	sp11_store_save(SERIAL, &rec);
	snprintf(path, sizeof(path), "%s/safeid-pkcs11/" SERIAL ".seedslot",
	         test_state);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	snprintf(path, sizeof(path), "%s/safeid-pkcs11", test_state);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0700);
	ck_assert(sp11_store_load(SERIAL, &back));
	ck_assert(back.cfg_known && back.made);
	ck_assert_int_eq(back.hash, SAFEID_HASH_SHA256);
	ck_assert_uint_eq(back.step, 60);
	ck_assert_int_eq(back.display, SAFEID_DISPLAY_120S);
	ck_assert_int_eq(back.time, 1767225600);
	ck_assert_uint_eq(back.kept_len, rec.kept_len);
	ck_assert_int_eq(memcmp(back.kept, rec.kept, rec.kept_len), 0);
	ck_assert(sp11_kept_find(back.kept, back.kept_len, CKA_LABEL, &v, &vl));
	ck_assert_uint_eq(vl, 4);
	/* Another token's file says nothing of this one. */
	ck_assert(!sp11_store_load("8659612000002", &back));
	/* Never the seed. */
	ck_assert(
		!sp11_kept_find(back.kept, back.kept_len, CKA_VALUE, &v, &vl));
	test_state_gone();
}
END_TEST

static bool loads(const char *text, mode_t mode)
{
	sp11_record r;

	put_file("safeid-pkcs11", SERIAL ".seedslot", text, mode);
	return sp11_store_load(SERIAL, &r);
}

/* Files read back are distrusted: any doubt and they are ignored. */
START_TEST(store_distrust)
{
	static const char good[] = "serial=" SERIAL "\ntime=5\n"
				   "config=SHA1/30/30\nmade=yes\n"
				   "attr=3:746f7470\n";
	char path[256], big[STORE_TEST_BIG];
	sp11_record r;

	test_state_new();
	ck_assert(loads(good, 0600));
	ck_assert(!loads(good, 0666)); /* others may write it */
	ck_assert(!loads(good, 0620));
	ck_assert(!loads("serial=8659612000002\ntime=5\nconfig=SHA1/30/30\n"
	                 "made=no\n",
	                 0600)); /* another token's */
	ck_assert(!loads("serial=" SERIAL "\ntime=5\nconfig=SHA1/45/30\n"
	                 "made=no\n",
	                 0600)); /* no such step */
	ck_assert(!loads("serial=" SERIAL "\ntime=5\ntime=6\n"
	                 "config=SHA1/30/30\nmade=no\n",
	                 0600));
	ck_assert(!loads("serial=" SERIAL "\ntime=05\nconfig=SHA1/30/30\n"
	                 "made=no\n",
	                 0600));
	ck_assert(!loads("serial=" SERIAL "\ntime=5\nconfig=SHA1/30/30\n"
	                 "made=yes\nattr=11:3132\n",
	                 0600)); /* a CKA_VALUE */
	ck_assert(!loads("serial=" SERIAL "\ntime=5\nconfig=SHA1/30/30\n"
	                 "made=yes\nattr=3:746f7470\nattr=3:78\n",
	                 0600));
	ck_assert(!loads("serial=" SERIAL "\ntime=5\nconfig=SHA1/30/30\n"
	                 "made=yes\nattr=0:01\n",
	                 0600)); /* not a CK_ULONG */
	ck_assert(!loads("serial=" SERIAL "\ntime=5\nconfig=SHA1/30/30\n"
	                 "made=no",
	                 0600)); /* cut short */
	ck_assert(!loads("serial=" SERIAL "\ntime=5\nconfig=SHA1/30/30\n"
	                 "made=no\nstep=60\n",
	                 0600)); /* unknown field */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, good, strlen(good));
	big[sizeof(big) - 2] = '\n';
	ck_assert(!loads(big, 0600)); /* too large */
	/* A link, even to a good file, and a FIFO (which must not block). */
	put_file("safeid-pkcs11", "elsewhere", good, 0600);
	snprintf(path, sizeof(path), "%s/safeid-pkcs11/" SERIAL ".seedslot",
	         test_state);
	unlink(path);
	ck_assert_int_eq(symlink("elsewhere", path), 0);
	ck_assert(!sp11_store_load(SERIAL, &r));
	unlink(path);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert(!sp11_store_load(SERIAL, &r));
	test_state_gone();
}
END_TEST

/* safeid-tool's burn record gives the configuration when it is the newer
 * knowledge; the module's own file wins when it is newer. */
START_TEST(store_tool_record)
{
	sp11_record rec, back;
	char path[256];

	test_state_new();
	put_file("safeid", SERIAL ".burn",
	         "# safeid burn record\nserial=" SERIAL "\nmodel=OTPC-P1-i\n"
	         "account=alice\nissuer=Example\nhash=SHA256\nstep=60\n"
	         "display=15\ntime=2000\n",
	         0600);
	ck_assert(sp11_store_load(SERIAL, &back));
	ck_assert(back.cfg_known && !back.made);
	ck_assert_int_eq(back.hash, SAFEID_HASH_SHA256);
	ck_assert_uint_eq(back.step, 60);
	ck_assert_int_eq(back.display, SAFEID_DISPLAY_15S);

	made_record(&rec);
	rec.hash = SAFEID_HASH_SHA1;
	rec.step = 30;
	rec.time = 1000; /* older than the tool's */
	sp11_store_save(SERIAL, &rec);
	ck_assert(sp11_store_load(SERIAL, &back));
	ck_assert_uint_eq(back.step, 60);
	ck_assert(!back.made);
	rec.time = 3000; /* newer */
	sp11_store_save(SERIAL, &rec);
	ck_assert(sp11_store_load(SERIAL, &back));
	ck_assert_uint_eq(back.step, 30);
	ck_assert(back.made);

	/* A damaged burn record is no knowledge. */
	snprintf(path, sizeof(path), "%s/safeid-pkcs11/" SERIAL ".seedslot",
	         test_state);
	ck_assert_int_eq(unlink(path), 0);
	put_file("safeid", SERIAL ".burn",
	         "serial=" SERIAL "\nhash=SHA256\n"
	         "step=60abc\ndisplay=15\ntime=2000\n",
	         0600);
	ck_assert(!sp11_store_load(SERIAL, &back));
	test_state_gone();
}
END_TEST

/* What an earlier process left is what the seed slot reads. */
START_TEST(record_from_store)
{
	sp11_record rec, got;

	test_state_new();
	ck_assert_uint_eq(C_Initialize(NULL), CKR_OK);
	sp11_record_get(SERIAL, &got);
	ck_assert(!got.cfg_known && !got.made);
	ck_assert_uint_eq(got.seed_state, CKS_SAFEID_SEED_OLD);
	made_record(&rec);
	sp11_store_save(SERIAL, &rec);
	sp11_record_get(SERIAL, &got);
	ck_assert(got.cfg_known && got.made);
	ck_assert_uint_eq(got.step, 60);
	ck_assert_uint_eq(got.seed_state, CKS_SAFEID_SEED_OLD);
	ck_assert_uint_eq(C_Finalize(NULL), CKR_OK);
	test_state_gone();
}
END_TEST

Suite *suite_store(void)
{
	Suite *s = suite_create("store");
	TCase *t = tcase_create("records");

	tcase_add_test(t, records_thousands);
	suite_add_tcase(s, t);
	t = tcase_create("files");
	tcase_add_test(t, store_roundtrip);
	tcase_add_test(t, store_distrust);
	tcase_add_test(t, store_tool_record);
	tcase_add_test(t, record_from_store);
	suite_add_tcase(s, t);
	return s;
}
