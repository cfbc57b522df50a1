/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * token.c: reaching the token on a slot through the core's PC/SC
 * transport, C_GetTokenInfo, and the one place core errors become CK_RVs.
 *
 * Each operation that talks to the token connects, works and disconnects:
 * a token on an NFC reader comes and goes, and a held connection would
 * only go stale.  The connection's PC/SC calls run on a courier thread
 * (courier.c), so the whole operation has a bound.  Reads of the token's
 * info are answered from what was kept (slot.c) while the same card stays
 * on the reader; so is "not one of ours" for a foreign card.
 */
#include <stdio.h>
#include <string.h>

#include "sp11.h"
#include "token.h"

CK_RV sp11_err_to_rv(int err, safeid_step step)
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

bool sp11_answer_lost(int err)
{
	return err == SAFEID_ERR_REMOVED || err == SAFEID_ERR_READER_GONE ||
	       err == SAFEID_ERR_NO_TOKEN || err == SAFEID_ERR_COMM ||
	       err == SAFEID_ERR_TIMEOUT;
}

CK_RV sp11_conn_open(CK_SLOT_ID id, const char *serial, bool exclusive,
                     sp11_conn *c, safeid_detected *det)
{
	char reader[SP11_READER_MAX];
	CK_RV rv;
	int err;

	memset(c, 0, sizeof(*c));
	c->slot = id;
	rv = sp11_slot_reader(id, reader, sizeof(reader));
	if (rv != CKR_OK)
		return rv;
	if (sp11_slot_stuck(id)) {
		sp11_debug(
			"reader \"%s\": an earlier exchange with the token "
			"there has not ended; take the token away and put it "
			"back",
			reader);
		return CKR_DEVICE_ERROR;
	}
	/* Whatever happens next may change the token: read it afresh. */
	sp11_info_forget(id);
	err = sp11_courier_open(reader, &c->k);
	if (err != SAFEID_OK) {
		sp11_debug("reader \"%s\": connecting failed: %s", reader,
		           safeid_strerror(err));
		rv = sp11_err_to_rv(err, SAFEID_STEP_INFO);
		goto fail;
	}
	c->base = sp11_courier_transport(c->k);
	c->t = c->base;
	if (exclusive) {
		err = c->base->begin(c->base->ctx);
		if (err != SAFEID_OK) {
			rv = sp11_err_to_rv(err, SAFEID_STEP_INFO);
			goto fail;
		}
		c->in_tx = true;
		/* The transaction is ours: the core must not nest one. */
		c->inner = *c->base;
		c->inner.begin = NULL;
		c->inner.end = NULL;
		c->t = &c->inner;
	}
	/* The caller reads info itself (a burn's first step does). */
	if (det == NULL)
		return CKR_OK;
	/* Reads only: the reader's name says which family to ask first,
	 * the token's answers decide. */
	err = safeid_detect(c->t, reader, det);
	if (err != SAFEID_OK) {
		c->err = err;
		sp11_debug("reader \"%s\": get info failed: %s", reader,
		           safeid_strerror(err));
		rv = sp11_err_to_rv(err, SAFEID_STEP_INFO);
		goto fail;
	}
	/* A session's token was swapped for another one: never write to a
	 * token the application did not open. */
	if (serial != NULL && strcmp(serial, det->info.serial) != 0) {
		sp11_debug("reader \"%s\": token %s was replaced by %s; open a "
		           "new session",
		           reader, serial, det->info.serial);
		rv = CKR_DEVICE_REMOVED;
		goto fail;
	}
	return CKR_OK;
fail:
	sp11_conn_close(c);
	return rv;
}

void sp11_conn_close(sp11_conn *c)
{
	if (c->k == NULL)
		return;
	c->timed_out = sp11_courier_abandoned(c->k);
	if (c->timed_out)
		sp11_slot_stuck_set(c->slot, c->k);
	else if (c->in_tx)
		(void)c->base->end(c->base->ctx);
	c->in_tx = false;
	c->t = NULL;
	c->base = NULL;
	sp11_courier_close(&c->k);
}

bool sp11_conn_timed_out(const sp11_conn *c)
{
	return c->timed_out || (c->k != NULL && sp11_courier_abandoned(c->k));
}

bool sp11_is_m2(const safeid_detected *det)
{
	return det->family != NULL && det->family->id == SAFEID_FAMILY_MOLTO2;
}

/* The probe itself; caller holds the slot lock. */
static CK_RV probe(CK_SLOT_ID id, safeid_detected *det)
{
	char reader[SP11_READER_MAX];
	safeid_reader_state mark;
	bool marked;
	sp11_conn c;
	CK_RV rv;

	if (sp11_info_recall(id, det, &rv))
		return rv;
	rv = sp11_slot_reader(id, reader, sizeof(reader));
	if (rv != CKR_OK)
		return rv;
	/* The state before the read: a swap during it shows as a change. */
	marked = sp11_reader_look(reader, &mark);
	/* PC/SC already knows the reader is empty: no connection to try. */
	if (marked && mark.empty)
		return CKR_TOKEN_NOT_PRESENT;
	rv = sp11_conn_open(id, NULL, false, &c, det);
	/* A card that does not know get info is not one of ours for as long
	 * as it stays; a garbled answer is worth asking again. */
	if (c.err == SAFEID_ERR_NOT_TOKEN && marked)
		sp11_info_keep_foreign(id, &mark);
	if (rv != CKR_OK)
		return rv;
	sp11_conn_close(&c);
	if (marked)
		sp11_info_keep(id, &mark, det);
	return CKR_OK;
}

CK_RV sp11_token_probe(CK_SLOT_ID id, safeid_detected *det)
{
	CK_RV rv = sp11_slot_lock(id);

	if (rv != CKR_OK)
		return rv;
	rv = probe(id, det);
	sp11_slot_unlock(id);
	return rv;
}

/* The serial is the token's identity: if it is longer than the 16
 * characters PKCS#11 allows, keep its end, where serials differ. */
static void serial16(CK_CHAR out[16], const char *serial)
{
	size_t n = strlen(serial);

	sp11_text_pad(out, 16, n > 16 ? serial + (n - 16) : serial);
}

/* What differs for a Molto2: names, the PIN and its flags. */
static void m2_token_info(const safeid_detected *det, CK_TOKEN_INFO_PTR pInfo)
{
	const char *serial = det->info.serial;
	char label[64], model[32];
	int tries;

	if (strlen(serial) + 7 > sizeof(pInfo->label))
		snprintf(label, sizeof(label), "%s", serial);
	else
		snprintf(label, sizeof(label), "Molto2 %s", serial);
	sp11_text_pad(pInfo->label, sizeof(pInfo->label), label);
	sp11_text_pad(pInfo->manufacturerID, sizeof(pInfo->manufacturerID),
	              "Token2");
	snprintf(model, sizeof(model), "Molto2 %u", det->profiles);
	sp11_text_pad(pInfo->model, sizeof(pInfo->model), model);
	/* The customer key is the user PIN; writes need it, reads do not. */
	pInfo->flags |= CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED;
	/* The tries as the token last told them (only a wrong key does). */
	sp11_m2_refresh(serial);
	tries = sp11_m2_tries(serial);
	if (tries == 0)
		pInfo->flags |= CKF_USER_PIN_LOCKED;
	else if (tries == 1)
		pInfo->flags |= CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY;
	else if (tries > 1)
		pInfo->flags |= CKF_USER_PIN_COUNT_LOW;
	pInfo->ulMaxPinLen = SAFEID_M2_CUSTOMER_KEY_MAX;
	pInfo->ulMinPinLen = 1;
}

CK_RV C_GetTokenInfo(CK_SLOT_ID slotID, CK_TOKEN_INFO_PTR pInfo)
{
	char label[64], utc[16];
	safeid_detected det;
	const safeid_info *info = &det.info;
	sp11_card card;
	CK_ULONG all = 0, rw = 0;
	CK_RV rv = sp11_ready();

	if (rv != CKR_OK)
		return rv;
	if (pInfo == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = sp11_slot_card(slotID, &card);
	if (rv != CKR_OK)
		return rv;
	rv = sp11_token_probe(slotID, &det);
	if (rv != CKR_OK)
		return rv;
	memset(pInfo, 0, sizeof(*pInfo));
	/* The label holds the whole serial, which serialNumber may cut. */
	if (strlen(info->serial) + 7 > sizeof(pInfo->label))
		snprintf(label, sizeof(label), "%s", info->serial);
	else
		snprintf(label, sizeof(label), "SafeID %s", info->serial);
	sp11_text_pad(pInfo->label, sizeof(pInfo->label), label);
	sp11_text_pad(pInfo->manufacturerID, sizeof(pInfo->manufacturerID),
	              "ExcelSecu/Token2 family");
	sp11_text_pad(pInfo->model, sizeof(pInfo->model),
	              info->model != NULL ? info->model->name
	                                  : "unknown model");
	serial16(pInfo->serialNumber, info->serial);
	/* No PIN (CKF_LOGIN_REQUIRED and CKF_USER_PIN_INITIALIZED off, see
	 * C_Login) and no random number generator (CKF_RNG off).  The seed
	 * slot is writable. */
	pInfo->flags = CKF_CLOCK_ON_TOKEN | CKF_TOKEN_INITIALIZED;
	/* The session table grows as needed (session.c): no limit but
	 * memory.  The counts are this application's sessions with the
	 * token now on the slot. */
	pInfo->ulMaxSessionCount = CK_EFFECTIVELY_INFINITE;
	pInfo->ulMaxRwSessionCount = CK_EFFECTIVELY_INFINITE;
	if (card.known && card.present) {
		sp11_sessions_count(slotID, card.events, &all, &rw);
		pInfo->ulSessionCount = all;
		pInfo->ulRwSessionCount = rw;
	} else {
		pInfo->ulSessionCount = CK_UNAVAILABLE_INFORMATION;
		pInfo->ulRwSessionCount = CK_UNAVAILABLE_INFORMATION;
	}
	pInfo->ulMaxPinLen = 0;
	pInfo->ulMinPinLen = 0;
	pInfo->ulTotalPublicMemory = CK_UNAVAILABLE_INFORMATION;
	pInfo->ulFreePublicMemory = CK_UNAVAILABLE_INFORMATION;
	pInfo->ulTotalPrivateMemory = CK_UNAVAILABLE_INFORMATION;
	pInfo->ulFreePrivateMemory = CK_UNAVAILABLE_INFORMATION;
	if (sp11_is_m2(&det))
		m2_token_info(&det, pInfo);
	sp11_clock_format(info->clock, utc);
	memcpy(pInfo->utcTime, utc, sizeof(pInfo->utcTime));
	return CKR_OK;
}
