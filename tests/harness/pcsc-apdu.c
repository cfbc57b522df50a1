/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcsc-apdu: send APDUs (hex, one per argument) to a reader in one
 * exclusive session and print each reply in hex, one per line.  Test tool:
 * it lets the emulator be driven through the whole PC/SC stack.
 *
 *   pcsc-apdu --reader NAME HEX [HEX...]
 *   pcsc-apdu --reader NAME          (APDUs from stdin, one per line)
 *
 * Reading stdin lets a test script compute an APDU from an earlier reply
 * (e.g. authenticate from the challenge) within one session.
 * A reply of 61XX is printed as it is (no GET RESPONSE): tests of the T=0
 * mode see what the reader saw.  Exit 0 when every APDU got a reply, 1 on
 * a PC/SC error (printed with the APDU's position), 2 on bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#include "hex.h"

/* Send one hex APDU and print its reply.  0 ok, 1 PC/SC error, 2 bad hex. */
static int transmit_hex(SCARDHANDLE card, DWORD proto, const char *hex, int pos)
{
	BYTE c[261], r[258];
	DWORD rlen = sizeof(r);
	long clen = hex_decode(hex, c, sizeof(c));
	const SCARD_IO_REQUEST *pci =
		proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
	LONG rv;

	if (clen < 4) {
		fprintf(stderr,
		        "pcsc-apdu: APDU %d '%s': not hex of 4 or more "
		        "bytes\n",
		        pos, hex);
		return 2;
	}
	rv = SCardTransmit(card, pci, c, (DWORD)clen, NULL, r, &rlen);
	if (rv != SCARD_S_SUCCESS) {
		fprintf(stderr, "pcsc-apdu: APDU %d: transmit failed: %s\n",
		        pos, pcsc_stringify_error(rv));
		printf("ERROR %s\n", pcsc_stringify_error(rv));
		fflush(stdout);
		return 1;
	}
	for (DWORD k = 0; k < rlen; k++)
		printf("%02X", r[k]);
	printf("\n");
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	SCARDCONTEXT ctx = 0;
	SCARDHANDLE card = 0;
	DWORD proto = 0;
	LONG rv;
	int rc = 1;
	char line[1024];

	if (argc < 3 || strcmp(argv[1], "--reader") != 0) {
		fprintf(stderr, "usage: pcsc-apdu --reader NAME [HEX...]\n");
		return 2;
	}
	rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
	if (rv != SCARD_S_SUCCESS) {
		fprintf(stderr,
		        "pcsc-apdu: no PC/SC service: %s; start pcscd\n",
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
	rc = 0;
	if (argc > 3) {
		for (int i = 3; i < argc && rc == 0; i++)
			rc = transmit_hex(card, proto, argv[i], i - 2);
	} else {
		for (int i = 1;
		     rc == 0 && fgets(line, sizeof(line), stdin) != NULL; i++) {
			line[strcspn(line, "\r\n")] = '\0';
			rc = transmit_hex(card, proto, line, i);
		}
	}
fail:
	if (card != 0)
		SCardDisconnect(card, SCARD_LEAVE_CARD);
	SCardReleaseContext(ctx);
	return rc;
}
