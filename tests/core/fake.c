/* SPDX-License-Identifier: BSD-2-Clause */
/* The scripted in-memory transport (see fake.h). */
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "fake.h"
#include "hex.h"

static int fake_transmit(void *ctx, const uint8_t *capdu, size_t clen,
                         uint8_t *rapdu, size_t rcap, size_t *rlen)
{
	struct fake *f = ctx;
	struct fake_step *s;
	size_t i = f->pos;

	if (i >= f->nsteps || i >= FAKE_MAX_STEPS) {
		f->unexpected++;
		return SAFEID_ERR_COMM;
	}
	f->pos++;
	memcpy(f->sent[i], capdu, clen < FAKE_BUF ? clen : FAKE_BUF);
	f->sentlen[i] = clen;
	s = &f->steps[i];
	if (s->ins >= 0 && (clen < 2 || capdu[1] != (uint8_t)s->ins))
		f->unexpected++;
	if (s->err != SAFEID_OK)
		return s->err;
	if (s->rlen > rcap)
		return SAFEID_ERR_COMM;
	memcpy(rapdu, s->reply, s->rlen);
	*rlen = s->rlen;
	return SAFEID_OK;
}

static int fake_begin(void *ctx)
{
	struct fake *f = ctx;

	f->begins++;
	return f->begin_err;
}

static int fake_end(void *ctx)
{
	struct fake *f = ctx;

	f->ends++;
	return SAFEID_OK;
}

void fake_init(struct fake *f, bool with_lock)
{
	memset(f, 0, sizeof(*f));
	f->tp.ctx = f;
	f->tp.transmit = fake_transmit;
	f->tp.begin = with_lock ? fake_begin : NULL;
	f->tp.end = with_lock ? fake_end : NULL;
}

void fake_reply_bytes(struct fake *f, int ins, const uint8_t *b, size_t n)
{
	struct fake_step *s;

	ck_assert_msg(f->nsteps < FAKE_MAX_STEPS && n <= FAKE_BUF,
	              "fake: script longer than %d steps or reply too long",
	              FAKE_MAX_STEPS);
	s = &f->steps[f->nsteps++];

	s->ins = ins;
	memcpy(s->reply, b, n);
	s->rlen = n;
	s->err = SAFEID_OK;
}

void fake_reply(struct fake *f, int ins, const char *hex)
{
	uint8_t b[FAKE_BUF];
	long n = hex_decode(hex, b, sizeof(b));

	ck_assert_msg(n >= 0,
	              "fake_reply: '%s' is not hex of at most %zu bytes", hex,
	              sizeof(b));
	fake_reply_bytes(f, ins, b, (size_t)n);
}

void fake_error(struct fake *f, int ins, int err)
{
	struct fake_step *s;

	ck_assert_msg(f->nsteps < FAKE_MAX_STEPS,
	              "fake: script longer than %d steps", FAKE_MAX_STEPS);
	s = &f->steps[f->nsteps++];

	s->ins = ins;
	s->rlen = 0;
	s->err = err;
}

void fake_info(struct fake *f, const char *serial, uint32_t clock)
{
	uint8_t b[FAKE_BUF];
	size_t n = strlen(serial), k = 0;

	/* opaque header and separator bytes on purpose not zero */
	b[k++] = 0xA5;
	b[k++] = 0x01;
	b[k++] = 0xFF;
	b[k++] = (uint8_t)n;
	memcpy(b + k, serial, n);
	k += n;
	b[k++] = 0x3A;
	b[k++] = 0x00;
	b[k++] = (uint8_t)(clock >> 24);
	b[k++] = (uint8_t)(clock >> 16);
	b[k++] = (uint8_t)(clock >> 8);
	b[k++] = (uint8_t)clock;
	b[k++] = 0x90;
	b[k++] = 0x00;
	fake_reply_bytes(f, 0x41, b, k);
}
