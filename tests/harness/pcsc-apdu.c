/*
 * pcsc-apdu: send APDUs (hex, one per argument) to a reader in one
 * exclusive session and print each reply in hex, one per line.  Test tool:
 * it lets the emulator be driven through the whole PC/SC stack.
 *
 *   pcsc-apdu --reader NAME HEX [HEX...]
 *
 * A reply of 61XX is printed as it is (no GET RESPONSE): tests of the T=0
 * mode see what the reader saw.  Exit 0 when every APDU got a reply, 1 on
 * a PC/SC error (printed with the APDU's position), 2 on bad usage.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

static long parse_hex(const char *s, BYTE *out, size_t cap)
{
	size_t n = 0;

	while (*s != '\0') {
		unsigned v;
		if (isspace((unsigned char)*s)) {
			s++;
			continue;
		}
		if (n >= cap || sscanf(s, "%2x", &v) != 1 ||
		    !isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
			return -1;
		out[n++] = (BYTE)v;
		s += 2;
	}
	return (long)n;
}

int main(int argc, char **argv)
{
	SCARDCONTEXT ctx = 0;
	SCARDHANDLE card = 0;
	DWORD proto = 0;
	LONG rv;
	int rc = 1;

	if (argc < 4 || strcmp(argv[1], "--reader") != 0) {
		fprintf(stderr, "usage: pcsc-apdu --reader NAME HEX [HEX...]\n");
		return 2;
	}
	rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
	if (rv != SCARD_S_SUCCESS) {
		fprintf(stderr, "pcsc-apdu: no PC/SC service: %s; start pcscd\n",
		        pcsc_stringify_error(rv));
		return 1;
	}
	rv = SCardConnect(ctx, argv[2], SCARD_SHARE_EXCLUSIVE,
	                  SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &card, &proto);
	if (rv != SCARD_S_SUCCESS) {
		fprintf(stderr, "pcsc-apdu: reader '%s': cannot connect: %s\n",
		        argv[2], pcsc_stringify_error(rv));
		goto fail;
	}
	for (int i = 3; i < argc; i++) {
		BYTE c[261], r[258];
		DWORD rlen = sizeof(r);
		long clen = parse_hex(argv[i], c, sizeof(c));
		const SCARD_IO_REQUEST *pci =
			proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
		if (clen < 4) {
			fprintf(stderr, "pcsc-apdu: APDU %d '%s': not hex of 4 or more "
			        "bytes\n", i - 2, argv[i]);
			rc = 2;
			goto fail;
		}
		rv = SCardTransmit(card, pci, c, (DWORD)clen, NULL, r, &rlen);
		if (rv != SCARD_S_SUCCESS) {
			fprintf(stderr, "pcsc-apdu: APDU %d: transmit failed: %s\n",
			        i - 2, pcsc_stringify_error(rv));
			goto fail;
		}
		for (DWORD k = 0; k < rlen; k++)
			printf("%02X", r[k]);
		printf("\n");
		fflush(stdout);
	}
	rc = 0;
fail:
	if (card != 0)
		SCardDisconnect(card, SCARD_LEAVE_CARD);
	SCardReleaseContext(ctx);
	return rc;
}
