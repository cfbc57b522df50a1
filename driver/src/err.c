/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one table of errors: each code's symbol and the sentence a person
 * reads.  Sentences say what happened and what to do next; the caller adds
 * the thing (reader, file, step) it was working on.
 */
#include "internal.h"

struct err_entry {
	int code;
	const char *name;
	const char *text;
};

static const struct err_entry err_table[] = {
	{SAFEID_OK, "SAFEID_OK", "success: the operation completed"},
	{SAFEID_ERR_ARG, "SAFEID_ERR_ARG",
         "invalid argument; this is a bug in the calling program, please report it"},
	{SAFEID_ERR_NOMEM, "SAFEID_ERR_NOMEM",
         "out of memory; close other programs and try again"},
	{SAFEID_ERR_NO_SERVICE, "SAFEID_ERR_NO_SERVICE",
         "no PC/SC service: start pcscd (systemctl start pcscd.socket) and try again"},
	{SAFEID_ERR_NO_READER, "SAFEID_ERR_NO_READER",
         "no reader attached: plug in a contactless (NFC) reader and try again"},
	{SAFEID_ERR_READER_UNKNOWN, "SAFEID_ERR_READER_UNKNOWN",
         "the named reader does not exist: list the readers and pick one by index or name"},
	{SAFEID_ERR_NO_TOKEN, "SAFEID_ERR_NO_TOKEN",
         "no token on the reader: switch the token on (press its button) and hold it on the reader"},
	{SAFEID_ERR_BUSY, "SAFEID_ERR_BUSY",
         "another program holds the reader exclusively: close it and try again"},
	{SAFEID_ERR_REMOVED, "SAFEID_ERR_REMOVED",
         "the token was removed or reset during the operation: hold it still on the reader and start again"},
	{SAFEID_ERR_READER_GONE, "SAFEID_ERR_READER_GONE",
         "the reader vanished or the PC/SC service stopped: reconnect the reader, check pcscd and start again"},
	{SAFEID_ERR_COMM, "SAFEID_ERR_COMM",
         "communication with the token failed: hold it still on the reader and try again"},
	{SAFEID_ERR_TIMEOUT, "SAFEID_ERR_TIMEOUT",
         "no answer in time: switch the token on (press its button), hold it on the reader and try again"},
	{SAFEID_ERR_BAD_REPLY, "SAFEID_ERR_BAD_REPLY",
         "the token's reply is malformed: it may not be a token of this family; try again, and check the card"},
	{SAFEID_ERR_NOT_TOKEN, "SAFEID_ERR_NOT_TOKEN",
         "the card is not a programmable OTP token of this family (a bank card or security key?): use the right token"},
	{SAFEID_ERR_AUTH, "SAFEID_ERR_AUTH",
         "the token answered 6983: authentication refused; the token may be locked or not of this family — stop, do not retry"},
	{SAFEID_ERR_BAD_DATA, "SAFEID_ERR_BAD_DATA",
         "the token answered 6A80: it refused the data (configuration or seed); check the values and the model"},
	{SAFEID_ERR_WRONG_LENGTH, "SAFEID_ERR_WRONG_LENGTH",
         "the token answered 6700: wrong length; the token may be of another model of the family — report it"},
	{SAFEID_ERR_INS, "SAFEID_ERR_INS",
         "the token answered 6D00: unknown instruction; the card is probably not a token of this family"},
	{SAFEID_ERR_CLA, "SAFEID_ERR_CLA",
         "the token answered 6E00: unknown class; the card is probably not a token of this family"},
	{SAFEID_ERR_SW, "SAFEID_ERR_SW",
         "the token answered an unexpected status word: note it (--verbose shows it) and report it"},
	{SAFEID_ERR_SEED_LENGTH, "SAFEID_ERR_SEED_LENGTH",
         "the seed must be 1 to 63 bytes; nothing was sent to the token: use a shorter secret"},
	{SAFEID_ERR_CONFIG, "SAFEID_ERR_CONFIG",
         "unsupported setting: the hash must be SHA-1 or SHA-256, the step 30 or 60 s, the display 15, 30, 60 or 120 s"},
	{SAFEID_ERR_CRYPTO, "SAFEID_ERR_CRYPTO",
         "the cryptographic library (OpenSSL 3 with SM4) failed: check the OpenSSL installation"},
	{SAFEID_ERR_NOT_AUTHENTICATED, "SAFEID_ERR_NOT_AUTHENTICATED",
         "the token refused a write because the session is not authenticated: start the operation again from the beginning"},
	{SAFEID_ERR_INTERNAL, "SAFEID_ERR_INTERNAL",
         "internal error; this is a bug, please report it"},
	{SAFEID_ERR_CLOCK, "SAFEID_ERR_CLOCK",
         "the token's clock did not take the value written: sync the clock again and check the token"},
	{SAFEID_ERR_CANCELLED, "SAFEID_ERR_CANCELLED",
         "the wait for a reader or token was cancelled by the program (it is closing down): start it again if still needed"},
	{SAFEID_ERR_WRONG_KEY, "SAFEID_ERR_WRONG_KEY",
         "the token refused the customer key: it counts wrong keys and locks itself after the last one; check the key before trying again"},
	{SAFEID_ERR_LOCKED, "SAFEID_ERR_LOCKED",
         "the token is locked after too many wrong customer keys: only a factory reset, which erases every profile, makes it usable again"},
	{SAFEID_ERR_LAST_TRY, "SAFEID_ERR_LAST_TRY",
         "one try is left before the token locks itself, so nothing was sent: check the customer key, then confirm that the last try may be used"},
	{SAFEID_ERR_PROFILE, "SAFEID_ERR_PROFILE",
         "profile number out of range: a Molto2 has profiles 0 to 99 (0 to 49 on the first version); nothing was sent"},
	{SAFEID_ERR_OCCUPIED, "SAFEID_ERR_OCCUPIED",
         "the profile already holds a seed, so nothing was written: choose a free profile or allow overwriting this one"},
	{SAFEID_ERR_TITLE, "SAFEID_ERR_TITLE",
         "a profile title is 1 to 12 bytes (UTF-8); nothing was sent: shorten it"},
	{SAFEID_ERR_DIGITS, "SAFEID_ERR_DIGITS",
         "unsupported number of digits: a Molto2 shows 4, 6, 8 or 10, a single-profile token 6; nothing was sent"},
	{SAFEID_ERR_CUSTOMER_KEY, "SAFEID_ERR_CUSTOMER_KEY",
         "a customer key is 1 to 1024 bytes; nothing was sent: give the key again"},
	{SAFEID_ERR_ZERO_SEED, "SAFEID_ERR_ZERO_SEED",
         "the seed is all zero bytes, which a Molto2 takes as \"clear this profile\"; nothing was sent: check the secret"},
	{SAFEID_ERR_NOT_SUPPORTED, "SAFEID_ERR_NOT_SUPPORTED",
         "the token does not know this command (screen lock and unlock need Molto2 firmware 2.1 or later); nothing changed"},
	{SAFEID_ERR_READBACK, "SAFEID_ERR_READBACK",
         "the profile read back after the write does not show what was written (seed, hash, step, digits or title): burn it again and check the token"},
};

static const struct err_entry *err_find(int err)
{
	size_t i;

	for (i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++)
		if (err_table[i].code == err)
			return &err_table[i];
	return NULL;
}

const char *safeid_errname(int err)
{
	const struct err_entry *e = err_find(err);

	return e != NULL ? e->name : "SAFEID_ERR_UNKNOWN_CODE";
}

const char *safeid_strerror(int err)
{
	const struct err_entry *e = err_find(err);

	return e != NULL
	               ? e->text
	               : "unknown error code; this is a bug, please report it";
}

/* The only place where status words become errors. */
int safeid_sw_to_err(uint16_t sw)
{
	switch (sw) {
	case 0x9000:
		return SAFEID_OK;
	case 0x6983:
		return SAFEID_ERR_AUTH;
	case 0x6982:
		return SAFEID_ERR_NOT_AUTHENTICATED;
	case 0x6A80:
		return SAFEID_ERR_BAD_DATA;
	case 0x6700:
		return SAFEID_ERR_WRONG_LENGTH;
	case 0x6D00:
		return SAFEID_ERR_INS;
	case 0x6E00:
		return SAFEID_ERR_CLA;
	default:
		break;
	}
	/* 63CX: the multi-profile sibling's "authentication failed, X left". */
	if ((sw & 0xFFF0u) == 0x63C0u)
		return SAFEID_ERR_AUTH;
	return SAFEID_ERR_SW;
}
