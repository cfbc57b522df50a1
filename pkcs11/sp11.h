/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sp11.h: internals shared by the files of the safeid PKCS#11 module.
 *
 * The module keeps three tables: slots (one per PC/SC reader seen), sessions
 * and per-token records (what this process knows about a token it burned:
 * hash, step, display timeout, seed state, how the seed slot was made;
 * never the seed).  One module lock guards the tables; one lock per slot
 * serialises talking to the token on that reader, so two readers burn in
 * parallel, and a courier thread per connection bounds how long a token
 * that never answers can hold a caller.
 *
 * The module's own names start with sp11_ (safeid PKCS#11), apart from
 * p11-kit's p11_* and the core's safeid_*, and put the object first and
 * the verb after it (sp11_slot_lock, sp11_session_find_next).
 */
#ifndef SAFEID_SP11_H
#define SAFEID_SP11_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <p11-kit/pkcs11.h>
#include <safeid/molto2.h>
#include <safeid/safeid.h>

#include "pkcs11v3.h"
#include "safeid-pkcs11.h"

#define SP11_MAX_SLOTS 16u
#define SP11_READER_MAX 256u
/* Bytes of attributes kept for a seed slot (kept.c). */
#define SP11_KEPT_MAX 2048u
/* Objects a token shows at most: a Molto2's clock and 100 profiles. */
#define SP11_MAX_OBJECTS (1u + SAFEID_M2_PROFILES)

/* The objects of a token, by number; their handles also carry the card's
 * epoch (object.c).  Every token has the clock; a single-profile token
 * the seed slot, a Molto2 one object per occupied profile. */
#define SP11_OBJ_CLOCK 1u
#define SP11_OBJ_SEED 2u
#define SP11_OBJ_PROFILE0 0x10u
#define SP11_OBJ_PROFILE(p) (SP11_OBJ_PROFILE0 + (p))

/* ---- module.c: init state, locks, fork detection ---------------------- */

/* CKR_OK when the module is initialised in this process.  After a fork the
 * child sees CKR_CRYPTOKI_NOT_INITIALIZED and may call C_Initialize. */
CK_RV sp11_ready(void);
CK_RV sp11_mutex_new(void **m);
void sp11_mutex_free(void *m);
/* Drop a mutex inherited across fork() without destroying it. */
void sp11_mutex_forget(void *m);
void sp11_mutex_lock(void *m);
void sp11_mutex_unlock(void *m);
/* The module lock (tables). Never held while talking to a token. */
void sp11_module_lock(void);
void sp11_module_unlock(void);
/* Debug lines on stderr, only when SAFEID_PKCS11_DEBUG is set.  Callers
 * never pass secrets. */
void sp11_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* C_GetInfo of the 3.0 function list: the same, as version 3.0. */
CK_RV sp11_info_v3(CK_INFO_PTR pInfo);

/* ---- pad.c: blank-padded PKCS#11 strings, clock text, host time ------- */

void sp11_text_pad(CK_UTF8CHAR *dst, size_t cap, const char *src);
/* "YYYYMMDDhhmmss00" (16 chars, no NUL) for a Unix time. */
void sp11_clock_format(uint32_t t, char out[16]);
/* Parse the same form; false if malformed or outside 1970..2106. */
bool sp11_clock_parse(const char *s, size_t len, uint32_t *out);
/* Milliseconds on the monotonic clock, for bounds and ages. */
long long sp11_mono_ms(void);

/* ---- slot.c: readers <-> slots, and what the module knows of each ---- */

CK_RV sp11_slots_init(void);
void sp11_slots_fini(void);
/* After fork(): drop the parent's slot table without touching its locks
 * or its PC/SC context. */
void sp11_slots_forget(void);
/* Re-read the reader list (adds slots for new readers).  No PC/SC service
 * is no reader (CKR_OK). */
CK_RV sp11_slots_refresh(void);
/* Copy the reader name of a slot; CKR_SLOT_ID_INVALID if none. */
CK_RV sp11_slot_reader(CK_SLOT_ID id, char *reader, size_t cap);
/* CKR_OK when the slot exists, else CKR_SLOT_ID_INVALID. */
CK_RV sp11_slot_check(CK_SLOT_ID id);
/* Take the slot's lock, which serialises talking to the token on its
 * reader (CKR_SLOT_ID_INVALID when there is no such slot); give it back
 * with sp11_slot_unlock. */
CK_RV sp11_slot_lock(CK_SLOT_ID id);
void sp11_slot_unlock(CK_SLOT_ID id);
/* The card on the slot's reader now, from PC/SC (no APDU): known false
 * when PC/SC cannot say; present when a card gave its ATR; its event
 * count, and the epoch of this appearance (a number never given twice),
 * which sessions and object handles carry. */
typedef struct sp11_card {
	bool known;
	bool present;
	unsigned events;
	CK_ULONG epoch;
} sp11_card;
CK_RV sp11_slot_card(CK_SLOT_ID id, sp11_card *out);

typedef struct sp11_courier sp11_courier;
/* true while an exchange the module gave up waiting for is still blocked
 * on the slot's reader (courier.c); token calls then fail at once. */
bool sp11_slot_stuck(CK_SLOT_ID id);
/* Remember that exchange (the slot takes a reference). */
void sp11_slot_stuck_set(CK_SLOT_ID id, sp11_courier *k);

/* The slots' ids and reader names (at most max), for C_WaitForSlotEvent. */
size_t sp11_slots_readers(CK_SLOT_ID *ids, char (*names)[SP11_READER_MAX],
                          size_t max);
/* Compare the reader's state now with what C_WaitForSlotEvent last
 * reported for the slot and remember it: true when a card came, went or
 * was replaced. */
bool sp11_slot_report(CK_SLOT_ID id, const safeid_reader_state *now);

/* The reader's state now, on the module's watch (no connection, no APDU);
 * false when PC/SC cannot say or does not know the reader. */
bool sp11_reader_look(const char *reader, safeid_reader_state *state);
/* What was kept of the slot's card while the same card is still there
 * untouched: *rv CKR_OK and what it is (clock advanced by the host time
 * passed since it was read), or CKR_TOKEN_NOT_RECOGNIZED for a card that
 * is not one of ours.  false: nothing kept, ask the card. */
bool sp11_info_recall(CK_SLOT_ID id, safeid_detected *det, CK_RV *rv);
/* Keep "not one of ours" for the card of mark. */
void sp11_info_keep_foreign(CK_SLOT_ID id, const safeid_reader_state *mark);
/* Keep what was read from the token; mark = the reader's state taken
 * before the read (sp11_reader_look), so a change during the read is
 * seen. */
void sp11_info_keep(CK_SLOT_ID id, const safeid_reader_state *mark,
                    const safeid_detected *det);
/* The same, for info read at the end of a longer operation: kept only when
 * the reader still shows the card of the mark, untouched (a removal during
 * the operation is never masked). */
void sp11_info_keep_if_same(CK_SLOT_ID id, const safeid_reader_state *mark,
                            const safeid_detected *det);
/* Forget what was kept (the info and a Molto2's profiles). */
void sp11_info_forget(CK_SLOT_ID id);
/* A Molto2's profiles as read (n of them), kept like the info: while the
 * card of mark stays untouched and the module writes nothing to it. */
void sp11_profiles_keep(CK_SLOT_ID id, const safeid_reader_state *mark,
                        const safeid_m2_profile *p, size_t n);
/* The kept profiles into out (cap entries), *n of them; false when none
 * are kept for the card there now. */
bool sp11_profiles_recall(CK_SLOT_ID id, safeid_m2_profile *out, size_t cap,
                          size_t *n);

/* ---- event.c: card events of the slots' readers ----------------------- */

/* Accept C_WaitForSlotEvent calls again (C_Initialize). */
void sp11_events_open(void);
/* Wake a thread blocked in C_WaitForSlotEvent and refuse new calls
 * (C_Finalize). */
void sp11_events_close(void);
/* true when, since the mark, the card left or was put back (waiting up to
 * bound_ms for pcscd to notice); tells a removal from a garbled reply. */
bool sp11_reader_left(const char *reader, const safeid_reader_state *mark,
                      long bound_ms);

/* ---- token.c: talking to the token on a slot --------------------------- */

/* What the token is (family, profiles, serial, clock), under the slot
 * lock so it never interleaves with a burn: kept while the same card
 * stays on the reader, else connect to the slot's reader and recognise
 * it with reads only (safeid_detect).  CKR_SLOT_ID_INVALID,
 * CKR_TOKEN_NOT_PRESENT, CKR_TOKEN_NOT_RECOGNIZED, CKR_DEVICE_REMOVED,
 * CKR_DEVICE_ERROR. */
CK_RV sp11_token_probe(CK_SLOT_ID id, safeid_detected *det);
/* true for a Molto2 */
bool sp11_is_m2(const safeid_detected *det);
/* Map a core error to a CK_RV (step: where it happened). */
CK_RV sp11_err_to_rv(int err, safeid_step step);

/* ---- courier.c: PC/SC connections with a bound ------------------------ */

/* Read the bound from SAFEID_PKCS11_TIMEOUT (C_Initialize). */
void sp11_courier_configure(void);
/* Connect to reader on a courier thread; a call on the connection that
 * gets no answer within the bound gives up with SAFEID_ERR_TIMEOUT, and
 * so does every later one.  *out is set even on failure and must be
 * closed. */
int sp11_courier_open(const char *reader, sp11_courier **out);
const safeid_transport *sp11_courier_transport(sp11_courier *k);
/* A caller gave up waiting (the bound passed). */
bool sp11_courier_abandoned(sp11_courier *k);
/* The courier is inside a PC/SC call. */
bool sp11_courier_busy(sp11_courier *k);
void sp11_courier_ref(sp11_courier *k);
void sp11_courier_unref(sp11_courier *k);
/* End the connection: at once, or when an abandoned call returns. */
void sp11_courier_close(sp11_courier **k);

/* ---- kept.c: the seed slot's attributes the module keeps -------------- */

/* t is one of them; len is a valid length for it; t is a CK_BBOOL one
 * (a usage flag). */
bool sp11_kept_type(CK_ATTRIBUTE_TYPE t);
bool sp11_kept_valid(CK_ATTRIBUTE_TYPE t, CK_ULONG len);
bool sp11_kept_bool(CK_ATTRIBUTE_TYPE t);
/* Append (buf holds SP11_KEPT_MAX bytes); false when invalid or full. */
bool sp11_kept_add(unsigned char *buf, size_t *len, CK_ATTRIBUTE_TYPE t,
                   const void *val, CK_ULONG vlen);
/* The same into a buffer of cap bytes. */
bool sp11_kept_add_in(unsigned char *buf, size_t cap, size_t *len,
                      CK_ATTRIBUTE_TYPE t, const void *val, CK_ULONG vlen);
bool sp11_kept_find(const unsigned char *buf, size_t len, CK_ATTRIBUTE_TYPE t,
                    const unsigned char **val, CK_ULONG *vlen);
/* Walk the entries from *at (0 first). */
bool sp11_kept_next(const unsigned char *buf, size_t len, size_t *at,
                    CK_ATTRIBUTE_TYPE *t, const unsigned char **val,
                    CK_ULONG *vlen);

/* ---- record.c: what this process knows about a token ------------------ */

typedef struct sp11_record {
	bool touched;   /* this process tried to write to it */
	bool cfg_known; /* hash/step/display known */
	safeid_hash hash;
	unsigned step;
	safeid_display display;
	CK_ULONG seed_state; /* CKS_SAFEID_SEED_* */
	bool made;           /* the seed slot as a template made it */
	size_t kept_len;
	unsigned char kept[SP11_KEPT_MAX]; /* its kept attributes (kept.c) */
	long long time; /* Unix time this knowledge dates from */
} sp11_record;

/* What is known of serial: this process's record, or an earlier
 * process's (store.c) when newer; defaults when none (nothing known,
 * OLD, or UNKNOWN once a record was lost). */
void sp11_record_get(const char *serial, sp11_record *out);
/* Copy this process's record of serial; false (out untouched) when this
 * process, since C_Initialize, has not tried to write to that token. */
bool sp11_record_find(const char *serial, sp11_record *out);
/* Make sure serial's record, with kept_len bytes of kept attributes, can
 * be stored: CKR_HOST_MEMORY (nothing may be written) when not. */
CK_RV sp11_record_reserve(const char *serial, size_t kept_len);
/* Store rec as serial's record, dated now (rec->time is set). */
void sp11_record_put(const char *serial, sp11_record *rec);
/* A write asked on a session whose token had left: recorded as an
 * attempt that changed nothing. */
void sp11_record_refused(const char *serial);
void sp11_records_clear(void);
CK_ULONG sp11_seed_state_to_cks(safeid_seed_state s);

/* ---- store.c: what the module knows beyond one process ---------------- */

/* The newest of the module's saved record and safeid-tool's burn record
 * of serial (time, configuration, how the seed slot was made); false
 * when neither exists or can be trusted. */
bool sp11_store_load(const char *serial, sp11_record *out);
/* Parse a file's text (NUL-terminated, changed in place): the module's
 * own, or safeid-tool's burn record (tool); false when anything in it is
 * not as written by them. */
bool sp11_store_parse(char *buf, const char *serial, bool tool,
                      sp11_record *out);
/* Save rec for serial, best effort (debug line on failure). */
void sp11_store_save(const char *serial, const sp11_record *rec);
/* What the module's files share (m2store.c too): the file of serial with
 * extension ext in the module's state folder; reading a file only if it
 * is to be trusted (sp11_store_load says how); writing one whole, 0600,
 * through body, then renaming it into place; and the fields' forms. */
bool sp11_store_serial_ok(const char *serial);
bool sp11_store_path(const char *serial, const char *ext, char *out,
                     size_t cap);
bool sp11_store_file_read(const char *path, char *buf, size_t cap);
void sp11_store_write(const char *serial, const char *ext,
                      bool (*body)(FILE *f, const char *serial,
                                   const void *arg),
                      const void *arg);
/* A decimal number without sign, spaces or leading zeros, up to max. */
bool sp11_store_number(const char *s, unsigned long long max,
                       unsigned long long *out);
bool sp11_store_hash(const char *s, safeid_hash *h);
const char *sp11_store_hash_text(safeid_hash h);
bool sp11_store_display(const char *s, safeid_display *d);
int sp11_store_hexval(char c);

/* ---- session.c ---------------------------------------------------------- */

typedef struct sp11_session {
	CK_SESSION_HANDLE handle;
	CK_SLOT_ID slot;
	CK_FLAGS flags;
	char serial[SAFEID_SERIAL_MAX +
	            1];    /* token the session was opened on */
	bool m2;           /* that token is a Molto2 */
	unsigned profiles; /* its profile count (1 for single-profile) */
	unsigned events;   /* the card appearance it was opened on */
	CK_ULONG epoch;    /* and its epoch, for object handles */
	bool gone;         /* closed because its token left */
	bool finding;
	CK_OBJECT_HANDLE found[SP11_MAX_OBJECTS];
	CK_ULONG nfound, pos;
} sp11_session;

/* The start of every session entry point: module initialised (and not a
 * forked child's copy), then a copy of the session taken under the module
 * lock; CKR_SESSION_HANDLE_INVALID for a handle never given, closed, or
 * whose token has left the reader since it was opened (which closes it). */
CK_RV sp11_session_enter(CK_SESSION_HANDLE h, sp11_session *out);
/* For a session closed because its token left: true and its serial. */
bool sp11_session_gone_serial(CK_SESSION_HANDLE h, char *serial, size_t cap);
CK_RV sp11_session_find_set(CK_SESSION_HANDLE h, const CK_OBJECT_HANDLE *objs,
                            CK_ULONG n);
/* Next found objects of a C_FindObjects operation. */
CK_RV sp11_session_find_next(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE *out,
                             CK_ULONG max, CK_ULONG *count);
/* This application's sessions (all, read-write) on the card appearance
 * events of slot. */
void sp11_sessions_count(CK_SLOT_ID slot, unsigned events, CK_ULONG *all,
                         CK_ULONG *rw);
void sp11_sessions_clear(void);
/* Probe the session's token and check it is the one the session was opened
 * on (CKR_DEVICE_REMOVED otherwise). */
CK_RV sp11_session_token(const sp11_session *s, safeid_detected *det);
/* The application's sessions on the card appearance epoch of slot. */
CK_ULONG sp11_sessions_on(CK_SLOT_ID slot, CK_ULONG epoch);

/* ---- object.c: the objects and their attributes ------------------------ */

/* The handle of object obj (SP11_OBJ_*) in the session's card appearance,
 * and back (0: not an object of this session's token). */
CK_OBJECT_HANDLE sp11_object_handle(const sp11_session *s, unsigned obj);
unsigned sp11_object_index(const sp11_session *s, CK_OBJECT_HANDLE h);

/* What an attribute getter needs to know about the token. */
typedef struct sp11_view {
	const safeid_info *info;
	const sp11_record *rec;
} sp11_view;

/* The start of C_GetAttributeValue, C_SetAttributeValue and the other
 * object calls: the session as sp11_session_enter, then the template
 * (CKR_ARGUMENTS_BAD) and the object handle (CKR_OBJECT_HANDLE_INVALID);
 * *obj gets the object's number. */
CK_RV sp11_object_enter(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE hobj,
                        const CK_ATTRIBUTE *tmpl, CK_ULONG n, sp11_session *s,
                        unsigned *obj);
/* One attribute of object obj: CKR_OK (value copied, or *len set when buf
 * is NULL), CKR_BUFFER_TOO_SMALL, CKR_ATTRIBUTE_SENSITIVE,
 * CKR_ATTRIBUTE_TYPE_INVALID.  *len is CK_UNAVAILABLE_INFORMATION for the
 * last three. */
CK_RV sp11_object_attr(CK_OBJECT_HANDLE obj, const sp11_view *v,
                       CK_ATTRIBUTE_TYPE type, void *buf, CK_ULONG *len);
/* The storage and key attributes that are the same for every profile
 * and seed slot (empty ones, fixed flags, CKA_DESTROYABLE as given):
 * true with the value in out (*n bytes), false for another attribute. */
bool sp11_key_fixed_attr(CK_ATTRIBUTE_TYPE t, bool destroyable, void *out,
                         CK_ULONG *n);
/* The OTP key attributes that are the same for every profile and seed
 * slot (CKA_VALUE sensitive, the format, the requirements, the counter,
 * the token's time): true and *rv with the value in out (*n bytes), or
 * false for another attribute. */
bool sp11_otp_attr(CK_ATTRIBUTE_TYPE t, uint32_t clock, void *out, CK_ULONG *n,
                   CK_RV *rv);
/* Hand a computed value (rv CKR_OK, n bytes at val) or a refusal to
 * the caller the PKCS#11 way, as sp11_object_attr says. */
CK_RV sp11_attr_give(CK_RV rv, const void *val, CK_ULONG n, void *buf,
                     CK_ULONG *len);
/* Attribute values into out (SP11_KEPT_MAX bytes); their length. */
CK_ULONG sp11_put_ulong(void *out, CK_ULONG v);
CK_ULONG sp11_put_bool(void *out, bool v);
CK_ULONG sp11_put_text(void *out, const char *s);
/* C_GetAttributeValue semantics over a whole template. */
CK_RV sp11_object_get(CK_OBJECT_HANDLE obj, const sp11_view *v,
                      CK_ATTRIBUTE_PTR tmpl, CK_ULONG n);
/* true when every attribute of tmpl equals the object's. */
bool sp11_object_match(CK_OBJECT_HANDLE obj, const sp11_view *v,
                       const CK_ATTRIBUTE *tmpl, CK_ULONG n);

/* ---- template.c: validation of burn and clock templates (no I/O) ------- */

typedef struct sp11_burn_plan {
	const CK_BYTE *seed; /* points into the caller's template */
	size_t seedlen;
	/* What the seed slot will read back as (kept.c): class, key type,
	 * the seed's length and the template's label, ID, ... */
	size_t kept_len;
	unsigned char kept[SP11_KEPT_MAX];
	safeid_hash hash;
	unsigned step;
	safeid_display display;
	bool has_clock;
	uint32_t clock;
} sp11_burn_plan;

CK_RV sp11_burn_template_parse(const CK_ATTRIBUTE *tmpl, CK_ULONG n,
                               sp11_burn_plan *plan);

typedef struct sp11_clock_plan {
	uint32_t clock;
	bool has_hash, has_step, has_display;
	safeid_hash hash;
	unsigned step;
	safeid_display display;
	bool erase_consent;
} sp11_clock_plan;

CK_RV sp11_clock_template_parse(const CK_ATTRIBUTE *tmpl, CK_ULONG n,
                                sp11_clock_plan *plan);

/* ---- m2record.c: what the module knows of each Molto2 ------------------- */

/* Bytes of attributes kept for one profile (kept.c entries). */
#define SP11_M2_KEPT_MAX 512u

/* One profile, as far as the module knows. */
typedef struct sp11_m2_prof {
	bool touched;        /* this process tried a write that may change it */
	CK_ULONG seed_state; /* CKS_SAFEID_SEED_* */
	/* The module burned it and knows how: the profile read back as
	 * written, the display timeout sent, and the attributes of the
	 * template the token cannot hold (class, key type, CKA_VALUE_LEN,
	 * usage flags, ...; never CKA_LABEL or CKA_ID, which are the
	 * token's).  They describe the profile while it still reads as
	 * written. */
	bool made;
	safeid_m2_profile written;
	safeid_display display;
	size_t kept_len;
	unsigned char kept[SP11_M2_KEPT_MAX];
} sp11_m2_prof;

/* Take what an earlier process left of serial (store), when newer than
 * this process's knowledge: at the start of each operation. */
void sp11_m2_refresh(const char *serial);
/* The tries the token last told (-1: unknown). */
int sp11_m2_tries(const char *serial);
/* Remember them (and save); -1 after a good key. */
void sp11_m2_tries_put(const char *serial, int tries);
/* true when the module knows anything of serial (here or stored). */
bool sp11_m2_known(const char *serial);
/* What is known of profile p (made: also from earlier processes). */
void sp11_m2_prof_get(const char *serial, unsigned p, sp11_m2_prof *out);
/* Only this process's attempts: false when it tried no write on p. */
bool sp11_m2_prof_find(const char *serial, unsigned p, sp11_m2_prof *out);
/* Room for serial's record before anything is sent (CKR_HOST_MEMORY). */
CK_RV sp11_m2_reserve(const char *serial);
/* Store profile p's record (touched set), and save the token's. */
void sp11_m2_prof_put(const char *serial, unsigned p, const sp11_m2_prof *prof);
/* Does the profile as the token shows it now still read as the module
 * made it? */
bool sp11_m2_prof_current(const sp11_m2_prof *r, const safeid_m2_profile *now);
void sp11_m2_records_clear(void);

/* ---- m2store.c: the same beyond one process ----------------------------- */

/* What a file holds: its time, the tries, the profiles made. */
typedef struct sp11_m2_file {
	long long time;
	int tries;
	bool made[SAFEID_M2_PROFILES];
	sp11_m2_prof prof[SAFEID_M2_PROFILES];
} sp11_m2_file;

/* Parse a file's text (NUL-terminated, changed in place); false when
 * anything in it is not as the module writes it. */
bool sp11_m2_store_parse(char *buf, const char *serial, sp11_m2_file *out);
/* Load <state>/safeid-pkcs11/<serial>.molto2; false when missing or not
 * to be trusted. */
bool sp11_m2_store_load(const char *serial, sp11_m2_file *out);
/* Save it, best effort (debug line on failure). */
void sp11_m2_store_save(const char *serial, const sp11_m2_file *f);

/* ---- m2login.c: logging in to a Molto2 ---------------------------------- */

bool sp11_m2_logged_in(CK_SLOT_ID slot, CK_ULONG epoch);
/* Hold pin as the login of the session's token appearance. */
CK_RV sp11_m2_login_keep(const sp11_session *s, const CK_BYTE *pin,
                         CK_ULONG len);
/* Give the held key to m2; CKR_USER_NOT_LOGGED_IN when there is none. */
CK_RV sp11_m2_login_use(const sp11_session *s, safeid_m2 *m2);
CK_RV sp11_m2_logout(const sp11_session *s);
/* Log the application out of the slot's token (wipe the key). */
void sp11_m2_logout_slot(CK_SLOT_ID slot);
/* The person's consent for the next try (safeid_pkcs11_allow_last_try),
 * and taking it (once). */
void sp11_m2_consent_arm(const sp11_session *s);
bool sp11_m2_consent_take(const sp11_session *s);
/* Wipe every login (C_Initialize, C_Finalize, a forked child). */
void sp11_m2_logins_clear(void);

/* ---- m2auth.c: C_Login on a Molto2 --------------------------------------- */

CK_RV sp11_m2_login(const sp11_session *s, const CK_BYTE *pin, CK_ULONG len);

/* ---- m2object.c: a Molto2's profile objects ------------------------------ */

/* What a profile object's attributes come from. */
typedef struct sp11_m2_view {
	const safeid_detected *det;
	const safeid_m2_profile *prof; /* the profile as the token shows it */
	const sp11_m2_prof *rec;       /* what the module knows of it */
} sp11_m2_view;

/* As sp11_object_attr, for a profile object. */
CK_RV sp11_m2_object_attr(const sp11_m2_view *v, CK_ATTRIBUTE_TYPE type,
                          void *buf, CK_ULONG *len);
bool sp11_m2_object_match(const sp11_m2_view *v, const CK_ATTRIBUTE *tmpl,
                          CK_ULONG n);
/* The token's profiles for a session: kept ones, or read now (fresh:
 * always read); out holds SAFEID_M2_PROFILES. */
CK_RV sp11_m2_profiles(const sp11_session *s, bool fresh,
                       safeid_m2_profile *out, size_t *n);

/* ---- m2burn.c: burning and deleting a Molto2's profiles ----------------- */

CK_RV sp11_m2_create(const sp11_session *s, const CK_ATTRIBUTE *tmpl,
                     CK_ULONG n, CK_OBJECT_HANDLE *obj);
CK_RV sp11_m2_destroy(const sp11_session *s, unsigned profile);

/* ---- m2clock.c: a Molto2's clock write ---------------------------------- */

CK_RV sp11_m2_clock(const sp11_session *s, const CK_ATTRIBUTE *tmpl,
                    CK_ULONG n);

/* ---- m2press.c: the commands that wait for the token's button ----------- */

/* Read SAFEID_PKCS11_BUTTON_TIMEOUT; forget the press handler. */
void sp11_m2_press_configure(void);
CK_RV sp11_m2_set_pin(const sp11_session *s, const CK_BYTE *old,
                      CK_ULONG oldlen, const CK_BYTE *new_pin, CK_ULONG newlen);

/* ---- template.c: a Molto2 burn's template (no I/O) ---------------------- */

typedef struct sp11_m2_plan {
	const CK_BYTE *seed; /* points into the caller's template */
	size_t seedlen;
	bool has_profile; /* CKA_ID given */
	unsigned profile;
	bool overwrite;       /* CKA_SAFEID_OVERWRITE */
	safeid_m2_config cfg; /* clock filled at the burn */
	bool has_clock;
	uint8_t title[SAFEID_M2_TITLE_MAX];
	size_t titlelen; /* 0: the profile keeps its title */
	size_t kept_len;
	unsigned char kept[SP11_M2_KEPT_MAX];
} sp11_m2_plan;

/* profiles: the token's count; CKA_ID at or past it is refused. */
CK_RV sp11_m2_template_parse(const CK_ATTRIBUTE *tmpl, CK_ULONG n,
                             unsigned profiles, sp11_m2_plan *plan);
/* A clock write's template on a Molto2: only CKA_VALUE (and the erase
 * consent, which changes nothing there). */
CK_RV sp11_m2_clock_template_parse(const CK_ATTRIBUTE *tmpl, CK_ULONG n,
                                   uint32_t *clock);

/* ---- vendor.c: the count of write commands begun ------------------------ */

/* Call right before a write command may be sent (safeid-pkcs11.h). */
void sp11_write_starting(void);

#endif /* SAFEID_SP11_H */
