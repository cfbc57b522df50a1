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

#include "p11.h"
#include "token.h"

/* Complete the configuration from the template and the record. */
static CK_RV fill_config(const p11_clock_plan *p, const p11_record *rec,
                         safeid_config *cfg)
{
	if ((!p->has_hash || !p->has_step || !p->has_display) && !rec->cfg_known)
		return CKR_FUNCTION_REJECTED;
	cfg->clock = p->clock;
	cfg->hash = p->has_hash ? p->hash : rec->hash;
	cfg->step = p->has_step ? p->step : rec->step;
	cfg->display = p->has_display ? p->display : rec->display;
	return CKR_OK;
}

/* Authenticate and write the config on an open connection. */
static CK_RV write_clock(p11_conn *c, const safeid_info *info,
                         const safeid_config *cfg, p11_record *rec)
{
	bool restricted = safeid_serial_restricted(info->serial);
	int err;

	err = safeid_authenticate(c->t);
	if (err != SAFEID_OK) {
		p11_debug("token %s: authentication failed: %s", info->serial,
		          safeid_strerror(err));
		return p11_answer_lost(err) ? CKR_DEVICE_REMOVED
		                        : p11_rv_from_err(err, SAFEID_STEP_AUTH);
	}
	err = safeid_write_config(c->t, cfg);
	if (err == SAFEID_OK) {
		rec->cfg_known = true;
		rec->hash = cfg->hash;
		rec->step = cfg->step;
		rec->display = cfg->display;
		if (restricted)
			rec->seed_state = CKS_SAFEID_SEED_ERASED;
		return CKR_OK;
	}
	p11_debug("token %s: clock write failed: %s", info->serial,
	          safeid_strerror(err));
	if (!p11_answer_lost(err))
		return p11_rv_from_err(err, SAFEID_STEP_CONFIG);
	rec->cfg_known = false;
	if (restricted)
		rec->seed_state = CKS_SAFEID_SEED_UNKNOWN;
	return CKR_DEVICE_REMOVED;
}

/* The checks and the write, on an open connection to the right token. */
static CK_RV clock_on_token(p11_conn *c, const safeid_info *info,
                            const p11_clock_plan *plan)
{
	safeid_config cfg;
	p11_record rec;
	CK_RV rv;

	p11_record_get(info->serial, &rec);
	if (safeid_serial_restricted(info->serial) && !plan->erase_consent) {
		p11_debug("token %s (%s) erases its seed on any clock write; "
		          "add CKA_SAFEID_ERASE_SEED=CK_TRUE to accept that, then "
		          "burn the seed again",
		          info->serial,
		          info->model != NULL ? info->model->name : "unknown model");
		return CKR_FUNCTION_REJECTED;
	}
	rv = fill_config(plan, &rec, &cfg);
	if (rv != CKR_OK) {
		p11_debug("token %s: the clock write also sets hash, step and "
		          "display timeout, which this module does not know; "
		          "give CKA_SAFEID_HASH, CKA_OTP_TIME_INTERVAL and "
		          "CKA_SAFEID_DISPLAY_TIMEOUT in the template",
		          info->serial);
		return rv;
	}
	rv = write_clock(c, info, &cfg, &rec);
	p11_record_put(info->serial, &rec);
	return rv;
}

CK_RV p11_clock_set(const p11_session *s, const p11_clock_plan *plan)
{
	safeid_info info;
	p11_conn c;
	void *lock = p11_slot_lock(s->slot);
	CK_RV rv;

	if (lock == NULL)
		return CKR_DEVICE_REMOVED;
	p11_mutex_lock(lock);
	rv = p11_conn_open(s->slot, s->serial, true, &c, &info);
	if (rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_TOKEN_NOT_RECOGNIZED)
		rv = CKR_DEVICE_REMOVED;
	if (rv == CKR_OK) {
		rv = clock_on_token(&c, &info, plan);
		p11_conn_close(&c);
	}
	p11_mutex_unlock(lock);
	return rv;
}

CK_RV C_SetAttributeValue(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject,
                          CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount)
{
	p11_clock_plan plan;
	p11_session s;
	CK_RV rv = p11_session_enter(hSession, &s);

	if (rv != CKR_OK)
		return rv;
	if (pTemplate == NULL && ulCount > 0)
		return CKR_ARGUMENTS_BAD;
	if (!p11_object_valid(hObject))
		return CKR_OBJECT_HANDLE_INVALID;
	if (!(s.flags & CKF_RW_SESSION))
		return CKR_SESSION_READ_ONLY;
	/* The seed slot changes only by a burn (C_CreateObject). */
	if (hObject == P11_OBJ_SEED)
		return CKR_ATTRIBUTE_READ_ONLY;
	rv = p11_template_clock(pTemplate, ulCount, &plan);
	if (rv != CKR_OK)
		return rv;
	return p11_clock_set(&s, &plan);
}
