/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmd_export.c: a batch's journal into the seed file a server imports
 * (the client library's export does the work; this file reads the
 * options, names the tokens left out and the journal's damage).
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "provision.h"

static void left_out(void *arg, const client_jtoken *t, const char *reason)
{
	const tool_opts *o = ((void **)arg)[0];
	json_out *j = ((void **)arg)[1];

	if (o->json) {
		json_obj(j, NULL);
		json_uint(j, "index", t->index);
		json_str(j, "serial", t->serial);
		json_str(j, "seed_state",
		         safeid_seed_state_name(client_jtoken_state(t)));
		json_str(j, "reason", reason);
		json_close(j);
		return;
	}
	printf("left out: token %lu, %s: %s\n", t->index, t->serial, reason);
}

int cmd_export(const tool_opts *o, json_out *j, client_error *err)
{
	client_batch_secret s;
	client_export_opts eo;
	client_export_result res;
	client_journal *jr = NULL;
	char text[CLIENT_MSG_MAX - 200];
	void *arg[2] = {(void *)o, j};
	int ret;

	memset(&eo, 0, sizeof(eo));
	memset(&res, 0, sizeof(res));
	memset(&s, 0, sizeof(s));
	if (o->journal == NULL || o->format == NULL || o->out == NULL)
		return client_fail(err, CLIENT_EXIT_USAGE, "usage",
		                   "export needs --journal FILE, --format F "
		                   "and --out FILE");
	if (!client_format_parse(o->format, &eo.format))
		return client_fail(err, CLIENT_EXIT_USAGE, "usage",
		                   "--format '%s' is unknown: use pskc, "
		                   "privacyidea-csv, linotp-csv, multiotp-csv "
		                   "or entra-csv",
		                   o->format);
	ret = tool_batch_secret(o, &s, err);
	if (ret != 0)
		return ret;
	eo.out_path = o->out;
	eo.force = o->force;
	eo.include_unknown = o->include_unknown;
	eo.secret = &s;
	/* With a batch secret, the secret opens the journal and the flag
	 * asks for a PSKC file without encryption (multiOTP reads only
	 * that one right). */
	eo.plaintext = o->insecure_plaintext;
	eo.realm = o->realm;
	if (eo.format == CLIENT_FORMAT_PSKC && !eo.plaintext &&
	    s.kind == CLIENT_SECRET_PASSWORD && !s.ascii_6_64)
		fprintf(stderr, "safeid-tool: warning: LinOTP imports PSKC "
		                "files only with a password of 6 to 64 ASCII "
		                "characters; privacyIDEA takes this one\n");
	/* The format's needs and the output are checked before the
	 * journal's key is derived. */
	ret = client_export_check(&eo, NULL, err);
	if (ret == 0)
		ret = client_journal_open(o->journal, &s, false, &jr, err);
	if (ret != 0)
		goto out;
	if (o->json)
		json_arr(j, "left_out");
	ret = client_export_write(jr, &eo, left_out, arg, &res, err);
	if (o->json)
		json_close(j);
	client_journal_damage_text(&res.damage, o->journal, text, sizeof(text));
	if (o->json) {
		json_str(j, "file", ret == 0 ? o->out : NULL);
		json_str(j, "format", o->format);
		json_uint(j, "written", res.written);
		json_uint(j, "unknown_included", res.unknown_included);
		json_str(j, "journal_damage", text[0] != '\0' ? text : NULL);
	}
	if (ret != 0)
		goto out;
	if (!o->json)
		printf("Exported %zu tokens to '%s' (%s)%s.\n", res.written,
		       o->out, o->format,
		       res.unknown_included > 0 ? ", with tokens whose state "
		                                  "is not confirmed"
		                                : "");
	if (client_journal_damaged(&res.damage)) {
		ret = client_fail(err, CLIENT_EXIT_INPUT, "journal_damaged",
		                  "%s; tokens whose records were lost are "
		                  "missing from '%s'",
		                  text, o->out);
	} else if (text[0] != '\0') {
		fprintf(stderr, "safeid-tool: warning: %s\n", text);
	}
out:
	client_journal_close(&jr);
	client_batch_secret_free(&s);
	return ret;
}
