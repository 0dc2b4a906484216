/* Endpoint learning: every algorithm, strict source, asymmetric, reset. */
#include <arpa/inet.h>

#include "call/learning.h"
#include "sockaddr.h"
#include "test.h"

TEST_MAIN()

static struct sockaddr_storage addr(const char *ip, unsigned port)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	inet_pton(AF_INET, ip, &sin->sin_addr);
	return ss;
}

#define SEC 1000000LL

struct fixture {
	struct learning l;
	struct sockaddr_storage adv, ep;
	struct learning_policy pol;
};

static void setup(struct fixture *fx, enum endpoint_learning mode, bool strict)
{
	fx->adv = addr("127.0.0.2", 4000);
	fx->pol = (struct learning_policy){ .mode = mode, .strict_source = strict };
	learning_reset(&fx->l, &fx->adv, &fx->ep);
}

static bool pkt(struct fixture *fx, const char *ip, unsigned port, int64_t t)
{
	struct sockaddr_storage src = addr(ip, port);

	return learning_packet(&fx->l, &fx->pol, &fx->adv, &fx->ep, &src, t);
}

static bool ep_is(struct fixture *fx, const char *ip, unsigned port)
{
	struct sockaddr_storage want = addr(ip, port);

	return sockaddr_eq(&fx->ep, &want);
}

TEST(reset_sends_to_sdp_address)
{
	struct fixture fx;

	setup(&fx, EL_DELAYED, false);
	CHECK(ep_is(&fx, "127.0.0.2", 4000));
}

TEST(delayed_follows_source_then_commits)
{
	struct fixture fx;

	setup(&fx, EL_DELAYED, true);
	CHECK(pkt(&fx, "127.0.0.1", 5000, 10 * SEC));
	CHECK(ep_is(&fx, "127.0.0.1", 5000));
	CHECK(pkt(&fx, "127.0.0.1", 5002, 11 * SEC)); /* within 3 s: follow */
	CHECK(ep_is(&fx, "127.0.0.1", 5002));
	CHECK_EQ(fx.l.state, LEARN_WINDOW);
	CHECK(pkt(&fx, "127.0.0.1", 5004, 13 * SEC)); /* first after 3 s: commit */
	CHECK(ep_is(&fx, "127.0.0.1", 5004));
	CHECK_EQ(fx.l.state, LEARN_COMMITTED);
	CHECK(!pkt(&fx, "127.0.0.1", 5000, 14 * SEC)); /* strict: another source */
	CHECK(ep_is(&fx, "127.0.0.1", 5004));
	CHECK(pkt(&fx, "127.0.0.1", 5004, 15 * SEC));
}

TEST(committed_without_strict_accepts_but_keeps_endpoint)
{
	struct fixture fx;

	setup(&fx, EL_IMMEDIATE, false);
	CHECK(pkt(&fx, "127.0.0.1", 5000, 1 * SEC));
	CHECK_EQ(fx.l.state, LEARN_COMMITTED);
	CHECK(pkt(&fx, "127.0.0.9", 6000, 2 * SEC));
	CHECK(ep_is(&fx, "127.0.0.1", 5000));
}

TEST(immediate_commits_on_first_packet)
{
	struct fixture fx;

	setup(&fx, EL_IMMEDIATE, true);
	CHECK(pkt(&fx, "127.0.0.1", 5000, 1 * SEC));
	CHECK(ep_is(&fx, "127.0.0.1", 5000));
	CHECK(!pkt(&fx, "127.0.0.1", 5002, 1 * SEC + 1));
}

TEST(off_never_learns_and_strict_checks_sdp)
{
	struct fixture fx;

	setup(&fx, EL_OFF, false);
	CHECK(pkt(&fx, "127.0.0.1", 5000, 1 * SEC));
	CHECK(ep_is(&fx, "127.0.0.2", 4000));
	setup(&fx, EL_OFF, true);
	CHECK(!pkt(&fx, "127.0.0.1", 5000, 1 * SEC));
	CHECK(pkt(&fx, "127.0.0.2", 4000, 1 * SEC));
}

TEST(heuristic_prefers_sdp_match)
{
	struct fixture fx;

	setup(&fx, EL_HEURISTIC, false);
	CHECK(pkt(&fx, "127.0.0.1", 5000, 1 * SEC)); /* any: rank 1 */
	CHECK(ep_is(&fx, "127.0.0.1", 5000));
	CHECK(pkt(&fx, "127.0.0.3", 4000, 1 * SEC + 1)); /* same port: rank 2 */
	CHECK(ep_is(&fx, "127.0.0.3", 4000));
	CHECK(pkt(&fx, "127.0.0.1", 5002, 1 * SEC + 2)); /* rank 1 again: ignored */
	CHECK(ep_is(&fx, "127.0.0.3", 4000));
	CHECK(pkt(&fx, "127.0.0.2", 6000, 2 * SEC)); /* same address: rank 3 */
	CHECK(ep_is(&fx, "127.0.0.2", 6000));
	CHECK(pkt(&fx, "127.0.0.2", 4000, 2 * SEC + 1)); /* exact: rank 4 */
	CHECK(ep_is(&fx, "127.0.0.2", 4000));
	CHECK(pkt(&fx, "127.0.0.1", 5000, 5 * SEC)); /* after the window: commit */
	CHECK_EQ(fx.l.state, LEARN_COMMITTED);
	CHECK(ep_is(&fx, "127.0.0.2", 4000));
}

TEST(asymmetric_never_learns_nor_drops)
{
	struct fixture fx;

	setup(&fx, EL_IMMEDIATE, true);
	fx.pol.asymmetric = true;
	CHECK(pkt(&fx, "127.0.0.1", 5000, 1 * SEC));
	CHECK(pkt(&fx, "127.0.0.9", 5002, 2 * SEC));
	CHECK(ep_is(&fx, "127.0.0.2", 4000));
	CHECK_EQ(fx.l.state, LEARN_NONE);
}

TEST(reset_forgets)
{
	struct fixture fx;

	setup(&fx, EL_IMMEDIATE, true);
	CHECK(pkt(&fx, "127.0.0.1", 5000, 1 * SEC));
	fx.adv = addr("127.0.0.4", 4100);
	learning_reset(&fx.l, &fx.adv, &fx.ep);
	CHECK(ep_is(&fx, "127.0.0.4", 4100));
	CHECK_EQ(fx.l.state, LEARN_NONE);
	CHECK(pkt(&fx, "127.0.0.1", 5008, 2 * SEC));
	CHECK(ep_is(&fx, "127.0.0.1", 5008));
}
