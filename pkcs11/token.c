/*
 * token.c: reaching the token on a slot through the core's PC/SC
 * transport, and the one place core errors become CK_RVs.
 *
 * Each operation that talks to the token connects, works and disconnects:
 * a token on an NFC reader comes and goes, and a held connection would
 * only go stale.  Reads of the token's info are answered from what was
 * kept (slot.c) while the same card stays on the reader.
 */
#include <string.h>

#include "p11.h"
#include "token.h"

CK_RV p11_rv_from_err(int err, safeid_step step)
{
	switch (err) {
	case SAFEID_OK:
		return CKR_OK;
	case SAFEID_ERR_NOMEM:
		return CKR_HOST_MEMORY;
	case SAFEID_ERR_NO_TOKEN:
	case SAFEID_ERR_REMOVED:
	case SAFEID_ERR_READER_GONE:
	case SAFEID_ERR_READER_UNKNOWN:
	case SAFEID_ERR_NO_READER:
	case SAFEID_ERR_NO_SERVICE:
		/* Before the first answer the token was simply not there;
		 * after it, it left mid-operation. */
		return step <= SAFEID_STEP_INFO ? CKR_TOKEN_NOT_PRESENT
		                                : CKR_DEVICE_REMOVED;
	case SAFEID_ERR_NOT_TOKEN:
	case SAFEID_ERR_BAD_REPLY:
	case SAFEID_ERR_INS:
	case SAFEID_ERR_CLA:
	case SAFEID_ERR_WRONG_LENGTH:
	case SAFEID_ERR_SW:
		return step <= SAFEID_STEP_INFO ? CKR_TOKEN_NOT_RECOGNIZED
		                                : CKR_DEVICE_ERROR;
	default:
		return CKR_DEVICE_ERROR;
	}
}

bool p11_answer_lost(int err)
{
	return err == SAFEID_ERR_REMOVED || err == SAFEID_ERR_READER_GONE ||
	       err == SAFEID_ERR_NO_TOKEN || err == SAFEID_ERR_COMM ||
	       err == SAFEID_ERR_TIMEOUT;
}

CK_RV p11_conn_open(CK_SLOT_ID id, const char *serial, bool exclusive,
                    p11_conn *c, safeid_info *info)
{
	char reader[P11_READER_MAX];
	CK_RV rv;
	int err;

	memset(c, 0, sizeof(*c));
	rv = p11_slot_reader(id, reader, sizeof(reader));
	if (rv != CKR_OK)
		return rv;
	/* Whatever happens next may change the token: read it afresh. */
	p11_info_forget(id);
	err = safeid_pcsc_open(reader, &c->pcsc);
	if (err != SAFEID_OK) {
		p11_debug("reader \"%s\": connecting failed: %s", reader,
		          safeid_strerror(err));
		rv = p11_rv_from_err(err, SAFEID_STEP_INFO);
		goto fail;
	}
	c->t = safeid_pcsc_transport(c->pcsc);
	if (exclusive && c->t->begin != NULL) {
		err = c->t->begin(c->t->ctx);
		if (err != SAFEID_OK) {
			rv = p11_rv_from_err(err, SAFEID_STEP_INFO);
			goto fail;
		}
		c->in_tx = true;
	}
	/* The caller reads info itself (a burn's first step does). */
	if (info == NULL)
		return CKR_OK;
	err = safeid_get_info(c->t, info);
	if (err != SAFEID_OK) {
		p11_debug("reader \"%s\": get info failed: %s", reader,
		          safeid_strerror(err));
		rv = p11_rv_from_err(err, SAFEID_STEP_INFO);
		goto fail;
	}
	/* A session's token was swapped for another one: never write to a
	 * token the application did not open. */
	if (serial != NULL && strcmp(serial, info->serial) != 0) {
		p11_debug("reader \"%s\": token %s was replaced by %s; open a "
		          "new session", reader, serial, info->serial);
		rv = CKR_DEVICE_REMOVED;
		goto fail;
	}
	return CKR_OK;
fail:
	p11_conn_close(c);
	return rv;
}

void p11_conn_close(p11_conn *c)
{
	if (c->in_tx && c->t->end != NULL)
		(void)c->t->end(c->t->ctx);
	c->in_tx = false;
	c->t = NULL;
	if (c->pcsc != NULL)
		safeid_pcsc_close(&c->pcsc);
}

CK_RV p11_token_probe(CK_SLOT_ID id, safeid_info *info)
{
	char reader[P11_READER_MAX];
	safeid_reader_state mark;
	bool marked;
	p11_conn c;
	CK_RV rv;

	if (p11_info_cached(id, info))
		return CKR_OK;
	rv = p11_slot_reader(id, reader, sizeof(reader));
	if (rv != CKR_OK)
		return rv;
	/* The state before the read: a swap during it shows as a change. */
	marked = p11_reader_look(reader, &mark);
	/* PC/SC already knows the reader is empty: no connection to try. */
	if (marked && mark.empty)
		return CKR_TOKEN_NOT_PRESENT;
	rv = p11_conn_open(id, NULL, false, &c, info);
	if (rv != CKR_OK)
		return rv;
	p11_conn_close(&c);
	if (marked)
		p11_info_keep(id, &mark, info);
	return CKR_OK;
}
