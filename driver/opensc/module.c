/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * module.c: the two symbols OpenSC looks up in an external card driver.
 *
 * OpenSC 0.23 loads a module named in `card_driver safeid { module = ...; }`,
 * refuses it unless sc_driver_version() starts with its own version string
 * (so another OpenSC never runs this code against a struct layout it does
 * not have), then calls sc_module_init(name) for the function that returns
 * the driver.
 */
#include <pthread.h>
#include <stddef.h>

#include "osd.h"

#ifndef SAFEID_OPENSC_VERSION
#define SAFEID_OPENSC_VERSION "0.23.0"
#endif

/* The only exported symbols (the rest is hidden; see safeid-opensc.map). */
#define OSD_EXPORT __attribute__((visibility("default")))
OSD_EXPORT const char *sc_driver_version(void);
OSD_EXPORT void *sc_module_init(const char *name);

static struct sc_card_operations osd_ops;

static struct sc_card_driver osd_driver = {
	"SafeID / Token2 programmable OTP token (safeid " SAFEID_VERSION ")",
	"safeid",
	&osd_ops,
	NULL, /* ATRs come only from card_atr blocks in opensc.conf */
	0,
	NULL,
};

static pthread_once_t osd_ops_once = PTHREAD_ONCE_INIT;

/* ISO 7816 operations for everything the token does not do differently;
 * ours for matching, setup and card_ctl.  Once per process: several
 * OpenSC contexts (threads) share the table. */
static void osd_ops_setup(void)
{
	const struct sc_card_driver *iso = sc_get_iso7816_driver();

	osd_ops = *iso->ops;
	osd_ops.match_card = osd_match_card;
	osd_ops.init = osd_init;
	osd_ops.finish = osd_finish;
	osd_ops.card_ctl = osd_card_ctl;
}

static struct sc_card_driver *osd_get_driver(void)
{
	pthread_once(&osd_ops_once, osd_ops_setup);
	return &osd_driver;
}

const char *sc_driver_version(void)
{
	return SAFEID_OPENSC_VERSION;
}

void *sc_module_init(const char *name)
{
	/* OpenSC's loader passes the function back through a void pointer;
	 * a union converts without a cast between function and object
	 * pointers. */
	union {
		struct sc_card_driver *(*fn)(void);
		void *p;
	} u;

	(void)name;
	u.fn = osd_get_driver;
	return u.p;
}
