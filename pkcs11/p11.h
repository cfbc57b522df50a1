/*
 * p11.h: internals shared by the files of the safeid PKCS#11 module.
 *
 * The module keeps three tables: slots (one per PC/SC reader seen), sessions
 * and per-token records (what this process knows about a token it burned:
 * hash, step, display timeout, seed state; never the seed).  One module
 * lock guards the tables; one lock per slot serialises talking to the token
 * on that reader, so two readers burn in parallel.
 */
#ifndef SAFEID_P11_H
#define SAFEID_P11_H

#include <stdbool.h>
#include <stddef.h>

#include <p11-kit/pkcs11.h>
#include <safeid/safeid.h>

#include "safeid-pkcs11.h"

#define P11_MAX_SLOTS 16u
#define P11_MAX_SESSIONS 64u
#define P11_MAX_RECORDS 64u
#define P11_READER_MAX 256u

/* The two objects every present token has; fixed handles. */
#define P11_OBJ_CLOCK ((CK_OBJECT_HANDLE)1)
#define P11_OBJ_SEED ((CK_OBJECT_HANDLE)2)

/* ---- module.c: init state, locks, fork detection ---------------------- */

/* CKR_OK when the module is initialised in this process.  After a fork the
 * child sees CKR_CRYPTOKI_NOT_INITIALIZED and may call C_Initialize. */
CK_RV p11_ready(void);
CK_RV p11_mutex_new(void **m);
void p11_mutex_free(void *m);
/* Drop a mutex inherited across fork() without destroying it. */
void p11_mutex_forget(void *m);
void p11_mutex_lock(void *m);
void p11_mutex_unlock(void *m);
/* The module lock (tables). Never held while talking to a token. */
void p11_glock(void);
void p11_gunlock(void);
/* Debug lines on stderr, only when SAFEID_PKCS11_DEBUG is set.  Callers
 * never pass secrets. */
void p11_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- pad.c: blank-padded PKCS#11 strings, clock text, host time ------- */

void p11_pad(CK_UTF8CHAR *dst, size_t cap, const char *src);
/* "YYYYMMDDhhmmss00" (16 chars, no NUL) for a Unix time. */
void p11_clock_text(uint32_t t, char out[16]);
/* Parse the same form; false if malformed or outside 1970..2106. */
bool p11_clock_parse(const char *s, size_t len, uint32_t *out);
/* Milliseconds on the monotonic clock, for bounds and ages. */
long long p11_mono_ms(void);

/* ---- slot.c: readers <-> slots, and what the module knows of each ---- */

CK_RV p11_slots_init(void);
void p11_slots_fini(void);
/* After fork(): drop the parent's slot table without touching its locks
 * or its PC/SC context. */
void p11_slots_forget(void);
/* Re-read the reader list (adds slots for new readers).  No PC/SC service
 * is no reader (CKR_OK). */
CK_RV p11_slots_refresh(void);
/* Copy the reader name of a slot; CKR_SLOT_ID_INVALID if none. */
CK_RV p11_slot_reader(CK_SLOT_ID id, char *reader, size_t cap);
void *p11_slot_lock(CK_SLOT_ID id);
CK_ULONG p11_slot_count(void);
/* The slots' ids and reader names (at most max), for C_WaitForSlotEvent. */
size_t p11_slots_readers(CK_SLOT_ID *ids, char (*names)[P11_READER_MAX],
                         size_t max);
/* Compare the reader's state now with what C_WaitForSlotEvent last
 * reported for the slot and remember it: true when a card came, went or
 * was replaced. */
bool p11_slot_event(CK_SLOT_ID id, const safeid_reader_state *now);

/* The reader's state now, on the module's watch (no connection, no APDU);
 * false when PC/SC cannot say or does not know the reader. */
bool p11_reader_look(const char *reader, safeid_reader_state *state);
/* The slot's kept info when the same card is still there untouched
 * (clock advanced by the host time passed since it was read). */
bool p11_info_cached(CK_SLOT_ID id, safeid_info *info);
/* Keep info read from the token; mark = the reader's state taken before
 * the read (p11_reader_look), so a change during the read is seen. */
void p11_info_keep(CK_SLOT_ID id, const safeid_reader_state *mark,
                   const safeid_info *info);
/* The same, for info read at the end of a longer operation: kept only when
 * the reader still shows the card of the mark, untouched (a removal during
 * the operation is never masked). */
void p11_info_keep_if_same(CK_SLOT_ID id, const safeid_reader_state *mark,
                           const safeid_info *info);
void p11_info_forget(CK_SLOT_ID id);

/* ---- event.c: card events of the slots' readers ----------------------- */

/* Accept C_WaitForSlotEvent calls again (C_Initialize). */
void p11_wait_open(void);
/* Wake a thread blocked in C_WaitForSlotEvent and refuse new calls
 * (C_Finalize). */
void p11_wait_cancel(void);
/* true when, since the mark, the card left or was put back (waiting up to
 * bound_ms for pcscd to notice); tells a removal from a garbled reply. */
bool p11_reader_left(const char *reader, const safeid_reader_state *mark,
                     long bound_ms);

/* ---- token.c: talking to the token on a slot --------------------------- */

/* The token's info: kept info while the same card stays on the reader,
 * else connect to the slot's reader and read it.  CKR_TOKEN_NOT_PRESENT,
 * CKR_TOKEN_NOT_RECOGNIZED, CKR_DEVICE_REMOVED, CKR_DEVICE_ERROR. */
CK_RV p11_token_probe(CK_SLOT_ID id, safeid_info *info);
/* Map a core error to a CK_RV (step: where it happened). */
CK_RV p11_rv_from_err(int err, safeid_step step);

/* ---- record.c: what this process knows about a token ------------------ */

typedef struct p11_record {
	bool cfg_known;             /* hash/step/display known (burned here) */
	safeid_hash hash;
	unsigned step;
	safeid_display display;
	CK_ULONG seed_state;        /* CKS_SAFEID_SEED_* */
} p11_record;

/* Copy the record of serial (defaults when none: nothing known, OLD). */
void p11_record_get(const char *serial, p11_record *out);
/* Copy the record of serial; false (out untouched) when this process,
 * since C_Initialize, has not tried to write to that token. */
bool p11_record_find(const char *serial, p11_record *out);
void p11_record_put(const char *serial, const p11_record *rec);
void p11_records_clear(void);
CK_ULONG p11_seed_state_from_core(safeid_seed_state s);

/* ---- session.c ---------------------------------------------------------- */

typedef struct p11_session {
	bool used;
	CK_SLOT_ID slot;
	CK_FLAGS flags;
	char serial[SAFEID_SERIAL_MAX + 1]; /* token the session was opened on */
	bool finding;
	CK_OBJECT_HANDLE found[2];
	CK_ULONG nfound, pos;
} p11_session;

/* Copy of a session (under the module lock); CKR_SESSION_HANDLE_INVALID. */
CK_RV p11_session_get(CK_SESSION_HANDLE h, p11_session *out);
/* The start of every session entry point: module initialised (and not a
 * forked child's copy), then the session copied as p11_session_get. */
CK_RV p11_session_enter(CK_SESSION_HANDLE h, p11_session *out);
CK_RV p11_session_set_find(CK_SESSION_HANDLE h, const CK_OBJECT_HANDLE *objs,
                           CK_ULONG n);
/* Next found objects of a C_FindObjects operation. */
CK_RV p11_session_find_next(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE *out,
                            CK_ULONG max, CK_ULONG *count);
void p11_sessions_clear(void);
/* Probe the session's token and check it is the one the session was opened
 * on (CKR_DEVICE_REMOVED otherwise).  Caller holds the slot lock. */
CK_RV p11_session_token(const p11_session *s, safeid_info *info);

/* ---- object.c: the two objects and their attributes -------------------- */

/* What an attribute getter needs to know about the token. */
typedef struct p11_view {
	const safeid_info *info;
	const p11_record *rec;
} p11_view;

bool p11_object_valid(CK_OBJECT_HANDLE h);
/* One attribute: CKR_OK (value copied, or *len set when buf is NULL),
 * CKR_BUFFER_TOO_SMALL, CKR_ATTRIBUTE_SENSITIVE, CKR_ATTRIBUTE_TYPE_INVALID.
 * *len is CK_UNAVAILABLE_INFORMATION for the last two. */
CK_RV p11_object_attr(CK_OBJECT_HANDLE h, const p11_view *v,
                      CK_ATTRIBUTE_TYPE type, void *buf, CK_ULONG *len);
/* C_GetAttributeValue semantics over a whole template. */
CK_RV p11_object_get(CK_OBJECT_HANDLE h, const p11_view *v,
                     CK_ATTRIBUTE_PTR tmpl, CK_ULONG n);
/* true when every attribute of tmpl equals the object's. */
bool p11_object_match(CK_OBJECT_HANDLE h, const p11_view *v,
                      const CK_ATTRIBUTE *tmpl, CK_ULONG n);

/* ---- template.c: validation of burn and clock templates (no I/O) ------- */

typedef struct p11_burn_plan {
	const CK_BYTE *seed;   /* points into the caller's template */
	size_t seedlen;
	safeid_hash hash;
	unsigned step;
	safeid_display display;
	bool has_clock;
	uint32_t clock;
} p11_burn_plan;

CK_RV p11_template_burn(const CK_ATTRIBUTE *tmpl, CK_ULONG n,
                        p11_burn_plan *plan);

typedef struct p11_clock_plan {
	uint32_t clock;
	bool has_hash, has_step, has_display;
	safeid_hash hash;
	unsigned step;
	safeid_display display;
	bool erase_consent;
} p11_clock_plan;

CK_RV p11_template_clock(const CK_ATTRIBUTE *tmpl, CK_ULONG n,
                         p11_clock_plan *plan);

/* ---- burn.c / clock.c -------------------------------------------------- */

CK_RV p11_burn(const p11_session *s, const p11_burn_plan *plan);
CK_RV p11_clock_set(const p11_session *s, const p11_clock_plan *plan);

#endif /* SAFEID_P11_H */
