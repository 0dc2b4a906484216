/*
 * cache: the retransmission cache of the ng protocol. A request that is
 * sent again (same cookie AND same body, within NG_CACHE_SECONDS) gets the
 * reply bytes of its first execution and is not executed again; the same
 * cookie with another body is a new request. Keys are the cookie plus a
 * SHA-256 of the body, so the cache holds the replies but not the requests.
 *
 * Bounded: entries expire by age (a queue in insertion order, checked on
 * every operation), and the oldest go first when the entry or byte cap is
 * reached. Main (control) thread only.
 */
#ifndef RTPRELAY_NG_CACHE_H
#define RTPRELAY_NG_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "str.h"

struct ng_cache;

#define NG_CACHE_MAX_ENTRIES 200000
#define NG_CACHE_MAX_BYTES (64u * 1024 * 1024)

/* A cache with the default caps below; free with ng_cache_free (NULL: no-op). */
struct ng_cache *ng_cache_new(void);
void ng_cache_free(struct ng_cache *c);

/* A cache with other caps than the defaults above (tests). */
struct ng_cache *ng_cache_new_limits(size_t max_entries, size_t max_bytes, int64_t max_age_usec);

/*
 * The cached reply to (cookie, body) if it was stored less than the
 * maximum age before now (monotonic microseconds), else STR_NULL. The view
 * stays valid until the next insert or expiry on this cache.
 */
str ng_cache_lookup(struct ng_cache *c, str cookie, str body, int64_t now);

/* Store the reply to (cookie, body), replacing an older one for the same key. */
void ng_cache_insert(struct ng_cache *c, str cookie, str body, str reply, int64_t now);

/* Drop the entries older than the maximum age at now. */
void ng_cache_expire(struct ng_cache *c, int64_t now);

size_t ng_cache_count(const struct ng_cache *c);
size_t ng_cache_bytes(const struct ng_cache *c); /* approximate memory held */

#endif
