/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * core-m2: drives the core's Molto2 functions over PC/SC for the
 * integration tests.  Customer keys come from files, seeds as hex lines on
 * stdin (one per burned profile), never in argv; neither is printed.
 * Prints each step and a report; exit 0 only on success.
 *
 *   core-m2 [--reader SPEC] [--key-file F] [--tries-known N] [--last-try]
 *           [--verbose] [--hold-at STEP[@PROFILE] --hold-dir DIR] COMMAND
 *
 *   detect                       the family, serial and profile count
 *   profiles                     every profile's info (no key)
 *   auth                         authenticate with the key
 *   burn [--overwrite] [--clock T] [--display S] P:HASH:STEP:DIGITS[:TITLE]...
 *   sync [--clock T] [P...]      the clock only (no P: every profile)
 *   delete P
 *   screen lock|unlock
 *   set-key --new-key-file F [--verify] [--press-dir DIR] [--press-ms MS]
 *   reset [--press-dir DIR] [--press-ms MS]
 *
 * --hold-at stops as the step starts (a name as safeid_m2_step_name gives
 * it, for PROFILE only when given): it writes the step into the FIFO
 * DIR/ready and waits for a line on DIR/go.  --press-dir: the person's
 * part of a wait for the up-arrow: "press key-change|reset" goes to
 * DIR/ready, and the line read from DIR/go says what they did ("pressed",
 * "timeout", anything else: gave up).  Without it the command does not
 * wait (the request stays pending).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include <safeid/molto2.h>

#include "drive.h"
#include "hex.h"

#define EXIT_USAGE 2
#define EXIT_DEVICE 3
#define EXIT_FAILED 4
#define MAX_ITEMS SAFEID_M2_PROFILES
#define KEY_CAP (SAFEID_M2_CUSTOMER_KEY_MAX + 2)

struct opts {
	const char *reader, *key_file, *new_key_file;
	const char *hold_at, *hold_dir, *press_dir;
	int tries_known;
	long press_ms;
	bool last_try, verbose, overwrite, verify;
	uint32_t clock;
	safeid_display display;
	int rest;
};

static void usage(void)
{
	fprintf(stderr,
	        "usage: core-m2 [--reader SPEC] [--key-file F] [--tries-known N] [--last-try]\n"
	        "               [--verbose] [--hold-at STEP[@P] --hold-dir DIR] COMMAND\n"
	        "  detect | profiles | auth | delete P | screen lock|unlock\n"
	        "  burn [--overwrite] [--clock T] [--display S] P:HASH:STEP:DIGITS[:TITLE]...\n"
	        "  sync [--clock T] [P...]\n"
	        "  set-key --new-key-file F [--verify] [--press-dir DIR] [--press-ms MS]\n"
	        "  reset [--press-dir DIR] [--press-ms MS]\n");
}

static int number(const char *opt, const char *s, unsigned long max,
                  unsigned long *out)
{
	char *end = NULL;

	errno = 0;
	*out = strtoul(s, &end, 10);
	if (*s == '\0' || *s == '-' || *end != '\0' || errno != 0 ||
	    *out > max) {
		fprintf(stderr,
		        "core-m2: %s %s: give a decimal number up to %lu\n",
		        opt, s, max);
		return -1;
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{"reader", required_argument, NULL, 'r'},
		{"key-file", required_argument, NULL, 'k'},
		{"new-key-file", required_argument, NULL, 'n'},
		{"tries-known", required_argument, NULL, 't'},
		{"last-try", no_argument, NULL, 'L'},
		{"verbose", no_argument, NULL, 'v'},
		{"hold-at", required_argument, NULL, 'A'},
		{"hold-dir", required_argument, NULL, 'D'},
		{"press-dir", required_argument, NULL, 'P'},
		{"press-ms", required_argument, NULL, 'M'},
		{"overwrite", no_argument, NULL, 'O'},
		{"verify", no_argument, NULL, 'V'},
		{"clock", required_argument, NULL, 'c'},
		{"display", required_argument, NULL, 'd'},
		{NULL, 0, NULL, 0},
	};
	unsigned long v;
	int c;

	memset(o, 0, sizeof(*o));
	o->tries_known = -1;
	o->clock = (uint32_t)time(NULL);
	o->display = SAFEID_DISPLAY_30S;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			o->reader = optarg;
			break;
		case 'k':
			o->key_file = optarg;
			break;
		case 'n':
			o->new_key_file = optarg;
			break;
		case 'L':
			o->last_try = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'A':
			o->hold_at = optarg;
			break;
		case 'D':
			o->hold_dir = optarg;
			break;
		case 'P':
			o->press_dir = optarg;
			break;
		case 'O':
			o->overwrite = true;
			break;
		case 'V':
			o->verify = true;
			break;
		case 't':
			if (number("--tries-known", optarg, 255, &v) != 0)
				return -1;
			o->tries_known = (int)v;
			break;
		case 'M':
			if (number("--press-ms", optarg, 600000, &v) != 0)
				return -1;
			o->press_ms = (long)v;
			break;
		case 'c':
			if (number("--clock", optarg, 0xFFFFFFFFul, &v) != 0)
				return -1;
			o->clock = (uint32_t)v;
			break;
		case 'd':
			if (number("--display", optarg, 120, &v) != 0)
				return -1;
			if (safeid_display_from_seconds(
				    (unsigned)v, &o->display) != SAFEID_OK) {
				fprintf(stderr, "core-m2: --display %s: %s\n",
				        optarg,
				        safeid_strerror(SAFEID_ERR_CONFIG));
				return -1;
			}
			break;
		default:
			return -1;
		}
	}
	if ((o->hold_at == NULL) != (o->hold_dir == NULL)) {
		fprintf(stderr,
		        "core-m2: --hold-at and --hold-dir go together\n");
		return -1;
	}
	o->rest = optind;
	return optind < argc ? 0 : -1;
}

/* A customer key from a file: its bytes, one final newline cut. */
static int read_key(const char *path, uint8_t *key, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "core-m2: key file %s: cannot open (%s)\n",
		        path, strerror(errno));
		return -1;
	}
	n = fread(key, 1, KEY_CAP, f);
	fclose(f);
	if (n > 0 && key[n - 1] == '\n')
		n--;
	*len = n;
	return 0;
}

static bool hold_here(const struct opts *o, int profile, const char *step)
{
	const char *at;
	size_t n;
	unsigned long p;

	if (o->hold_at == NULL)
		return false;
	at = strchr(o->hold_at, '@');
	n = at != NULL ? (size_t)(at - o->hold_at) : strlen(o->hold_at);
	if (strlen(step) != n || strncmp(step, o->hold_at, n) != 0)
		return false;
	if (at == NULL)
		return true;
	p = strtoul(at + 1, NULL, 10);
	return profile >= 0 && (unsigned long)profile == p;
}

static void progress_cb(void *arg, int profile, safeid_m2_step step, int err)
{
	const struct opts *o = arg;
	const char *name = safeid_m2_step_name(step);
	char where[16] = "", line[64];

	if (profile >= 0)
		snprintf(where, sizeof(where), "%d ", profile);
	if (err == 1 && hold_here(o, profile, name)) {
		printf("hold: %s%s\n", where, name);
		fflush(stdout);
		(void)drive_handshake("core-m2", o->hold_dir, name, line,
		                      sizeof(line));
	}
	if (err == 1)
		printf("step: %s%s ...\n", where, name);
	else if (err == SAFEID_OK)
		printf("step: %s%s ok\n", where, name);
	else
		printf("step: %s%s failed: %s\n", where, name,
		       safeid_errname(err));
	fflush(stdout);
}

static int press_cb(void *arg, safeid_m2_press what, long timeout_ms)
{
	const struct opts *o = arg;
	char line[64];

	printf("press: %s (within %ld ms)\n",
	       what == SAFEID_M2_PRESS_RESET ? "reset" : "key-change",
	       timeout_ms);
	fflush(stdout);
	if (drive_handshake("core-m2", o->press_dir,
	                    what == SAFEID_M2_PRESS_RESET ? "press reset"
	                                                  : "press key-change",
	                    line, sizeof(line)) != 0)
		return SAFEID_ERR_CANCELLED;
	if (strcmp(line, "pressed") == 0)
		return SAFEID_OK;
	return strcmp(line, "timeout") == 0 ? SAFEID_ERR_TIMEOUT
	                                    : SAFEID_ERR_CANCELLED;
}

static const char *state_word(safeid_seed_state s)
{
	static const char *const words[] = {"OLD", "ERASED", "NEW", "UNKNOWN"};

	return (unsigned)s < 4 ? words[s] : "UNKNOWN";
}

static void print_tries(const safeid_m2 *s)
{
	int t = safeid_m2_tries_left(s);

	if (t < 0)
		printf("tries_left: unknown\n");
	else
		printf("tries_left: %d\n", t);
}

static void print_failure(const char *step, int profile, int err)
{
	if (profile >= 0)
		printf("result: failed at step \"%s\" on profile %d: %s: %s\n",
		       step, profile, safeid_errname(err),
		       safeid_strerror(err));
	else
		printf("result: failed at step \"%s\": %s: %s\n", step,
		       safeid_errname(err), safeid_strerror(err));
}

static void print_profile(const safeid_m2_profile *p)
{
	printf("profile %u: seed %s title \"%s\" hash %s digits %u step %u\n",
	       p->number, p->seed ? "yes" : "no", p->title,
	       p->hash == SAFEID_HASH_SHA1     ? "SHA1"
	       : p->hash == SAFEID_HASH_SHA256 ? "SHA256"
	                                       : "none",
	       p->digits, p->step);
}

/* What each profile holds, then the outcome. */
static int report(const safeid_m2_report *r, const safeid_m2_result *res,
                  size_t n)
{
	const safeid_m2_result *bad = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		printf("profile %u: step \"%s\" %s seed %s title %s config %s "
		       "confirmed %s\n",
		       res[i].profile, safeid_m2_step_name(res[i].step),
		       safeid_errname(res[i].err), state_word(res[i].seed),
		       state_word(res[i].title), state_word(res[i].config),
		       res[i].confirmed ? "yes" : "no");
		if (bad == NULL && res[i].err != SAFEID_OK)
			bad = &res[i];
	}
	printf("apdus: %u\n", r->apdus);
	if (r->err == SAFEID_OK) {
		printf("result: ok\n");
		return EXIT_SUCCESS;
	}
	if (bad != NULL)
		print_failure(safeid_m2_step_name(bad->step), (int)bad->profile,
		              bad->err);
	else
		print_failure(safeid_m2_step_name(r->step), -1, r->err);
	return EXIT_FAILED;
}

static int parse_hash(const char *s, safeid_hash *h)
{
	if (strcmp(s, "sha1") == 0)
		*h = SAFEID_HASH_SHA1;
	else if (strcmp(s, "sha256") == 0)
		*h = SAFEID_HASH_SHA256;
	else
		return -1;
	return 0;
}

/* P:HASH:STEP:DIGITS[:TITLE] */
static int parse_item(const struct opts *o, char *spec, safeid_m2_account *a)
{
	char *f[5] = {NULL};
	char *save = NULL;
	unsigned long p, step, digits;
	int i;

	f[0] = strtok_r(spec, ":", &save);
	for (i = 1; i < 5 && f[i - 1] != NULL; i++)
		f[i] = strtok_r(NULL, i == 4 ? "" : ":", &save);
	memset(a, 0, sizeof(*a));
	if (f[3] == NULL || number("profile", f[0], 255, &p) != 0 ||
	    parse_hash(f[1], &a->cfg.hash) != 0 ||
	    number("step", f[2], 255, &step) != 0 ||
	    number("digits", f[3], 255, &digits) != 0) {
		fprintf(stderr,
		        "core-m2: burn item: give P:HASH:STEP:DIGITS[:TITLE]\n");
		return -1;
	}
	a->profile = (unsigned)p;
	a->cfg.step = (unsigned)step;
	a->cfg.digits = (unsigned)digits;
	a->cfg.clock = o->clock;
	a->cfg.display = o->display;
	if (f[4] != NULL) {
		a->title = (const uint8_t *)f[4];
		a->titlelen = strlen(f[4]);
	}
	return 0;
}

/* One hex seed per line of stdin into seeds[i] (64 bytes each). */
static int read_seeds(uint8_t seeds[][64], size_t n, safeid_m2_account *a)
{
	char line[256];
	long got;
	size_t i;

	for (i = 0; i < n; i++) {
		if (fgets(line, sizeof(line), stdin) == NULL) {
			fprintf(stderr,
			        "core-m2: stdin: %zu seed line(s) for %zu "
			        "profile(s); give one hex line per profile\n",
			        i, n);
			return -1;
		}
		line[strcspn(line, "\n")] = '\0';
		got = hex_decode(line, seeds[i], 64);
		safeid_wipe(line, sizeof(line));
		if (got < 0) {
			fprintf(stderr,
			        "core-m2: stdin line %zu: not hex of at most "
			        "64 bytes\n",
			        i + 1);
			return -1;
		}
		a[i].seed = seeds[i];
		a[i].seedlen = (size_t)got;
	}
	return 0;
}

static int cmd_burn(safeid_m2 *s, const struct opts *o, int argc, char **argv)
{
	static safeid_m2_account acc[MAX_ITEMS];
	static safeid_m2_result res[MAX_ITEMS];
	static uint8_t seeds[MAX_ITEMS][64];
	safeid_m2_report r;
	size_t n = 0;
	int i, rc = EXIT_USAGE;

	for (i = 0; i < argc; i++) {
		if (n == MAX_ITEMS || parse_item(o, argv[i], &acc[n]) != 0)
			goto out;
		n++;
	}
	if (n == 0 || read_seeds(seeds, n, acc) != 0)
		goto out;
	safeid_m2_burn(s, acc, n, o->overwrite ? SAFEID_M2_OVERWRITE : 0,
	               progress_cb, (void *)o, &r, res);
	rc = report(&r, res, n);
	print_tries(s);
out:
	safeid_wipe(seeds, sizeof(seeds));
	return rc;
}

static int cmd_sync(safeid_m2 *s, const struct opts *o, int argc, char **argv)
{
	static safeid_m2_result res[SAFEID_M2_PROFILES];
	unsigned list[SAFEID_M2_PROFILES];
	safeid_m2_report r;
	unsigned long p;
	size_t n = 0;
	int i, rc;

	for (i = 0; i < argc; i++) {
		if (n == SAFEID_M2_PROFILES ||
		    number("profile", argv[i], 255, &p) != 0)
			return EXIT_USAGE;
		list[n++] = (unsigned)p;
	}
	safeid_m2_sync(s, o->clock, n > 0 ? list : NULL, n, progress_cb,
	               (void *)o, &r, res);
	rc = report(&r, res, n > 0 ? n : safeid_m2_profiles(s));
	if (r.have_after)
		printf("clock_after: %u\n", (unsigned)r.after.clock);
	print_tries(s);
	return rc;
}

static int cmd_delete(safeid_m2 *s, const struct opts *o, const char *arg)
{
	safeid_m2_result res;
	safeid_m2_report r;
	unsigned long p;
	int rc;

	if (number("profile", arg, 255, &p) != 0)
		return EXIT_USAGE;
	safeid_m2_delete(s, (unsigned)p, progress_cb, (void *)o, &r, &res);
	if (res.checked)
		printf("before: seed %s\n", res.before.seed ? "yes" : "no");
	rc = report(&r, &res, 1);
	print_tries(s);
	return rc;
}

static void print_press(const safeid_m2_press_report *r, const safeid_m2 *s,
                        bool reset)
{
	printf("outcome: %s (%s)\n", safeid_m2_outcome_name(r->outcome),
	       safeid_m2_outcome_text(r->outcome));
	printf("press: %s\n",
	       r->press == 1 ? "not asked" : safeid_errname(r->press));
	if (reset)
		printf("seeds: %u before, %u after%s\n", r->seeds_before,
		       r->seeds_after, r->read_after ? "" : " (not read)");
	printf("apdus: %u\n", r->apdus);
	if (r->err == SAFEID_OK)
		printf("result: ok\n");
	else
		print_failure(safeid_m2_step_name(r->step), -1, r->err);
	printf("factory_key: %s\n", safeid_m2_factory_key(s) ? "yes" : "no");
	print_tries(s);
}

static int cmd_set_key(safeid_m2 *s, const struct opts *o)
{
	uint8_t key[KEY_CAP];
	size_t len = 0;
	safeid_m2_press_report r;
	int rc = EXIT_USAGE;

	if (o->new_key_file == NULL) {
		fprintf(stderr, "core-m2 set-key: give --new-key-file F\n");
		return EXIT_USAGE;
	}
	if (read_key(o->new_key_file, key, &len) != 0)
		goto out;
	safeid_m2_change_key(
		s, key, len, o->verify ? SAFEID_M2_VERIFY : 0, o->press_ms,
		o->press_dir != NULL ? press_cb : NULL, (void *)o, &r);
	print_press(&r, s, false);
	rc = r.err == SAFEID_OK ? EXIT_SUCCESS : EXIT_FAILED;
out:
	safeid_wipe(key, sizeof(key));
	return rc;
}

static int cmd_reset(safeid_m2 *s, const struct opts *o)
{
	safeid_m2_press_report r;

	safeid_m2_factory_reset(s, o->press_ms,
	                        o->press_dir != NULL ? press_cb : NULL,
	                        (void *)o, &r);
	print_press(&r, s, true);
	return r.err == SAFEID_OK ? EXIT_SUCCESS : EXIT_FAILED;
}

static int cmd_simple(safeid_m2 *s, const char *cmd, int argc, char **argv)
{
	static safeid_m2_profile list[SAFEID_M2_PROFILES];
	size_t n = 0, i;
	int rc;

	if (strcmp(cmd, "profiles") == 0) {
		rc = safeid_m2_read_profiles(s, list, SAFEID_M2_PROFILES, &n);
		for (i = 0; i < n; i++)
			print_profile(&list[i]);
	} else if (strcmp(cmd, "auth") == 0) {
		rc = safeid_m2_authenticate(s);
	} else if (strcmp(cmd, "screen") == 0 && argc == 1 &&
	           (strcmp(argv[0], "lock") == 0 ||
	            strcmp(argv[0], "unlock") == 0)) {
		rc = safeid_m2_screen(s, strcmp(argv[0], "lock") == 0);
	} else {
		usage();
		return EXIT_USAGE;
	}
	printf("apdus: %u\n", safeid_m2_apdus(s));
	if (rc == SAFEID_OK)
		printf("result: ok\n");
	else
		print_failure(cmd, -1, rc);
	print_tries(s);
	return rc == SAFEID_OK ? EXIT_SUCCESS : EXIT_FAILED;
}

static int open_reader(const char *spec, char *name, size_t cap,
                       safeid_pcsc **p)
{
	safeid_reader_list l;
	size_t idx = 0;
	int rc = safeid_pcsc_list(&l);

	if (rc != SAFEID_OK) {
		fprintf(stderr, "core-m2: listing readers: %s\n",
		        safeid_strerror(rc));
		return rc;
	}
	rc = safeid_pcsc_pick(&l, spec, &idx);
	if (rc == SAFEID_OK) {
		snprintf(name, cap, "%s", l.names[idx]);
		rc = safeid_pcsc_open(name, p);
	}
	if (rc != SAFEID_OK)
		fprintf(stderr, "core-m2: reader \"%s\": %s\n",
		        spec != NULL ? spec : "(default)", safeid_strerror(rc));
	safeid_pcsc_list_free(&l);
	return rc;
}

/* Recognise the token; a session on a Molto2. */
static int start(const struct opts *o, const safeid_transport *t,
                 const char *reader, bool print, safeid_m2 **s)
{
	uint8_t key[KEY_CAP];
	size_t len = 0;
	safeid_detected d;
	int rc = safeid_detect(t, reader, &d);

	if (rc != SAFEID_OK) {
		print_failure("detect", -1, rc);
		return EXIT_DEVICE;
	}
	if (print) {
		printf("family: %s\nserial: %s\nprofiles: %u (%s)\n"
		       "by_reader_name: %s\n",
		       d.family->name, d.info.serial, d.profiles,
		       d.profiles_known ? "known" : "assumed",
		       d.by_reader_name ? "yes" : "no");
		return -1;
	}
	if (d.family->id != SAFEID_FAMILY_MOLTO2) {
		printf("result: failed: the token on \"%s\" is %s, not a Molto2\n",
		       reader, d.family->name);
		return EXIT_DEVICE;
	}
	if (safeid_m2_open(t, d.profiles, s) != SAFEID_OK)
		return EXIT_DEVICE;
	if (o->key_file != NULL) {
		rc = read_key(o->key_file, key, &len) != 0
		             ? SAFEID_ERR_CUSTOMER_KEY
		             : safeid_m2_set_customer_key(*s, key, len);
		safeid_wipe(key, sizeof(key));
		if (rc != SAFEID_OK) {
			print_failure("customer key", -1, rc);
			return EXIT_USAGE;
		}
	}
	if (o->tries_known >= 0)
		safeid_m2_set_tries_left(*s, o->tries_known);
	if (o->last_try)
		safeid_m2_allow_last_try(*s);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	char reader[256] = "";
	safeid_pcsc *p = NULL;
	safeid_m2 *s = NULL;
	const char *cmd;
	int status = EXIT_USAGE, nargs;
	char **args;

	/* Keys and seeds pass through this process: no core dump may hold
	 * them, and no stdio buffer may keep what stdin gave. */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	setvbuf(stdin, NULL, _IONBF, 0);
	if (parse_opts(argc, argv, &o) != 0) {
		usage();
		return EXIT_USAGE;
	}
	cmd = argv[o.rest];
	args = argv + o.rest + 1;
	nargs = argc - o.rest - 1;
	if (o.verbose)
		safeid_set_trace(drive_trace, NULL);
	status = EXIT_DEVICE;
	if (open_reader(o.reader, reader, sizeof(reader), &p) != SAFEID_OK)
		goto out;
	printf("reader: %s\n", reader);
	status = start(&o, safeid_pcsc_transport(p), reader,
	               strcmp(cmd, "detect") == 0, &s);
	if (status != 0) {
		if (status < 0)
			status =
				EXIT_SUCCESS; /* detect printed what it found */
		goto out;
	}
	if (strcmp(cmd, "burn") == 0)
		status = cmd_burn(s, &o, nargs, args);
	else if (strcmp(cmd, "sync") == 0)
		status = cmd_sync(s, &o, nargs, args);
	else if (strcmp(cmd, "delete") == 0 && nargs == 1)
		status = cmd_delete(s, &o, args[0]);
	else if (strcmp(cmd, "set-key") == 0 && nargs == 0)
		status = cmd_set_key(s, &o);
	else if (strcmp(cmd, "reset") == 0 && nargs == 0)
		status = cmd_reset(s, &o);
	else
		status = cmd_simple(s, cmd, nargs, args);
out:
	safeid_m2_free(&s);
	safeid_pcsc_close(&p);
	return status;
}
