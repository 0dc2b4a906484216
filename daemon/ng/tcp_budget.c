/*
 * tcp_budget: the sum of the input TCP ng connections hold, and their
 * order for making room. See tcp_budget.h.
 */
#include "ng/tcp_budget.h"

void ng_tcp_budget_init(struct ng_tcp_budget *b)
{
	*b = (struct ng_tcp_budget){ 0 };
	g_queue_init(&b->holders);
}

void ng_tcp_budget_set(struct ng_tcp_budget *b, struct ng_tcp_hold *h, size_t bytes,
		       bool progressed)
{
	g_assert(b->held >= h->bytes);
	b->held = b->held - h->bytes + bytes;
	h->bytes = bytes;
	if (!bytes) {
		if (h->queued)
			g_queue_unlink(&b->holders, &h->link);
		h->queued = false;
		return;
	}
	if (h->queued && !progressed)
		return;
	if (h->queued)
		g_queue_unlink(&b->holders, &h->link);
	h->link.data = h;
	g_queue_push_tail_link(&b->holders, &h->link);
	h->queued = true;
}

struct ng_tcp_hold *ng_tcp_budget_victim(const struct ng_tcp_budget *b,
					 const struct ng_tcp_hold *except)
{
	for (GList *l = b->holders.head; l; l = l->next)
		if (l->data != except)
			return l->data;
	return NULL;
}
