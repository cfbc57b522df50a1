/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_provision.c: the provisioning parts of the client library that
 * need no token: the journal (round trip, a cut at every byte of the last
 * record, a flipped byte in the middle, a wrong secret, a damaged header,
 * plaintext), the batch secret files, the users file, the rules that
 * refuse what a server's importer would misread, and PSKC text checks.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "provision_int.h"
#include "unit.h"

static char dir[256];

static void dir_make(void)
{
	snprintf(dir, sizeof(dir), "/tmp/safeid-prov-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void dir_drop(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void file_put(const char *name, const char *text, char *path, size_t cap)
{
	FILE *f;

	snprintf(path, cap, "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	chmod(path, 0600);
}

static void psk_make(client_batch_secret *s, const char *hex)
{
	char path[300];
	client_error err;

	file_put("psk", hex, path, sizeof(path));
	ck_assert_int_eq(
		client_batch_secret_load(s, CLIENT_SECRET_PSK, path, &err), 0);
}

/* A journal with n tokens burned (intent and outcome each). */
static void journal_make(const char *path, const client_batch_secret *s, int n,
                         off_t *ends)
{
	client_journal *j = NULL;
	client_error err;
	client_jrec r;
	struct stat st;

	ck_assert_int_eq(client_journal_create(path, s, &j, &err), 0);
	for (int i = 1; i <= n; i++) {
		memset(&r, 0, sizeof(r));
		r.type = CLIENT_JREC_INTENT;
		r.index = (unsigned long)i;
		snprintf(r.serial, sizeof(r.serial), "86596320000%02d", i);
		snprintf(r.model, sizeof(r.model), "C302-i");
		r.hash = SAFEID_HASH_SHA1;
		r.digits = 6;
		r.step = 30;
		r.display = 30;
		r.seedlen = 20;
		memset(r.seed, i, 20);
		ck_assert_int_eq(client_journal_append(j, &r, &err), 0);
		r.type = CLIENT_JREC_OUTCOME;
		r.state = SAFEID_SEED_NEW;
		r.clock_known = true;
		r.clock = 1767225600;
		ck_assert_int_eq(client_journal_append(j, &r, &err), 0);
		if (ends != NULL) {
			ck_assert_int_eq(stat(path, &st), 0);
			ends[i] = st.st_size;
		}
	}
	client_journal_close(&j);
}

static void table_of(const char *path, const client_batch_secret *s,
                     client_jtable *t, client_journal_damage *d)
{
	client_journal *j = NULL;
	client_error err;

	ck_assert_msg(client_journal_open(path, s, false, &j, &err) == 0, "%s",
	              err.msg);
	ck_assert_int_eq(client_jtable_read(j, t, d, &err), 0);
	client_journal_close(&j);
}

START_TEST(journal_round_trip)
{
	client_batch_secret s;
	client_journal_damage d;
	client_jtable t;
	char path[300];
	struct stat st;

	dir_make();
	psk_make(&s, "00112233445566778899aabbccddeeff\n");
	snprintf(path, sizeof(path), "%s/j/journal", dir);
	journal_make(path, &s, 3, NULL);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	table_of(path, &s, &t, &d);
	ck_assert_uint_eq(t.count, 3);
	ck_assert_uint_eq(d.records, 6);
	ck_assert(!d.torn && !client_journal_damaged(&d));
	for (size_t i = 0; i < 3; i++) {
		ck_assert(client_jtoken_done(&t.t[i]));
		ck_assert(t.t[i].latest);
		ck_assert_uint_eq(t.t[i].clock, 1767225600);
	}
	client_jtable_free(&t);
	client_batch_secret_free(&s);
	dir_drop();
}
END_TEST

/* A cut anywhere in the last record: the records before it are kept, the
 * tail is called torn, never damage in the middle. */
START_TEST(journal_cut_every_byte)
{
	client_batch_secret s;
	client_journal_damage d;
	client_jtable t;
	char path[300], copy[320], cmd[700];
	off_t ends[4];

	dir_make();
	psk_make(&s, "00112233445566778899aabbccddeeff");
	snprintf(path, sizeof(path), "%s/j/journal", dir);
	journal_make(path, &s, 3, ends);
	snprintf(copy, sizeof(copy), "%s/j/cut", dir);
	for (off_t cut = ends[2] + 1; cut < ends[3]; cut++) {
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", path, copy);
		ck_assert_int_eq(system(cmd), 0);
		ck_assert_int_eq(truncate(copy, cut), 0);
		table_of(copy, &s, &t, &d);
		ck_assert(!client_journal_damaged(&d));
		/* Cut in the third intent: two tokens; in its outcome: the
		 * intent stands, the token unknown. */
		/* (a cut between two records leaves no trace to see) */
		ck_assert_msg(d.torn || d.good_end == (uint64_t)cut,
		              "cut at %lld not seen", (long long)cut);
		ck_assert(d.records == 4 || d.records == 5);
		ck_assert_uint_eq(t.count, d.records == 5 ? 3 : 2);
		ck_assert(client_jtoken_done(&t.t[0]) &&
		          client_jtoken_done(&t.t[1]));
		if (t.count == 3)
			ck_assert(!client_jtoken_done(&t.t[2]) &&
			          !t.t[2].has_outcome);
		client_jtable_free(&t);
	}
	client_batch_secret_free(&s);
	dir_drop();
}
END_TEST

START_TEST(journal_flip_middle)
{
	client_batch_secret s;
	client_journal_damage d;
	client_jtable t;
	char path[300];
	off_t ends[6];
	int fd;
	unsigned char b;

	dir_make();
	psk_make(&s, "00112233445566778899aabbccddeeff");
	snprintf(path, sizeof(path), "%s/j/journal", dir);
	journal_make(path, &s, 5, ends);
	/* One byte inside token 3's intent. */
	fd = open(path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, &b, 1, ends[2] + 40), 1);
	b ^= 0x20;
	ck_assert_int_eq(pwrite(fd, &b, 1, ends[2] + 40), 1);
	close(fd);
	table_of(path, &s, &t, &d);
	ck_assert(client_journal_damaged(&d));
	ck_assert_uint_eq(d.bad, 1);
	ck_assert_uint_eq(d.gaps, 0);
	ck_assert_uint_eq(d.first_bad, (uint64_t)ends[2]);
	ck_assert(!d.torn);
	ck_assert_uint_eq(d.records, 9);
	/* Token 3's outcome stands alone: named, its seed lost. */
	ck_assert_uint_eq(t.count, 5);
	for (size_t i = 0; i < t.count; i++)
		if (t.t[i].index == 3)
			ck_assert(t.t[i].seed_lost &&
			          !client_jtoken_done(&t.t[i]));
		else
			ck_assert(client_jtoken_done(&t.t[i]));
	client_jtable_free(&t);
	client_batch_secret_free(&s);
	dir_drop();
}
END_TEST

START_TEST(journal_refusals)
{
	client_batch_secret s, other, pw;
	client_journal *j = NULL;
	client_error err;
	char path[300], pwpath[300];
	int fd;
	unsigned char b;

	dir_make();
	psk_make(&s, "00112233445566778899aabbccddeeff");
	psk_make(&other, "ffeeddccbbaa99887766554433221100");
	file_put("pw", "a batch password\n", pwpath, sizeof(pwpath));
	ck_assert_int_eq(client_batch_secret_load(&pw, CLIENT_SECRET_PASSWORD,
	                                          pwpath, &err),
	                 0);
	snprintf(path, sizeof(path), "%s/j/journal", dir);
	journal_make(path, &s, 1, NULL);
	ck_assert_int_eq(client_journal_open(path, &other, false, &j, &err),
	                 CLIENT_EXIT_INPUT);
	ck_assert_str_eq(err.code, "journal_wrong_secret");
	ck_assert_int_eq(client_journal_open(path, &pw, false, &j, &err),
	                 CLIENT_EXIT_INPUT);
	ck_assert_str_eq(err.code, "journal_secret");
	ck_assert_int_eq(client_journal_create(path, &s, &j, &err),
	                 CLIENT_EXIT_INPUT);
	/* A flipped byte of the salt: the header digest catches it. */
	fd = open(path, O_RDWR);
	ck_assert_int_eq(pread(fd, &b, 1, 20), 1);
	b ^= 1;
	ck_assert_int_eq(pwrite(fd, &b, 1, 20), 1);
	close(fd);
	ck_assert_int_eq(client_journal_open(path, &s, false, &j, &err),
	                 CLIENT_EXIT_INPUT);
	ck_assert_str_eq(err.code, "journal_header");
	ck_assert_ptr_null(j);
	client_batch_secret_free(&s);
	client_batch_secret_free(&other);
	client_batch_secret_free(&pw);
	dir_drop();
}
END_TEST

START_TEST(journal_plaintext)
{
	client_journal_damage d;
	client_jtable t;
	char path[300];
	off_t ends[3];
	int fd;
	unsigned char b;

	dir_make();
	snprintf(path, sizeof(path), "%s/j/journal", dir);
	journal_make(path, NULL, 2, ends);
	table_of(path, NULL, &t, &d);
	ck_assert_uint_eq(t.count, 2);
	client_jtable_free(&t);
	/* The seed of token 1 is there in clear, but checked: one changed
	 * byte is found. */
	fd = open(path, O_RDWR);
	ck_assert_int_eq(pread(fd, &b, 1, 96 + 40), 1);
	b ^= 1;
	ck_assert_int_eq(pwrite(fd, &b, 1, 96 + 40), 1);
	close(fd);
	table_of(path, NULL, &t, &d);
	ck_assert(client_journal_damaged(&d));
	client_jtable_free(&t);
	dir_drop();
}
END_TEST

START_TEST(secret_files)
{
	client_batch_secret s;
	client_error err;
	char path[300];

	dir_make();
	file_put("a", "00112233445566778899AABBCCDDEEFF\r\n", path,
	         sizeof(path));
	ck_assert_int_eq(
		client_batch_secret_load(&s, CLIENT_SECRET_PSK, path, &err), 0);
	ck_assert_uint_eq(s.len, 16);
	ck_assert_uint_eq(s.data[15], 0xff);
	client_batch_secret_free(&s);
	file_put("b", "00112233445566778899aabbccddeeff0\n", path,
	         sizeof(path));
	ck_assert_int_eq(
		client_batch_secret_load(&s, CLIENT_SECRET_PSK, path, &err),
		CLIENT_EXIT_INPUT);
	ck_assert_str_eq(err.code, "psk_length");
	file_put("c", "pass\nword\n", path, sizeof(path));
	ck_assert_int_eq(client_batch_secret_load(&s, CLIENT_SECRET_PASSWORD,
	                                          path, &err),
	                 CLIENT_EXIT_INPUT);
	ck_assert_str_eq(err.code, "password_chars");
	file_put("d", "p\xc3\xa4sswort\n", path, sizeof(path));
	ck_assert_int_eq(client_batch_secret_load(&s, CLIENT_SECRET_PASSWORD,
	                                          path, &err),
	                 0);
	ck_assert(!s.ascii_6_64);
	client_batch_secret_free(&s);
	dir_drop();
}
END_TEST

START_TEST(users_files)
{
	client_users u;
	client_error err;
	char path[300];

	dir_make();
	file_put("u1",
	         "\xef\xbb\xbf"
	         "alice\n\nbob\r\n",
	         path, sizeof(path));
	ck_assert_int_eq(client_users_load(&u, path, &err), 0);
	ck_assert_uint_eq(u.count, 2);
	ck_assert_str_eq(u.list[0].name, "alice");
	ck_assert_str_eq(u.list[1].name, "bob");
	client_users_free(&u);
	file_put("u2", "realm,UPN,resolver\nr1,a@x.com,\nr2,b@x.com,ldap\n",
	         path, sizeof(path));
	ck_assert_int_eq(client_users_load(&u, path, &err), 0);
	ck_assert_uint_eq(u.count, 2);
	ck_assert_str_eq(u.list[1].name, "b@x.com");
	ck_assert_str_eq(u.list[1].realm, "r2");
	ck_assert_str_eq(u.list[1].resolver, "ldap");
	client_users_free(&u);
	file_put("u3", "user\na\n b\n", path, sizeof(path));
	ck_assert_int_eq(client_users_load(&u, path, &err), CLIENT_EXIT_INPUT);
	ck_assert_str_eq(err.code, "users_space");
	file_put("u4", "user,realm\na,r\nb\n", path, sizeof(path));
	ck_assert_int_eq(client_users_load(&u, path, &err), CLIENT_EXIT_INPUT);
	ck_assert_str_eq(err.code, "users_columns");
	file_put("u5",
	         "a\x01"
	         "b\n",
	         path, sizeof(path));
	ck_assert_int_eq(client_users_load(&u, path, &err), CLIENT_EXIT_INPUT);
	ck_assert_str_eq(err.code, "users_chars");
	dir_drop();
}
END_TEST

static int fits(client_format f, safeid_hash h, size_t seedlen,
                const char *model, const char *user, const char *realm,
                client_error *err)
{
	client_user u;
	client_xtoken t;

	memset(&u, 0, sizeof(u));
	memset(&t, 0, sizeof(t));
	t.serial = "8659632000001";
	t.model = model;
	t.manufacturer = CLIENT_MANUFACTURER;
	t.hash = h;
	t.digits = 6;
	t.step = 30;
	t.seedlen = seedlen;
	if (user != NULL) {
		snprintf(u.name, sizeof(u.name), "%s", user);
		t.user = &u;
	}
	return client_format_fits(f, &t, realm, err);
}

START_TEST(format_rules)
{
	const safeid_hash s1 = SAFEID_HASH_SHA1, s256 = SAFEID_HASH_SHA256;
	client_error e;

	/* privacyIDEA guesses the hash from the seed length. */
	ck_assert_int_eq(
		fits(CLIENT_FORMAT_PRIVACYIDEA, s1, 20, "", NULL, NULL, &e), 0);
	ck_assert_int_eq(
		fits(CLIENT_FORMAT_PRIVACYIDEA, s1, 32, "", NULL, NULL, &e),
		CLIENT_EXIT_INPUT);
	ck_assert_str_eq(e.code, "format_hash");
	ck_assert_int_eq(
		fits(CLIENT_FORMAT_PRIVACYIDEA, s1, 28, "", NULL, NULL, &e),
		CLIENT_EXIT_INPUT);
	ck_assert_int_eq(
		fits(CLIENT_FORMAT_PRIVACYIDEA, s256, 32, "", NULL, NULL, &e),
		0);
	ck_assert_int_eq(
		fits(CLIENT_FORMAT_PRIVACYIDEA, s256, 20, "", NULL, NULL, &e),
		CLIENT_EXIT_INPUT);
	ck_assert_int_eq(
		fits(CLIENT_FORMAT_PRIVACYIDEA, s1, 20, "", "alice", NULL, &e),
		CLIENT_EXIT_INPUT);
	ck_assert_str_eq(e.code, "format_realm");
	ck_assert_int_eq(
		fits(CLIENT_FORMAT_PRIVACYIDEA, s1, 20, "", "alice", "r1", &e),
		0);
	ck_assert_int_eq(fits(CLIENT_FORMAT_PRIVACYIDEA, s1, 20, "",
	                      "smith, john", "r1", &e),
	                 CLIENT_EXIT_INPUT);
	ck_assert_str_eq(e.code, "field_quote");
	/* LinOTP has a hash column. */
	ck_assert_int_eq(
		fits(CLIENT_FORMAT_LINOTP, s256, 20, "", NULL, NULL, &e), 0);
	/* multiOTP: SHA-1 only; ',' and TAB split too. */
	ck_assert_int_eq(
		fits(CLIENT_FORMAT_MULTIOTP, s256, 32, "", NULL, NULL, &e),
		CLIENT_EXIT_INPUT);
	ck_assert_int_eq(
		fits(CLIENT_FORMAT_MULTIOTP, s1, 20, "", NULL, NULL, &e), 0);
	/* Entra: users, SHA-1, no separators in the model. */
	ck_assert_int_eq(
		fits(CLIENT_FORMAT_ENTRA, s1, 20, "C302-i", NULL, NULL, &e),
		CLIENT_EXIT_INPUT);
	ck_assert_str_eq(e.code, "format_users");
	ck_assert_int_eq(fits(CLIENT_FORMAT_ENTRA, s1, 20, "C302-i",
	                      "a@example.com", NULL, &e),
	                 0);
	ck_assert_int_eq(fits(CLIENT_FORMAT_ENTRA, s256, 32, "C302-i",
	                      "a@example.com", NULL, &e),
	                 CLIENT_EXIT_INPUT);
	ck_assert_int_eq(fits(CLIENT_FORMAT_ENTRA, s1, 20, "C302,i",
	                      "a@example.com", NULL, &e),
	                 CLIENT_EXIT_INPUT);
	ck_assert_int_eq(fits(CLIENT_FORMAT_ENTRA, s1, 20, "C302-i",
	                      " a@example.com", NULL, &e),
	                 CLIENT_EXIT_INPUT);
	ck_assert_str_eq(e.code, "field_space");
}
END_TEST

START_TEST(pskc_refuses_control_chars)
{
	client_pskc *w = NULL;
	client_xtoken t;
	client_error e;
	uint8_t seed[20] = {1};
	int fd = open("/dev/null", O_WRONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(client_pskc_begin(&w, fd, NULL, &e), 0);
	memset(&t, 0, sizeof(t));
	t.serial = "8659632000001";
	t.model = "C302\x01i";
	t.manufacturer = CLIENT_MANUFACTURER;
	t.hash = SAFEID_HASH_SHA1;
	t.digits = 6;
	t.step = 30;
	t.seed = seed;
	t.seedlen = sizeof(seed);
	ck_assert_int_eq(client_pskc_token(w, &t, &e), CLIENT_EXIT_INPUT);
	ck_assert_str_eq(e.code, "field_chars");
	t.model = "C302-\xff";
	ck_assert_int_eq(client_pskc_token(w, &t, &e), CLIENT_EXIT_INPUT);
	t.model = "C302-i";
	ck_assert_int_eq(client_pskc_token(w, &t, &e), 0);
	ck_assert_int_eq(client_pskc_end(&w, &e), 0);
	close(fd);
}
END_TEST

/* libxml2's errors (a full disk) come back as our error, not stderr. */
START_TEST(pskc_full_disk)
{
	client_pskc *w = NULL;
	client_xtoken t;
	client_error e;
	uint8_t seed[20] = {1};
	int fd = open("/dev/full", O_WRONLY), ret = 0;

	if (fd < 0)
		return;
	memset(&t, 0, sizeof(t));
	t.serial = "8659632000001";
	t.model = "C302-i";
	t.manufacturer = CLIENT_MANUFACTURER;
	t.hash = SAFEID_HASH_SHA1;
	t.digits = 6;
	t.step = 30;
	t.seed = seed;
	t.seedlen = sizeof(seed);
	if (client_pskc_begin(&w, fd, NULL, &e) == 0) {
		for (int i = 0; i < 400 && ret == 0; i++)
			ret = client_pskc_token(w, &t, &e);
		if (ret == 0)
			ret = client_pskc_end(&w, &e);
		else
			client_pskc_end(&w, &(client_error){0});
	} else {
		ret = e.exit_code;
	}
	ck_assert_int_eq(ret, CLIENT_EXIT_INPUT);
	ck_assert_str_eq(e.code, "out_write");
	close(fd);
}
END_TEST

Suite *suite_provision_lib(void)
{
	Suite *s = suite_create("provision_lib");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, journal_round_trip);
	tcase_add_test(tc, journal_cut_every_byte);
	tcase_add_test(tc, journal_flip_middle);
	tcase_add_test(tc, journal_refusals);
	tcase_add_test(tc, journal_plaintext);
	tcase_add_test(tc, secret_files);
	tcase_add_test(tc, users_files);
	tcase_add_test(tc, format_rules);
	tcase_add_test(tc, pskc_refuses_control_chars);
	tcase_add_test(tc, pskc_full_disk);
	suite_add_tcase(s, tc);
	return s;
}
