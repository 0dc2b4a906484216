/*
 * cache: the retransmission cache of the ng protocol. A request that is
 * sent again (same cookie AND same body, within NG_CACHE_SECONDS) gets the
 * reply bytes of its first execution and is not executed again; the same
 * cookie with another body is a new request. Keys are the cookie plus a
 * SHA-256 of the body, so the cache holds the replies but not the requests.
 *
 * Bounded: entries expire by age (a queue in insertion order, checked on
 * every operation). At the byte cap the oldest replies are dropped but
 * their keys kept, so a request is never executed twice within the age:
 * its retransmission is answered NG_CACHE_GONE. At the entry cap the
 * caller refuses new requests (ng_cache_full) rather than forget old
 * ones. Main (control) thread only.
 */
#ifndef RTPRELAY_NG_CACHE_H
#define RTPRELAY_NG_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "str.h"

struct ng_cache;

/* A cache with these caps (--ng-cache-max-entries, --ng-cache-max-bytes;
 * NG_CACHE_SECONDS); free with ng_cache_free (NULL: no-op). */
struct ng_cache *ng_cache_new_limits(size_t max_entries, size_t max_bytes, int64_t max_age_usec);
void ng_cache_free(struct ng_cache *c);

enum ng_cache_result {
	NG_CACHE_MISS, /* not seen within the maximum age: execute it */
	NG_CACHE_HIT,  /* *reply is the reply of its execution */
	NG_CACHE_GONE, /* executed, but its reply was dropped (byte cap) */
};

/*
 * What the cache knows of (cookie, body) stored less than the maximum age
 * before now (monotonic microseconds). On a hit, *reply views the reply
 * until the next insert or expiry on this cache; else it is STR_NULL.
 */
enum ng_cache_result ng_cache_lookup(struct ng_cache *c, str cookie, str body, int64_t now,
				     str *reply);

/* True if the entry cap is reached by requests younger than the maximum
 * age: a new request must not be executed (it could not be remembered). */
bool ng_cache_full(struct ng_cache *c, int64_t now);

/* Store the reply to (cookie, body), replacing an older one for the same
 * key (a reply larger than the byte cap: only the key). */
void ng_cache_insert(struct ng_cache *c, str cookie, str body, str reply, int64_t now);

/* Drop the entries older than the maximum age at now. */
void ng_cache_expire(struct ng_cache *c, int64_t now);

size_t ng_cache_count(const struct ng_cache *c);
size_t ng_cache_bytes(const struct ng_cache *c); /* approximate memory held */

#endif
