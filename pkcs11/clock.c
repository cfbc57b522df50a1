/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * clock.c: setting the token clock (C_SetAttributeValue of CKA_VALUE on
 * the clock object).  The token sets its clock only through a full config
 * write, which also sets hash, step and display timeout, and which erases
 * the seed on restricted-sync models.  So the write is refused, never
 * guessed, when the configuration is not in the template and not known
 * from a burn by this process, and refused on a restricted (or unknown)
 * model unless the template carries CKA_SAFEID_ERASE_SEED = CK_TRUE.
 */
#include <string.h>

#include "sp11.h"
#include "token.h"

/* Complete the configuration from the template and the record. */
static CK_RV config_fill(const sp11_clock_plan *p, const sp11_record *rec,
                         safeid_config *cfg)
{
	if ((!p->has_hash || !p->has_step || !p->has_display) &&
	    !rec->cfg_known)
		return CKR_FUNCTION_REJECTED;
	cfg->clock = p->clock;
	cfg->hash = p->has_hash ? p->hash : rec->hash;
	cfg->step = p->has_step ? p->step : rec->step;
	cfg->display = p->has_display ? p->display : rec->display;
	return CKR_OK;
}

/* Authenticate and write the config on an open connection. */
static CK_RV clock_write(sp11_conn *c, const safeid_info *info,
                         const safeid_config *cfg, sp11_record *rec,
                         bool *changed)
{
	bool restricted = safeid_serial_restricted(info->serial);
	int err;

	err = safeid_authenticate(c->t);
	if (err != SAFEID_OK) {
		sp11_debug("token %s: authentication failed: %s", info->serial,
		           safeid_strerror(err));
		if (sp11_conn_timed_out(c))
			return CKR_DEVICE_ERROR;
		return sp11_answer_lost(err)
		               ? CKR_DEVICE_REMOVED
		               : sp11_err_to_rv(err, SAFEID_STEP_AUTH);
	}
	sp11_write_starting();
	err = safeid_write_config(c->t, cfg);
	if (err == SAFEID_OK) {
		rec->cfg_known = true;
		rec->hash = cfg->hash;
		rec->step = cfg->step;
		rec->display = cfg->display;
		if (restricted) {
			rec->seed_state = CKS_SAFEID_SEED_ERASED;
			rec->made = false;
			rec->kept_len = 0;
		}
		*changed = true;
		return CKR_OK;
	}
	sp11_debug("token %s: clock write failed: %s", info->serial,
	           safeid_strerror(err));
	/* A garbled answer is no answer: the write may have been carried
	 * out (as a burn counts it). */
	if (!sp11_answer_lost(err) && err != SAFEID_ERR_BAD_REPLY)
		return sp11_err_to_rv(err, SAFEID_STEP_CONFIG);
	rec->cfg_known = false;
	if (restricted) {
		rec->seed_state = CKS_SAFEID_SEED_UNKNOWN;
		rec->made = false;
		rec->kept_len = 0;
	}
	*changed = true;
	/* No answer within the module's bound, or a garbled one, is the
	 * token's fault; a broken link is its leaving. */
	return sp11_conn_timed_out(c) || !sp11_answer_lost(err)
	               ? CKR_DEVICE_ERROR
	               : CKR_DEVICE_REMOVED;
}

/* The checks and the write, on an open connection to the right token. */
static CK_RV clock_apply(sp11_conn *c, const safeid_info *info,
                         const sp11_clock_plan *plan)
{
	safeid_config cfg;
	sp11_record rec;
	bool changed = false;
	CK_RV rv;

	sp11_record_get(info->serial, &rec);
	if (safeid_serial_restricted(info->serial) && !plan->erase_consent) {
		sp11_debug("token %s (%s) erases its seed on any clock write; "
		           "add CKA_SAFEID_ERASE_SEED=CK_TRUE to accept that, "
		           "then burn the seed again",
		           info->serial,
		           info->model != NULL ? info->model->name
		                               : "unknown model");
		return CKR_FUNCTION_REJECTED;
	}
	rv = config_fill(plan, &rec, &cfg);
	if (rv != CKR_OK) {
		sp11_debug("token %s: the clock write also sets hash, step and "
		           "display timeout, which this module does not know; "
		           "give CKA_SAFEID_HASH, CKA_OTP_TIME_INTERVAL and "
		           "CKA_SAFEID_DISPLAY_TIMEOUT in the template",
		           info->serial);
		return rv;
	}
	rv = sp11_record_reserve(info->serial, rec.kept_len);
	if (rv != CKR_OK)
		return rv;
	rv = clock_write(c, info, &cfg, &rec, &changed);
	sp11_record_put(info->serial, &rec);
	if (changed)
		sp11_store_save(info->serial, &rec);
	return rv;
}

/* Connect to the session's token, under its slot lock, and apply. */
static CK_RV clock_set(const sp11_session *s, const sp11_clock_plan *plan)
{
	safeid_detected det;
	sp11_conn c;
	CK_RV rv;

	if (sp11_slot_lock(s->slot) != CKR_OK)
		return CKR_DEVICE_REMOVED;
	rv = sp11_conn_open(s->slot, s->serial, true, &c, &det);
	if (rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_TOKEN_NOT_RECOGNIZED)
		rv = CKR_DEVICE_REMOVED;
	if (rv == CKR_OK) {
		rv = clock_apply(&c, &det.info, plan);
		sp11_conn_close(&c);
	}
	sp11_slot_unlock(s->slot);
	return rv;
}

CK_RV C_SetAttributeValue(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject,
                          CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount)
{
	char serial[SAFEID_SERIAL_MAX + 1];
	sp11_clock_plan plan;
	sp11_session s;
	unsigned obj;
	CK_RV rv = sp11_object_enter(hSession, hObject, pTemplate, ulCount, &s,
	                             &obj);

	if (rv == CKR_SESSION_HANDLE_INVALID &&
	    sp11_session_gone_serial(hSession, serial, sizeof(serial)))
		sp11_record_refused(serial);
	if (rv != CKR_OK)
		return rv;
	if (!(s.flags & CKF_RW_SESSION))
		return CKR_SESSION_READ_ONLY;
	/* CKA_MODIFIABLE false: the seed slot and a profile change only by
	 * a burn (C_CreateObject). */
	if (obj != SP11_OBJ_CLOCK)
		return CKR_ACTION_PROHIBITED;
	if (s.m2)
		return sp11_m2_clock(&s, pTemplate, ulCount);
	rv = sp11_clock_template_parse(pTemplate, ulCount, &plan);
	if (rv != CKR_OK)
		return rv;
	return clock_set(&s, &plan);
}
