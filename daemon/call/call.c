/*
 * Call registry and lifecycle: creation, deletion with delay, per-call
 * timers for delete-delay, offer-timeout and final-timeout.
 */
#define LOG_SUBSYS control
#include "call/call.h"
#include "clock.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <string.h>
#include <time.h>

#include "call/media.h"
#include "config/config.h"
#include "log.h"
#include "rtprelay.h"
#include "stats.h"

struct calls {
	struct rtprelay *rp;
	GHashTable *by_id; /* char *callid -> struct call * (key owned by the call) */
	GQueue order;      /* struct call *, oldest first */
	/* client IP (owned here) -> calls of that client, as a pointer-sized
	 * count; an entry goes with the client's last call */
	GHashTable *by_client;
};

struct calls *calls_new(struct rtprelay *rp)
{
	struct calls *c = g_new0(struct calls, 1);

	c->rp = rp;
	c->by_id = g_hash_table_new(g_str_hash, g_str_equal);
	c->by_client = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_queue_init(&c->order);
	return c;
}

void calls_free(struct calls *c)
{
	if (!c)
		return;
	while (c->order.head)
		call_destroy(c->order.head->data, CALL_END_SHUTDOWN);
	g_hash_table_destroy(c->by_id);
	g_assert(g_hash_table_size(c->by_client) == 0);
	g_hash_table_destroy(c->by_client);
	g_free(c);
}

/* The key of the client at sa ("192.0.2.1", "2001:db8::1") in buf; NULL
 * when sa is not an IP address. */
static const char *client_key(const struct sockaddr *sa, socklen_t len, char *buf, size_t size)
{
	struct sockaddr_storage ss = { 0 };

	if (!sa || len < sizeof(sa_family_t) || len > sizeof(ss))
		return NULL;
	memcpy(&ss, sa, len);
	if (ss.ss_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *s6 = (const void *)&ss;

		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			struct sockaddr_in s4 = { .sin_family = AF_INET };

			memcpy(&s4.sin_addr, &s6->sin6_addr.s6_addr[12], 4);
			return inet_ntop(AF_INET, &s4.sin_addr, buf, (socklen_t)size);
		}
		return inet_ntop(AF_INET6, &s6->sin6_addr, buf, (socklen_t)size);
	}
	if (ss.ss_family == AF_INET && len >= sizeof(struct sockaddr_in))
		return inet_ntop(AF_INET,
				 &((const struct sockaddr_in *)(const void *)&ss)->sin_addr, buf,
				 (socklen_t)size);
	return NULL;
}

unsigned calls_of_client(const struct calls *c, const struct sockaddr *sa, socklen_t len)
{
	char buf[INET6_ADDRSTRLEN];
	const char *key = client_key(sa, len, buf, sizeof(buf));

	return key ? GPOINTER_TO_UINT(g_hash_table_lookup(c->by_client, key)) : 0;
}

void call_set_client(struct call *call, const struct sockaddr *sa, socklen_t len)
{
	struct calls *c = call->rp->calls;
	char buf[INET6_ADDRSTRLEN];
	const char *key = client_key(sa, len, buf, sizeof(buf));

	g_assert(!call->client);
	if (!key)
		return;
	unsigned n = GPOINTER_TO_UINT(g_hash_table_lookup(c->by_client, key));

	call->client = g_strdup(key);
	g_hash_table_replace(c->by_client, g_strdup(key), GUINT_TO_POINTER(n + 1));
}

/* call is going: it no longer counts for its client. */
static void client_put(struct calls *c, struct call *call)
{
	if (!call->client)
		return;
	unsigned n = GPOINTER_TO_UINT(g_hash_table_lookup(c->by_client, call->client));

	g_assert(n > 0);
	if (n > 1)
		g_hash_table_replace(c->by_client, g_strdup(call->client), GUINT_TO_POINTER(n - 1));
	else
		g_hash_table_remove(c->by_client, call->client);
	g_free(call->client);
	call->client = NULL;
}

unsigned calls_clients(const struct calls *c)
{
	return g_hash_table_size(c->by_client);
}

unsigned calls_count(const struct calls *c)
{
	return c->order.length;
}

GList *calls_list(const struct calls *c)
{
	return c->order.head;
}

struct call *call_find(struct calls *c, str callid)
{
	g_autofree char *key = str_dup(callid);

	return g_hash_table_lookup(c->by_id, key);
}

static void timer_cb(evutil_socket_t fd, short what, void *arg);

struct call *call_new(struct calls *c, str callid)
{
	struct rtprelay *rp = c->rp;
	struct call *call = g_new0(struct call, 1);

	call->rp = rp;
	call->callid = str_dup(callid);
	call->monologues = g_ptr_array_new();
	call->created_us = clock_wall_us();
	call->last_signal = call->created_us / 1000000;
	call->timer = evtimer_new(rp->base, timer_cb, call);
	pthread_mutex_init(&call->lock, NULL);
	if (rp->cfg->final_timeout)
		call->final_deadline_us = clock_mono_us() +
					  (int64_t)rp->cfg->final_timeout * 1000000;
	g_hash_table_insert(c->by_id, call->callid, call);
	g_queue_push_tail(&c->order, call);
	call->link = c->order.tail;
	rp->stats->calls_created++;
	call_schedule(call);
	return call;
}

static void monologue_free(struct monologue *ml)
{
	for (unsigned i = 0; i < ml->medias->len; i++)
		media_free(ml->medias->pdata[i]);
	g_ptr_array_free(ml->medias, TRUE);
	g_free(ml->tag);
	g_free(ml->via_branch);
	g_free(ml->label);
	g_free(ml->sent_origin_version);
	g_free(ml->last_body_in);
	g_free(ml);
}

void call_destroy(struct call *call, enum call_end why)
{
	struct calls *c = call->rp->calls;

	log_set_context(str_from(call->callid), STR_NULL);
	log_info("call ended (%s), %u monologues",
		 why == CALL_END_DELETE          ? "deleted"
		 : why == CALL_END_OFFER_TIMEOUT ? "offer timeout"
		 : why == CALL_END_FINAL_TIMEOUT ? "final timeout"
		 : why == CALL_END_SHUTDOWN      ? "shutdown"
						 : "media timeout",
		 call->monologues->len);
	log_set_context(STR_NULL, STR_NULL);
	call->rp->stats->calls_ended[why]++;
	client_put(c, call);
	g_hash_table_remove(c->by_id, call->callid);
	g_queue_delete_link(&c->order, call->link);
	event_free(call->timer);
	/* Stop every socket first: afterwards no worker can reach the call. */
	for (unsigned i = 0; i < call->monologues->len; i++) {
		struct monologue *ml = call->monologues->pdata[i];

		for (unsigned j = 0; j < ml->medias->len; j++)
			media_put_ports(ml->medias->pdata[j]);
	}
	for (unsigned i = 0; i < call->monologues->len; i++)
		monologue_free(call->monologues->pdata[i]);
	g_ptr_array_free(call->monologues, TRUE);
	pthread_mutex_destroy(&call->lock);
	g_free(call->callid);
	g_free(call);
}

struct monologue *call_find_tag(const struct call *call, str tag)
{
	for (unsigned i = 0; i < call->monologues->len; i++) {
		struct monologue *ml = call->monologues->pdata[i];

		if (ml->tag && str_eq_c(tag, ml->tag))
			return ml;
	}
	return NULL;
}

struct monologue *call_find_branch(const struct call *call, const struct monologue *offerer,
				   str branch)
{
	for (unsigned i = 0; i < call->monologues->len; i++) {
		struct monologue *ml = call->monologues->pdata[i];

		if (ml == offerer || ml->peer != offerer)
			continue;
		if (str_is_null(branch) ? ml->via_branch == NULL
					: ml->via_branch && str_eq_c(branch, ml->via_branch))
			return ml;
	}
	return NULL;
}

struct monologue *monologue_new(struct call *call, str tag, str branch)
{
	struct monologue *ml = g_new0(struct monologue, 1);

	ml->call = call;
	ml->tag = str_is_null(tag) || !tag.len ? NULL : str_dup(tag);
	ml->via_branch = str_is_null(branch) || !branch.len ? NULL : str_dup(branch);
	ml->medias = g_ptr_array_new();
	ml->created_us = clock_wall_us();
	g_ptr_array_add(call->monologues, ml);
	call->rp->stats->monologues_created++;
	return ml;
}

void monologue_set_tag(struct monologue *ml, str tag)
{
	g_free(ml->tag);
	ml->tag = str_dup(tag);
}

void monologue_destroy(struct monologue *ml)
{
	struct call *call = ml->call;

	/* Unreachable for the workers first, then freed (which waits for
	 * callbacks still running on its own sockets). */
	pthread_mutex_lock(&call->lock);
	for (unsigned i = 0; i < call->monologues->len; i++) {
		struct monologue *o = call->monologues->pdata[i];

		if (o->peer == ml)
			o->peer = NULL;
	}
	g_ptr_array_remove(call->monologues, ml);
	pthread_mutex_unlock(&call->lock);
	monologue_free(ml);
}

bool monologue_is_live(const struct monologue *ml)
{
	return ml->delete_at_us == 0 && ml->call->delete_at_us == 0;
}

/*
 * The media deadline passed: end the call if no stream received anything
 * for --timeout seconds (--silent-timeout when some media is on hold),
 * counting from the answer; else move the deadline to when that would be.
 * Returns true if the call was freed.
 */
static bool media_check(struct call *call, int64_t now)
{
	const struct rtprelay_config *cfg = call->rp->cfg;
	int64_t last = call->answered_us;
	bool hold = false;

	for (unsigned i = 0; i < call->monologues->len; i++) {
		const struct monologue *ml = call->monologues->pdata[i];

		for (unsigned j = 0; j < ml->medias->len; j++) {
			const struct media *m = ml->medias->pdata[j];
			int64_t t = media_last_packet(m);

			if (t > last)
				last = t;
			if (m->have_sdp && !m->rejected && m->hold)
				hold = true;
		}
	}
	unsigned limit_s = hold ? cfg->silent_timeout : cfg->timeout;

	if (!limit_s) {
		call->media_deadline_us = 0;
		return false;
	}
	int64_t due = last + (int64_t)limit_s * 1000000;

	if (due <= now) {
		call_destroy(call, hold ? CALL_END_SILENT_TIMEOUT : CALL_END_TIMEOUT);
		return true;
	}
	call->media_deadline_us = due;
	return false;
}

void call_answered(struct call *call)
{
	const struct rtprelay_config *cfg = call->rp->cfg;
	unsigned first = cfg->timeout && cfg->silent_timeout
				 ? MIN(cfg->timeout, cfg->silent_timeout)
				 : MAX(cfg->timeout, cfg->silent_timeout);

	call->answered = true;
	call->offer_deadline_us = 0;
	if (!call->answered_us) {
		call->answered_us = clock_mono_us();
		if (first)
			call->media_deadline_us = call->answered_us + (int64_t)first * 1000000;
	}
	call_schedule(call);
}

/* Free what is due; returns true if the call itself was freed. */
static bool reap(struct call *call, int64_t now)
{
	if (call->delete_at_us && call->delete_at_us <= now) {
		call_destroy(call, CALL_END_DELETE);
		return true;
	}
	if (call->final_deadline_us && call->final_deadline_us <= now) {
		call_destroy(call, CALL_END_FINAL_TIMEOUT);
		return true;
	}
	if (call->offer_deadline_us && call->offer_deadline_us <= now && !call->delete_at_us) {
		call_destroy(call, CALL_END_OFFER_TIMEOUT);
		return true;
	}
	if (call->media_deadline_us && call->media_deadline_us <= now && !call->delete_at_us &&
	    media_check(call, now))
		return true;
	for (unsigned i = 0; i < call->monologues->len;) {
		struct monologue *ml = call->monologues->pdata[i];

		if (ml->delete_at_us && ml->delete_at_us <= now) {
			monologue_destroy(ml);
			continue;
		}
		i++;
	}
	if (call->monologues->len == 0) {
		call_destroy(call, CALL_END_DELETE);
		return true;
	}
	return false;
}

static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct call *call = arg;

	call->timer_at_us = 0;
	if (!reap(call, clock_mono_us()))
		call_schedule(call);
}

static void earliest(int64_t *best, int64_t t)
{
	if (t && (!*best || t < *best))
		*best = t;
}

void call_schedule(struct call *call)
{
	int64_t at = 0;

	earliest(&at, call->delete_at_us);
	earliest(&at, call->final_deadline_us);
	if (!call->delete_at_us) {
		earliest(&at, call->offer_deadline_us);
		earliest(&at, call->media_deadline_us);
	}
	for (unsigned i = 0; i < call->monologues->len; i++)
		earliest(&at, ((struct monologue *)call->monologues->pdata[i])->delete_at_us);
	if (at == call->timer_at_us)
		return;
	call->timer_at_us = at;
	if (!at) {
		evtimer_del(call->timer);
		return;
	}
	int64_t delta = at - clock_mono_us();

	if (delta < 0)
		delta = 0;
	struct timeval tv = { delta / 1000000, delta % 1000000 };

	evtimer_add(call->timer, &tv);
}

bool call_delete_all(struct call *call, unsigned delay_s)
{
	if (delay_s == 0) {
		call_destroy(call, CALL_END_DELETE);
		return true;
	}
	int64_t at = clock_mono_us() + (int64_t)delay_s * 1000000;

	/* A repeated delete does not postpone the one already pending. */
	if (!call->delete_at_us || at < call->delete_at_us)
		call->delete_at_us = at;
	call_schedule(call);
	return false;
}

bool call_delete_monologue(struct monologue *ml, unsigned delay_s)
{
	struct call *call = ml->call;
	int64_t at = delay_s ? clock_mono_us() + (int64_t)delay_s * 1000000 : clock_mono_us();
	bool all_deleted = true;

	if (!ml->delete_at_us || at < ml->delete_at_us)
		ml->delete_at_us = at;
	for (unsigned i = 0; i < call->monologues->len; i++)
		if (!((struct monologue *)call->monologues->pdata[i])->delete_at_us)
			all_deleted = false;
	if (all_deleted)
		return call_delete_all(call, delay_s);
	if (delay_s == 0) {
		monologue_destroy(ml);
		if (call->monologues->len == 0) {
			call_destroy(call, CALL_END_DELETE);
			return true;
		}
	}
	call_schedule(call);
	return false;
}

bool call_has_dialogue(const struct call *call)
{
	for (unsigned i = 0; i < call->monologues->len; i++) {
		const struct monologue *ml = call->monologues->pdata[i];

		if (!ml->delete_at_us && ml->peer && !ml->peer->delete_at_us)
			return true;
	}
	return false;
}

void call_revive(struct call *call)
{
	call->delete_at_us = 0;
	call_schedule(call);
}

void monologue_revive(struct monologue *ml)
{
	ml->delete_at_us = 0;
	call_revive(ml->call);
}
