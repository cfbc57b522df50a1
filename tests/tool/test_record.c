/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_record.c: burn records as files people and attackers can change:
 * the round trip, the strict parser (every field, nothing unknown or
 * repeated), the file checks (owner, mode, type, size: a FIFO or a
 * symbolic link to a device is refused at once, never read), names that
 * could reach a terminal, the writer lock, and how a write settles the
 * record (kept, replaced, erased, removed, and abandoned mid-write).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "unit.h"

#define SERIAL "8659622000001"

static char top[64], dir[128], path[4200];

static void dir_setup(void)
{
	snprintf(top, sizeof(top), "/tmp/safeid-record-unit.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(top));
	snprintf(dir, sizeof(dir), "%s/state", top);
	snprintf(path, sizeof(path), "%s/%s.burn", dir, SERIAL);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
}

static void dir_teardown(void)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	ck_assert_int_eq(system(cmd), 0);
}

static void record_example(client_record *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->serial, sizeof(r->serial), SERIAL);
	snprintf(r->model, sizeof(r->model), "OTPC-P2-i");
	snprintf(r->account, sizeof(r->account), "bob");
	snprintf(r->issuer, sizeof(r->issuer), "Example");
	r->hash = SAFEID_HASH_SHA1;
	r->step = 60;
	r->display = 120;
	r->time = 1767225600;
}

static void file_put(const char *p, const char *text, size_t len, mode_t mode)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Load the record; it must be refused at once with a message that names
 * the file and holds why (and no raw control character). */
static void load_refused(const char *why)
{
	char got[4200];
	client_record r;
	client_error e;
	double t0 = now_s();
	int rc;

	memset(&e, 0, sizeof(e));
	rc = client_record_load(dir, SERIAL, &r, got, sizeof(got), &e);
	ck_assert_msg(now_s() - t0 < 2.0, "loading took %.1f s", now_s() - t0);
	ck_assert_int_eq(rc, CLIENT_EXIT_INPUT);
	ck_assert_ptr_nonnull(strstr(e.msg, path));
	ck_assert_msg(strstr(e.msg, why) != NULL, "'%s' not in: %s", why,
	              e.msg);
	for (const char *p = e.msg; *p != '\0'; p++)
		ck_assert_int_ge((unsigned char)*p, 0x20);
	ck_assert_str_eq(r.serial, "");
}

START_TEST(round_trip)
{
	char got[4200];
	client_record r, back;
	client_error e;
	struct stat st;

	dir_setup();
	record_example(&r);
	/* A newline in the account cannot smuggle in another key, and
	 * nothing that could move a terminal's cursor or reorder its text
	 * is kept. */
	client_record_name_copy(r.account, sizeof(r.account),
	                        "bob\nhash=SHA256\x1b[2J\xe2\x80\xae"
	                        "evil"
	                        "\xc2\x85\xff");
	ck_assert_str_eq(r.account, "bob?hash=SHA256?[2J?evil??");
	ck_assert_int_eq(client_record_save(dir, &r, got, sizeof(got), &e), 0);
	ck_assert_str_eq(got, path);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(
		client_record_load(dir, SERIAL, &back, got, sizeof(got), &e),
		0);
	ck_assert_str_eq(back.account, r.account);
	ck_assert_str_eq(back.issuer, "Example");
	ck_assert_int_eq(back.seed, CLIENT_RECORD_SEED_NEW);
	ck_assert_int_eq(back.hash, SAFEID_HASH_SHA1);
	ck_assert_uint_eq(back.step, 60);
	ck_assert_uint_eq(back.display, 120);
	ck_assert_int_eq(back.time, 1767225600);
	/* none for another token; a serial that is no file name never
	 * becomes a path */
	ck_assert_int_eq(client_record_load(dir, "8659632000009", &back, got,
	                                    sizeof(got), &e),
	                 1);
	snprintf(r.serial, sizeof(r.serial), "../evil");
	ck_assert_int_eq(client_record_save(dir, &r, got, sizeof(got), &e),
	                 CLIENT_EXIT_RECORD);
	ck_assert_int_eq(
		client_record_load(dir, "../evil", &back, got, sizeof(got), &e),
		1);
	dir_teardown();
}
END_TEST

/* Lines the parser must refuse, in place of the line of their key in a
 * good record (append: added to it), and what the refusal names. */
static const struct {
	const char *line;
	bool append;
	const char *why;
} bad[] = {
	{"step=60abc\n", false, "'step'"},
	{"step=060\n", false, "'step'"},
	{"step= 60\n", false, "'step'"},
	{"step=45\n", false, "'step'"},
	{"step=\n", false, "'step'"},
	{"display=45\n", false, "'display'"},
	{"display=30x\n", false, "'display'"},
	{"hash=sha1\n", false, "'hash'"},
	{"hash=SHA1 \n", false, "'hash'"},
	{"time=-1\n", false, "'time'"},
	{"time=99999999999\n", false, "'time'"},
	{"time=1e9\n", false, "'time'"},
	{"seed=maybe\n", false, "'seed'"},
	{"account=a\x1b[31mred\n", false, "'account'"},
	{"account=\xe2\x80\xae"
         "gnp.exe\n",
         false, "'account'"},
	{"issuer=\xe2\x81\xa6x\n", false, "'issuer'"},
	{"issuer=a\xc2\x9b"
         "b\n",
         false, "'issuer'"},
	{"issuer=\xff\n", false, "'issuer'"},
	{"issuer=a\rb\n", false, "'issuer'"},
	{"model=C3\x07"
         "02\n",
         false, "'model'"},
	{"step=30\n", true, "second time"},
	{"serial=8659622000002\n", true, "second time"},
	{"colour=blue\n", true, "unknown key"},
	{"no equals sign\n", true, "KEY=VALUE"},
};

/* A good record with line in place of its key's line (or appended). */
static size_t record_with(const char *line, bool append, char *out, size_t cap)
{
	static const char base[] =
		"# safeid burn record\nserial=" SERIAL "\nmodel=OTPC-P2-i\n"
		"seed=new\naccount=bob\nissuer=Example\nhash=SHA1\nstep=30\n"
		"display=30\ntime=1767225600\n";
	size_t klen = strcspn(line, "="), n = 0;

	for (const char *l = base; *l != '\0';) {
		size_t ln = strcspn(l, "\n") + 1;

		if (!append && line[klen] == '=' &&
		    strncmp(l, line, klen + 1) == 0)
			n += (size_t)snprintf(out + n, cap - n, "%s", line);
		else
			n += (size_t)snprintf(out + n, cap - n, "%.*s", (int)ln,
			                      l);
		l += ln;
	}
	if (append)
		n += (size_t)snprintf(out + n, cap - n, "%s", line);
	return n;
}

START_TEST(parse_strict)
{
	char text[1024], why[200];
	client_record r;
	size_t n;

	/* the base record is valid; one written before the seed line
	 * existed is a burn */
	n = record_with("", true, text, sizeof(text));
	ck_assert_int_eq(
		client_record_parse(text, n, SERIAL, &r, why, sizeof(why)), 0);
	snprintf(text, sizeof(text),
	         "serial=" SERIAL "\nmodel=\naccount=a\n"
	         "issuer=\nhash=SHA256\nstep=60\ndisplay=15\ntime=0\n");
	ck_assert_int_eq(client_record_parse(text, strlen(text), SERIAL, &r,
	                                     why, sizeof(why)),
	                 0);
	ck_assert_int_eq(r.seed, CLIENT_RECORD_SEED_NEW);
	ck_assert_uint_eq(r.step, 60);
	n = record_with("", true, text, sizeof(text));
	ck_assert_int_eq(client_record_parse(text, n, "8659622000002", &r, why,
	                                     sizeof(why)),
	                 -1);
	ck_assert_ptr_nonnull(strstr(why, "another token"));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = record_with(bad[i].line, bad[i].append, text, sizeof(text));
		ck_assert_msg(client_record_parse(text, n, SERIAL, &r, why,
		                                  sizeof(why)) == -1,
		              "accepted case %zu", i);
		ck_assert_msg(strstr(why, bad[i].why) != NULL,
		              "case %zu: '%s' not in '%s'", i, bad[i].why, why);
		/* the reason never quotes the file */
		for (const char *p = why; *p != '\0'; p++)
			ck_assert_msg((unsigned char)*p >= 0x20 &&
			                      (unsigned char)*p < 0x7f,
			              "case %zu: raw byte in '%s'", i, why);
	}
	/* cut short, a NUL, a line missing, an erased seed with a name */
	n = record_with("", true, text, sizeof(text));
	ck_assert_int_eq(
		client_record_parse(text, n - 1, SERIAL, &r, why, sizeof(why)),
		-1);
	ck_assert_ptr_nonnull(strstr(why, "cut short"));
	text[30] = '\0';
	ck_assert_int_eq(
		client_record_parse(text, n, SERIAL, &r, why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "NUL"));
	ck_assert_int_eq(client_record_parse("serial=" SERIAL "\n", 21, SERIAL,
	                                     &r, why, sizeof(why)),
	                 -1);
	ck_assert_ptr_nonnull(strstr(why, "no 'model' line"));
	n = record_with("seed=erased\n", false, text, sizeof(text));
	ck_assert_int_eq(
		client_record_parse(text, n, SERIAL, &r, why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "erased"));
}
END_TEST

START_TEST(files_distrusted)
{
	char text[CLIENT_RECORD_MAX + 64], other[4200];
	client_record r;
	client_error e;
	size_t n;

	dir_setup();
	n = record_with("", true, text, sizeof(text));
	/* a FIFO: refused without blocking (nobody ever writes it) */
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	load_refused("a FIFO");
	unlink(path);
	/* a symbolic link, to a device or to a good record */
	ck_assert_int_eq(symlink("/dev/zero", path), 0);
	load_refused("a symbolic link");
	unlink(path);
	snprintf(other, sizeof(other), "%s/elsewhere", top);
	file_put(other, text, n, 0600);
	ck_assert_int_eq(symlink(other, path), 0);
	load_refused("a symbolic link");
	unlink(path);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	load_refused("a directory");
	rmdir(path);
	/* writable by others */
	file_put(path, text, n, 0622);
	load_refused("other users may write it (mode 0622)");
	file_put(path, text, n, 0604);
	ck_assert_int_eq(
		client_record_load(dir, SERIAL, &r, other, sizeof(other), &e),
		0);
	/* another user's (only root can give a file away) */
	if (geteuid() == 0) {
		ck_assert_int_eq(chown(path, 4242, 4242), 0);
		load_refused("belongs to user 4242");
	}
	unlink(path);
	/* too long, even when its lines are good */
	memset(text + n, '#', sizeof(text) - n);
	text[sizeof(text) - 1] = '\n';
	file_put(path, text, sizeof(text), 0600);
	load_refused("longer than 4096 bytes");
	unlink(path);
	/* damaged fields are refused, naming the line */
	n = record_with("step=60abc\n", false, text, sizeof(text));
	file_put(path, text, n, 0600);
	load_refused("damaged (line 8: the value of 'step' is not valid)");
	unlink(path);
	/* a state directory others may write is not trusted either */
	file_put(path, text, record_with("", true, text, sizeof(text)), 0600);
	ck_assert_int_eq(chmod(dir, 0777), 0);
	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(
		client_record_load(dir, SERIAL, &r, other, sizeof(other), &e),
		CLIENT_EXIT_INPUT);
	ck_assert_ptr_nonnull(strstr(e.msg, "other users may write it"));
	ck_assert_int_eq(chmod(dir, 0700), 0);
	dir_teardown();
}
END_TEST

START_TEST(lock_not_followed)
{
	char lock[4200], target[4200];
	client_error e;
	struct stat st;
	int fd = -1;

	dir_setup();
	snprintf(lock, sizeof(lock), "%s/.lock", dir);
	snprintf(target, sizeof(target), "%s/target", top);
	ck_assert_int_eq(symlink(target, lock), 0);
	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(client_lock_try(dir, &fd, lock, sizeof(lock), &e),
	                 CLIENT_EXIT_SETUP);
	ck_assert_int_eq(fd, -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "nothing written"));
	/* the link was not followed: nothing was created at its target */
	ck_assert_int_ne(stat(target, &st), 0);
	snprintf(lock, sizeof(lock), "%s/.lock", dir);
	unlink(lock);
	ck_assert_int_eq(mkfifo(lock, 0600), 0);
	ck_assert_int_eq(client_lock_try(dir, &fd, lock, sizeof(lock), &e),
	                 CLIENT_EXIT_SETUP);
	unlink(lock);
	ck_assert_int_eq(mkdir(lock, 0700), 0);
	ck_assert_int_eq(client_lock_try(dir, &fd, lock, sizeof(lock), &e),
	                 CLIENT_EXIT_SETUP);
	rmdir(lock);
	ck_assert_int_eq(client_lock_try(dir, &fd, lock, sizeof(lock), &e), 0);
	ck_assert_int_ge(fd, 0);
	client_lock_release(&fd);
	dir_teardown();
}
END_TEST

/* A write's result: seed, config, and the configuration sent. */
static client_write_result outcome(safeid_seed_state seed,
                                   client_config_state config, unsigned step)
{
	client_write_result w;

	memset(&w, 0, sizeof(w));
	w.seed = seed;
	w.config = config;
	w.hash = SAFEID_HASH_SHA1;
	w.step = step;
	w.display_seconds = step == 60 ? 120 : 30;
	return w;
}

/* The record before the write: bob, SHA-1, 60 s, 120 s. */
static void prev_put(void)
{
	client_record r;
	client_error e;
	char got[4200];

	record_example(&r);
	ck_assert_int_eq(client_record_save(dir, &r, got, sizeof(got), &e), 0);
}

/* What is at path now: "" none, else the account ("-" for erased). */
static const char *record_now(client_record *r)
{
	client_error e;
	char got[4200];
	int rc = client_record_load(dir, SERIAL, r, got, sizeof(got), &e);

	ck_assert_int_le(rc, 1);
	if (rc == 1)
		return "";
	return r->seed == CLIENT_RECORD_SEED_ERASED ? "-" : r->account;
}

/* Only the record itself is left in the directory. */
static void no_leftovers(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd),
	         "test -z \"$(ls -A '%s' | grep -v '^%s.burn$')\"", dir,
	         SERIAL);
	ck_assert_msg(system(cmd) == 0, "files left in %s", dir);
}

/* Short names for the table of outcomes below. */
#define OLD SAFEID_SEED_OLD
#define NEW SAFEID_SEED_NEW
#define ERASED SAFEID_SEED_ERASED
#define UNKNOWN SAFEID_SEED_UNKNOWN
#define C_SAME CLIENT_CONFIG_UNCHANGED
#define C_WRITTEN CLIENT_CONFIG_WRITTEN
#define C_UNKNOWN CLIENT_CONFIG_UNKNOWN

/* A writer kept out is told who holds the lock, as the holder wrote it;
 * a holder line it does not know is named no one in particular. */
START_TEST(lock_names_holder)
{
	char lock[4200], line[CLIENT_MSG_MAX];
	client_error e;
	int held = -1, fd = -1;

	dir_setup();
	client_front_set(CLIENT_FRONT_WINDOW);
	ck_assert_int_eq(client_lock_try(dir, &held, lock, sizeof(lock), &e),
	                 0);
	client_front_set(CLIENT_FRONT_TOOL);
	ck_assert_int_eq(client_lock_try(dir, &fd, lock, sizeof(lock), &e), 1);
	client_text_lock_wait(fd, 120, line, sizeof(line));
	ck_assert_str_eq(line, "a safeid window (safeid-gui) is writing a "
	                       "token; waiting up to 120 s for it to "
	                       "finish...");
	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(client_lock_fail(&fd, 120, lock, &e),
	                 CLIENT_EXIT_NO_TOKEN);
	ck_assert_int_eq(fd, -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "nothing written: a safeid "
	                                    "window (safeid-gui) kept "
	                                    "writing a token for 120 s"));
	client_lock_release(&held);

	/* The tool holds it; a window does not wait. */
	ck_assert_int_eq(client_lock_try(dir, &held, lock, sizeof(lock), &e),
	                 0);
	client_front_set(CLIENT_FRONT_WINDOW);
	ck_assert_int_eq(client_lock_try(dir, &fd, lock, sizeof(lock), &e), 1);
	ck_assert_int_eq(client_lock_fail(&fd, 0, lock, &e),
	                 CLIENT_EXIT_NO_TOKEN);
	ck_assert_ptr_nonnull(strstr(e.msg, "nothing written: safeid-tool "
	                                    "is writing a token (lock '"));
	ck_assert_ptr_nonnull(strstr(e.msg, "let it finish, then try again"));
	client_front_set(CLIENT_FRONT_TOOL);
	ck_assert_int_eq(client_lock_try(dir, &fd, lock, sizeof(lock), &e), 1);
	client_text_lock_wait(fd, 5, line, sizeof(line));
	ck_assert_str_eq(line, "another safeid-tool is writing a token; "
	                       "waiting up to 5 s for it to finish...");
	client_lock_release(&fd);

	/* Whatever else is in the file names no one. */
	ck_assert_int_eq(ftruncate(held, 0), 0);
	ck_assert_int_eq(pwrite(held, "tool\033[2J 1\n", 11, 0), 11);
	ck_assert_int_eq(client_lock_try(dir, &fd, lock, sizeof(lock), &e), 1);
	client_text_lock_wait(fd, 5, line, sizeof(line));
	ck_assert_str_eq(line, "another safeid program is writing a token; "
	                       "waiting up to 5 s for it to finish...");
	client_lock_release(&fd);
	client_lock_release(&held);
	dir_teardown();
}
END_TEST

START_TEST(write_settles_record)
{
	static const struct {
		bool burn;
		safeid_seed_state seed;
		client_config_state config;
		unsigned step;    /* of the write; prev has 60 */
		const char *left; /* account left, "-" erased, "" none */
		bool note;
	} cases[] = {
		/* nothing written: the old record */
		{true, OLD, C_SAME, 30, "bob", false},
		/* burned: the new one */
		{true, NEW, C_WRITTEN, 30, "alice", false},
		/* config written, seed refused (keeps its seed): the old
		 * record would re-send 60 s: removed */
		{true, OLD, C_WRITTEN, 30, "", true},
		/* ... unless the configuration is the same */
		{true, OLD, C_WRITTEN, 60, "bob", false},
		{true, OLD, C_UNKNOWN, 60, "bob", false},
		{true, OLD, C_UNKNOWN, 30, "", true},
		/* config erased the seed, seed refused: an erased record */
		{true, ERASED, C_WRITTEN, 30, "-", false},
		/* a lost answer: none */
		{true, UNKNOWN, C_WRITTEN, 30, "", true},
		/* clock writes */
		{false, OLD, C_WRITTEN, 30, "bob", false},
		{false, ERASED, C_WRITTEN, 60, "-", false},
		{false, UNKNOWN, C_UNKNOWN, 60, "", true},
		{false, OLD, C_UNKNOWN, 60, "bob", false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		client_write_result w =
			outcome(cases[i].seed, cases[i].config, cases[i].step);
		client_record made, prev, now;
		client_record_txn t;
		client_slot s;
		client_clock_plan p;
		client_error e;
		char note[CLIENT_MSG_MAX];
		bool have_made = true;

		dir_setup();
		prev_put();
		record_example(&prev);
		memset(&s, 0, sizeof(s));
		snprintf(s.serial, sizeof(s.serial), SERIAL);
		snprintf(s.model, sizeof(s.model), "OTPC-P2-i");
		s.restricted_sync = cases[i].seed == SAFEID_SEED_ERASED ||
		                    cases[i].seed == SAFEID_SEED_UNKNOWN;
		if (cases[i].burn) {
			record_example(&made);
			snprintf(made.account, sizeof(made.account), "alice");
			made.step = w.step;
			made.display = w.display_seconds;
		} else {
			memset(&p, 0, sizeof(p));
			p.hash = w.hash;
			p.step = w.step;
			p.display_seconds = w.display_seconds;
			have_made = client_record_fill_clock(&made, &prev, &s,
			                                     &p, 1767229200);
		}
		ck_assert_int_eq(client_record_begin(dir, SERIAL,
		                                     have_made ? &made : NULL,
		                                     cases[i].burn, &t, &e),
		                 0);
		/* while the token is written there is no record */
		ck_assert_str_eq(record_now(&now), "");
		ck_assert_int_eq(
			client_record_end(&t, &w, note, sizeof(note), &e), 0);
		ck_assert_msg(strcmp(record_now(&now), cases[i].left) == 0,
		              "case %zu: left '%s', expected '%s'", i,
		              record_now(&now), cases[i].left);
		/* what is left has the configuration the token has */
		if (cases[i].left[0] != '\0')
			ck_assert_uint_eq(now.step,
			                  w.config == CLIENT_CONFIG_UNCHANGED
			                          ? 60
			                          : w.step);
		ck_assert_msg((note[0] != '\0') == cases[i].note,
		              "case %zu: note '%s'", i, note);
		no_leftovers();
		dir_teardown();
	}
}
END_TEST

START_TEST(abandoned_mid_write)
{
	const client_record_fate fates[] = {
		CLIENT_RECORD_RESTORE,
		CLIENT_RECORD_INSTALL,
		CLIENT_RECORD_DROP,
	};
	const char *left[] = {"bob", "alice", ""};

	for (size_t i = 0; i < 3; i++) {
		client_record made, now;
		client_record_txn t;
		client_error e;

		dir_setup();
		prev_put();
		record_example(&made);
		snprintf(made.account, sizeof(made.account), "alice");
		ck_assert_int_eq(
			client_record_begin(dir, SERIAL, &made, true, &t, &e),
			0);
		client_record_abandon(&t, fates[i]);
		ck_assert_str_eq(record_now(&now), left[i]);
		no_leftovers();
		dir_teardown();
	}
}
END_TEST

/* A record that cannot be set aside: nothing may be written. */
START_TEST(begin_refuses)
{
	client_record made;
	client_record_txn t;
	client_error e;

	dir_setup();
	ck_assert_int_eq(mkdir(path, 0700), 0);
	record_example(&made);
	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(client_record_begin(dir, SERIAL, &made, true, &t, &e),
	                 CLIENT_EXIT_SETUP);
	ck_assert_ptr_nonnull(strstr(e.msg, "nothing written"));
	ck_assert_ptr_nonnull(strstr(e.msg, path));
	ck_assert_ptr_nonnull(strstr(e.msg, "permissions of '"));
	ck_assert_ptr_null(strstr(e.msg, "permissions of ''"));
	rmdir(path);
	no_leftovers();
	dir_teardown();
}
END_TEST

Suite *suite_record(void)
{
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("record");

	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, parse_strict);
	tcase_add_test(tc, files_distrusted);
	tcase_add_test(tc, lock_not_followed);
	tcase_add_test(tc, lock_names_holder);
	tcase_add_test(tc, write_settles_record);
	tcase_add_test(tc, abandoned_mid_write);
	tcase_add_test(tc, begin_refuses);
	suite_add_tcase(s, tc);
	return s;
}
