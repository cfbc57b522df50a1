/* SPDX-License-Identifier: BSD-2-Clause */
/* TCP framing of the vsmartcard-vpcd link, card side. */
#include "emu_vpcd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int emu_vpcd_connect(uint16_t port)
{
	struct sockaddr_in sa;
	int fd, one = 1, saved;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* small frames both ways: do not let Nagle delay an answer */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* Read exactly len bytes: 1 done, 0 peer closed, -1 error. */
static int read_full(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)n;
	}
	return 1;
}

long emu_vpcd_read(int fd, uint8_t *buf, size_t cap)
{
	uint8_t hdr[2];
	size_t len;
	int r;

	r = read_full(fd, hdr, 2);
	if (r <= 0)
		return r;
	len = (size_t)hdr[0] << 8 | hdr[1];
	/* vpcd writes the length and the body separately, with Nagle on: ACK
	 * the length now, or the body waits for our delayed ACK (~40 ms per
	 * APDU; measured by tests/bench/run) */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &(int){1}, sizeof(int));
	if (len > cap)
		return -1;
	r = read_full(fd, buf, len);
	if (r <= 0)
		return r == 0 ? 0 : -1;
	return (long)len;
}

int emu_vpcd_write(int fd, const uint8_t *buf, size_t len)
{
	uint8_t frame[2 + 512];
	size_t sent = 0, total = len + 2;

	if (len > sizeof(frame) - 2)
		return -1;
	frame[0] = (uint8_t)(len >> 8);
	frame[1] = (uint8_t)(len & 0xFFu);
	memcpy(frame + 2, buf, len);
	while (sent < total) {
		ssize_t n = send(fd, frame + sent, total - sent, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		sent += (size_t)n;
	}
	return 0;
}

size_t emu_vpcd_atr(uint8_t *out)
{
	/* historical bytes: "SAFEID" in ASCII; the real tokens' bytes are not
	 * public and hosts must not recognise the token by its ATR alone */
	static const uint8_t hist[] = {'S', 'A', 'F', 'E', 'I', 'D'};
	size_t n = 0;
	uint8_t tck = 0;

	out[n++] = 0x3B;
	out[n++] = (uint8_t)(0x80u | sizeof(hist));
	out[n++] = 0x80;
	out[n++] = 0x01;
	memcpy(out + n, hist, sizeof(hist));
	n += sizeof(hist);
	/* TCK: XOR of every byte from T0 to the last historical byte */
	for (size_t i = 1; i < n; i++)
		tck ^= out[i];
	out[n++] = tck;
	return n;
}
