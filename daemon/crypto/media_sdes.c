/* A party's SDES-keyed SRTP; see media_sdes.h. */
#include "crypto/media_sdes.h"

#include <glib.h>

void media_sdes_free(struct media_sdes *s)
{
	if (!s)
		return;
	srtp_dir_free(s->in);
	srtp_dir_free(s->out);
	g_free(s);
}
