/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One command exchange: send, follow T=0 61XX (GET RESPONSE) and 6CXX
 * (resend with the right Le), split off the status word, and show headers
 * and status words (never data) to the trace hook.
 */
#include <string.h>

#include "internal.h"

/* A command, its resends and GET RESPONSEs: enough for any real reply,
 * small enough that a card looping on 61XX cannot hold us. */
#define MAX_EXCHANGES 8

static safeid_trace_fn trace_fn;
static void *trace_arg;

void safeid_set_trace(safeid_trace_fn fn, void *arg)
{
	trace_arg = arg;
	trace_fn = fn;
}

/* Name of a command for the trace hook, from its INS byte. */
static const char *ins_name(uint8_t ins)
{
	switch (ins) {
	case SID_INS_GET_INFO:
		return "get info";
	case SID_INS_CHALLENGE:
		return "get challenge";
	case SID_INS_AUTH:
		return "authenticate";
	case SID_INS_CONFIG:
		return "write config";
	case SID_INS_SEED:
		return "write seed";
	case SID_INS_GET_RESPONSE:
		return "get response";
	case SID_INS_TITLE:
		return "write title";
	case SID_INS_DELETE:
		return "delete seed";
	case SID_INS_SET_KEY:
		return "change key";
	case SID_INS_RESET:
		return "factory reset";
	case SID_INS_SCREEN:
		return "screen lock";
	default:
		return "command";
	}
}

static void trace(const uint8_t *capdu, size_t clen, uint16_t sw)
{
	safeid_trace_fn fn = trace_fn;

	if (fn != NULL && clen >= 4)
		fn(trace_arg, ins_name(capdu[1]), capdu, clen < 5 ? clen : 5,
		   sw);
}

/* The command again with Le = le (for 6CXX); 0 when its shape is unknown. */
static size_t with_le(const uint8_t *capdu, size_t clen, uint8_t le,
                      uint8_t *out, size_t cap)
{
	size_t body;

	if (clen == 4)
		body = 4;
	else if (clen == 5)
		body = 4; /* case 2: replace Le */
	else if (clen == 5u + capdu[4])
		body = clen;
	else if (clen == 6u + capdu[4])
		body = clen - 1;
	else
		return 0;
	if (body + 1 > cap)
		return 0;
	memcpy(out, capdu, body);
	out[body] = le;
	return body + 1;
}

int safeid_transceive(const safeid_transport *t, const uint8_t *capdu,
                      size_t clen, uint8_t *data, size_t datacap,
                      size_t *datalen, uint16_t *sw)
{
	uint8_t cmd[SAFEID_APDU_MAX + 1];
	uint8_t resp[SAFEID_APDU_MAX];
	uint8_t acc[SAFEID_APDU_MAX];
	size_t cmdlen, rlen = 0, acclen = 0, n;
	int rc = SAFEID_ERR_ARG, round, resent = 0;
	uint16_t w = 0;

	if (t == NULL || t->transmit == NULL || capdu == NULL || clen < 4 ||
	    clen > sizeof(cmd) || datalen == NULL || sw == NULL ||
	    (data == NULL && datacap > 0))
		goto fail;
	*datalen = 0;
	*sw = 0;
	memcpy(cmd, capdu, clen);
	cmdlen = clen;
	for (round = 0; round < MAX_EXCHANGES; round++) {
		rc = t->transmit(t->ctx, cmd, cmdlen, resp, sizeof(resp),
		                 &rlen);
		if (rc != SAFEID_OK) {
			trace(cmd, cmdlen, 0);
			goto fail;
		}
		rc = SAFEID_ERR_BAD_REPLY;
		if (rlen < 2 || rlen > sizeof(resp)) {
			trace(cmd, cmdlen, 0);
			goto fail;
		}
		w = (uint16_t)(resp[rlen - 2] << 8 | resp[rlen - 1]);
		trace(cmd, cmdlen, w);
		n = rlen - 2;
		if (acclen + n > sizeof(acc))
			goto fail;
		memcpy(acc + acclen, resp, n);
		acclen += n;
		if ((w & 0xFF00u) == 0x6100u) {
			/* More data waits: fetch it (00 means 256). */
			cmd[0] = 0x00;
			cmd[1] = SID_INS_GET_RESPONSE;
			cmd[2] = 0x00;
			cmd[3] = 0x00;
			cmd[4] = (uint8_t)(w & 0xFFu);
			cmdlen = 5;
			continue;
		}
		if ((w & 0xFF00u) == 0x6C00u && !resent) {
			/* Wrong Le: the card tells the right one; resend once. */
			resent = 1;
			cmdlen = with_le(capdu, clen, (uint8_t)(w & 0xFFu), cmd,
			                 sizeof(cmd));
			if (cmdlen == 0)
				goto fail;
			acclen = 0;
			continue;
		}
		break;
	}
	rc = SAFEID_ERR_BAD_REPLY;
	if (round == MAX_EXCHANGES || acclen > datacap)
		goto fail;
	if (acclen > 0)
		memcpy(data, acc, acclen);
	*datalen = acclen;
	*sw = w;
	rc = SAFEID_OK;
fail:
	/* The command may carry an encrypted seed. */
	safeid_wipe(cmd, sizeof(cmd));
	safeid_wipe(resp, sizeof(resp));
	safeid_wipe(acc, sizeof(acc));
	return rc;
}
