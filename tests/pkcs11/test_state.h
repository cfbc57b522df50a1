/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_state.h: a private state folder (XDG_STATE_HOME) for the module's
 * files in the unit tests (test_store.c).
 */
#ifndef SAFEID_TEST_STATE_H
#define SAFEID_TEST_STATE_H

/* The folder while a test has one. */
extern char test_state[64];
/* Make one and point XDG_STATE_HOME at it. */
void test_state_new(void);
/* Remove it and unset XDG_STATE_HOME. */
void test_state_gone(void);

#endif
