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

	return e != NULL ? e->text
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
