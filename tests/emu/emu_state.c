/* SPDX-License-Identifier: BSD-2-Clause */
/* Reading and writing the emulator's state file. */
#include "emu_state.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

/* a Molto2 with 100 full profiles writes about 30 KiB */
#define STATE_MAX 65536

unsigned emu_display_seconds(unsigned wire)
{
	static const unsigned secs[4] = {15, 30, 60, 120};
	return wire < 4 ? secs[wire] : 0;
}

int emu_display_wire(unsigned seconds)
{
	for (unsigned i = 0; i < 4; i++)
		if (emu_display_seconds(i) == seconds)
			return (int)i;
	return -1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int emu_parse_hex(const char *s, uint8_t *out, size_t cap, size_t *outlen)
{
	size_t n = strlen(s);

	if (n % 2 != 0 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*outlen = n / 2;
	return 0;
}

int emu_parse_i64(const char *s, int64_t *out)
{
	char *end = NULL;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		return -1;
	*out = (int64_t)v;
	return 0;
}

/* Apply one key=value line to t.  Returns 0, or -1 when the key is unknown
 * or the value invalid. */
static int apply_line(emu_token *t, const char *key, const char *val,
                      int *has_seed)
{
	int64_t v = 0;
	int w;

	if (strcmp(key, "family") == 0) {
		if (strcmp(val, "molto2") == 0)
			t->family = EMU_FAMILY_MOLTO2;
		else if (strcmp(val, "single") == 0)
			t->family = EMU_FAMILY_SINGLE;
		else
			return -1;
	} else if (strcmp(key, "serial") == 0) {
		if (!emu_serial_valid(val))
			return -1;
		memcpy(t->serial, val, strlen(val) + 1);
	} else if (strcmp(key, "model") == 0) {
		/* informational only: the model follows the serial */
	} else if (strcmp(key, "has_seed") == 0) {
		if (strcmp(val, "0") != 0 && strcmp(val, "1") != 0)
			return -1;
		*has_seed = val[0] == '1';
	} else if (strcmp(key, "seed") == 0) {
		if (emu_parse_hex(val, t->seed, sizeof(t->seed), &t->seedlen) !=
		    0)
			return -1;
	} else if (strcmp(key, "hash") == 0) {
		if (strcmp(val, "SHA1") == 0)
			t->hash = EMU_HASH_SHA1;
		else if (strcmp(val, "SHA256") == 0)
			t->hash = EMU_HASH_SHA256;
		else
			return -1;
	} else if (strcmp(key, "step") == 0) {
		if (emu_parse_i64(val, &v) != 0 || (v != 30 && v != 60))
			return -1;
		t->step = (unsigned)v;
	} else if (strcmp(key, "display") == 0) {
		if (emu_parse_i64(val, &v) != 0 || v < 0 || v > 120 ||
		    (w = emu_display_wire((unsigned)v)) < 0)
			return -1;
		t->display = (unsigned)w;
	} else if (strcmp(key, "clock_base") == 0) {
		return emu_parse_i64(val, &t->clock_base);
	} else if (strcmp(key, "clock_ref") == 0) {
		return emu_parse_i64(val, &t->clock_ref);
	} else if (strcmp(key, "drift_ppm") == 0) {
		if (emu_parse_i64(val, &v) != 0 || v < -1000000 || v > 1000000)
			return -1;
		t->drift_ppm = (int32_t)v;
	} else {
		return emu_m2_state_line(t, key, val) == 0 ? 0 : -1;
	}
	return 0;
}

int emu_state_load(const char *path, emu_token *t, char *err, size_t errlen)
{
	char buf[STATE_MAX + 1];
	char *line, *save = NULL;
	ssize_t got;
	size_t total = 0;
	int fd = -1, rc = -1, has_seed = -1, lineno = 0;

	memset(t, 0, sizeof(*t));
	t->hash = EMU_HASH_SHA1;
	t->step = 30;
	t->display = 1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen,
		         "state file %s: cannot open (%s); create it "
		         "with 'safeid-emu init --state %s --serial S'",
		         path, strerror(errno), path);
		goto fail;
	}
	while ((got = read(fd, buf + total, STATE_MAX - total)) > 0)
		total += (size_t)got;
	if (got < 0 || total >= STATE_MAX) {
		snprintf(err, errlen,
		         "state file %s: unreadable or larger than %d "
		         "bytes; recreate it with 'safeid-emu init'",
		         path, STATE_MAX);
		goto fail;
	}
	buf[total] = '\0';
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char *eq;
		lineno++;
		if (line[0] == '#' || line[0] == '\0')
			continue;
		eq = strchr(line, '=');
		if (eq != NULL)
			*eq = '\0';
		if (eq == NULL || apply_line(t, line, eq + 1, &has_seed) != 0) {
			snprintf(
				err, errlen,
				"state file %s: line %d is not a known "
				"key=value or has a bad value; fix it or recreate the "
				"file with 'safeid-emu init'",
				path, lineno);
			goto fail;
		}
	}
	if (t->serial[0] == '\0') {
		snprintf(err, errlen,
		         "state file %s: no serial= line; recreate it "
		         "with 'safeid-emu init'",
		         path);
		goto fail;
	}
	if (t->family == EMU_FAMILY_MOLTO2 && emu_m2_state_check(t) != 0) {
		snprintf(err, errlen,
		         "state file %s: a Molto2 state needs profiles=50 "
		         "or 100, a 16-byte key= and tries_left <= tries_max; "
		         "recreate it with 'safeid-emu init --family molto2'",
		         path);
		goto fail;
	}
	if (has_seed >= 0 && (has_seed == 1) != (t->seedlen > 0)) {
		snprintf(err, errlen,
		         "state file %s: has_seed disagrees with seed=; "
		         "fix the file or recreate it with 'safeid-emu init'",
		         path);
		goto fail;
	}
	rc = 0;
fail:
	if (fd >= 0)
		close(fd);
	OPENSSL_cleanse(buf, sizeof(buf));
	if (rc != 0)
		emu_token_wipe(t);
	return rc;
}

int emu_state_save(const char *path, const emu_token *t, char *err,
                   size_t errlen)
{
	char tmp[4096];
	char buf[STATE_MAX];
	size_t n = 0;
	int fd = -1, rc = -1, len;
	bool created = false;

	len = snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path);
	if (len < 0 || (size_t)len >= sizeof(tmp)) {
		snprintf(err, errlen,
		         "state file path too long: %s; use a "
		         "shorter path",
		         path);
		goto fail;
	}
	if (t->family == EMU_FAMILY_MOLTO2) {
		if (emu_m2_state_text(t, buf, sizeof(buf), &n) != 0) {
			snprintf(err, errlen,
			         "state file %s: the state does not "
			         "fit in %d bytes; this is a bug of safeid-emu",
			         path, STATE_MAX);
			goto fail;
		}
		goto write;
	}
	len = snprintf(
		buf, sizeof(buf),
		"# safeid-emu token state; holds the seed: keep it 0600\n"
		"serial=%s\nmodel=%s\nhas_seed=%d\nseed=",
		t->serial, emu_token_model(t->serial), t->seedlen > 0);
	if (len < 0)
		goto fail;
	n = (size_t)len;
	for (size_t i = 0; i < t->seedlen; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%02x",
		                      t->seed[i]);
	len = snprintf(buf + n, sizeof(buf) - n,
	               "\nhash=%s\nstep=%u\ndisplay=%u\nclock_base=%" PRId64
	               "\nclock_ref=%" PRId64 "\ndrift_ppm=%" PRId32 "\n",
	               t->hash == EMU_HASH_SHA256 ? "SHA256" : "SHA1", t->step,
	               emu_display_seconds(t->display), t->clock_base,
	               t->clock_ref, t->drift_ppm);
	if (len < 0 || (size_t)len >= sizeof(buf) - n)
		goto fail;
	n += (size_t)len;
write:
	/* mkstemp creates the file 0600: the seed is never readable by others */
	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen,
		         "state file %s: cannot create a temporary file "
		         "next to it (%s); check the directory is writable",
		         path, strerror(errno));
		goto fail;
	}
	created = true;
	if (fchmod(fd, 0600) != 0 || write(fd, buf, n) != (ssize_t)n ||
	    fsync(fd) != 0) {
		snprintf(err, errlen,
		         "state file %s: write failed (%s); check the "
		         "disk",
		         path, strerror(errno));
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		snprintf(err, errlen,
		         "state file %s: write failed (%s); check the "
		         "disk",
		         path, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen,
		         "state file %s: cannot replace it (%s); check "
		         "the directory is writable",
		         path, strerror(errno));
		goto fail;
	}
	rc = 0;
fail:
	if (fd >= 0)
		close(fd);
	if (rc != 0 && created)
		unlink(tmp);
	OPENSSL_cleanse(buf, sizeof(buf));
	return rc;
}
