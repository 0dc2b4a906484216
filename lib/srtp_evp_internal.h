/*
 * srtp_evp_internal: what the srtp_evp_*.c files share (not an API for
 * others; see srtp_evp.h).
 */
#ifndef RTPRELAY_SRTP_EVP_INTERNAL_H
#define RTPRELAY_SRTP_EVP_INTERNAL_H

/* One more cipher or authenticator object made (any thread). */
void srtp_evp_count_object(void);

#endif
