/* RTP/RTCP parsing: never reads outside the packet; parsed offsets sane. */
#include <stdlib.h>
#include <string.h>

#include "rtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rtp_header h;
	uint8_t *copy = malloc(size ? size : 1);

	memcpy(copy, data, size);
	(void)rtp_is_v2(copy, size);
	(void)rtp_looks_like_rtcp(copy, size);
	(void)rtcp_check(copy, size);
	if (rtp_parse(copy, size, &h) == 0) {
		if (h.payload_offset > size || h.payload_offset + h.payload_len > size)
			abort();
		rtp_silence_payload(copy, &h);
	}
	free(copy);
	return 0;
}
