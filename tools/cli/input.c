/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * input.c: the input options of safeid-tool, turned into the client
 * library's calls: exactly one input, secrets read from standard input
 * or a file (never argv unless asked), the account picked and checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "prompt.h"

static int inputs_count(const tool_opts *o)
{
	return (o->qr_file != NULL) + (o->screen ? 1 : 0) + (o->uri != NULL) +
	       (o->uri_file != NULL) + (o->secret != NULL) +
	       (o->secret_arg != NULL);
}

/* --uri - or --uri-file FILE. */
static int uri_load(const tool_opts *o, client_input *in, client_error *err)
{
	char *buf = NULL, warning[CLIENT_MSG_MAX];
	size_t len = 0, cap = 0;
	bool exposed = false;
	const char *what;
	int ret;

	if (o->uri != NULL) {
		if (strcmp(o->uri, "-") != 0)
			return client_fail(err, CLIENT_EXIT_USAGE, "usage",
			                   "--uri takes '-' (read the URI from "
			                   "standard input) so the secret "
			                   "stays out of the process list: use "
			                   "'echo URI | safeid-tool ... --uri "
			                   "-' or --uri-file FILE");
		what = "the URI on standard input";
		ret = client_secret_read_fd(0, what, INPUT_TEXT_MAX, &buf, &len,
		                            &cap, err);
	} else {
		what = o->uri_file;
		ret = client_secret_read_file(o->uri_file, INPUT_TEXT_MAX, &buf,
		                              &len, &cap, &exposed, err);
		if (exposed) {
			char shown[TOOL_TEXT_CAP(CLIENT_MSG_MAX)];

			client_text_exposed(o->uri_file, warning,
			                    sizeof(warning));
			fprintf(stderr, "safeid-tool: warning: %s\n",
			        tool_text(warning, shown, sizeof(shown)));
		}
	}
	if (ret == 0)
		ret = client_input_uri_parse(buf, len, what, in, err);
	input_secret_free(buf, cap);
	return ret;
}

/* --secret - or --secret-arg B32, with --hash, --step, --account,
 * --issuer. */
static int secret_load(const tool_opts *o, client_input *in, client_error *err)
{
	client_secret_opts so = {
		.hash = SAFEID_HASH_SHA1,
		.step = (unsigned)o->step,
		.digits = (unsigned)o->digits,
		.account = o->account,
		.issuer = o->issuer,
	};
	char *buf = NULL;
	size_t len = 0, cap = 0;
	const char *what;
	int ret;

	if (o->secret != NULL && strcmp(o->secret, "-") != 0)
		return client_fail(err, CLIENT_EXIT_USAGE, "usage",
		                   "--secret takes '-' (base32 secret on "
		                   "standard input); to pass it in the command "
		                   "line, visible to other users, use "
		                   "--secret-arg");
	if (o->hash != NULL && !client_hash_parse(o->hash, &so.hash))
		return client_fail(err, CLIENT_EXIT_USAGE, "usage",
		                   "--hash '%s' is not supported by this token "
		                   "family: use sha1 or sha256",
		                   o->hash);
	if (o->secret_arg != NULL) {
		fprintf(stderr,
		        "safeid-tool: warning: --secret-arg puts the secret in "
		        "the process list and shell history; prefer --secret - "
		        "(standard input)\n");
		what = "the secret in --secret-arg";
		return client_input_secret_parse(o->secret_arg,
		                                 strlen(o->secret_arg), &so,
		                                 what, in, err);
	}
	what = "the secret on standard input";
	ret = tool_secret_ask(0, "Base32 secret (not shown): ", false, what,
	                      INPUT_SECRET_CHARS_MAX, &buf, &len, &cap, err);
	if (ret == 0)
		ret = client_input_secret_parse(buf, len, &so, what, in, err);
	input_secret_free(buf, cap);
	return ret;
}

int tool_input_load(const tool_opts *o, client_input *in, client_error *err)
{
	int n = inputs_count(o);

	memset(in, 0, sizeof(*in));
	if (n == 0)
		return client_fail(err, CLIENT_EXIT_USAGE, "usage",
		                   "no input given: use --qr FILE, --screen, "
		                   "--uri -, --uri-file FILE or --secret -");
	if (n > 1)
		return client_fail(err, CLIENT_EXIT_USAGE, "usage",
		                   "several inputs given: use only one of "
		                   "--qr, --screen, --uri, --uri-file, "
		                   "--secret, --secret-arg");
	if ((o->hash != NULL || o->step > 0 || o->digits > 0 ||
	     o->account != NULL || o->issuer != NULL) &&
	    o->secret == NULL && o->secret_arg == NULL)
		return client_fail(err, CLIENT_EXIT_USAGE, "usage",
		                   "--hash, --step, --digits, --account and "
		                   "--issuer "
		                   "apply to a bare secret (--secret -) only; "
		                   "an otpauth URI or QR code carries its own "
		                   "settings");
	if (o->qr_file != NULL)
		return client_input_qr_read(o->qr_file, in, err);
	if (o->screen)
		return client_input_screen_read(o->screenshot_cmd, in, err);
	if (o->uri != NULL || o->uri_file != NULL)
		return uri_load(o, in, err);
	return secret_load(o, in, err);
}

int tool_account_load(const tool_opts *o, client_input *in, client_error *err)
{
	int ret = tool_input_load(o, in, err);

	if (ret == 0)
		ret = client_input_choose(in, o->pick, o->match, err);
	return ret;
}
