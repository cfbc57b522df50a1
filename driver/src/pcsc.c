/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The PC/SC (pcsc-lite) transport: connect shared, transmit, and bracket a
 * burn with SCardBeginTransaction/SCardEndTransaction so another program
 * waits instead of interleaving its commands with ours.
 */
#include <stdlib.h>
#include <string.h>

#include "pcsc_internal.h"

struct safeid_pcsc {
	SCARDCONTEXT ctx;
	SCARDHANDLE card;
	DWORD protocol;
	bool have_ctx;
	bool have_card;
	safeid_transport tp;
};

int sid_pcsc_err(LONG rv, enum sid_pcsc_phase phase)
{
	switch (rv) {
	case SCARD_S_SUCCESS:
		return SAFEID_OK;
	case SCARD_E_NO_SERVICE:
	case SCARD_E_SERVICE_STOPPED:
		return phase == SID_PCSC_TRANSMIT ? SAFEID_ERR_READER_GONE
		                                  : SAFEID_ERR_NO_SERVICE;
	case SCARD_E_NO_READERS_AVAILABLE:
		return SAFEID_ERR_NO_READER;
	case SCARD_E_UNKNOWN_READER:
	case SCARD_E_READER_UNAVAILABLE:
		return phase == SID_PCSC_TRANSMIT ? SAFEID_ERR_READER_GONE
		                                  : SAFEID_ERR_READER_UNKNOWN;
	case SCARD_E_NO_SMARTCARD:
	case SCARD_W_REMOVED_CARD:
	case SCARD_W_UNPOWERED_CARD:
	case SCARD_W_UNRESPONSIVE_CARD:
		return phase == SID_PCSC_TRANSMIT ? SAFEID_ERR_REMOVED
		                                  : SAFEID_ERR_NO_TOKEN;
	case SCARD_W_RESET_CARD:
		/* A reset drops the token's authentication: whatever we were
		 * doing must start again. */
		return SAFEID_ERR_REMOVED;
	case SCARD_E_SHARING_VIOLATION:
		return SAFEID_ERR_BUSY;
	case SCARD_E_TIMEOUT:
		return SAFEID_ERR_TIMEOUT;
	case SCARD_E_NO_MEMORY:
		return SAFEID_ERR_NOMEM;
	case SCARD_E_INVALID_PARAMETER:
	case SCARD_E_INVALID_HANDLE:
	case SCARD_E_INVALID_VALUE:
	case SCARD_E_INSUFFICIENT_BUFFER:
		return SAFEID_ERR_ARG;
	default:
		return SAFEID_ERR_COMM;
	}
}

/* After a failed exchange: was the card taken away (or reset)?  Then say
 * so rather than "communication failed". */
static int broken_exchange(const struct safeid_pcsc *p)
{
	char name[MAX_READERNAME];
	uint8_t atr[MAX_ATR_SIZE];
	DWORD namelen = sizeof(name), atrlen = sizeof(atr), state = 0,
	      proto = 0;
	LONG rv;

	rv = SCardStatus(p->card, name, &namelen, &state, &proto, atr, &atrlen);
	if (rv == SCARD_W_REMOVED_CARD || rv == SCARD_W_RESET_CARD ||
	    rv == SCARD_E_NO_SMARTCARD)
		return SAFEID_ERR_REMOVED;
	if (rv == SCARD_S_SUCCESS &&
	    !(state & (SCARD_PRESENT | SCARD_SPECIFIC)))
		return SAFEID_ERR_REMOVED;
	return SAFEID_ERR_COMM;
}

static int pcsc_transmit(void *ctx, const uint8_t *capdu, size_t clen,
                         uint8_t *rapdu, size_t rcap, size_t *rlen)
{
	struct safeid_pcsc *p = ctx;
	const SCARD_IO_REQUEST *pci;
	DWORD len = (DWORD)rcap;
	LONG rv;
	int rc;

	if (p == NULL || !p->have_card || capdu == NULL || rapdu == NULL ||
	    rlen == NULL || clen > SAFEID_APDU_MAX)
		return SAFEID_ERR_ARG;
	pci = p->protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
	rv = SCardTransmit(p->card, pci, capdu, (DWORD)clen, NULL, rapdu, &len);
	if (rv != SCARD_S_SUCCESS) {
		rc = sid_pcsc_err(rv, SID_PCSC_TRANSMIT);
		return rc == SAFEID_ERR_COMM ? broken_exchange(p) : rc;
	}
	/* Every card answer carries a status word.  An empty "success" is
	 * what a reader driver gives when its link to the card broke (vpcd
	 * does so when the card side hangs up): the exchange failed. */
	if (len < 2)
		return broken_exchange(p);
	*rlen = len;
	return SAFEID_OK;
}

static int pcsc_begin(void *ctx)
{
	struct safeid_pcsc *p = ctx;

	if (p == NULL || !p->have_card)
		return SAFEID_ERR_ARG;
	/* Blocks while another program holds a transaction on this card. */
	return sid_pcsc_err(SCardBeginTransaction(p->card), SID_PCSC_TRANSMIT);
}

static int pcsc_end(void *ctx)
{
	struct safeid_pcsc *p = ctx;

	if (p == NULL || !p->have_card)
		return SAFEID_ERR_ARG;
	return sid_pcsc_err(SCardEndTransaction(p->card, SCARD_LEAVE_CARD),
	                    SID_PCSC_TRANSMIT);
}

int safeid_pcsc_open(const char *reader, safeid_pcsc **out)
{
	struct safeid_pcsc *p = NULL;
	LONG rv;
	int rc = SAFEID_ERR_ARG;

	if (out == NULL)
		return SAFEID_ERR_ARG;
	*out = NULL;
	if (reader == NULL || reader[0] == '\0')
		goto fail;
	rc = SAFEID_ERR_NOMEM;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		goto fail;
	rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &p->ctx);
	if (rv != SCARD_S_SUCCESS) {
		rc = sid_pcsc_err(rv, SID_PCSC_SETUP);
		goto fail;
	}
	p->have_ctx = true;
	rv = SCardConnect(p->ctx, reader, SCARD_SHARE_SHARED,
	                  SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &p->card,
	                  &p->protocol);
	if (rv != SCARD_S_SUCCESS) {
		rc = sid_pcsc_err(rv, SID_PCSC_CONNECT);
		goto fail;
	}
	p->have_card = true;
	p->tp.ctx = p;
	p->tp.transmit = pcsc_transmit;
	p->tp.begin = pcsc_begin;
	p->tp.end = pcsc_end;
	*out = p;
	return SAFEID_OK;
fail:
	safeid_pcsc_close(&p);
	return rc;
}

const safeid_transport *safeid_pcsc_transport(safeid_pcsc *p)
{
	return p != NULL ? &p->tp : NULL;
}

void safeid_pcsc_close(safeid_pcsc **pp)
{
	struct safeid_pcsc *p;

	if (pp == NULL || *pp == NULL)
		return;
	p = *pp;
	/* Leave the card powered: a reset or power-down would cost the user
	 * another button press for nothing. */
	if (p->have_card)
		(void)SCardDisconnect(p->card, SCARD_LEAVE_CARD);
	if (p->have_ctx)
		(void)SCardReleaseContext(p->ctx);
	free(p);
	*pp = NULL;
}
