/*
 * metrics: the statistics dictionary (commands/statistics.h) in the
 * Prometheus text exposition format 0.0.4, for GET /metrics. A table maps
 * dictionary paths to metric names (rtprelay_*, counters ending in _total,
 * units in the name), types and help texts; docs/OPERATIONS.md lists it.
 */
#ifndef RTPRELAY_NG_METRICS_H
#define RTPRELAY_NG_METRICS_H

#include <glib.h>

#include "bencode.h"

#define METRICS_PROMETHEUS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* Append the metrics found in stats (statistics_to_bencode's dictionary)
 * to out. A path missing from stats is left out, not an error. */
void metrics_prometheus(const bencode_item *stats, GString *out);

#endif
