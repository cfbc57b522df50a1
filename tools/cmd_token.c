/*
 * cmd_token.c: the commands that only read or set the token's clock:
 * list, info, clock.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "commands.h"
#include "confirm.h"
#include "lock.h"
#include "record.h"
#include "watchdog.h"

int cmd_list(const tool_opts *o, json_out *j, tool_error *err)
{
	const tool_backend_ops *ops;
	tool_backend *b = NULL;
	tool_slot_list l;
	uint64_t now = tool_now(o);
	int ret;

	memset(&l, 0, sizeof(l));
	ret = tool_open(o, &ops, &b, err);
	if (ret != 0)
		return ret;
	tool_watchdog_arm("list readers and tokens", SAFEID_SEED_OLD,
	                  EXIT_TOKEN);
	ret = ops->list(b, &l, err);
	tool_watchdog_disarm();
	if (ret != 0)
		goto fail;
	if (o->json)
		json_arr(j, "readers");
	else if (l.count == 0)
		printf("No reader found: plug in a contactless (NFC) reader and check "
		       "that pcscd runs (systemctl status pcscd).\n");
	for (size_t i = 0; i < l.count; i++) {
		if (o->json) {
			json_obj(j, NULL);
			json_uint(j, "index", i);
			tool_show_slot(o, j, &l.slots[i], now);
			json_close(j);
		} else {
			printf("%s[%zu]\n", i > 0 ? "\n" : "", i);
			tool_show_slot(o, j, &l.slots[i], now);
		}
	}
	if (o->json)
		json_close(j);
fail:
	tool_slot_list_free(&l);
	ops->close(&b);
	return ret;
}

/* What this host burned into the token last (the token cannot say). */
static void show_record(const tool_opts *o, json_out *j, const char *serial)
{
	char path[4200], when[48];
	tool_error ignored;
	tool_record r;
	bool have = tool_record_load(o->state_dir, serial, &r, path,
	                             sizeof(path), &ignored) == 0;

	if (o->json) {
		if (!have) {
			json_null(j, "record");
			return;
		}
		json_obj(j, "record");
		json_str(j, "account", r.account);
		json_str(j, "issuer", r.issuer);
		json_str(j, "hash", r.hash == SAFEID_HASH_SHA256 ? "SHA256" : "SHA1");
		json_uint(j, "step", r.step);
		json_uint(j, "display", r.display);
		json_int(j, "time", r.time);
		json_close(j);
		return;
	}
	if (!have) {
		printf("Last burn:  no record on this host\n");
		return;
	}
	tool_fmt_time((uint64_t)r.time, when, sizeof(when));
	printf("Last burn:  %s%s%s on %s (%s, %u s step, %u s display)\n",
	       r.issuer, r.issuer[0] != '\0' ? ": " : "", r.account, when,
	       r.hash == SAFEID_HASH_SHA256 ? "SHA-256" : "SHA-1", r.step,
	       r.display);
}

int cmd_info(const tool_opts *o, json_out *j, tool_error *err)
{
	const tool_backend_ops *ops;
	tool_backend *b = NULL;
	tool_slot s;
	int ret;

	ret = tool_open(o, &ops, &b, err);
	if (ret != 0)
		return ret;
	tool_watchdog_arm("read token info", SAFEID_SEED_OLD, EXIT_TOKEN);
	ret = ops->info(b, o->reader, &s, err);
	tool_watchdog_disarm();
	if (ret == 0) {
		tool_show_slot(o, j, &s, tool_now(o));
		show_record(o, j, s.serial);
	}
	ops->close(&b);
	return ret;
}

static int parse_hash_opt(const char *s, safeid_hash *h, tool_error *err)
{
	if (strcasecmp(s, "sha1") == 0 || strcasecmp(s, "sha-1") == 0)
		*h = SAFEID_HASH_SHA1;
	else if (strcasecmp(s, "sha256") == 0 || strcasecmp(s, "sha-256") == 0)
		*h = SAFEID_HASH_SHA256;
	else
		return tool_fail(err, EXIT_USAGE, "usage",
		                 "--hash '%s': use sha1 or sha256", s);
	return 0;
}

/*
 * The configuration a clock write re-sends: options win, the burn record
 * fills the rest; with neither the write is refused (never guessed).
 */
static int clock_config(const tool_opts *o, const tool_slot *s,
                        tool_clock_plan *p, const char **source,
                        tool_error *err)
{
	char path[4200];
	tool_record r;
	int rc;

	rc = tool_record_load(o->state_dir, s->serial, &r, path, sizeof(path),
	                      err);
	if (rc > 1)
		return rc;
	*source = rc == 0 ? "burn record" : "options";
	if (rc == 1 && (o->hash == NULL || o->step == 0 || o->display == 0))
		return tool_fail(err, EXIT_USAGE, "config_unknown",
		                 "the configuration of token %s is unknown: no burn "
		                 "record at '%s' and not all of --hash, --step and "
		                 "--display given. A clock write re-sends them, so "
		                 "give the values the token was burned with",
		                 s->serial, path);
	p->hash = rc == 0 ? r.hash : SAFEID_HASH_SHA1;
	p->step = rc == 0 ? r.step : 30;
	p->display_seconds = rc == 0 ? r.display : 30;
	if (o->hash != NULL && parse_hash_opt(o->hash, &p->hash, err) != 0)
		return EXIT_USAGE;
	if (o->step > 0)
		p->step = (unsigned)o->step;
	if (o->display > 0)
		p->display_seconds = (unsigned)o->display;
	if (rc == 0 && (o->hash != NULL || o->step > 0 || o->display > 0))
		*source = "burn record and options";
	return 0;
}

static void clock_report(const tool_opts *o, json_out *j,
                         const tool_write_result *res, const char *source,
                         const tool_clock_plan *p)
{
	uint64_t now = tool_now(o);
	char when[48];

	if (o->json) {
		tool_show_slot(o, j, &res->before, now);
		json_str(j, "config_source", source);
		json_str(j, "hash", p->hash == SAFEID_HASH_SHA256 ? "SHA256" : "SHA1");
		json_uint(j, "step", p->step);
		json_uint(j, "display", p->display_seconds);
		if (res->after_valid && res->after.clock_known)
			json_uint(j, "token_clock_after", res->after.clock);
		else
			json_null(j, "token_clock_after");
		json_str(j, "seed_state", safeid_seed_state_name(res->seed));
		return;
	}
	if (res->after_valid && res->after.clock_known) {
		tool_fmt_time(res->after.clock, when, sizeof(when));
		printf("Token clock now %s (%+lld s from the host clock).\n", when,
		       (long long)res->after.clock - (long long)now);
	}
	printf("The token holds: %s.\n", safeid_seed_state_text(res->seed));
	if (res->seed == SAFEID_SEED_ERASED)
		printf("Burn the seed again: safeid-tool burn ...\n");
}

int cmd_clock(const tool_opts *o, json_out *j, tool_error *err)
{
	const tool_backend_ops *ops = NULL;
	tool_backend *b = NULL;
	tool_write_result res;
	tool_clock_plan p;
	tool_slot s;
	const char *source = "options";
	int lockfd = -1, ret;

	memset(&p, 0, sizeof(p));
	ret = tool_open_writer(o, &lockfd, &ops, &b, &s, err);
	if (ret != 0)
		goto fail;
	ret = clock_config(o, &s, &p, &source, err);
	if (ret != 0)
		goto fail;
	if (s.restricted_sync && !o->erase_seed) {
		ret = tool_fail(err, EXIT_DECLINED, "restricted_sync",
		                "nothing written: token %s (%s) erases its seed on "
		                "any clock write. Burn the seed again instead "
		                "(a burn sets the clock), or add --erase-seed to "
		                "set the clock and lose the seed",
		                s.serial, s.model[0] != '\0' ? s.model : "unknown "
		                                                         "model");
		goto fail;
	}
	if (!o->json)
		printf("Setting the clock of token %s on '%s' (%s, %u s step, "
		       "%u s display, from the %s):\n",
		       s.serial, s.reader,
		       p.hash == SAFEID_HASH_SHA256 ? "SHA-256" : "SHA-1", p.step,
		       p.display_seconds, source);
	p.expect_serial = s.serial;
	if (s.restricted_sync) {
		p.erase_seed_ok = true;
		ret = tool_confirm(o->yes, "This ERASES the token's seed. Go on?",
		                   err);
		if (ret != 0)
			goto fail;
	}
	tool_watchdog_after_write(s.restricted_sync ? SAFEID_SEED_ERASED
	                                            : SAFEID_SEED_OLD);
	tool_watchdog_arm("read token info", SAFEID_SEED_OLD, EXIT_TOKEN);
	ret = ops->set_clock(b, o->reader, &p, tool_progress, (void *)o, &res,
	                     err);
	tool_watchdog_disarm();
	if (ret == 0)
		clock_report(o, j, &res, source, &p);
	else if (o->json)
		json_str(j, "seed_state", safeid_seed_state_name(res.seed));
fail:
	if (ops != NULL)
		ops->close(&b);
	tool_unlock(&lockfd);
	return ret;
}
