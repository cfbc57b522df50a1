/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * opensc-abi.h: the part of the OpenSC 0.23 library ABI the safeid card
 * driver and the tool's OpenSC backend touch.
 *
 * Debian 12 ships libopensc.so.8 (OpenSC 0.23.0) without headers, so we
 * declare the few structures and functions we use ourselves.  Every size
 * and offset we rely on is pinned by a _Static_assert; the values were
 * measured on x86-64 against the 0.23.0 sources configured as Debian builds
 * them (secure messaging and OpenSSL enabled) and cross-checked against the
 * Debian binary: sc_connect_card allocates 0x570 bytes for struct sc_card
 * and 0x138 (312) bytes for the operations table it stores at offset 0xf0
 * (240), sets type at 0x58 (88) and copies the reader's ATR into offset 0x10
 * (16); it reads ctx->forced_driver at 0x258 (600) and walks
 * ctx->card_drivers from 0xd8 (216); sc_do_log compares the level with
 * ctx->debug at 0x28 (40).  Structures are declared only as far
 * as we read or write them; we never allocate a struct sc_card,
 * sc_context or sc_reader.
 *
 * Building with -DSAFEID_OPENSC_REAL_HEADERS (CMake option
 * SAFEID_OPENSC_SOURCE_DIR) takes the declarations from a real OpenSC
 * source tree instead.
 */
#ifndef SAFEID_OPENSC_ABI_H
#define SAFEID_OPENSC_ABI_H

#include <stddef.h>

#ifdef SAFEID_OPENSC_REAL_HEADERS

#include "libopensc/opensc.h"
#include "libopensc/cardctl.h"
#include "libopensc/log.h"

#else /* our own declaration of the 0.23 ABI */

#if !defined(__x86_64__) && !defined(__aarch64__)
#error "opensc-abi.h was measured on 64-bit Linux; set SAFEID_OPENSC_SOURCE_DIR to build against real OpenSC headers"
#endif

typedef unsigned char u8;

struct sc_context;
struct sc_reader_driver;
struct sc_reader_operations;
struct sc_app_info;
struct sc_ef_atr;
struct sc_algorithm_info;
struct sc_atr_table;

#define SC_SUCCESS 0
#define SC_ERROR_NO_READERS_FOUND -1101
#define SC_ERROR_CARD_NOT_PRESENT -1104
#define SC_ERROR_CARD_REMOVED -1105
#define SC_ERROR_CARD_RESET -1106
#define SC_ERROR_TRANSMIT_FAILED -1107
#define SC_ERROR_KEYPAD_CANCELLED -1109
#define SC_ERROR_CARD_UNRESPONSIVE -1113
#define SC_ERROR_READER_DETACHED -1114
#define SC_ERROR_READER_LOCKED -1116
#define SC_ERROR_CARD_CMD_FAILED -1200
#define SC_ERROR_INVALID_CARD -1210
#define SC_ERROR_NOT_ALLOWED -1209
#define SC_ERROR_SECURITY_STATUS_NOT_SATISFIED -1211
#define SC_ERROR_AUTH_METHOD_BLOCKED -1212
#define SC_ERROR_PIN_CODE_INCORRECT -1214
#define SC_ERROR_FILE_ALREADY_EXISTS -1215
#define SC_ERROR_INVALID_ARGUMENTS -1300
#define SC_ERROR_INVALID_DATA -1305
#define SC_ERROR_INTERNAL -1400
#define SC_ERROR_OUT_OF_MEMORY -1404
#define SC_ERROR_NOT_SUPPORTED -1408

#define SC_MAX_ATR_SIZE 33
#define SC_MAX_UID_SIZE 10
#define SC_MAX_SERIALNR 32
#define SC_MAX_CARD_APPS 8

#define SC_LOG_DEBUG_NORMAL 3

#define SC_APDU_FLAGS_NO_GET_RESP 0x00000002UL
#define SC_APDU_FLAGS_NO_RETRY_WL 0x00000004UL
#define SC_APDU_FLAGS_NO_SM 0x00000008UL

/* cardctl.h: the generic calls are numbered from 0 in this order:
 * ERASE_CARD, GET_DEFAULT_KEY, LIFECYCLE_GET, LIFECYCLE_SET, GET_SERIALNR */
#define SC_CARDCTL_GET_SERIALNR 5

struct sc_atr {
	unsigned char value[SC_MAX_ATR_SIZE];
	size_t len;
};

struct sc_uid {
	unsigned char value[SC_MAX_UID_SIZE];
	size_t len;
};

struct sc_iin {
	unsigned char mii;
	unsigned country;
	unsigned long issuer_id;
};

typedef struct sc_serial_number {
	unsigned char value[SC_MAX_SERIALNR];
	size_t len;
	struct sc_iin iin;
} sc_serial_number_t;

typedef struct sc_apdu {
	int cse;
	unsigned char cla, ins, p1, p2;
	size_t lc, le;
	const unsigned char *data;
	size_t datalen;
	unsigned char *resp;
	size_t resplen;
	unsigned char control;
	unsigned allocation_flags;
	unsigned int sw1, sw2;
	unsigned char mac[8];
	size_t mac_len;
	unsigned long flags;
	struct sc_apdu *next;
} sc_apdu_t;

/* The card object: declared up to serialnr, the last field we touch. */
typedef struct sc_card {
	struct sc_context *ctx;
	struct sc_reader *reader;
	struct sc_atr atr;
	struct sc_uid uid;
	int type;
	unsigned long caps, flags;
	int cla;
	size_t max_send_size;
	size_t max_recv_size;
	struct sc_app_info *app[SC_MAX_CARD_APPS];
	int app_count;
	struct sc_ef_atr *ef_atr;
	struct sc_algorithm_info *algorithms;
	int algorithm_count;
	int lock_count;
	struct sc_card_driver *driver;
	struct sc_card_operations *ops;
	const char *name;
	void *drv_data;
	int max_pin_len;
	unsigned long cache_opaque[11]; /* struct sc_card_cache, 88 bytes */
	struct sc_serial_number serialnr;
	/* version, mutex, sm_ctx, magic follow; not touched */
} sc_card_t;

/* The driver operations: 39 function pointers.  We name the four we
 * override and copy the ISO 7816 driver's for all others. */
typedef void (*sc_opaque_op)(void);
struct sc_card_operations {
	int (*match_card)(struct sc_card *card);
	int (*init)(struct sc_card *card);
	int (*finish)(struct sc_card *card);
	sc_opaque_op iso_ops_a[23]; /* read_binary .. pin_cmd, get_data, ... */
	int (*card_ctl)(struct sc_card *card, unsigned long request,
	                void *data);
	sc_opaque_op
		iso_ops_b[12]; /* process_fci .. unwrap, encrypt_sym, ... */
};

typedef struct sc_card_driver {
	const char *name;
	const char *short_name;
	struct sc_card_operations *ops;
	struct sc_atr_table *atr_map;
	unsigned int natrs;
	void *dll;
} sc_card_driver_t;

/* The reader: declared up to its name. */
typedef struct sc_reader {
	struct sc_context *ctx;
	const struct sc_reader_driver *driver;
	const struct sc_reader_operations *ops;
	void *drv_data;
	char *name;
	/* vendor, versions, flags, ATR, ... follow; not touched */
} sc_reader_t;

/* The context: declared as far as the card driver list (to tell a person
 * whether the safeid driver is configured at all); debug is the log level
 * (the driver silences OpenSC's APDU log for the seed write). */
#define SC_MAX_CARD_DRIVERS 48
typedef struct sc_context {
	void *conf;
	void *conf_blocks[3];
	char *app_name;
	int debug;
	unsigned long flags;
	unsigned char opaque_mid[160]; /* debug_file .. reader_drv_data */
	struct sc_card_driver *card_drivers[SC_MAX_CARD_DRIVERS];
	struct sc_card_driver *forced_driver;
	/* thread_ctx, mutex, magic follow; not touched */
} sc_context_t;

typedef struct {
	unsigned int ver;
	const char *app_name;
	unsigned long flags;
	void *thread_ctx;
} sc_context_param_t;

/* Sizes and offsets measured on OpenSC 0.23.0, Debian 12, x86-64. */
_Static_assert(sizeof(struct sc_atr) == 48, "sc_atr size");
_Static_assert(sizeof(struct sc_serial_number) == 56, "sc_serial_number size");
_Static_assert(offsetof(struct sc_serial_number, len) == 32, "serialnr.len");
_Static_assert(sizeof(struct sc_apdu) == 104, "sc_apdu size");
_Static_assert(offsetof(struct sc_apdu, lc) == 8, "apdu.lc");
_Static_assert(offsetof(struct sc_apdu, data) == 24, "apdu.data");
_Static_assert(offsetof(struct sc_apdu, resp) == 40, "apdu.resp");
_Static_assert(offsetof(struct sc_apdu, resplen) == 48, "apdu.resplen");
_Static_assert(offsetof(struct sc_apdu, sw1) == 64, "apdu.sw1");
_Static_assert(offsetof(struct sc_apdu, flags) == 88, "apdu.flags");
_Static_assert(offsetof(struct sc_apdu, next) == 96, "apdu.next");
_Static_assert(offsetof(struct sc_card, ctx) == 0, "card.ctx");
_Static_assert(offsetof(struct sc_card, reader) == 8, "card.reader");
_Static_assert(offsetof(struct sc_card, atr) == 16, "card.atr");
_Static_assert(offsetof(struct sc_card, type) == 88, "card.type");
_Static_assert(offsetof(struct sc_card, caps) == 96, "card.caps");
_Static_assert(offsetof(struct sc_card, max_send_size) == 120,
               "card.max_send_size");
_Static_assert(offsetof(struct sc_card, lock_count) == 228, "card.lock_count");
_Static_assert(offsetof(struct sc_card, driver) == 232, "card.driver");
_Static_assert(offsetof(struct sc_card, ops) == 240, "card.ops");
_Static_assert(offsetof(struct sc_card, name) == 248, "card.name");
_Static_assert(offsetof(struct sc_card, drv_data) == 256, "card.drv_data");
_Static_assert(offsetof(struct sc_card, serialnr) == 360, "card.serialnr");
_Static_assert(sizeof(struct sc_card_operations) == 312,
               "sc_card_operations size");
_Static_assert(sizeof(struct sc_card_operations) / sizeof(void (*)(void)) == 39,
               "39 operations");
_Static_assert(offsetof(struct sc_card_operations, finish) == 16, "ops.finish");
_Static_assert(offsetof(struct sc_card_operations, card_ctl) == 208,
               "ops.card_ctl");
_Static_assert(sizeof(struct sc_card_driver) == 48, "sc_card_driver size");
_Static_assert(offsetof(struct sc_card_driver, ops) == 16, "driver.ops");
_Static_assert(offsetof(struct sc_card_driver, dll) == 40, "driver.dll");
_Static_assert(offsetof(struct sc_reader, name) == 32, "reader.name");
_Static_assert(offsetof(struct sc_context, debug) == 40, "ctx.debug");
_Static_assert(offsetof(struct sc_context, card_drivers) == 216,
               "ctx.card_drivers");
_Static_assert(offsetof(struct sc_context, forced_driver) == 600,
               "ctx.forced_driver");
_Static_assert(sizeof(sc_context_param_t) == 32, "sc_context_param_t size");

int sc_transmit_apdu(struct sc_card *card, struct sc_apdu *apdu);
int sc_bytes2apdu(struct sc_context *ctx, const u8 *buf, size_t len,
                  struct sc_apdu *apdu);
struct sc_card_driver *sc_get_iso7816_driver(void);
void sc_do_log(struct sc_context *ctx, int level, const char *file, int line,
               const char *func, const char *format, ...)
	__attribute__((format(printf, 6, 7)));
const char *sc_strerror(int sc_errno);
const char *sc_get_version(void);

int sc_context_create(struct sc_context **ctx, const sc_context_param_t *parm);
int sc_release_context(struct sc_context *ctx);
unsigned int sc_ctx_get_reader_count(struct sc_context *ctx);
struct sc_reader *sc_ctx_get_reader(struct sc_context *ctx, unsigned int i);
int sc_detect_card_presence(struct sc_reader *reader);
int sc_connect_card(struct sc_reader *reader, struct sc_card **card);
int sc_disconnect_card(struct sc_card *card);
int sc_lock(struct sc_card *card);
int sc_unlock(struct sc_card *card);
int sc_card_ctl(struct sc_card *card, unsigned long command, void *arg);

#endif /* SAFEID_OPENSC_REAL_HEADERS */

/* sc_detect_card_presence() bit for "a card is present" (opensc.h). */
#ifndef SC_READER_CARD_PRESENT
#define SC_READER_CARD_PRESENT 0x00000001
#endif

#endif /* SAFEID_OPENSC_ABI_H */
