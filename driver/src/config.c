/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The token configuration: validation, display timeout conversions and the
 * config TLV (token-protocol.md, "Config TLV").
 */
#include "internal.h"

int safeid_display_from_seconds(unsigned seconds, safeid_display *out)
{
	if (out == NULL)
		return SAFEID_ERR_ARG;
	switch (seconds) {
	case 15:
		*out = SAFEID_DISPLAY_15S;
		return SAFEID_OK;
	case 30:
		*out = SAFEID_DISPLAY_30S;
		return SAFEID_OK;
	case 60:
		*out = SAFEID_DISPLAY_60S;
		return SAFEID_OK;
	case 120:
		*out = SAFEID_DISPLAY_120S;
		return SAFEID_OK;
	default:
		return SAFEID_ERR_CONFIG;
	}
}

unsigned safeid_display_seconds(safeid_display d)
{
	switch (d) {
	case SAFEID_DISPLAY_15S:
		return 15;
	case SAFEID_DISPLAY_30S:
		return 30;
	case SAFEID_DISPLAY_60S:
		return 60;
	case SAFEID_DISPLAY_120S:
		return 120;
	default:
		return 0;
	}
}

int sid_config_check(const safeid_config *cfg)
{
	if (cfg == NULL)
		return SAFEID_ERR_ARG;
	if (cfg->hash != SAFEID_HASH_SHA1 && cfg->hash != SAFEID_HASH_SHA256)
		return SAFEID_ERR_CONFIG;
	if (cfg->step != 30 && cfg->step != 60)
		return SAFEID_ERR_CONFIG;
	if (safeid_display_seconds(cfg->display) == 0)
		return SAFEID_ERR_CONFIG;
	return SAFEID_OK;
}

int sid_config_tlv(const safeid_config *cfg, uint8_t tlv[SID_CONFIG_TLV_LEN])
{
	int rc = sid_config_check(cfg);

	if (rc != SAFEID_OK)
		return rc;
	tlv[0] = 0x81;
	tlv[1] = 0x11;
	tlv[2] = 0x1F; /* display timeout */
	tlv[3] = 0x01;
	tlv[4] = (uint8_t)cfg->display;
	tlv[5] = 0x0F; /* clock, u32 big-endian */
	tlv[6] = 0x04;
	tlv[7] = (uint8_t)(cfg->clock >> 24);
	tlv[8] = (uint8_t)(cfg->clock >> 16);
	tlv[9] = (uint8_t)(cfg->clock >> 8);
	tlv[10] = (uint8_t)cfg->clock;
	tlv[11] = 0x86; /* OTP parameters */
	tlv[12] = 0x06;
	tlv[13] = 0x0A; /* hash */
	tlv[14] = 0x01;
	tlv[15] = (uint8_t)cfg->hash;
	tlv[16] = 0x0D; /* time step */
	tlv[17] = 0x01;
	tlv[18] = (uint8_t)cfg->step;
	return SAFEID_OK;
}
