/*
 * presence.c: one PC/SC context for the whole module, and what the module
 * last read from the token on each slot.
 *
 * pkcs11-tool, p11-kit and safeid-tool ask for the slot list, slot info,
 * token info, a session and attributes one after the other; reading the
 * token afresh for each would cost a PC/SC connection and a get-info APDU
 * every time.  Instead the info read from a token (serial, model, clock)
 * is kept with the reader's PC/SC state at the moment it was read.  pcsc-lite
 * bumps the card event counter (upper 16 bits of dwEventState) on every
 * insertion and removal, so while the counter and the presence bit are
 * unchanged it is the same card, untouched: the kept info stands.  Any
 * change, an unreadable state, or a write to the token drops it.
 *
 * Looking at the state is a timeout-0 SCardGetStatusChange on the module's
 * context (no card connection, no APDU).  Blocking waits
 * (C_WaitForSlotEvent, the removal check after a broken burn) keep their
 * own contexts: a blocked call would hold this one.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <PCSC/winscard.h>

#include "p11.h"
#include "slot.h"

static pthread_mutex_t ctx_mu = PTHREAD_MUTEX_INITIALIZER;
static SCARDCONTEXT ctx;
static bool have_ctx;

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The module's context, set up on first use; caller holds ctx_mu. */
static bool ctx_get(void)
{
	if (!have_ctx)
		have_ctx = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL,
		                                 &ctx) == SCARD_S_SUCCESS;
	return have_ctx;
}

/* Let the context go (one left over from a pcscd that restarted answers
 * with an error): the next ctx_get() sets up a new one.  Caller holds
 * ctx_mu. */
static void ctx_drop(void)
{
	if (have_ctx)
		(void)SCardReleaseContext(ctx);
	have_ctx = false;
}

/* One timeout-0 look; caller holds ctx_mu and has a context. */
static LONG look_once(const char *reader, DWORD *state)
{
	SCARD_READERSTATE st;
	LONG r;

	memset(&st, 0, sizeof(st));
	st.szReader = reader;
	st.dwCurrentState = SCARD_STATE_UNAWARE;
	r = SCardGetStatusChange(ctx, 0, &st, 1);
	if (r == SCARD_S_SUCCESS)
		*state = st.dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
	return r;
}

bool p11_reader_look(const char *reader, unsigned long *state)
{
	DWORD st = 0;
	LONG r = SCARD_E_NO_SERVICE;
	int tries;

	pthread_mutex_lock(&ctx_mu);
	/* A context left over from a pcscd that restarted answers with an
	 * error once: set up a new one and look again. */
	for (tries = 0; tries < 2; tries++) {
		if (!ctx_get())
			break;
		r = look_once(reader, &st);
		if (r == SCARD_S_SUCCESS || r == SCARD_E_UNKNOWN_READER ||
		    r == SCARD_E_TIMEOUT)
			break;
		ctx_drop();
	}
	pthread_mutex_unlock(&ctx_mu);
	*state = (unsigned long)st;
	return r == SCARD_S_SUCCESS;
}

CK_RV p11_reader_names(char **names)
{
	LPSTR list = NULL;
	DWORD len = SCARD_AUTOALLOCATE;
	LONG r = SCARD_E_NO_SERVICE;
	CK_RV rv = CKR_OK;
	size_t n;
	int tries;

	*names = NULL;
	pthread_mutex_lock(&ctx_mu);
	for (tries = 0; tries < 2; tries++) {
		if (!ctx_get())
			break;
		len = SCARD_AUTOALLOCATE;
		r = SCardListReaders(ctx, NULL, (LPSTR)&list, &len);
		if (r == SCARD_S_SUCCESS || r == SCARD_E_NO_READERS_AVAILABLE)
			break;
		ctx_drop();
	}
	if (r == SCARD_S_SUCCESS) {
		/* Our own copy: the list must outlive the lock and the
		 * context it came from. */
		n = len;
		*names = malloc(n + 1);
		if (*names == NULL)
			rv = CKR_HOST_MEMORY;
		else {
			memcpy(*names, list, n);
			(*names)[n] = '\0';
		}
		(void)SCardFreeMemory(ctx, list);
	} else if (r != SCARD_E_NO_READERS_AVAILABLE && r != SCARD_E_NO_SERVICE &&
	           r != SCARD_E_SERVICE_STOPPED && have_ctx) {
		p11_debug("listing readers failed: PC/SC error 0x%lx; check "
		          "that pcscd is running", (unsigned long)r);
		rv = CKR_DEVICE_ERROR;
	}
	pthread_mutex_unlock(&ctx_mu);
	return rv;
}

void p11_presence_fini(void)
{
	pthread_mutex_lock(&ctx_mu);
	ctx_drop();
	pthread_mutex_unlock(&ctx_mu);
}

void p11_presence_forget(void)
{
	/* The parent's context talks over the parent's socket to pcscd:
	 * never release it from the child, just stop using it. */
	pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;

	memcpy(&ctx_mu, &fresh, sizeof(fresh));
	have_ctx = false;
}

/* A card sits on the reader and PC/SC can talk to it. */
static bool card_there(unsigned long state)
{
	return (state & SCARD_STATE_PRESENT) != 0 &&
	       (state & (SCARD_STATE_EMPTY | SCARD_STATE_MUTE |
	                 SCARD_STATE_UNAVAILABLE | SCARD_STATE_UNKNOWN)) == 0;
}

/* Same card, untouched, since the mark: same event counter, still there. */
static bool same_card(unsigned long mark, unsigned long now)
{
	return card_there(mark) && card_there(now) && (mark >> 16) == (now >> 16);
}

bool p11_info_cached(CK_SLOT_ID id, safeid_info *info)
{
	char reader[P11_READER_MAX];
	unsigned long now;
	long long elapsed;
	bool hit = false;

	if (p11_slot_reader(id, reader, sizeof(reader)) != CKR_OK)
		return false;
	p11_glock();
	hit = id < P11_MAX_SLOTS && p11_slots[id].cached;
	p11_gunlock();
	if (!hit || !p11_reader_look(reader, &now)) {
		p11_info_forget(id);
		return false;
	}
	p11_glock();
	hit = p11_slots[id].cached && same_card(p11_slots[id].mark, now);
	if (hit) {
		*info = p11_slots[id].info;
		/* The token's clock ran on with ours since it was read. */
		elapsed = (mono_ms() - p11_slots[id].read_ms) / 1000;
		if (elapsed > 0)
			info->clock += (uint32_t)elapsed;
	} else {
		p11_debug("slot %lu: reader state 0x%lx, kept info was read at "
		          "0x%lx: reading the token again", (unsigned long)id,
		          now, p11_slots[id].mark);
		p11_slots[id].cached = false;
	}
	p11_gunlock();
	return hit;
}

void p11_info_keep(CK_SLOT_ID id, unsigned long mark, const safeid_info *info)
{
	if (!card_there(mark)) {
		p11_debug("slot %lu: reader state 0x%lx before the read: not "
		          "keeping the token's info", (unsigned long)id, mark);
		return;
	}
	p11_glock();
	if (id < P11_MAX_SLOTS && p11_slots[id].used) {
		p11_slots[id].info = *info;
		p11_slots[id].mark = mark;
		p11_slots[id].read_ms = mono_ms();
		p11_slots[id].cached = true;
	}
	p11_gunlock();
}

void p11_info_keep_if_same(CK_SLOT_ID id, unsigned long mark,
                           const safeid_info *info)
{
	char reader[P11_READER_MAX];
	unsigned long now = 0;

	if (p11_slot_reader(id, reader, sizeof(reader)) != CKR_OK ||
	    !p11_reader_look(reader, &now) || !same_card(mark, now)) {
		p11_debug("slot %lu: reader state 0x%lx, was 0x%lx before the "
		          "operation: not keeping the token's info",
		          (unsigned long)id, now, mark);
		return;
	}
	p11_info_keep(id, mark, info);
}

void p11_info_forget(CK_SLOT_ID id)
{
	p11_glock();
	if (id < P11_MAX_SLOTS)
		p11_slots[id].cached = false;
	p11_gunlock();
}
