/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * netns-lo-up: bring up the loopback interface of the current network
 * namespace.  The harness runs pcscd and the emulators in a namespace of
 * their own (so their TCP ports never clash with another run) and needs
 * 127.0.0.1 there; this spares it a dependency on iproute2.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	struct ifreq ifr;
	int fd, rc = 1;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, "lo", 3);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0)
		goto fail;
	ifr.ifr_flags = (short)(ifr.ifr_flags | IFF_UP);
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)
		goto fail;
	rc = 0;
fail:
	if (rc != 0)
		fprintf(stderr,
		        "netns-lo-up: cannot bring up loopback: %s; the "
		        "harness needs root with CAP_NET_ADMIN\n",
		        strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}
