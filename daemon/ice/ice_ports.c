/* The ICE agent's sockets on the interface's other address; see ice_ports.h. */
#define LOG_SUBSYS ice
#include "ice/ice_ports.h"

#include <glib.h>

#include "call/media.h"
#include "call/ports.h"
#include "config/config.h"
#include "ice/agent.h"
#include "log.h"

void ice_ports_sync(struct media *m, struct ports *p, uint64_t *failed, struct media_retired *old)
{
	const struct config_interface *want = NULL;
	struct port_pair pp;

	if (m->ice && m->ports.intf && !m->rejected)
		want = ports_sibling(p, m->ports.intf);
	if (m->alt.intf && m->alt.intf != want)
		media_take_alt_locked(m, old);
	if (!want || m->alt.intf)
		return;
	int rc = ports_get(p, want, &pp);

	if (rc < 0) {
		(*failed)++;
		log_ratelimited(LOG_WARNING,
				"ICE: no port pair on %s (%s) for the other family's "
				"candidates: %s; offered without them",
				want->name, want->local_str, g_strerror(-rc));
		return;
	}
	media_set_alt_locked(m, &pp);
	/* candidates of that family the party gave before are usable now */
	ice_pair_candidates(m->ice);
}
