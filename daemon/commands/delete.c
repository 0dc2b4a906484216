/*
 * delete: a whole call (call-id only, or from-tag only), one dialogue
 * (from-tag + to-tag), or one branch (from-tag + via-branch). The parts
 * linger for the delete delay (request's "delete delay", else the global
 * --delete-delay; 0 = at once) so that query still answers and late
 * retransmissions still find them.
 */
#define LOG_SUBSYS control
#include "commands/delete.h"
#include "call/call.h"
#include "commands/flags.h"
#include "commands/query.h"
#include "config/config.h"
#include "log.h"
#include "ng/ng.h"
#include "rtprelay.h"

static int not_found(struct ng_request *req, const struct ng_flags *f)
{
	/* As rtpengine: an unknown call is an error only with "fatal";
	 * otherwise a warning, since a BYE may legitimately race a timeout. */
	if (f->fatal)
		return ng_error(req, "Call-ID not found or tags didn't match");
	bencode_dict_add_cstr(req->arena, req->reply, "warning",
			      "Call-ID not found or tags didn't match");
	return 0;
}

int ng_cmd_delete(struct ng_request *req)
{
	struct rtprelay *rp = req->rp;
	struct ng_flags f;

	ng_flags_init(&f);
	if (ng_flags_parse(req, &f))
		return -1;
	if (!f.call_id.s)
		return ng_error(req, "No call-id in message");
	unsigned delay = f.delete_delay >= 0 ? (unsigned)f.delete_delay : rp->cfg->delete_delay;
	struct call *call = call_find(rp->calls, f.call_id);

	if (!call)
		return not_found(req, &f);
	struct monologue *ml = NULL, *other = NULL;
	bool has_from = f.from_tag.s && f.from_tag.len;

	if (has_from) {
		ml = call_find_tag(call, f.from_tag);
		if (!ml)
			return not_found(req, &f);
		if (f.to_tag.s && f.to_tag.len) {
			other = call_find_tag(call, f.to_tag);
			if (!other)
				return not_found(req, &f);
		} else if (f.via_branch.s && f.via_branch.len) {
			other = call_find_branch(call, ml, f.via_branch);
			if (!other)
				return not_found(req, &f);
		}
	}
	log_set_context(f.call_id, f.from_tag);
	/* As rtpengine: the call's report only for a delete naming a from-tag. */
	if (has_from && !f.fast)
		query_call_report(call, req->arena, req->reply);
	if (!ml || (!other && !(f.to_tag.s && f.to_tag.len))) {
		log_info("deleting call in %u s", delay);
		call_delete_all(call, delay);
	} else if (f.to_tag.s && f.to_tag.len) {
		log_info("deleting dialogue with '%.*s' in %u s", STR_FMT(f.to_tag), delay);
		/* Both sides of the dialogue; then the call, if what is left
		 * has nobody live to talk to (unanswered branches, old forks). */
		if (!call_delete_monologue(other, delay) && !call_delete_monologue(ml, delay) &&
		    !call_has_dialogue(call))
			call_delete_all(call, delay);
	} else {
		log_info("deleting branch '%.*s' in %u s", STR_FMT(f.via_branch), delay);
		call_delete_monologue(other, delay);
	}
	log_set_context(STR_NULL, STR_NULL);
	return 0;
}
