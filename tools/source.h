/*
 * source.h: the account to burn, from whichever input the person gave
 * (--qr, --screen, --uri, --uri-file, --secret, --secret-arg), picked and
 * checked against this token family before any token is opened.
 */
#ifndef SAFEID_TOOL_SOURCE_H
#define SAFEID_TOOL_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "inputs.h"
#include "tool.h"

typedef struct tool_input {
	input_account_list accounts;   /* every account found */
	size_t chosen;                  /* index into accounts, when picked */
	bool picked;
	input_plan_report report;      /* plan check of the chosen account */
	char source[320];               /* "QR code in photo.png", ... */
	char skipped[1024];             /* codes that held no OTP account */
	size_t qr_codes;                /* QR codes decoded (0: not a QR input) */
	input_monitor monitors[INPUT_MONITORS_MAX];
	size_t monitor_count;           /* --screen: monitors searched */
} tool_input;

/* True when the options name an input. */
bool tool_input_given(const tool_opts *o);

/* Read and parse the input into accounts (nothing picked yet). */
int tool_input_load(const tool_opts *o, tool_input *in, tool_error *err);
/* Pick one account (--pick / --match) and plan-check it: errors fail with
 * EXIT_INPUT; warnings are left in in->report for the caller to show. */
int tool_input_choose(const tool_opts *o, tool_input *in, tool_error *err);
/* Wipe and free everything. */
void tool_input_free(tool_input *in);

/* The chosen account (valid after tool_input_choose). */
const input_account *tool_input_account(const tool_input *in);

#endif /* SAFEID_TOOL_SOURCE_H */
