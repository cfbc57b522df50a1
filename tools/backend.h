/*
 * backend.h: how safeid-tool reaches a token.
 *
 * The tool never speaks APDUs itself.  A backend is a table of functions;
 * the default one loads the safeid PKCS#11 module like any PKCS#11
 * application (backend_pkcs11.c), the optional one goes through OpenSC's
 * reader layer and the safeid card driver (backend_opensc.c).  Every
 * function fills a tool_error on failure, so the command can print one
 * sentence naming what happened, what the token now holds and what to do.
 */
#ifndef SAFEID_TOOL_BACKEND_H
#define SAFEID_TOOL_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <safeid/safeid.h>

#include "tool.h"

#define TOOL_READER_MAX 256
#define TOOL_MODEL_MAX 64

/* One reader (PKCS#11: one slot) and the token on it, if any. */
typedef struct tool_slot {
	unsigned long handle;           /* backend's id (PKCS#11 slot id) */
	char reader[TOOL_READER_MAX];   /* reader name as the backend knows it */
	bool present;                   /* a recognised token is on it */
	char serial[SAFEID_SERIAL_MAX + 1];
	char model[TOOL_MODEL_MAX];     /* "" when the model is unknown */
	bool restricted_sync;           /* a clock write erases the seed */
	bool clock_known;
	uint64_t clock;                 /* token clock, Unix time UTC */
} tool_slot;

typedef struct tool_slot_list {
	size_t count;
	tool_slot *slots;
} tool_slot_list;

/* What a burn sends.  The seed stays owned (and wiped) by the caller. */
typedef struct tool_burn_plan {
	const uint8_t *seed;
	size_t seedlen;
	safeid_hash hash;
	unsigned step;              /* 30 or 60 */
	unsigned display_seconds;   /* 15, 30, 60 or 120 */
	bool clock_given;           /* false: the host clock at the write */
	uint32_t clock;
	const char *expect_serial;  /* refuse when another token is there */
} tool_burn_plan;

/* What a clock sync sends: the configuration must be known. */
typedef struct tool_clock_plan {
	safeid_hash hash;
	unsigned step;
	unsigned display_seconds;
	bool erase_seed_ok;         /* consent on a restricted-sync model */
	bool clock_given;
	uint32_t clock;
	const char *expect_serial;  /* refuse when another token is there */
} tool_clock_plan;

/* Outcome of a burn or a clock write, as far as the host can know. */
typedef struct tool_write_result {
	tool_slot before;           /* token as read before writing */
	tool_slot after;            /* token as read after (clock confirmed) */
	bool after_valid;
	safeid_seed_state seed;     /* what the token now holds */
} tool_write_result;

/*
 * Progress: called when a step starts (phase TOOL_PHASE_START) and when it
 * ends (TOOL_PHASE_OK or TOOL_PHASE_FAIL).  name is a short phrase for a
 * person ("read token info", "write configuration and seed", ...).
 */
enum { TOOL_PHASE_START = 0, TOOL_PHASE_OK = 1, TOOL_PHASE_FAIL = 2 };
typedef void (*tool_step_fn)(void *arg, const char *name, int phase);

typedef struct tool_backend tool_backend;

typedef struct tool_backend_opts {
	const char *module_path;    /* PKCS#11 module; NULL = the default */
	const char *argv0;          /* to find the default module */
	bool verbose;               /* trace calls (never secrets) to stderr */
} tool_backend_opts;

typedef struct tool_backend_ops {
	const char *name;
	int (*open)(const tool_backend_opts *opts, tool_backend **out,
	            tool_error *err);
	/* All readers, with the token on each when present. */
	int (*list)(tool_backend *b, tool_slot_list *out, tool_error *err);
	/* Read the token on the reader picked by spec (see tool_pick_slot). */
	int (*info)(tool_backend *b, const char *spec, tool_slot *out,
	            tool_error *err);
	/* Burn: read info, write config then seed, read info again. */
	int (*burn)(tool_backend *b, const char *spec, const tool_burn_plan *plan,
	            tool_step_fn step, void *arg, tool_write_result *res,
	            tool_error *err);
	/* Set the clock (a config write). */
	int (*set_clock)(tool_backend *b, const char *spec,
	                 const tool_clock_plan *plan, tool_step_fn step, void *arg,
	                 tool_write_result *res, tool_error *err);
	void (*close)(tool_backend **b);
} tool_backend_ops;

const tool_backend_ops *tool_backend_pkcs11(void);
/* Defined in the plug-in safeid-tool-opensc.so only (backend_opensc.c);
 * the tool gets it with tool_load_opensc_backend() (plugin.h). */
const tool_backend_ops *tool_backend_opensc(void);

void tool_slot_list_free(tool_slot_list *l);

/*
 * Pick a slot by decimal index or case-insensitive name substring; NULL or
 * "" picks the only reader with a token (or the only reader).  Returns the
 * index or -1 with err filled (naming the readers to choose from).
 */
long tool_pick_slot(const tool_slot_list *l, const char *spec,
                    tool_error *err);

#endif /* SAFEID_TOOL_BACKEND_H */
