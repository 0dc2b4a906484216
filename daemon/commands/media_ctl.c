/*
 * block media / unblock media / silence media / unsilence media: drop, or
 * replace with silence, what one party (from-tag), the parties listed in
 * "from-tags", every party of a call (call-id alone), or every party of
 * every call ("all") sends. The flags
 * are read by the workers under the call lock.
 */
#define LOG_SUBSYS control
#include <pthread.h>

#include "call/call.h"
#include "commands/flags.h"
#include "commands/media_ctl.h"
#include "kernel/offload.h"
#include "log.h"
#include "ng/ng.h"
#include "rtprelay.h"

enum media_ctl {
	CTL_BLOCK,
	CTL_SILENCE,
};

static void set_flag(struct monologue *ml, enum media_ctl what, bool on)
{
	if (what == CTL_BLOCK)
		ml->block_media = on;
	else
		ml->silence_media = on;
}

static void set_call(struct call *call, struct monologue *only, enum media_ctl what, bool on)
{
	pthread_mutex_lock(&call->lock);
	for (unsigned i = 0; i < call->monologues->len; i++) {
		struct monologue *ml = call->monologues->pdata[i];

		if (!only || ml == only)
			set_flag(ml, what, on);
	}
	pthread_mutex_unlock(&call->lock);
	/* blocked or silenced: back to user space (and out again) */
	offload_sync_call(call);
}

static int media_ctl(struct ng_request *req, enum media_ctl what, bool on)
{
	struct ng_flags f;

	ng_flags_init(&f);
	if (ng_flags_parse(req, &f))
		return -1;
	if (f.all && !f.call_id.s) {
		unsigned n = 0;

		for (GList *l = calls_list(req->rp->calls); l; l = l->next, n++)
			set_call(l->data, NULL, what, on);
		log_info("%s media %s for all %u calls", what == CTL_BLOCK ? "block" : "silence",
			 on ? "on" : "off", n);
		return 0;
	}
	if (!f.call_id.s)
		return ng_error(req, "No call-id in message");
	struct call *call = call_find(req->rp->calls, f.call_id);

	/* rtpengine 10.5's words for the media-control commands (the
	 * offer/answer/query ones are "Unknown call-id", "Unknown from-tag") */
	if (!call)
		return ng_error(req, "Unknown call-ID");
	struct monologue *ml = NULL;

	if (f.n_from_tags && !f.all) {
		/* every tag checked before anything changes */
		for (unsigned i = 0; i < f.n_from_tags; i++)
			if (!call_find_tag(call, f.from_tags[i]))
				return ng_error(req, "From-tag given, but no such tag exists");
		for (unsigned i = 0; i < f.n_from_tags; i++)
			set_call(call, call_find_tag(call, f.from_tags[i]), what, on);
		if (f.from_tag.s && f.from_tag.len && (ml = call_find_tag(call, f.from_tag)))
			set_call(call, ml, what, on);
		log_set_context(f.call_id, f.from_tag);
		log_info("%s media %s for %u parties", what == CTL_BLOCK ? "block" : "silence",
			 on ? "on" : "off", f.n_from_tags + (ml ? 1 : 0));
		log_set_context(STR_NULL, STR_NULL);
		return 0;
	}
	if (f.from_tag.s && f.from_tag.len && !f.all) {
		ml = call_find_tag(call, f.from_tag);
		if (!ml)
			return ng_error(req, "From-tag given, but no such tag exists");
	}
	set_call(call, ml, what, on);
	log_set_context(f.call_id, f.from_tag);
	log_info("%s media %s for %s", what == CTL_BLOCK ? "block" : "silence", on ? "on" : "off",
		 ml ? "one party" : "the whole call");
	log_set_context(STR_NULL, STR_NULL);
	return 0;
}

int ng_cmd_block_media(struct ng_request *req)
{
	return media_ctl(req, CTL_BLOCK, true);
}

int ng_cmd_unblock_media(struct ng_request *req)
{
	return media_ctl(req, CTL_BLOCK, false);
}

int ng_cmd_silence_media(struct ng_request *req)
{
	return media_ctl(req, CTL_SILENCE, true);
}

int ng_cmd_unsilence_media(struct ng_request *req)
{
	return media_ctl(req, CTL_SILENCE, false);
}
