/*
 * cache: the retransmission cache (see cache.h).
 *
 * An entry holds the queue link and the key (cookie bytes + SHA-256 of the
 * body) in one allocation, the reply in another, so that the byte cap can
 * drop a reply and keep its key: a retransmission of that request is then
 * known (NG_CACHE_GONE) and never executed again. The hash table maps
 * entry -> entry (hashing and comparing the key); the queue orders entries
 * by insertion time, which is also their age order because the clock is
 * monotonic, so expiry only ever looks at the head.
 */
#include "ng/cache.h"

#include <glib.h>
#include <string.h>

#include "ng/ng.h"

#define DIGEST_LEN 32

struct entry {
	GList link;           /* in cache->order; link.data = the entry */
	int64_t stored;       /* monotonic usec */
	unsigned char *reply; /* NULL: dropped for the byte cap (or too large) */
	size_t reply_len;
	size_t key_len;
	unsigned char key[]; /* key_len bytes */
};

struct ng_cache {
	GHashTable *table; /* struct entry * (key and value) */
	GQueue order;      /* oldest first */
	GList *with_reply; /* the oldest entry in order that may still hold a reply */
	size_t bytes;
	size_t max_entries, max_bytes;
	int64_t max_age;
};

/* Bookkeeping per entry besides its bytes: the struct plus a guess at the
 * hash table's share. */
#define ENTRY_OVERHEAD (sizeof(struct entry) + 4 * sizeof(void *))

static size_t entry_size(const struct entry *e)
{
	return ENTRY_OVERHEAD + e->key_len + e->reply_len;
}

static guint entry_hash(gconstpointer p)
{
	const struct entry *e = p;
	guint h = 2166136261u;

	/* FNV-1a over the cookie and the first digest bytes is plenty: the
	 * digest is already uniformly distributed */
	for (size_t i = 0; i < e->key_len; i++)
		h = (h ^ e->key[i]) * 16777619u;
	return h;
}

static gboolean entry_equal(gconstpointer a, gconstpointer b)
{
	const struct entry *x = a, *y = b;

	return x->key_len == y->key_len && memcmp(x->key, y->key, x->key_len) == 0;
}

struct ng_cache *ng_cache_new_limits(size_t max_entries, size_t max_bytes, int64_t max_age_usec)
{
	struct ng_cache *c = g_new0(struct ng_cache, 1);

	/* the table does not own entries: removal paths free them explicitly */
	c->table = g_hash_table_new(entry_hash, entry_equal);
	g_queue_init(&c->order);
	c->max_entries = max_entries;
	c->max_bytes = max_bytes;
	c->max_age = max_age_usec;
	return c;
}

static void drop_reply(struct ng_cache *c, struct entry *e)
{
	c->bytes -= e->reply_len;
	g_free(e->reply);
	e->reply = NULL;
	e->reply_len = 0;
}

static void entry_remove(struct ng_cache *c, struct entry *e)
{
	if (c->with_reply == &e->link)
		c->with_reply = e->link.next;
	g_hash_table_remove(c->table, e);
	g_queue_unlink(&c->order, &e->link);
	c->bytes -= entry_size(e);
	g_free(e->reply);
	g_free(e);
}

/* NULL is a no-op. */
void ng_cache_free(struct ng_cache *c)
{
	if (!c)
		return;
	while (c->order.head)
		entry_remove(c, c->order.head->data);
	g_hash_table_destroy(c->table);
	g_free(c);
}

void ng_cache_expire(struct ng_cache *c, int64_t now)
{
	while (c->order.head) {
		struct entry *e = c->order.head->data;
		if (now - e->stored < c->max_age)
			break;
		entry_remove(c, e);
	}
}

/* Fill a key (cookie + digest of body) into buf, which must hold
 * cookie.len + DIGEST_LEN bytes. */
static void make_key(unsigned char *buf, str cookie, str body)
{
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
	gsize n = DIGEST_LEN;

	if (cookie.len)
		memcpy(buf, cookie.s, cookie.len);
	g_checksum_update(sum, (const guchar *)body.s, (gssize)body.len);
	g_checksum_get_digest(sum, buf + cookie.len, &n);
	g_checksum_free(sum);
}

enum ng_cache_result ng_cache_lookup(struct ng_cache *c, str cookie, str body, int64_t now,
				     str *reply)
{
	*reply = STR_NULL;
	ng_cache_expire(c, now);
	if (cookie.len > NG_MAX_COOKIE || !c->order.length)
		return NG_CACHE_MISS;

	/* a probe entry on the stack: the key is all that hash/equal read */
	union {
		struct entry e;
		unsigned char space[sizeof(struct entry) + NG_MAX_COOKIE + DIGEST_LEN];
	} probe;
	probe.e.key_len = cookie.len + DIGEST_LEN;
	make_key(probe.e.key, cookie, body);

	struct entry *e = g_hash_table_lookup(c->table, &probe.e);
	if (!e)
		return NG_CACHE_MISS;
	if (!e->reply)
		return NG_CACHE_GONE;
	*reply = str_make((const char *)e->reply, e->reply_len);
	return NG_CACHE_HIT;
}

bool ng_cache_full(struct ng_cache *c, int64_t now)
{
	ng_cache_expire(c, now);
	return c->order.length >= c->max_entries;
}

void ng_cache_insert(struct ng_cache *c, str cookie, str body, str reply, int64_t now)
{
	if (cookie.len > NG_MAX_COOKIE || c->max_entries == 0)
		return;
	size_t key_len = cookie.len + DIGEST_LEN;
	struct entry *e = g_malloc(sizeof(*e) + key_len);

	e->link = (GList){ .data = e };
	e->stored = now;
	e->key_len = key_len;
	e->reply = NULL;
	e->reply_len = 0;
	make_key(e->key, cookie, body);

	struct entry *old = g_hash_table_lookup(c->table, e);
	if (old)
		entry_remove(c, old);
	ng_cache_expire(c, now);
	/* Keys first: only the entry cap removes one before its time (the
	 * caller checks ng_cache_full() before executing, so this is the
	 * last resort of a caller that did not). */
	while (c->order.head && c->order.length >= c->max_entries)
		entry_remove(c, c->order.head->data);
	/* Then replies, oldest first; a reply larger than the cap is not
	 * kept at all, but its key is. */
	size_t need = entry_size(e) + reply.len;

	while (c->with_reply && c->bytes + need > c->max_bytes) {
		drop_reply(c, c->with_reply->data);
		c->with_reply = c->with_reply->next;
	}
	if (c->bytes + need <= c->max_bytes && reply.len) {
		e->reply = g_memdup2(reply.s, reply.len);
		e->reply_len = reply.len;
	}
	g_hash_table_add(c->table, e);
	g_queue_push_tail_link(&c->order, &e->link);
	c->bytes += entry_size(e);
	if (!c->with_reply)
		c->with_reply = &e->link;
}

size_t ng_cache_count(const struct ng_cache *c)
{
	return c->order.length;
}

size_t ng_cache_bytes(const struct ng_cache *c)
{
	return c->bytes;
}
