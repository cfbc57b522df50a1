/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * core-burn: drives the token core over PC/SC for the integration tests.
 * The seed comes as hex on stdin, never in argv, and is never printed.
 * Prints each step and a final report; exit 0 only on a confirmed success.
 *
 *   core-burn [--reader SPEC] [--hash sha1|sha256] [--step 30|60]
 *             [--display 15|30|60|120] [--clock UNIX] [--verbose]
 *             [--wait MS] [--config-only | --info]
 *             [--hold-at STEP --hold-dir DIR]  < seed.hex
 *
 * --hold-at stops as STEP starts (a name as safeid_step_name gives it):
 * it writes the step name into the FIFO DIR/ready, then blocks until a line
 * comes from the FIFO DIR/go, so a test can remove or reset the token at
 * an exact point, waiting on conditions rather than time.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include <safeid/safeid.h>

#include "drive.h"
#include "hex.h"

#define EXIT_USAGE 2
#define EXIT_DEVICE 3
#define EXIT_BURN 4
#define SEED_CAP 128 /* room for too-long seeds, so the core refuses them */

struct opts {
	const char *reader;
	safeid_config cfg;
	bool config_only;
	bool info_only;
	bool verbose;
	long wait_ms;         /* wait for a card this long first; -1: don't */
	const char *hold_at;  /* step name to stop at, or NULL */
	const char *hold_dir; /* holds the FIFOs "ready" and "go" */
};

static void usage(void)
{
	fprintf(stderr,
	        "usage: core-burn [--reader SPEC] [--hash sha1|sha256] [--step 30|60]\n"
	        "                 [--display 15|30|60|120] [--clock UNIX] [--verbose]\n"
	        "                 [--wait MS] [--config-only | --info]\n"
	        "                 [--hold-at STEP --hold-dir DIR] < seed-as-hex\n");
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{"reader", required_argument, NULL, 'r'},
		{"hash", required_argument, NULL, 'H'},
		{"step", required_argument, NULL, 's'},
		{"display", required_argument, NULL, 'd'},
		{"clock", required_argument, NULL, 'c'},
		{"config-only", no_argument, NULL, 'C'},
		{"info", no_argument, NULL, 'i'},
		{"verbose", no_argument, NULL, 'v'},
		{"wait", required_argument, NULL, 'w'},
		{"hold-at", required_argument, NULL, 'A'},
		{"hold-dir", required_argument, NULL, 'D'},
		{NULL, 0, NULL, 0},
	};
	char *end;
	unsigned long v;
	int c;

	memset(o, 0, sizeof(*o));
	o->cfg.clock = (uint32_t)time(NULL);
	o->cfg.hash = SAFEID_HASH_SHA1;
	o->cfg.step = 30;
	o->cfg.display = SAFEID_DISPLAY_30S;
	o->wait_ms = -1;
	while ((c = getopt_long(argc, argv, "r:v", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			o->reader = optarg;
			break;
		case 'H':
			if (strcmp(optarg, "sha1") == 0)
				o->cfg.hash = SAFEID_HASH_SHA1;
			else if (strcmp(optarg, "sha256") == 0)
				o->cfg.hash = SAFEID_HASH_SHA256;
			else {
				fprintf(stderr,
				        "core-burn: --hash %s: unknown hash; use sha1 or sha256\n",
				        optarg);
				return -1;
			}
			break;
		case 's':
		case 'd':
		case 'c':
		case 'w':
			v = strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' ||
			    v > 0xFFFFFFFFul) {
				fprintf(stderr,
				        "core-burn: --%s %s: not a number; give a decimal number\n",
				        c == 's'   ? "step"
				        : c == 'd' ? "display"
				        : c == 'w' ? "wait"
				                   : "clock",
				        optarg);
				return -1;
			}
			if (c == 's')
				o->cfg.step = (unsigned)v;
			else if (c == 'w')
				o->wait_ms = (long)v;
			else if (c == 'c')
				o->cfg.clock = (uint32_t)v;
			else if (safeid_display_from_seconds((unsigned)v,
			                                     &o->cfg.display) !=
			         SAFEID_OK) {
				fprintf(stderr, "core-burn: --display %s: %s\n",
				        optarg,
				        safeid_strerror(SAFEID_ERR_CONFIG));
				return -1;
			}
			break;
		case 'C':
			o->config_only = true;
			break;
		case 'i':
			o->info_only = true;
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
		default:
			return -1;
		}
	}
	if ((o->hold_at == NULL) != (o->hold_dir == NULL)) {
		fprintf(stderr,
		        "core-burn: --hold-at and --hold-dir go together\n");
		return -1;
	}
	return optind == argc ? 0 : -1;
}

/* Hex digits from stdin (whitespace ignored) into seed. */
static int read_seed(uint8_t *seed, size_t cap, size_t *len)
{
	char buf[2 * SEED_CAP + 64];
	size_t n = fread(buf, 1, sizeof(buf) - 1, stdin);
	long got;

	buf[n] = '\0';
	got = n == sizeof(buf) - 1 ? -1 : hex_decode(buf, seed, cap);
	safeid_wipe(buf, sizeof(buf));
	if (got < 0) {
		fprintf(stderr,
		        "core-burn: seed on stdin: not whole bytes of hex, "
		        "or longer than %zu bytes; give at most 63 bytes as hex\n",
		        cap);
		return -1;
	}
	*len = (size_t)got;
	return 0;
}

/* Tell the test we reached the step, then wait for its go-ahead. */
static void hold(const struct opts *o, const char *step)
{
	char line[64];

	(void)drive_handshake("core-burn", o->hold_dir, step, line,
	                      sizeof(line));
}

static void progress_cb(void *arg, safeid_step step, int err,
                        const safeid_burn_report *sofar)
{
	const struct opts *o = arg;

	(void)sofar;
	if (step == SAFEID_STEP_DONE)
		return;
	if (err == 1 && o->hold_at != NULL &&
	    strcmp(o->hold_at, safeid_step_name(step)) == 0) {
		printf("hold: %s\n", safeid_step_name(step));
		fflush(stdout);
		hold(o, safeid_step_name(step));
	}
	if (err == 1)
		printf("step: %s ...\n", safeid_step_name(step));
	else if (err == SAFEID_OK)
		printf("step: %s ok\n", safeid_step_name(step));
	else
		printf("step: %s failed: %s\n", safeid_step_name(step),
		       safeid_errname(err));
	fflush(stdout);
}

static const char *seed_word(safeid_seed_state s)
{
	static const char *const words[] = {"OLD", "ERASED", "NEW", "UNKNOWN"};

	return (unsigned)s < 4 ? words[s] : "UNKNOWN";
}

static void print_info(const char *label, const safeid_info *i)
{
	printf("%s: serial %s model %s clock %u\n", label, i->serial,
	       i->model != NULL ? i->model->name : "unknown",
	       (unsigned)i->clock);
}

static void print_report(const safeid_burn_report *r, const char *reader)
{
	if (r->err == SAFEID_OK)
		printf("result: ok\n");
	else
		printf("result: failed at step \"%s\" on reader \"%s\": %s: %s\n",
		       safeid_step_name(r->step), reader,
		       safeid_errname(r->err), safeid_strerror(r->err));
	printf("seed: %s (%s)\n", seed_word(r->seed),
	       safeid_seed_state_text(r->seed));
	printf("config_written: %s\n", r->config_written ? "yes" : "no");
	if (r->step > SAFEID_STEP_INFO)
		print_info("before", &r->before);
	if (r->step == SAFEID_STEP_DONE)
		print_info("after", &r->after);
	printf("apdus: %u\n", r->apdus);
}

/* Resolve the reader spec to a name, wait for a card if asked, connect. */
static int open_reader(const char *spec, long wait_ms, char *name, size_t cap,
                       safeid_pcsc **p)
{
	safeid_reader_list l;
	size_t idx = 0;
	int rc;

	/* No reader named: wait for a token on any reader, also one plugged
	 * in while we wait. */
	if ((spec == NULL || spec[0] == '\0') && wait_ms >= 0) {
		rc = safeid_pcsc_wait_card(NULL, wait_ms, name, cap);
		if (rc != SAFEID_OK) {
			fprintf(stderr,
			        "core-burn: waiting %ld ms for a token on any reader: %s\n",
			        wait_ms, safeid_strerror(rc));
			return rc;
		}
		rc = safeid_pcsc_open(name, p);
		if (rc != SAFEID_OK)
			fprintf(stderr, "core-burn: reader \"%s\": %s\n", name,
			        safeid_strerror(rc));
		return rc;
	}
	rc = safeid_pcsc_list(&l);
	if (rc != SAFEID_OK) {
		fprintf(stderr, "core-burn: listing readers: %s\n",
		        safeid_strerror(rc));
		return rc;
	}
	rc = safeid_pcsc_pick(&l, spec, &idx);
	if (rc != SAFEID_OK) {
		fprintf(stderr, "core-burn: reader \"%s\": %s\n",
		        spec != NULL ? spec : "(default)",
		        rc == SAFEID_ERR_ARG
		                ? "matches several readers; give more of the name or an index"
		                : safeid_strerror(rc));
		goto fail;
	}
	snprintf(name, cap, "%s", l.names[idx]);
	if (wait_ms >= 0) {
		rc = safeid_pcsc_wait_card(name, wait_ms, NULL, 0);
		if (rc != SAFEID_OK) {
			fprintf(stderr,
			        "core-burn: waiting %ld ms for a token on \"%s\": %s\n",
			        wait_ms, name, safeid_strerror(rc));
			goto fail;
		}
	}
	rc = safeid_pcsc_open(name, p);
	if (rc != SAFEID_OK)
		fprintf(stderr, "core-burn: reader \"%s\": %s\n", name,
		        safeid_strerror(rc));
fail:
	safeid_pcsc_list_free(&l);
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o;
	uint8_t seed[SEED_CAP];
	size_t seedlen = 0;
	char reader[256] = "";
	safeid_pcsc *p = NULL;
	safeid_burn_report r;
	safeid_info info;
	int rc, status = EXIT_USAGE;

	memset(seed, 0, sizeof(seed));
	/* The seed passes through this process: no core dump may hold it, and
	 * no stdio buffer may keep a copy of what stdin gave. */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	setvbuf(stdin, NULL, _IONBF, 0);
	if (parse_opts(argc, argv, &o) != 0) {
		usage();
		goto fail;
	}
	if (!o.info_only && !o.config_only &&
	    read_seed(seed, sizeof(seed), &seedlen) != 0)
		goto fail;
	if (o.verbose)
		safeid_set_trace(drive_trace, NULL);
	status = EXIT_DEVICE;
	if (open_reader(o.reader, o.wait_ms, reader, sizeof(reader), &p) !=
	    SAFEID_OK)
		goto fail;
	printf("reader: %s\n", reader);
	if (o.info_only) {
		rc = safeid_get_info(safeid_pcsc_transport(p), &info);
		if (rc != SAFEID_OK) {
			printf("result: failed at step \"%s\" on reader \"%s\": %s: %s\n",
			       safeid_step_name(SAFEID_STEP_INFO), reader,
			       safeid_errname(rc), safeid_strerror(rc));
			goto fail;
		}
		print_info("info", &info);
		printf("restricted_sync: %s\n",
		       safeid_serial_restricted(info.serial) ? "yes" : "no");
		status = EXIT_SUCCESS;
		goto fail;
	}
	if (o.config_only)
		rc = safeid_configure(safeid_pcsc_transport(p), &o.cfg,
		                      progress_cb, &o, &r);
	else
		rc = safeid_burn(safeid_pcsc_transport(p), &o.cfg, seed,
		                 seedlen, progress_cb, &o, &r);
	print_report(&r, reader);
	status = rc == SAFEID_OK ? EXIT_SUCCESS : EXIT_BURN;
fail:
	safeid_wipe(seed, sizeof(seed));
	safeid_pcsc_close(&p);
	return status;
}
