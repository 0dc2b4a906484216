/*
 * Call registry and lifecycle: creation, deletion with delay, per-call
 * timers for delete-delay, offer-timeout and final-timeout.
 */
#define LOG_SUBSYS control
#include "call.h"

#include <event2/event.h>
#include <time.h>

#include "config.h"
#include "log.h"
#include "media.h"
#include "rtprelay.h"
#include "stats.h"

struct calls {
	struct rtprelay *rp;
	GHashTable *by_id; /* char *callid -> struct call * (key owned by the call) */
	GQueue order;      /* struct call *, oldest first */
};

int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

struct calls *calls_new(struct rtprelay *rp)
{
	struct calls *c = g_new0(struct calls, 1);

	c->rp = rp;
	c->by_id = g_hash_table_new(g_str_hash, g_str_equal);
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
	g_free(c);
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
	call->created_us = now_us();
	call->last_signal = call->created_us / 1000000;
	call->timer = evtimer_new(rp->base, timer_cb, call);
	if (rp->cfg->final_timeout)
		call->final_deadline_us = mono_us() + (int64_t)rp->cfg->final_timeout * 1000000;
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
		 why == CALL_END_DELETE		? "deleted"
		 : why == CALL_END_OFFER_TIMEOUT ? "offer timeout"
		 : why == CALL_END_FINAL_TIMEOUT ? "final timeout"
		 : why == CALL_END_SHUTDOWN	? "shutdown"
						: "media timeout",
		 call->monologues->len);
	log_set_context(STR_NULL, STR_NULL);
	call->rp->stats->calls_ended[why]++;
	g_hash_table_remove(c->by_id, call->callid);
	g_queue_delete_link(&c->order, call->link);
	event_free(call->timer);
	for (unsigned i = 0; i < call->monologues->len; i++)
		monologue_free(call->monologues->pdata[i]);
	g_ptr_array_free(call->monologues, TRUE);
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
	ml->created_us = now_us();
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

	for (unsigned i = 0; i < call->monologues->len; i++) {
		struct monologue *o = call->monologues->pdata[i];

		if (o->peer == ml)
			o->peer = NULL;
	}
	g_ptr_array_remove(call->monologues, ml);
	monologue_free(ml);
}

bool monologue_is_live(const struct monologue *ml)
{
	return ml->delete_at_us == 0 && ml->call->delete_at_us == 0;
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
	if (!reap(call, mono_us()))
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
	if (!call->delete_at_us)
		earliest(&at, call->offer_deadline_us);
	for (unsigned i = 0; i < call->monologues->len; i++)
		earliest(&at, ((struct monologue *)call->monologues->pdata[i])->delete_at_us);
	if (at == call->timer_at_us)
		return;
	call->timer_at_us = at;
	if (!at) {
		evtimer_del(call->timer);
		return;
	}
	int64_t delta = at - mono_us();

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
	int64_t at = mono_us() + (int64_t)delay_s * 1000000;

	/* A repeated delete does not postpone the one already pending. */
	if (!call->delete_at_us || at < call->delete_at_us)
		call->delete_at_us = at;
	call_schedule(call);
	return false;
}

bool call_delete_monologue(struct monologue *ml, unsigned delay_s)
{
	struct call *call = ml->call;
	int64_t at = delay_s ? mono_us() + (int64_t)delay_s * 1000000 : mono_us();
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
