/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * transport.c: the token core's transport over OpenSC's reader layer.
 *
 * The core builds every APDU as bytes; OpenSC wants a struct sc_apdu, so
 * transmit() parses the bytes with sc_bytes2apdu() and hands the reply back
 * as data followed by SW1 SW2.  61XX and 6CXX go back to the core
 * untouched: OpenSC would turn a 61XX answer to a command without Le (get
 * info and get challenge are sent that way, as the token expects) into
 * 9000 and drop the data, while the core follows both as the protocol
 * says.
 */
#include <stdbool.h>
#include <string.h>

#include "osd.h"

/* OpenSC error -> the core's error, for transmit and lock failures. */
static int from_sc_error(int r)
{
	switch (r) {
	case SC_ERROR_CARD_REMOVED:
	case SC_ERROR_CARD_RESET:
	case SC_ERROR_CARD_NOT_PRESENT:
		return SAFEID_ERR_REMOVED;
	case SC_ERROR_READER_DETACHED:
	case SC_ERROR_NO_READERS_FOUND:
		return SAFEID_ERR_READER_GONE;
	case SC_ERROR_READER_LOCKED:
		return SAFEID_ERR_BUSY;
	case SC_ERROR_OUT_OF_MEMORY:
		return SAFEID_ERR_NOMEM;
	default:
		return SAFEID_ERR_COMM;
	}
}

int osd_error(int err)
{
	switch (err) {
	case SAFEID_OK:
		return SC_SUCCESS;
	case SAFEID_ERR_NOMEM:
		return SC_ERROR_OUT_OF_MEMORY;
	case SAFEID_ERR_REMOVED:
	case SAFEID_ERR_NO_TOKEN:
		return SC_ERROR_CARD_REMOVED;
	case SAFEID_ERR_READER_GONE:
	case SAFEID_ERR_NO_READER:
		return SC_ERROR_READER_DETACHED;
	case SAFEID_ERR_BUSY:
		return SC_ERROR_READER_LOCKED;
	case SAFEID_ERR_COMM:
	case SAFEID_ERR_TIMEOUT:
		return SC_ERROR_TRANSMIT_FAILED;
	case SAFEID_ERR_BAD_REPLY:
		return SC_ERROR_INVALID_DATA;
	case SAFEID_ERR_NOT_TOKEN:
		return SC_ERROR_INVALID_CARD;
	case SAFEID_ERR_AUTH:
	case SAFEID_ERR_NOT_AUTHENTICATED:
		return SC_ERROR_SECURITY_STATUS_NOT_SATISFIED;
	case SAFEID_ERR_BAD_DATA:
	case SAFEID_ERR_WRONG_LENGTH:
	case SAFEID_ERR_INS:
	case SAFEID_ERR_CLA:
	case SAFEID_ERR_SW:
		return SC_ERROR_CARD_CMD_FAILED;
	case SAFEID_ERR_ARG:
	case SAFEID_ERR_SEED_LENGTH:
	case SAFEID_ERR_CONFIG:
	case SAFEID_ERR_PROFILE:
	case SAFEID_ERR_TITLE:
	case SAFEID_ERR_DIGITS:
	case SAFEID_ERR_CUSTOMER_KEY:
	case SAFEID_ERR_ZERO_SEED:
		return SC_ERROR_INVALID_ARGUMENTS;
	case SAFEID_ERR_WRONG_KEY:
		return SC_ERROR_PIN_CODE_INCORRECT;
	case SAFEID_ERR_LOCKED:
		return SC_ERROR_AUTH_METHOD_BLOCKED;
	case SAFEID_ERR_LAST_TRY:
		return SC_ERROR_NOT_ALLOWED;
	case SAFEID_ERR_OCCUPIED:
		return SC_ERROR_FILE_ALREADY_EXISTS;
	case SAFEID_ERR_NOT_SUPPORTED:
		return SC_ERROR_NOT_SUPPORTED;
	case SAFEID_ERR_READBACK:
	case SAFEID_ERR_CLOCK:
		return SC_ERROR_CARD_CMD_FAILED;
	case SAFEID_ERR_CANCELLED:
		return SC_ERROR_KEYPAD_CANCELLED;
	default:
		return SC_ERROR_INTERNAL;
	}
}

/*
 * OpenSC's debug log (debug >= 3 in opensc.conf) writes every APDU in hex.
 * Some must stay out of it; their log level is dropped to 0 for that one
 * APDU:
 *  - the seed write (84 C5): the seed encrypted under the family's public
 *    device key, or a Molto2's key derived from its customer key;
 *  - a Molto2's key change (84 D7): the new key's hash under the current
 *    key, which the factory key may be;
 *  - the answer to a challenge (80 CE): with the challenge, it lets
 *    anyone who reads the log try customer keys offline.
 * The level is per context, so another thread sharing the context may
 * miss a few log lines meanwhile; nothing else.
 */
static bool carries_secret(const uint8_t *capdu, size_t clen)
{
	if (clen < 2)
		return false;
	return (capdu[0] == 0x84 && (capdu[1] == 0xC5 || capdu[1] == 0xD7)) ||
	       (capdu[0] == 0x80 && capdu[1] == 0xCE);
}

static int sc_transmit_bytes(void *ctx, const uint8_t *capdu, size_t clen,
                             uint8_t *rapdu, size_t rcap, size_t *rlen)
{
	struct sc_card *card = ctx;
	struct sc_apdu apdu;
	bool secret;
	int saved_debug = 0;
	int r;

	if (card == NULL || capdu == NULL || rapdu == NULL || rlen == NULL ||
	    rcap < 2)
		return SAFEID_ERR_ARG;
	memset(&apdu, 0, sizeof(apdu));
	r = sc_bytes2apdu(card->ctx, capdu, clen, &apdu);
	if (r != SC_SUCCESS)
		return SAFEID_ERR_ARG;
	/* The token answers case-3 commands (get info, get challenge) with
	 * data; OpenSC keeps reply data whenever a buffer is given. */
	apdu.resp = rapdu;
	apdu.resplen = rcap - 2;
	apdu.flags |= SC_APDU_FLAGS_NO_GET_RESP | SC_APDU_FLAGS_NO_RETRY_WL |
	              SC_APDU_FLAGS_NO_SM;
	secret = carries_secret(capdu, clen);
	if (secret) {
		OSD_LOG(card->ctx, "safeid: %s: APDU not logged",
		        capdu[1] == 0xC5   ? "seed write"
		        : capdu[1] == 0xD7 ? "customer key change"
		                           : "authenticate");
		saved_debug = card->ctx->debug;
		card->ctx->debug = 0;
	}
	r = sc_transmit_apdu(card, &apdu);
	if (secret)
		card->ctx->debug = saved_debug;
	if (r != SC_SUCCESS) {
		OSD_LOG(card->ctx, "safeid: transmit of %02X %02X failed: %s",
		        capdu[0], clen > 1 ? capdu[1] : 0, sc_strerror(r));
		return from_sc_error(r);
	}
	if (apdu.resplen > rcap - 2)
		return SAFEID_ERR_BAD_REPLY;
	rapdu[apdu.resplen] = (uint8_t)apdu.sw1;
	rapdu[apdu.resplen + 1] = (uint8_t)apdu.sw2;
	*rlen = apdu.resplen + 2;
	return SAFEID_OK;
}

static int sc_begin(void *ctx)
{
	int r = sc_lock(ctx);

	return r == SC_SUCCESS ? SAFEID_OK : from_sc_error(r);
}

static int sc_end(void *ctx)
{
	int r = sc_unlock(ctx);

	return r == SC_SUCCESS ? SAFEID_OK : from_sc_error(r);
}

void osd_transport(struct sc_card *card, safeid_transport *out)
{
	out->ctx = card;
	out->transmit = sc_transmit_bytes;
	out->begin = sc_begin;
	out->end = sc_end;
}
