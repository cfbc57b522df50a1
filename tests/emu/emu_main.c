/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * safeid-emu: plays one programmable OTP token on a vsmartcard-vpcd
 * virtual reader, for tests and for trying safeid without hardware.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "emu_faults.h"
#include "emu_report.h"
#include "emu_run.h"
#include "emu_state.h"
#include "emu_token.h"

static const char usage_text[] =
	"usage:\n"
	"  safeid-emu init --state F --serial S [--clock-offset SEC] [--drift PPM]\n"
	"      [--family single|molto2]\n"
	"    Molto2 only: [--profiles 50|100] [--customer-key-file F] [--tries N]\n"
	"      [--locked-sw SW] [--keep-tries] [--no-screen-lock]\n"
	"      (the key file's bytes are the customer key, one final newline cut;\n"
	"      default the factory key; --tries: wrong keys before the lock, 10;\n"
	"      --locked-sw: a locked token's answer, 6983; --keep-tries: a good\n"
	"      key does not refill the tries; --no-screen-lock: firmware before 2.1)\n"
	"  safeid-emu run --state F --port P [--ctl SOCK] [--log FILE] [--removed]\n"
	"      [faults]  (--removed: start with the card out of the reader)\n"
	"  safeid-emu code --state F [--profile N] [--at UNIX] [--json]\n"
	"      (exit 3: no seed; --profile: a Molto2's profile, needed there)\n"
	"  safeid-emu show --state F [--json]\n"
	"  safeid-emu ctl --ctl SOCK [--wait MS] COMMAND\n"
	"      remove | insert | power-cycle | load STATEFILE | fault \"OPTS\" |\n"
	"      release | count | wait-count N | press-up\n"
	"      (--wait: retry reaching SOCK for MS ms; press-up: a Molto2's\n"
	"      up-arrow button, which carries out a waiting key change or reset)\n"
	"faults (INS and SW in hex):\n"
	"  --t0          answer 61XX; the data comes with GET RESPONSE 00 C0 00 00 XX\n"
	"  --foreign     answer 6D00 to everything (not a token of this family)\n"
	"  --locked      answer 6983 to every authenticate\n"
	"  --wrong-le    answer 6CXX to get info / get challenge sent without\n"
	"                Le; execute them when resent with Le = XX\n"
	"  --sw INS=SW   answer SW to INS without executing it (repeatable)\n"
	"  --drop N      cut the link when the Nth APDU arrives, unexecuted\n"
	"  --drop-exec N execute the Nth APDU, then cut the link unanswered\n"
	"  --hang N      hold the Nth APDU unexecuted and unanswered until\n"
	"                `ctl release` (then 6F00; the link stays up)\n"
	"  --garbage INS answer DE AD BE EF 55 90 00 to INS, unexecuted\n"
	"  --mute INS    never answer INS\n"
	"  --clock-skew S  an accepted config write sets the clock S seconds\n"
	"                off the time written (its clock reads back wrong)\n"
	"After a drop the card stays out of the reader until `ctl insert`.  vpcd\n"
	"reports a cut link as an empty (0-byte) answer to the APDU in flight; a\n"
	"muted APDU blocks SCardTransmit until the card is removed (ctl remove).\n"
	"remove / power-cycle / load answer once PC/SC has seen the card leave.\n";

enum {
	OPT_STATE = 256,
	OPT_SERIAL,
	OPT_OFFSET,
	OPT_DRIFT,
	OPT_PORT,
	OPT_CTL,
	OPT_LOG,
	OPT_AT,
	OPT_JSON,
	OPT_FAULT,
	OPT_REMOVED,
	OPT_WAIT,
	OPT_FAMILY,
	OPT_PROFILES,
	OPT_KEY_FILE,
	OPT_TRIES,
	OPT_LOCKED_SW,
	OPT_KEEP_TRIES,
	OPT_NO_SCREEN,
	OPT_PROFILE,
};

static const struct option options[] = {
	{"state", required_argument, NULL, OPT_STATE},
	{"serial", required_argument, NULL, OPT_SERIAL},
	{"clock-offset", required_argument, NULL, OPT_OFFSET},
	{"drift", required_argument, NULL, OPT_DRIFT},
	{"port", required_argument, NULL, OPT_PORT},
	{"ctl", required_argument, NULL, OPT_CTL},
	{"log", required_argument, NULL, OPT_LOG},
	{"at", required_argument, NULL, OPT_AT},
	{"json", no_argument, NULL, OPT_JSON},
	{"removed", no_argument, NULL, OPT_REMOVED},
	{"wait", required_argument, NULL, OPT_WAIT},
	{"family", required_argument, NULL, OPT_FAMILY},
	{"profiles", required_argument, NULL, OPT_PROFILES},
	{"customer-key-file", required_argument, NULL, OPT_KEY_FILE},
	{"tries", required_argument, NULL, OPT_TRIES},
	{"locked-sw", required_argument, NULL, OPT_LOCKED_SW},
	{"keep-tries", no_argument, NULL, OPT_KEEP_TRIES},
	{"no-screen-lock", no_argument, NULL, OPT_NO_SCREEN},
	{"profile", required_argument, NULL, OPT_PROFILE},
	{"t0", no_argument, NULL, OPT_FAULT},
	{"foreign", no_argument, NULL, OPT_FAULT},
	{"locked", no_argument, NULL, OPT_FAULT},
	{"wrong-le", no_argument, NULL, OPT_FAULT},
	{"sw", required_argument, NULL, OPT_FAULT},
	{"drop", required_argument, NULL, OPT_FAULT},
	{"drop-exec", required_argument, NULL, OPT_FAULT},
	{"hang", required_argument, NULL, OPT_FAULT},
	{"garbage", required_argument, NULL, OPT_FAULT},
	{"mute", required_argument, NULL, OPT_FAULT},
	{"clock-skew", required_argument, NULL, OPT_FAULT},
	{NULL, 0, NULL, 0},
};

typedef struct args {
	const char *state, *serial, *ctl, *log, *family, *key_file;
	long long offset, drift, at, port, wait_ms;
	long long profiles, tries, locked_sw, profile;
	bool has_at, has_port, json, removed;
	bool has_profile, keep_tries, no_screen, molto2_opts;
	emu_faults faults;
	int rest; /* index of the first non-option argument */
} args;

static int parse_ll(const char *opt, const char *s, long long lo, long long hi,
                    long long *out)
{
	char *end = NULL;

	errno = 0;
	*out = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *out < lo || *out > hi) {
		fprintf(stderr,
		        "safeid-emu: --%s %s: expected a whole number from "
		        "%lld to %lld\n",
		        opt, s, lo, hi);
		return -1;
	}
	return 0;
}

static int parse_args(int argc, char **argv, args *a)
{
	char err[512];
	int c, idx = 0;

	memset(a, 0, sizeof(*a));
	optind = 1;
	while ((c = getopt_long(argc, argv, "+", options, &idx)) != -1) {
		const char *name = options[idx].name;
		switch (c) {
		case OPT_STATE:
			a->state = optarg;
			break;
		case OPT_SERIAL:
			a->serial = optarg;
			break;
		case OPT_CTL:
			a->ctl = optarg;
			break;
		case OPT_LOG:
			a->log = optarg;
			break;
		case OPT_JSON:
			a->json = true;
			break;
		case OPT_REMOVED:
			a->removed = true;
			break;
		case OPT_WAIT:
			if (parse_ll(name, optarg, 0, 600000, &a->wait_ms) != 0)
				return -1;
			break;
		case OPT_OFFSET:
			if (parse_ll(name, optarg, -4000000000LL, 4000000000LL,
			             &a->offset) != 0)
				return -1;
			break;
		case OPT_DRIFT:
			if (parse_ll(name, optarg, -1000000, 1000000,
			             &a->drift) != 0)
				return -1;
			break;
		case OPT_AT:
			if (parse_ll(name, optarg, 0, 1LL << 40, &a->at) != 0)
				return -1;
			a->has_at = true;
			break;
		case OPT_PORT:
			if (parse_ll(name, optarg, 1, 65535, &a->port) != 0)
				return -1;
			a->has_port = true;
			break;
		case OPT_FAMILY:
			if (strcmp(optarg, "single") != 0 &&
			    strcmp(optarg, "molto2") != 0) {
				fprintf(stderr,
				        "safeid-emu: --family %s: give single "
				        "or molto2\n",
				        optarg);
				return -1;
			}
			a->family = optarg;
			break;
		case OPT_PROFILES:
			if (parse_ll(name, optarg, 50, 100, &a->profiles) != 0)
				return -1;
			if (a->profiles != 50 && a->profiles != 100) {
				fprintf(stderr,
				        "safeid-emu: --profiles %s: a Molto2 "
				        "has 50 (v1) or 100 (v2) profiles\n",
				        optarg);
				return -1;
			}
			a->molto2_opts = true;
			break;
		case OPT_KEY_FILE:
			a->key_file = optarg;
			a->molto2_opts = true;
			break;
		case OPT_TRIES:
			if (parse_ll(name, optarg, 1, 255, &a->tries) != 0)
				return -1;
			a->molto2_opts = true;
			break;
		case OPT_LOCKED_SW: {
			char *end = NULL;

			a->locked_sw = strtoll(optarg, &end, 16);
			if (end == optarg || *end != '\0' ||
			    a->locked_sw < 0x6000 || a->locked_sw > 0xFFFF) {
				fprintf(stderr,
				        "safeid-emu: --locked-sw %s: give a "
				        "status word in hex, e.g. 6983 or 6300\n",
				        optarg);
				return -1;
			}
			a->molto2_opts = true;
			break;
		}
		case OPT_KEEP_TRIES:
			a->keep_tries = true;
			a->molto2_opts = true;
			break;
		case OPT_NO_SCREEN:
			a->no_screen = true;
			a->molto2_opts = true;
			break;
		case OPT_PROFILE:
			if (parse_ll(name, optarg, 0, 99, &a->profile) != 0)
				return -1;
			a->has_profile = true;
			break;
		case OPT_FAULT:
			if (emu_faults_option(&a->faults, name, optarg, 0, err,
			                      sizeof(err)) != 0) {
				fprintf(stderr, "safeid-emu: %s\n", err);
				return -1;
			}
			break;
		default:
			fprintf(stderr, "%s", usage_text);
			return -1;
		}
	}
	a->rest = optind;
	return 0;
}

static int need(const char *what, const char *value)
{
	if (value != NULL)
		return 0;
	fprintf(stderr, "safeid-emu: missing --%s\n%s", what, usage_text);
	return -1;
}

/* The customer key from a file: its bytes, one final newline cut (a file
 * written by echo).  Returns the length, or -1 with a message. */
static long read_key_file(const char *path, uint8_t *key, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL) {
		fprintf(stderr,
		        "safeid-emu: --customer-key-file %s: cannot open "
		        "(%s); give a readable file\n",
		        path, strerror(errno));
		return -1;
	}
	n = fread(key, 1, cap, f);
	fclose(f);
	if (n > 0 && key[n - 1] == '\n')
		n--;
	if (n == 0 || n >= cap) {
		fprintf(stderr,
		        "safeid-emu: --customer-key-file %s: empty or "
		        "longer than %zu bytes; give a key of 1 to %zu bytes\n",
		        path, cap - 1, cap - 1);
		return -1;
	}
	return (long)n;
}

static int init_molto2(const args *a, emu_token *t, int64_t now)
{
	uint8_t key[1025];
	long klen = 0;
	int rc;

	if (a->key_file != NULL) {
		klen = read_key_file(a->key_file, key, sizeof(key));
		if (klen < 0)
			return 2;
	}
	rc = emu_m2_init(t, a->serial, now,
	                 a->profiles != 0 ? (unsigned)a->profiles
	                                  : EMU_M2_PROFILES,
	                 a->key_file != NULL ? key : NULL, (size_t)klen);
	OPENSSL_cleanse(key, sizeof(key));
	if (rc != 0) {
		fprintf(stderr,
		        "safeid-emu: --serial %s: a serial is 1 to %u "
		        "ASCII digits, e.g. 826658719844499\n",
		        a->serial, EMU_SERIAL_MAX);
		return 2;
	}
	if (a->tries != 0)
		t->m2.tries_max = t->m2.tries_left = (unsigned)a->tries;
	if (a->locked_sw != 0)
		t->m2.locked_sw = (unsigned)a->locked_sw;
	t->m2.keep_tries = a->keep_tries;
	t->m2.screen_cmd = !a->no_screen;
	return 0;
}

static int cmd_init(const args *a)
{
	emu_token t;
	char err[512];
	int64_t now = (int64_t)time(NULL);
	int rc = 1;

	if (need("state", a->state) != 0 || need("serial", a->serial) != 0)
		return 2;
	if (a->family != NULL && strcmp(a->family, "molto2") == 0) {
		rc = init_molto2(a, &t, now);
		if (rc != 0)
			return rc;
		rc = 1;
	} else if (a->molto2_opts) {
		fprintf(stderr,
		        "safeid-emu init: --profiles, --customer-key-file, "
		        "--tries, --locked-sw, --keep-tries and --no-screen-lock "
		        "are for a Molto2: add --family molto2\n");
		return 2;
	} else if (emu_token_init(&t, a->serial, now) != 0) {
		fprintf(stderr,
		        "safeid-emu: --serial %s: a serial is 1 to %u ASCII "
		        "digits, e.g. 8659632000001\n",
		        a->serial, EMU_SERIAL_MAX);
		return 2;
	}
	t.clock_base = now + a->offset;
	t.drift_ppm = (int32_t)a->drift;
	for (unsigned p = 0; p < EMU_M2_PROFILES; p++)
		if (t.m2.p[p].flag != 0)
			t.m2.p[p].clock_base = now + a->offset;
	if (emu_state_save(a->state, &t, err, sizeof(err)) != 0)
		fprintf(stderr, "safeid-emu: %s\n", err);
	else
		rc = 0;
	emu_token_wipe(&t);
	return rc;
}

static int cmd_run(const args *a)
{
	static emu_run r; /* large; static keeps it off the stack */
	char err[512];
	int rc = 1;

	if (need("state", a->state) != 0 || !a->has_port) {
		fprintf(stderr,
		        "safeid-emu run: needs --state F and --port P\n");
		return 2;
	}
	memset(&r, 0, sizeof(r));
	r.lfd = -1;
	r.vfd = -1;
	snprintf(r.state_path, sizeof(r.state_path), "%s", a->state);
	r.port = (uint16_t)a->port;
	r.faults = a->faults;
	if (emu_state_load(a->state, &r.tok, err, sizeof(err)) != 0) {
		fprintf(stderr, "safeid-emu: %s\n", err);
		return 2;
	}
	if (a->log != NULL) {
		r.log = fopen(a->log, "a");
		if (r.log == NULL) {
			fprintf(stderr,
			        "safeid-emu: APDU log %s: cannot open (%s); "
			        "check the directory\n",
			        a->log, strerror(errno));
			goto fail;
		}
	}
	if (a->ctl != NULL) {
		r.ctl_path = a->ctl;
		r.lfd = emu_ctl_listen(a->ctl, err, sizeof(err));
		if (r.lfd < 0) {
			fprintf(stderr, "safeid-emu: %s\n", err);
			goto fail;
		}
	}
	r.inserted = !a->removed;
	rc = emu_run_main(&r);
fail:
	if (r.lfd >= 0) {
		close(r.lfd);
		unlink(a->ctl);
	}
	if (r.log != NULL)
		fclose(r.log);
	emu_token_wipe(&r.tok);
	return rc;
}

static int cmd_code_show(const args *a, bool code)
{
	emu_token t;
	char err[512];
	int64_t now = a->has_at ? (int64_t)a->at : (int64_t)time(NULL);
	int rc = 0;

	if (need("state", a->state) != 0)
		return 2;
	if (emu_state_load(a->state, &t, err, sizeof(err)) != 0) {
		fprintf(stderr, "safeid-emu: %s\n", err);
		return 2;
	}
	if (t.family == EMU_FAMILY_MOLTO2 && code && !a->has_profile) {
		fprintf(stderr,
		        "safeid-emu code: token %s is a Molto2: give "
		        "--profile N (0 to %u)\n",
		        t.serial, t.m2.profiles - 1);
		rc = 2;
	} else if (t.family == EMU_FAMILY_MOLTO2 && code &&
	           a->profile >= (long long)t.m2.profiles) {
		fprintf(stderr,
		        "safeid-emu code: --profile %lld: token %s has "
		        "profiles 0 to %u\n",
		        a->profile, t.serial, t.m2.profiles - 1);
		rc = 2;
	} else if (t.family != EMU_FAMILY_MOLTO2 && a->has_profile) {
		fprintf(stderr,
		        "safeid-emu code: token %s has one seed and no "
		        "profiles: leave out --profile\n",
		        t.serial);
		rc = 2;
	} else if (t.family == EMU_FAMILY_MOLTO2 && code) {
		rc = emu_report_print_m2_code(&t, (unsigned)a->profile, now,
		                              a->json);
	} else if (t.family == EMU_FAMILY_MOLTO2) {
		emu_report_print_m2_show(&t, now, a->json);
	} else if (code) {
		rc = emu_report_print_code(&t, now, a->json);
	} else {
		emu_report_print_show(&t, now, a->json);
	}
	emu_token_wipe(&t);
	return rc;
}

static int cmd_ctl(const args *a, int argc, char **argv)
{
	char cmd[2048] = "";
	size_t n = 0;

	if (need("ctl", a->ctl) != 0 || a->rest >= argc) {
		fprintf(stderr,
		        "safeid-emu ctl: needs --ctl SOCK and a command\n");
		return 2;
	}
	for (int i = a->rest; i < argc; i++) {
		int w = snprintf(cmd + n, sizeof(cmd) - n, "%s%s", n ? " " : "",
		                 argv[i]);
		if (w < 0 || (size_t)w >= sizeof(cmd) - n) {
			fprintf(stderr, "safeid-emu ctl: command too long\n");
			return 2;
		}
		n += (size_t)w;
	}
	return emu_ctl_client(a->ctl, cmd, a->wait_ms);
}

int main(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	struct rlimit no_core = {0, 0};
	args a;

	/* the process holds seeds: never let them reach a core dump */
	(void)setrlimit(RLIMIT_CORE, &no_core);
	if (strcmp(sub, "help") == 0 || strcmp(sub, "--help") == 0) {
		printf("%s", usage_text);
		return 0;
	}
	if (parse_args(argc - 1, argv + 1, &a) != 0)
		return 2;
	/* only ctl takes words after its options: a stray one is a mistake
	 * (say an option's value left unquoted), not something to ignore */
	if (strcmp(sub, "ctl") != 0 && a.rest < argc - 1) {
		fprintf(stderr,
		        "safeid-emu %s: unexpected argument '%s'; quote "
		        "an option's value that has spaces\n%s",
		        sub, argv[1 + a.rest], usage_text);
		return 2;
	}
	if (strcmp(sub, "init") == 0)
		return cmd_init(&a);
	if (strcmp(sub, "run") == 0)
		return cmd_run(&a);
	if (strcmp(sub, "code") == 0)
		return cmd_code_show(&a, true);
	if (strcmp(sub, "show") == 0)
		return cmd_code_show(&a, false);
	if (strcmp(sub, "ctl") == 0)
		return cmd_ctl(&a, argc - 1, argv + 1);
	fprintf(stderr, "safeid-emu: unknown command '%s'\n%s", sub,
	        usage_text);
	return 2;
}
