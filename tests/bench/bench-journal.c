/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench-journal: a provisioning journal of N burned tokens, without
 * tokens, for the export benchmark of tests/bench/run; and the time the
 * journal's writes take per token (an intent and an outcome record, each
 * written and fdatasync'ed, as provisioning does them).
 *
 *   bench-journal --psk-file F --count N JOURNAL
 *
 * Prints "append_us=MEDIAN tokens=N" (median over the tokens).  Serials
 * are 8659632000000 + i; seeds come from OpenSSL's generator.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "bench-util.h"
#include "provision.h"

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	client_batch_secret s;
	client_journal *j = NULL;
	client_error err;
	client_jrec r;
	long long *us, t0;
	unsigned long n;

	if (argc != 6 || strcmp(argv[1], "--psk-file") != 0 ||
	    strcmp(argv[3], "--count") != 0) {
		fprintf(stderr, "usage: bench-journal --psk-file F --count N "
		                "JOURNAL\n");
		return 2;
	}
	n = strtoul(argv[4], NULL, 10);
	us = calloc(n + 1, sizeof(*us));
	if (n == 0 || us == NULL ||
	    client_batch_secret_load(&s, CLIENT_SECRET_PSK, argv[2], &err) !=
	            0 ||
	    client_journal_create(argv[5], &s, &j, &err) != 0) {
		fprintf(stderr, "bench-journal: %s\n",
		        n == 0 ? "give a count" : err.msg);
		return 1;
	}
	for (unsigned long i = 1; i <= n; i++) {
		memset(&r, 0, sizeof(r));
		r.type = CLIENT_JREC_INTENT;
		r.index = i;
		snprintf(r.serial, sizeof(r.serial), "%llu",
		         8659632000000ULL + i);
		snprintf(r.model, sizeof(r.model), "C302-i");
		r.hash = SAFEID_HASH_SHA1;
		r.digits = 6;
		r.step = 30;
		r.display = 30;
		r.seedlen = 20;
		if (RAND_bytes(r.seed, 20) != 1)
			return 1;
		t0 = bench_now_us();
		if (client_journal_append(j, &r, &err) != 0)
			break;
		r.type = CLIENT_JREC_OUTCOME;
		r.state = SAFEID_SEED_NEW;
		r.clock_known = true;
		r.clock = 1767225600;
		if (client_journal_append(j, &r, &err) != 0)
			break;
		us[i - 1] = bench_now_us() - t0;
		client_jrec_wipe(&r);
	}
	client_jrec_wipe(&r);
	client_journal_close(&j);
	client_batch_secret_free(&s);
	qsort(us, n, sizeof(*us), cmp);
	printf("append_us=%lld tokens=%lu\n", us[n / 2], n);
	free(us);
	return 0;
}
