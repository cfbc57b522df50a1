/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The card side of the vsmartcard-vpcd link.  vpcd (the reader driver
 * inside pcscd) listens on a TCP port; the virtual card connects to it.
 * Every message is a 2-byte big-endian length and a payload.  A 1-byte
 * payload is a control message (0 power off, 1 power on, 2 reset, 4 send
 * the ATR); a longer one is a C-APDU whose answer is the R-APDU.  The card
 * closing the connection is seen by vpcd as the card being removed.
 */
#ifndef SAFEID_EMU_VPCD_H
#define SAFEID_EMU_VPCD_H

#include <stddef.h>
#include <stdint.h>

#define EMU_VPCD_POWER_OFF 0x00u
#define EMU_VPCD_POWER_ON 0x01u
#define EMU_VPCD_RESET 0x02u
#define EMU_VPCD_ATR 0x04u

#define EMU_VPCD_FRAME_MAX 65535u

/* Connect to vpcd on 127.0.0.1:port; the socket, or -1 (errno set). */
int emu_vpcd_connect(uint16_t port);

/* Read one frame into buf (cap bytes).  Returns its length, 0 when vpcd
 * closed the link, -1 on error or a frame larger than cap. */
long emu_vpcd_read(int fd, uint8_t *buf, size_t cap);

/* Send one frame; 0 or -1. */
int emu_vpcd_write(int fd, const uint8_t *buf, size_t len);

/* The ATR: a contactless-style ATR synthesized from the ATS (PC/SC part 3),
 * 3B 8n 80 01 <historical bytes> TCK.  Writes it to out (>= 32 bytes) and
 * returns its length. */
size_t emu_vpcd_atr(uint8_t *out);

#endif
