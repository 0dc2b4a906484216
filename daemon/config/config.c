/*
 * config: reference counting of configuration snapshots (see config.h).
 * The count lives beside the snapshot, not in it, so that filling and
 * comparing snapshots (options_defaults' memset, reload's memcmp) never
 * touches it.
 */
#include "config/config.h"

#include <glib.h>
#include <stddef.h>

#include "log.h"

struct snapshot {
	gatomicrefcount refs;
	struct rtprelay_config cfg;
};

static struct snapshot *snapshot_of(const struct rtprelay_config *cfg)
{
	return (struct snapshot *)((char *)cfg - offsetof(struct snapshot, cfg));
}

struct rtprelay_config *config_new(void)
{
	struct snapshot *s = g_new0(struct snapshot, 1);

	g_atomic_ref_count_init(&s->refs);
	return &s->cfg;
}

void config_apply_log_levels(const struct rtprelay_config *cfg)
{
	log_set_all_levels(cfg->log_level);
	for (int i = 0; i < LOG_SUBSYS_COUNT && i < (int)G_N_ELEMENTS(cfg->log_levels); i++)
		if (cfg->log_levels[i] >= 0)
			__atomic_store_n(&log_levels[i], cfg->log_levels[i], __ATOMIC_RELAXED);
}

const struct rtprelay_config *config_get(const struct rtprelay_config *cfg)
{
	g_atomic_ref_count_inc(&snapshot_of(cfg)->refs);
	return cfg;
}

void config_put(const struct rtprelay_config *cfg)
{
	if (!cfg)
		return;
	struct snapshot *s = snapshot_of(cfg);

	if (g_atomic_ref_count_dec(&s->refs))
		g_free(s);
}
