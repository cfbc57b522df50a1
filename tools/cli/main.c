/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * main.c: safeid-tool's command line: options, help, dispatch, and the one
 * place where a failure becomes a message and an exit code.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "watchdog.h"

static const char usage_text[] =
	"Usage: safeid-tool [OPTIONS] COMMAND [OPTIONS]\n\n"
	"Burn TOTP seeds into programmable NFC OTP tokens (SafeID/Diamond "
	"class)\nand the Token2 Molto2 through a PC/SC reader, from a QR "
	"code, the screen\nor a URI.\n\n"
	"Commands:\n"
	"  list                 readers and the token on each\n"
	"  info                 serial, model, token clock and its drift\n"
	"  scan   INPUT         decode and explain an input; no token needed\n"
	"  burn   INPUT         burn the account into the token (asks first)\n"
	"  clock                set the token clock from the host clock\n"
	"  verify INPUT         check the code the token shows\n"
	"  code   INPUT         the codes the token should show (like "
	"oathtool)\n"
	"  provision            burn a stack of tokens with fresh random "
	"seeds,\n"
	"                       kept in an encrypted journal (--journal)\n"
	"  export               a journal's tokens as the seed file a server "
	"imports\n\n"
	"Token2 Molto2 (100 profiles, a customer key; see safeid-tool(1)):\n"
	"  profiles             every profile: title, seed, hash, digits, "
	"step\n"
	"  wipe --profile N     delete profile N's seed (asks first)\n"
	"  set-key              change the customer key (confirm with the "
	"token's\n"
	"                       up-arrow button)\n"
	"  reset                factory reset: erases every profile (asks "
	"first,\n"
	"                       confirm with the up-arrow button)\n"
	"  lock, unlock         lock or unlock the token's screen\n\n"
	"INPUT (exactly one):\n"
	"  --qr FILE            PNG or JPEG with QR codes (photo or "
	"screenshot)\n"
	"  --pick N             with several accounts: take the N-th "
	"(1-based)\n"
	"  --match TEXT         ... or the one whose issuer/name contains "
	"TEXT\n"
	"  --screen             QR codes on every monitor of the X11 display\n"
	"  --screenshot-cmd CMD  capture with CMD instead (Wayland: 'grim -');\n"
	"                       image on its stdout, or written to {file}\n"
	"  --uri -              otpauth:// or otpauth-migration:// on stdin\n"
	"  --uri-file FILE      ... read from FILE\n"
	"  --secret -           bare base32 secret on stdin (not echoed)\n"
	"  --secret-arg B32     bare secret in argv: visible to other users\n"
	"  --hash sha1|sha256, --step 30|60, --digits 4|6|8|10, --account "
	"NAME,\n"
	"  --issuer NAME        settings for a bare secret (default sha1, 30, "
	"6)\n\n"
	"Options (a command refuses those that do not apply to it):\n"
	"  -r, --reader R       reader by index (0, 1, ...) or part of its "
	"name\n"
	"  --wait SECONDS       wait up to SECONDS for a token to be placed\n"
	"  --timeout SECONDS    give up when the token does not answer a step\n"
	"                       within SECONDS (default 20; 1 to 3600)\n"
	"  --display SECONDS    token display timeout: 15, 30 (default), 60, "
	"120\n"
	"  -y, --yes            do not ask before writing\n"
	"  --erase-seed         clock: allow erasing the seed (restricted "
	"models)\n"
	"  --code CODE|-        verify: the code shown (- reads stdin)\n"
	"  --window N           verify: search N steps either side (default "
	"10)\n"
	"  --at UNIX            code/verify: time instead of now\n"
	"  --count N            code: how many codes (default 2: now and "
	"next)\n"
	"  --json               one JSON object on stdout (see "
	"safeid-tool(1))\n"
	"  -v, --verbose        trace module calls and APDU headers (no "
	"secrets)\n"
	"  --module PATH        PKCS#11 module (default: safeid-pkcs11.so "
	"next\n"
	"                       to the tool, see safeid-tool(1))\n"
	"  --backend pkcs11|opensc  how to reach the token (default pkcs11)\n"
	"  --state-dir DIR      burn records and tries counts (default\n"
	"                       $XDG_STATE_HOME/safeid)\n\n"
	"Token2 Molto2:\n"
	"  --profile N          burn, clock, wipe: that profile (0 to 99);\n"
	"                       verify, code: with the digits the token has "
	"there\n"
	"  --all                burn: every account of the input, into free "
	"profiles\n"
	"  --first-profile N    burn --all: start at profile N (default 0)\n"
	"  --overwrite          burn: replace the seed of occupied profiles\n"
	"  --title TEXT         burn: the title shown (default: the issuer; "
	"at most\n"
	"                       12 bytes)\n"
	"  --customer-key-file F  the customer key (a 0600 file of yours); "
	"else it\n"
	"                       is asked on the terminal; none: the factory "
	"key\n"
	"  --new-key-file F     set-key: the new customer key (else asked "
	"twice)\n"
	"  --last-try           agree to spend the token's last try on the "
	"key\n"
	"  --verify-key         set-key: after the button, check the new key "
	"(a try\n"
	"                       is spent if the key did not change)\n"
	"  --press-wait SECONDS  set-key, reset: wait that long for the "
	"button\n"
	"                       (default 60; 1 to 600)\n\n"
	"Provisioning (provision, export; see safeid-tool(1)):\n"
	"  --journal FILE       the batch's journal (created, or resumed)\n"
	"  --psk-file F         batch secret: 32 hex digits (also the PSKC "
	"key)\n"
	"  --password-file F    batch secret: a password (also for PSKC)\n"
	"  --insecure-plaintext journal or PSKC without encryption\n"
	"  --count N            tokens in the batch (provision)\n"
	"  --seed-bytes N       16 to 63 (default 20; 32 with --hash sha256)\n"
	"  --users FILE         one user per line (or CSV with a header), in "
	"order\n"
	"  --verify             type each token's code after its burn\n"
	"  --reburn             burn again a token done in an earlier run\n"
	"  --format F           pskc, privacyidea-csv, linotp-csv, "
	"multiotp-csv,\n"
	"                       entra-csv\n"
	"  --out FILE           the export (provision: at the end and on "
	"Ctrl-C)\n"
	"  --force              replace an existing --out file\n"
	"  --include-unknown    export tokens whose state is not confirmed "
	"too\n"
	"  --realm REALM        privacyidea-csv: the users' realm\n"
	"  -h, --help           this text;  -V, --version\n\n"
	"Exit codes:\n"
	"  0  done (verify: the code matches)\n"
	"  1  verify: the code does not match\n"
	"  2  bad command line\n"
	"  3  bad input (QR code, URI, secret, burn record, key file): "
	"nothing was\n"
	"     written\n"
	"  4  no reader, no token, or --wait ran out: nothing was written\n"
	"  5  the token refused (a wrong customer key too), failed, or did "
	"not\n"
	"     answer within --timeout; it keeps its old seed (each profile its "
	"own)\n"
	"     unless the message says otherwise\n"
	"  6  a write was interrupted or got no answer: a seed (a profile's "
	"part)\n"
	"     is erased, unknown or half written; burn again\n"
	"  7  not confirmed (or no terminal and no --yes, a restricted model\n"
	"     without --erase-seed, an occupied profile without --overwrite, "
	"the\n"
	"     last try without --last-try): nothing was written\n"
	"  8  write done, but the burn record could not be saved\n"
	"  9  the PKCS#11 module, backend or a plug-in could not be loaded;\n"
	"     internal error\n";

enum {
	OPT_QR = 256,
	OPT_PICK,
	OPT_MATCH,
	OPT_SCREEN,
	OPT_SHOTCMD,
	OPT_URI,
	OPT_URIFILE,
	OPT_SECRET,
	OPT_SECRETARG,
	OPT_HASH,
	OPT_STEP,
	OPT_ACCOUNT,
	OPT_ISSUER,
	OPT_WAIT,
	OPT_DISPLAY,
	OPT_ERASE,
	OPT_CODE,
	OPT_WINDOW,
	OPT_AT,
	OPT_COUNT,
	OPT_TIMEOUT,
	OPT_JSON,
	OPT_MODULE,
	OPT_BACKEND,
	OPT_STATEDIR,
	OPT_JOURNAL,
	OPT_PSKFILE,
	OPT_PWFILE,
	OPT_PLAINTEXT,
	OPT_SEEDBYTES,
	OPT_USERS,
	OPT_VERIFYCODES,
	OPT_REBURN,
	OPT_OUT,
	OPT_FORMAT,
	OPT_FORCE,
	OPT_INCLUNKNOWN,
	OPT_REALM,
	OPT_PROFILE,
	OPT_ALL,
	OPT_FIRSTPROFILE,
	OPT_OVERWRITE,
	OPT_DIGITS,
	OPT_TITLE,
	OPT_KEYFILE,
	OPT_NEWKEYFILE,
	OPT_LASTTRY,
	OPT_VERIFYKEY,
	OPT_PRESSWAIT,
	OPT_END, /* one past the last: sizes the table of options given */
};

static const struct option long_opts[] = {
	{"qr", required_argument, NULL, OPT_QR},
	{"pick", required_argument, NULL, OPT_PICK},
	{"match", required_argument, NULL, OPT_MATCH},
	{"screen", no_argument, NULL, OPT_SCREEN},
	{"screenshot-cmd", required_argument, NULL, OPT_SHOTCMD},
	{"uri", required_argument, NULL, OPT_URI},
	{"uri-file", required_argument, NULL, OPT_URIFILE},
	{"secret", required_argument, NULL, OPT_SECRET},
	{"secret-arg", required_argument, NULL, OPT_SECRETARG},
	{"hash", required_argument, NULL, OPT_HASH},
	{"step", required_argument, NULL, OPT_STEP},
	{"account", required_argument, NULL, OPT_ACCOUNT},
	{"issuer", required_argument, NULL, OPT_ISSUER},
	{"reader", required_argument, NULL, 'r'},
	{"wait", required_argument, NULL, OPT_WAIT},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"display", required_argument, NULL, OPT_DISPLAY},
	{"yes", no_argument, NULL, 'y'},
	{"erase-seed", no_argument, NULL, OPT_ERASE},
	{"code", required_argument, NULL, OPT_CODE},
	{"window", required_argument, NULL, OPT_WINDOW},
	{"at", required_argument, NULL, OPT_AT},
	{"count", required_argument, NULL, OPT_COUNT},
	{"json", no_argument, NULL, OPT_JSON},
	{"verbose", no_argument, NULL, 'v'},
	{"module", required_argument, NULL, OPT_MODULE},
	{"backend", required_argument, NULL, OPT_BACKEND},
	{"state-dir", required_argument, NULL, OPT_STATEDIR},
	{"journal", required_argument, NULL, OPT_JOURNAL},
	{"psk-file", required_argument, NULL, OPT_PSKFILE},
	{"password-file", required_argument, NULL, OPT_PWFILE},
	{"insecure-plaintext", no_argument, NULL, OPT_PLAINTEXT},
	{"seed-bytes", required_argument, NULL, OPT_SEEDBYTES},
	{"users", required_argument, NULL, OPT_USERS},
	{"verify", no_argument, NULL, OPT_VERIFYCODES},
	{"reburn", no_argument, NULL, OPT_REBURN},
	{"out", required_argument, NULL, OPT_OUT},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"force", no_argument, NULL, OPT_FORCE},
	{"include-unknown", no_argument, NULL, OPT_INCLUNKNOWN},
	{"realm", required_argument, NULL, OPT_REALM},
	{"profile", required_argument, NULL, OPT_PROFILE},
	{"all", no_argument, NULL, OPT_ALL},
	{"first-profile", required_argument, NULL, OPT_FIRSTPROFILE},
	{"overwrite", no_argument, NULL, OPT_OVERWRITE},
	{"digits", required_argument, NULL, OPT_DIGITS},
	{"title", required_argument, NULL, OPT_TITLE},
	{"customer-key-file", required_argument, NULL, OPT_KEYFILE},
	{"new-key-file", required_argument, NULL, OPT_NEWKEYFILE},
	{"last-try", no_argument, NULL, OPT_LASTTRY},
	{"verify-key", no_argument, NULL, OPT_VERIFYKEY},
	{"press-wait", required_argument, NULL, OPT_PRESSWAIT},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

/* Whole decimal number in [lo, hi], else a usage error naming the option. */
static int num_parse(const char *opt, const char *s, long long lo, long long hi,
                     long long *out, client_error *err)
{
	char *end = NULL;
	long long v;

	if (s[0] == '\0' || s[0] == ' ')
		goto bad;
	v = strtoll(s, &end, 10);
	if (end == NULL || *end != '\0' || v < lo || v > hi)
		goto bad;
	*out = v;
	return 0;
bad:
	return client_fail(err, CLIENT_EXIT_USAGE, "usage",
	                   "%s '%s' is not a whole number from %lld to %lld",
	                   opt, s, lo, hi);
}

static int option_parse(int c, tool_opts *o, client_error *err)
{
	long long v = 0;
	int ret = 0;

	switch (c) {
	case OPT_QR:
		o->qr_file = optarg;
		break;
	case OPT_PICK:
		ret = num_parse("--pick", optarg, 1, 100000, &v, err);
		o->pick = (long)v;
		break;
	case OPT_MATCH:
		o->match = optarg;
		break;
	case OPT_SCREEN:
		o->screen = true;
		break;
	case OPT_SHOTCMD:
		o->screenshot_cmd = optarg;
		o->screen = true;
		break;
	case OPT_URI:
		o->uri = optarg;
		break;
	case OPT_URIFILE:
		o->uri_file = optarg;
		break;
	case OPT_SECRET:
		o->secret = optarg;
		break;
	case OPT_SECRETARG:
		/* Keep a private copy and blank the argv string, so the secret
		 * stays in /proc/PID/cmdline only for the moment before this. */
		free(o->secret_copy);
		o->secret_copy = strdup(optarg);
		o->secret_arg = o->secret_copy;
		safeid_wipe(optarg, strlen(optarg));
		if (o->secret_copy == NULL)
			ret = client_fail(err, CLIENT_EXIT_SETUP, "nomem",
			                  "out of memory");
		break;
	case OPT_HASH:
		o->hash = optarg;
		break;
	case OPT_STEP:
		ret = num_parse("--step", optarg, 30, 60, &v, err);
		if (ret == 0 && v != 30 && v != 60)
			ret = client_fail(err, CLIENT_EXIT_USAGE, "usage",
			                  "--step %lld is not supported: this "
			                  "token "
			                  "family uses 30 or 60 seconds",
			                  v);
		o->step = (long)v;
		break;
	case OPT_ACCOUNT:
		o->account = optarg;
		break;
	case OPT_ISSUER:
		o->issuer = optarg;
		break;
	case 'r':
		o->reader = optarg;
		break;
	case OPT_WAIT:
		ret = num_parse("--wait", optarg, 0, 86400, &v, err);
		o->wait_seconds = (long)v;
		break;
	case OPT_TIMEOUT:
		ret = num_parse("--timeout", optarg, 1, 3600, &v, err);
		o->timeout = (long)v;
		break;
	case OPT_DISPLAY:
		ret = num_parse("--display", optarg, 15, 120, &v, err);
		if (ret == 0 && v != 15 && v != 30 && v != 60 && v != 120)
			ret = client_fail(err, CLIENT_EXIT_USAGE, "usage",
			                  "--display %lld is not supported: "
			                  "use 15, 30, "
			                  "60 or 120 seconds",
			                  v);
		o->display = (long)v;
		break;
	case 'y':
		o->yes = true;
		break;
	case OPT_ERASE:
		o->erase_seed = true;
		break;
	case OPT_CODE:
		o->code_src = optarg;
		break;
	case OPT_WINDOW:
		ret = num_parse("--window", optarg, 0, 1000, &v, err);
		o->window = (long)v;
		break;
	case OPT_AT:
		ret = num_parse("--at", optarg, 0, 4294967295LL, &v, err);
		o->at = v;
		break;
	case OPT_COUNT:
		/* code shows at most 100 (checked with the command), a batch
		 * may hold many more tokens */
		ret = num_parse("--count", optarg, 1, 1000000, &v, err);
		o->count = (long)v;
		o->count_given = true;
		break;
	case OPT_JSON:
		o->json = true;
		break;
	case 'v':
		o->verbose = true;
		break;
	case OPT_MODULE:
		o->module = optarg;
		break;
	case OPT_BACKEND:
		o->backend = optarg;
		break;
	case OPT_STATEDIR:
		o->state_dir = optarg;
		break;
	case OPT_JOURNAL:
		o->journal = optarg;
		break;
	case OPT_PSKFILE:
		o->psk_file = optarg;
		break;
	case OPT_PWFILE:
		o->password_file = optarg;
		break;
	case OPT_PLAINTEXT:
		o->insecure_plaintext = true;
		break;
	case OPT_SEEDBYTES:
		ret = num_parse("--seed-bytes", optarg, 16, SAFEID_SEED_MAX, &v,
		                err);
		o->seed_bytes = (long)v;
		break;
	case OPT_USERS:
		o->users_file = optarg;
		break;
	case OPT_VERIFYCODES:
		o->verify_codes = true;
		break;
	case OPT_REBURN:
		o->reburn = true;
		break;
	case OPT_OUT:
		o->out = optarg;
		break;
	case OPT_FORMAT:
		o->format = optarg;
		break;
	case OPT_FORCE:
		o->force = true;
		break;
	case OPT_INCLUNKNOWN:
		o->include_unknown = true;
		break;
	case OPT_REALM:
		o->realm = optarg;
		break;
	case OPT_PROFILE:
		ret = num_parse("--profile", optarg, 0, SAFEID_M2_PROFILES - 1,
		                &v, err);
		o->profile = (long)v;
		break;
	case OPT_ALL:
		o->all = true;
		break;
	case OPT_FIRSTPROFILE:
		ret = num_parse("--first-profile", optarg, 0,
		                SAFEID_M2_PROFILES - 1, &v, err);
		o->first_profile = (long)v;
		break;
	case OPT_OVERWRITE:
		o->overwrite = true;
		break;
	case OPT_DIGITS:
		ret = num_parse("--digits", optarg, 4, 10, &v, err);
		if (ret == 0 && v != 4 && v != 6 && v != 8 && v != 10)
			ret = client_fail(
				err, CLIENT_EXIT_USAGE, "usage",
				"--digits %lld is not supported: a "
				"Molto2 shows 4, 6, 8 or 10 digits (a "
				"single-profile token 6)",
				v);
		o->digits = (long)v;
		break;
	case OPT_TITLE:
		o->title = optarg;
		break;
	case OPT_KEYFILE:
		o->key_file = optarg;
		break;
	case OPT_NEWKEYFILE:
		o->new_key_file = optarg;
		break;
	case OPT_LASTTRY:
		o->last_try = true;
		break;
	case OPT_VERIFYKEY:
		o->verify_key = true;
		break;
	case OPT_PRESSWAIT:
		ret = num_parse("--press-wait", optarg, 1, 600, &v, err);
		o->press_wait = (long)v;
		break;
	default:
		ret = client_fail(err, CLIENT_EXIT_USAGE, "usage",
		                  "unknown option: see 'safeid-tool --help'");
		break;
	}
	return ret;
}

/* The commands, each a bit of the option table below. */
enum {
	C_LIST = 1u << 0,
	C_INFO = 1u << 1,
	C_SCAN = 1u << 2,
	C_BURN = 1u << 3,
	C_CLOCK = 1u << 4,
	C_VERIFY = 1u << 5,
	C_CODE = 1u << 6,
	C_PROVISION = 1u << 7,
	C_EXPORT = 1u << 8,
	C_PROFILES = 1u << 9,
	C_WIPE = 1u << 10,
	C_SETKEY = 1u << 11,
	C_RESET = 1u << 12,
	C_LOCK = 1u << 13,
	C_UNLOCK = 1u << 14,
	C_ALL = (1u << 15) - 1,
	/* read an account (INPUT) */
	C_INPUT = C_SCAN | C_BURN | C_VERIFY | C_CODE,
	/* the Molto2's own commands */
	C_M2 = C_PROFILES | C_WIPE | C_SETKEY | C_RESET | C_LOCK | C_UNLOCK,
	/* use a Molto2's customer key */
	C_KEY = C_BURN | C_CLOCK | C_WIPE | C_SETKEY | C_LOCK | C_UNLOCK,
	/* write a token */
	C_WRITE = C_BURN | C_CLOCK | C_PROVISION | C_WIPE | C_SETKEY | C_RESET |
	          C_LOCK | C_UNLOCK,
	/* reach a token (verify and code: with --profile) */
	C_TOKEN = C_LIST | C_INFO | C_WRITE | C_PROFILES | C_VERIFY | C_CODE,
	/* read or write a batch's journal and seed file */
	C_BATCH = C_PROVISION | C_EXPORT,
};

static const struct {
	const char *name;
	unsigned bit;
	int (*run)(const tool_opts *o, json_out *j, client_error *err);
} commands[] = {
	{"list", C_LIST, cmd_list},
	{"info", C_INFO, cmd_info},
	{"scan", C_SCAN, cmd_scan},
	{"burn", C_BURN, cmd_burn},
	{"clock", C_CLOCK, cmd_clock},
	{"verify", C_VERIFY, cmd_verify},
	{"code", C_CODE, cmd_code},
	{"provision", C_PROVISION, cmd_provision},
	{"export", C_EXPORT, cmd_export},
	{"profiles", C_PROFILES, cmd_profiles},
	{"wipe", C_WIPE, cmd_wipe},
	{"set-key", C_SETKEY, cmd_set_key},
	{"reset", C_RESET, cmd_reset},
	{"lock", C_LOCK, cmd_lock},
	{"unlock", C_UNLOCK, cmd_unlock},
};

/* Commands that write one JSON object per line as they go, the last one
 * left open for the outcome (cmd_provision). */
static bool json_streams(const char *command)
{
	return strcmp(command, "provision") == 0;
}

/*
 * Which option applies to which command, in one place.  An option given
 * to a command it does not apply to is refused, never ignored: ignored it
 * would let the person believe it did something (a time for a burn, a
 * reader for a code that needs no token), or worse change what the
 * command says.
 */
static const struct {
	int id;           /* getopt value */
	const char *name; /* as the person types it */
	unsigned cmds;    /* where it applies */
	const char *what; /* what it is, for the refusal */
} option_uses[] = {
	{OPT_QR, "--qr", C_INPUT, "an input"},
	{OPT_PICK, "--pick", C_INPUT, "a choice among the input's accounts"},
	{OPT_MATCH, "--match", C_INPUT, "a choice among the input's accounts"},
	{OPT_SCREEN, "--screen", C_INPUT, "an input"},
	{OPT_SHOTCMD, "--screenshot-cmd", C_INPUT, "an input"},
	{OPT_URI, "--uri", C_INPUT, "an input"},
	{OPT_URIFILE, "--uri-file", C_INPUT, "an input"},
	{OPT_SECRET, "--secret", C_INPUT, "an input"},
	{OPT_SECRETARG, "--secret-arg", C_INPUT, "an input"},
	{OPT_ACCOUNT, "--account", C_INPUT, "a setting of a bare secret"},
	{OPT_ISSUER, "--issuer", C_INPUT, "a setting of a bare secret"},
	{OPT_HASH, "--hash", C_INPUT | C_CLOCK | C_PROVISION,
         "a setting of a bare secret, of a clock write or of a batch"},
	{OPT_STEP, "--step", C_INPUT | C_CLOCK | C_PROVISION,
         "a setting of a bare secret, of a clock write or of a batch"},
	{OPT_DIGITS, "--digits", C_INPUT, "a setting of a bare secret"},
	{'r', "-r/--reader", C_TOKEN & ~C_LIST,
         "the choice of the token's reader"},
	{OPT_WAIT, "--wait", C_TOKEN, "a wait for a token"},
	{OPT_TIMEOUT, "--timeout", C_TOKEN, "a bound on the token's answers"},
	{OPT_DISPLAY, "--display", C_BURN | C_CLOCK | C_PROVISION,
         "a setting written to the token"},
	{'y', "-y/--yes", C_BURN | C_CLOCK | C_PROVISION | C_WIPE | C_RESET,
         "the consent to write without asking"},
	{OPT_ERASE, "--erase-seed", C_CLOCK,
         "the consent to a clock write that erases the seed"},
	{OPT_CODE, "--code", C_VERIFY, "the code to verify"},
	{OPT_WINDOW, "--window", C_VERIFY, "the span verify searches"},
	{OPT_AT, "--at", C_VERIFY | C_CODE, "the time codes are computed for"},
	{OPT_COUNT, "--count", C_CODE | C_PROVISION,
         "the number of codes shown or of tokens in a batch"},
	{OPT_JSON, "--json", C_ALL, ""},
	{'v', "-v/--verbose", C_ALL, ""},
	{OPT_MODULE, "--module", C_TOKEN, "the way to the token"},
	{OPT_BACKEND, "--backend", C_TOKEN, "the way to the token"},
	{OPT_STATEDIR, "--state-dir", C_INFO | C_WRITE,
         "the place of the burn records and tries counts"},
	{OPT_PROFILE, "--profile",
         C_BURN | C_CLOCK | C_VERIFY | C_CODE | C_WIPE,
         "the choice of a Molto2's profile"},
	{OPT_ALL, "--all", C_BURN, "the choice of every account of the input"},
	{OPT_FIRSTPROFILE, "--first-profile", C_BURN,
         "the first profile of a burn --all"},
	{OPT_OVERWRITE, "--overwrite", C_BURN,
         "the consent to replace occupied profiles"},
	{OPT_TITLE, "--title", C_BURN, "the title a burn writes"},
	{OPT_KEYFILE, "--customer-key-file", C_KEY, "a Molto2's customer key"},
	{OPT_NEWKEYFILE, "--new-key-file", C_SETKEY,
         "the new customer key of set-key"},
	{OPT_LASTTRY, "--last-try", C_KEY,
         "the consent to spend a Molto2's last try"},
	{OPT_VERIFYKEY, "--verify-key", C_SETKEY,
         "the check of a changed customer key"},
	{OPT_PRESSWAIT, "--press-wait", C_SETKEY | C_RESET,
         "the wait for the token's up-arrow button"},
	{OPT_JOURNAL, "--journal", C_BATCH, "the batch's journal"},
	{OPT_PSKFILE, "--psk-file", C_BATCH, "the batch secret"},
	{OPT_PWFILE, "--password-file", C_BATCH, "the batch secret"},
	{OPT_PLAINTEXT, "--insecure-plaintext", C_BATCH,
         "the consent to an unencrypted journal or seed file"},
	{OPT_SEEDBYTES, "--seed-bytes", C_PROVISION, "a setting of a batch"},
	{OPT_USERS, "--users", C_PROVISION, "the users of a batch's tokens"},
	{OPT_VERIFYCODES, "--verify", C_PROVISION,
         "the check of each token of a batch"},
	{OPT_REBURN, "--reburn", C_PROVISION,
         "the consent to burn a token of the journal again"},
	{OPT_FORMAT, "--format", C_BATCH, "the format of a seed file"},
	{OPT_OUT, "--out", C_BATCH, "the seed file"},
	{OPT_FORCE, "--force", C_BATCH, "the consent to replace a seed file"},
	{OPT_INCLUNKNOWN, "--include-unknown", C_BATCH,
         "a choice of the tokens a seed file holds"},
	{OPT_REALM, "--realm", C_BATCH, "a field of a seed file"},
};

#define OPTION_IDS OPT_END

/* "burn, clock and verify": the commands of a mask. */
static void commands_name(unsigned cmds, char *out, size_t cap)
{
	size_t used = 0, n = 0, total = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		total += (cmds & commands[i].bit) != 0;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		int k;

		if (!(cmds & commands[i].bit))
			continue;
		n++;
		k = snprintf(out + used, cap - used, "%s%s",
		             n == 1       ? ""
		             : n == total ? " and "
		                          : ", ",
		             commands[i].name);
		if (k < 0 || (size_t)k >= cap - used)
			return;
		used += (size_t)k;
	}
}

/* Refuse the first option given that does not apply to the command. */
static int options_check(const char *command, const bool *given,
                         client_error *err)
{
	bool known[OPTION_IDS] = {false};
	unsigned bit = 0;
	char where[160];

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(command, commands[i].name) == 0)
			bit = commands[i].bit;
	if (bit == 0)
		return 0; /* an unknown command is refused by main */
	for (size_t i = 0; i < sizeof(option_uses) / sizeof(option_uses[0]);
	     i++) {
		known[option_uses[i].id] = true;
		if (!given[option_uses[i].id] || (option_uses[i].cmds & bit))
			continue;
		commands_name(option_uses[i].cmds, where, sizeof(where));
		return client_fail(
			err, CLIENT_EXIT_USAGE, "usage",
			"option %s does not apply to '%s': it is %s, "
			"used by %s only; remove it (see "
			"'safeid-tool --help')",
			option_uses[i].name, command, option_uses[i].what,
			where);
	}
	/* An option missing from the table would apply everywhere unseen. */
	for (int id = 0; id < OPTION_IDS; id++)
		if (given[id] && !known[id])
			return client_fail(
				err, CLIENT_EXIT_SETUP, "internal",
				"an option given (%d) is missing from "
				"safeid-tool's table of options: this is "
				"a bug, please report it",
				id);
	return 0;
}

static int args_parse(int argc, char **argv, tool_opts *o, client_error *err)
{
	bool given[OPTION_IDS] = {false};
	int c, ret;

	memset(o, 0, sizeof(*o));
	o->wait_seconds = -1;
	o->timeout = TOOL_TIMEOUT_DEFAULT;
	o->window = 10;
	o->at = -1;
	o->count = 2;
	o->profile = -1;
	o->first_profile = -1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:yvhV", long_opts, NULL)) !=
	       -1) {
		if (c == 'h' || c == 'V') {
			o->command = c == 'h' ? "help" : "version";
			return 0;
		}
		if (c == ':')
			return client_fail(err, CLIENT_EXIT_USAGE, "usage",
			                   "option '%s' needs a value: see "
			                   "'safeid-tool --help'",
			                   argv[optind - 1]);
		if (c == '?')
			return client_fail(err, CLIENT_EXIT_USAGE, "usage",
			                   "unknown option '%s': see "
			                   "'safeid-tool --help'",
			                   argv[optind - 1]);
		ret = option_parse(c, o, err);
		if (ret != 0)
			return ret;
		if (c >= 0 && c < OPTION_IDS)
			given[c] = true;
		/* verify and code reach a token only for --profile */
		if (o->token_opt == NULL)
			o->token_opt = c == 'r'           ? "-r/--reader"
			               : c == OPT_WAIT    ? "--wait"
			               : c == OPT_TIMEOUT ? "--timeout"
			               : c == OPT_MODULE  ? "--module"
			               : c == OPT_BACKEND ? "--backend"
			                                  : NULL;
	}
	if (optind >= argc)
		return client_fail(err, CLIENT_EXIT_USAGE, "usage",
		                   "no command given: try 'safeid-tool burn "
		                   "--qr FILE' or 'safeid-tool --help'");
	if (optind + 1 < argc)
		return client_fail(err, CLIENT_EXIT_USAGE, "usage",
		                   "unexpected argument '%s' after the "
		                   "command; secrets go to standard input "
		                   "(--uri -, --secret -)",
		                   argv[optind + 1]);
	o->command = argv[optind];
	if (strcmp(o->command, "code") == 0 && o->count > 100)
		return client_fail(err, CLIENT_EXIT_USAGE, "usage",
		                   "--count %ld: code shows 1 to 100 codes",
		                   o->count);
	return options_check(o->command, given, err);
}

static void error_report(const tool_opts *o, json_out *j,
                         const client_error *err)
{
	char shown[TOOL_TEXT_CAP(CLIENT_MSG_MAX)];

	/* a message names files, readers and accounts as they came */
	fprintf(stderr, "safeid-tool: %s\n",
	        tool_text(err->msg, shown, sizeof(shown)));
	if (!o->json)
		return;
	json_bool(j, "ok", false);
	json_int(j, "exit_code", err->exit_code);
	json_obj(j, "error");
	json_str(j, "code", err->code);
	json_str(j, "message", err->msg);
	json_close(j);
}

int main(int argc, char **argv)
{
	char shown[TOOL_TEXT_CAP(CLIENT_MSG_MAX)];
	client_error err;
	tool_opts o;
	json_out j;
	int ret;

	memset(&err, 0, sizeof(err));
	memset(&j, 0, sizeof(j));
	/* Before anything can hold a secret: no core dumps, not dumpable. */
	if (client_secrets_protect() != 0)
		fprintf(stderr, "safeid-tool: warning: cannot disable core "
		                "dumps; a crash could write secrets to disk\n");
	ret = args_parse(argc, argv, &o, &err);
	if (ret != 0) {
		fprintf(stderr, "safeid-tool: %s\n",
		        tool_text(err.msg, shown, sizeof(shown)));
		return ret;
	}
	if (strcmp(o.command, "help") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(o.command, "version") == 0) {
		printf("safeid-tool %s\n", SAFEID_VERSION);
		return 0;
	}
	if (o.json && !json_streams(o.command)) {
		json_begin(&j, stdout);
		json_str(&j, "command", o.command);
	}
	if (tool_watchdog_start((unsigned)o.timeout, o.json ? &j : NULL) != 0)
		fprintf(stderr, "safeid-tool: warning: cannot set up the "
		                "--timeout bound; a token that stops answering "
		                "will hang the tool (end it with Ctrl-C)\n");
	ret = -1;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(o.command, commands[i].name) == 0)
			ret = commands[i].run(&o, &j, &err);
	if (ret < 0)
		ret = client_fail(
			&err, CLIENT_EXIT_USAGE, "usage",
			"unknown command '%s': use list, info, scan, "
			"burn, clock, verify, code, provision, export, "
			"profiles, wipe, set-key, reset, lock or "
			"unlock (see --help)",
			o.command);
	if (ret != 0)
		error_report(&o, &j, &err);
	else if (o.json)
		json_bool(&j, "ok", true);
	if (o.json) {
		if (ret == 0)
			json_int(&j, "exit_code", 0);
		json_end(&j);
	}
	if (o.secret_copy != NULL) {
		safeid_wipe(o.secret_copy, strlen(o.secret_copy));
		free(o.secret_copy);
	}
	return ret;
}
