/*
 * ng_commands: the handlers behind the ng command table (ng_commands.c).
 * Each takes a decoded request, fills the reply, and returns 0, or -1
 * after ng_error() having changed nothing. Main thread.
 */
#ifndef RTPRELAY_NG_COMMANDS_H
#define RTPRELAY_NG_COMMANDS_H

#include "ng/ng.h"

struct call;

int ng_cmd_ping(struct ng_request *req);
int ng_cmd_offer(struct ng_request *req);      /* ng_offer.c */
int ng_cmd_answer(struct ng_request *req);     /* ng_offer.c */
int ng_cmd_delete(struct ng_request *req);     /* ng_delete.c */
int ng_cmd_query(struct ng_request *req);      /* ng_query.c */
int ng_cmd_list(struct ng_request *req);       /* ng_query.c */
int ng_cmd_statistics(struct ng_request *req); /* ng_statistics.c */
int ng_cmd_block_media(struct ng_request *req);     /* ng_media_ctl.c */
int ng_cmd_unblock_media(struct ng_request *req);   /* ng_media_ctl.c */
int ng_cmd_silence_media(struct ng_request *req);   /* ng_media_ctl.c */
int ng_cmd_unsilence_media(struct ng_request *req); /* ng_media_ctl.c */

/* The query-style report of one call (created, tags, medias, totals). */
void ng_call_report(struct call *call, struct arena *a, bencode_item *dict);

#endif
