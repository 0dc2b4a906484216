/*
 * t/e2e/baresip_ws.c - a baresip module that adds the SIP-over-WebSocket
 * client transport (RFC 7118) to Debian 12's baresip 1.0.0.
 *
 * libre 1.1.0 implements the transport (sip_transp_add_websock) and
 * baresip 1.0.0 knows ";transport=ws" URIs, but baresip's user agent adds
 * only UDP, TCP and TLS transports, so a ws call fails with "sipsess_connect:
 * Protocol not supported". Loaded as a "module" (after the user agents'
 * SIP stack is up, before the accounts module registers them), this adds a
 * client-only ws transport on the local IPv4 address.
 * Neither baresip nor libre ship development headers in Debian 12 that fit
 * (baresip has none at all), so the few prototypes used are declared here,
 * as baresip 1.0.0's baresip.h and libre 1.1.0's re_sip.h / re_mod.h have
 * them. Built by t/e2e/webrtc.py with gcc -shared -fPIC.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

struct sip;
struct sa;
struct network;

enum sip_transp { SIP_TRANSP_WS = 3 };

struct sip *uag_sip(void);
struct network *baresip_network(void);
const struct sa *net_laddr_af(const struct network *net, int af);
int sip_transp_add_websock(struct sip *sip, enum sip_transp tp, const struct sa *laddr, bool server,
			   const char *cert);

struct mod_export {
	const char *name;
	const char *type;
	int (*init)(void);
	int (*close)(void);
};

static int ws_init(void)
{
	const struct sa *laddr = net_laddr_af(baresip_network(), AF_INET);

	if (!laddr)
		return 2; /* ENOENT: no local IPv4 address */
	return sip_transp_add_websock(uag_sip(), SIP_TRANSP_WS, laddr, false, NULL);
}

static int ws_close(void)
{
	return 0;
}

const struct mod_export exports = {
	"e2e_ws",
	"application",
	ws_init,
	ws_close,
};
