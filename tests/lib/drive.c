/* SPDX-License-Identifier: BSD-2-Clause */
/* What the core's test programs share (drive.h). */
#include "drive.h"

#include <stdio.h>
#include <string.h>

void drive_trace(void *arg, const char *what, const uint8_t *hdr, size_t hdrlen,
                 uint16_t sw)
{
	size_t i;

	(void)arg;
	fprintf(stderr, "trace: %-13s", what);
	for (i = 0; i < hdrlen; i++)
		fprintf(stderr, " %02X", hdr[i]);
	fprintf(stderr, " -> %04X\n", sw);
}

int drive_handshake(const char *prog, const char *dir, const char *text,
                    char *reply, size_t cap)
{
	char path[4096];
	FILE *f;

	reply[0] = '\0';
	snprintf(path, sizeof(path), "%s/ready", dir);
	f = fopen(path, "w");
	if (f == NULL) {
		fprintf(stderr, "%s: %s: cannot open the ready FIFO\n", prog,
		        path);
		return -1;
	}
	fprintf(f, "%s\n", text);
	fclose(f);
	snprintf(path, sizeof(path), "%s/go", dir);
	f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "%s: %s: cannot open the go FIFO\n", prog,
		        path);
		return -1;
	}
	if (fgets(reply, (int)cap, f) == NULL) {
		fprintf(stderr, "%s: %s: closed without a line; going on\n",
		        prog, path);
		reply[0] = '\0';
	}
	fclose(f);
	reply[strcspn(reply, "\n")] = '\0';
	return 0;
}
