/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * m2login.c: logging in to a Molto2, whose customer key is the user PIN.
 *
 * PKCS#11 logs an application in to a token, not a session: every session
 * of the application on that token is then a user session, until
 * C_Logout, the close of its last session, or the token's leaving.  So
 * the login belongs to a slot and the card appearance (epoch, slot.c) it
 * was made on: a token that leaves and comes back is logged out.
 *
 * The token keeps no login between connections the module can rely on,
 * and every write authenticates anew (the core's session lives for one
 * operation), so the module holds the key for as long as the login
 * lasts.  It lives in a page of its own, kept out of core dumps and
 * locked against swapping where the system allows, wiped when the login
 * ends.  The person's consent to spend what may be the last try
 * (safeid_pkcs11_allow_last_try) is kept here too, for the next
 * authentication on that token appearance.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sp11.h"

typedef struct login_entry {
	bool in; /* logged in on appearance epoch */
	CK_ULONG epoch;
	bool consent; /* the next try may be the last */
	CK_ULONG consent_epoch;
	unsigned char *key; /* a page of its own; keylen bytes used */
	size_t keylen;
} login_entry;

/* Under the module lock. */
static login_entry logins[SP11_MAX_SLOTS];

static size_t page_size(void)
{
	long n = sysconf(_SC_PAGESIZE);

	return n > 0 ? (size_t)n : 4096u;
}

/* The entry's key page, made on first use; NULL when out of memory. */
static unsigned char *key_page(login_entry *e)
{
	void *p;

	if (e->key != NULL)
		return e->key;
	p = mmap(NULL, page_size(), PROT_READ | PROT_WRITE,
	         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* Never in a core dump, never in swap (best effort: an
	 * unprivileged process may have no room to lock). */
	(void)madvise(p, page_size(), MADV_DONTDUMP);
	(void)mlock(p, page_size());
	e->key = p;
	return e->key;
}

static void entry_wipe(login_entry *e)
{
	if (e->key != NULL)
		safeid_wipe(e->key, page_size());
	e->keylen = 0;
	e->in = false;
}

/* The entry of a live login on this appearance, else NULL (a login of
 * an earlier appearance is wiped on the way). */
static login_entry *entry_live(CK_SLOT_ID slot, CK_ULONG epoch)
{
	login_entry *e;

	if (slot >= SP11_MAX_SLOTS)
		return NULL;
	e = &logins[slot];
	if (e->in && e->epoch != epoch)
		entry_wipe(e);
	return e->in ? e : NULL;
}

bool sp11_m2_logged_in(CK_SLOT_ID slot, CK_ULONG epoch)
{
	bool in;

	sp11_module_lock();
	in = entry_live(slot, epoch) != NULL;
	sp11_module_unlock();
	return in;
}

CK_RV sp11_m2_login_keep(const sp11_session *s, const CK_BYTE *pin,
                         CK_ULONG len)
{
	login_entry *e;
	unsigned char *page;
	CK_RV rv = CKR_HOST_MEMORY;

	if (s->slot >= SP11_MAX_SLOTS || len > SAFEID_M2_CUSTOMER_KEY_MAX)
		return CKR_ARGUMENTS_BAD;
	sp11_module_lock();
	e = &logins[s->slot];
	page = key_page(e);
	if (page != NULL) {
		entry_wipe(e);
		memcpy(page, pin, len);
		e->keylen = len;
		e->in = true;
		e->epoch = s->epoch;
		rv = CKR_OK;
	}
	sp11_module_unlock();
	return rv;
}

CK_RV sp11_m2_login_use(const sp11_session *s, safeid_m2 *m2)
{
	login_entry *e;
	CK_RV rv = CKR_USER_NOT_LOGGED_IN;

	sp11_module_lock();
	e = entry_live(s->slot, s->epoch);
	/* The key is derived at once and not kept by the core. */
	if (e != NULL)
		rv = safeid_m2_set_customer_key(m2, e->key, e->keylen) ==
		                     SAFEID_OK
		             ? CKR_OK
		             : CKR_GENERAL_ERROR;
	sp11_module_unlock();
	return rv;
}

void sp11_m2_logout_slot(CK_SLOT_ID slot)
{
	if (slot >= SP11_MAX_SLOTS)
		return;
	sp11_module_lock();
	entry_wipe(&logins[slot]);
	logins[slot].consent = false;
	sp11_module_unlock();
}

CK_RV sp11_m2_logout(const sp11_session *s)
{
	login_entry *e;

	sp11_module_lock();
	e = entry_live(s->slot, s->epoch);
	if (e != NULL)
		entry_wipe(e);
	sp11_module_unlock();
	return e != NULL ? CKR_OK : CKR_USER_NOT_LOGGED_IN;
}

void sp11_m2_consent_arm(const sp11_session *s)
{
	if (s->slot >= SP11_MAX_SLOTS)
		return;
	sp11_module_lock();
	logins[s->slot].consent = true;
	logins[s->slot].consent_epoch = s->epoch;
	sp11_module_unlock();
}

bool sp11_m2_consent_take(const sp11_session *s)
{
	bool given = false;

	if (s->slot >= SP11_MAX_SLOTS)
		return false;
	sp11_module_lock();
	given = logins[s->slot].consent &&
	        logins[s->slot].consent_epoch == s->epoch;
	logins[s->slot].consent = false;
	sp11_module_unlock();
	return given;
}

void sp11_m2_logins_clear(void)
{
	size_t i;

	for (i = 0; i < SP11_MAX_SLOTS; i++) {
		entry_wipe(&logins[i]);
		if (logins[i].key != NULL) {
			(void)munlock(logins[i].key, page_size());
			(void)munmap(logins[i].key, page_size());
		}
	}
	memset(logins, 0, sizeof(logins));
}
