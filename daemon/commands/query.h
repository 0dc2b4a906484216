/* query and list: what the daemon knows of calls (query.c). */
#ifndef RTPRELAY_COMMANDS_QUERY_H
#define RTPRELAY_COMMANDS_QUERY_H

#include "bencode.h"

struct ng_request;
struct call;
struct arena;

int ng_cmd_query(struct ng_request *req);
/* list: "limit" call-ids (default 32, at most NG_LIST_MAX), oldest first. */
#define NG_LIST_MAX 10000
int ng_cmd_list(struct ng_request *req);

/* The query-style report of one call (created, tags, medias, totals);
 * delete answers with it too. */
void query_call_report(struct call *call, struct arena *a, bencode_item *dict);

#endif
