/*
 * statistics: the daemon's counters in rtpengine's shape, for the ng
 * command and for GET /metrics (statistics.c).
 */
#ifndef RTPRELAY_COMMANDS_STATISTICS_H
#define RTPRELAY_COMMANDS_STATISTICS_H

#include "bencode.h"

struct ng_request;
struct rtprelay;
struct arena;

int ng_cmd_statistics(struct ng_request *req);

/* Fill dict with the "statistics" reply. */
void statistics_to_bencode(struct rtprelay *rp, struct arena *a, bencode_item *dict);

#endif
