/* Endpoint learning: every algorithm, strict source, strangers, asymmetric, reset. */
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

static enum learn_verdict verdict(struct fixture *fx, const char *ip, unsigned port, int64_t t)
{
	struct sockaddr_storage src = addr(ip, port);

	return learning_packet(&fx->l, &fx->pol, &fx->adv, &fx->ep, &src, t);
}

static bool pkt(struct fixture *fx, const char *ip, unsigned port, int64_t t)
{
	return verdict(fx, ip, port, t) == LEARN_FORWARD;
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

TEST(delayed_follows_a_moved_source_then_commits)
{
	struct fixture fx;

	setup(&fx, EL_DELAYED, true);
	CHECK(pkt(&fx, "127.0.0.1", 5000, 10 * SEC));
	CHECK(ep_is(&fx, "127.0.0.1", 5000));
	/* within 3 s, 500 ms after the source fell silent, a new source that
	 * sends consistently takes over on its fifth packet */
	for (int i = 0; i < LEARNING_CONSISTENT - 1; i++) {
		fx.l.tokens = 1; /* as if the source had sent one more */
		CHECK(pkt(&fx, "127.0.0.1", 5002, 11 * SEC + i));
		CHECK(ep_is(&fx, "127.0.0.1", 5000));
	}
	CHECK(pkt(&fx, "127.0.0.1", 5002, 11 * SEC + 10));
	CHECK(ep_is(&fx, "127.0.0.1", 5002));
	CHECK_EQ(fx.l.state, LEARN_WINDOW);
	CHECK(pkt(&fx, "127.0.0.1", 5002, 13 * SEC)); /* first after 3 s: commit */
	CHECK(ep_is(&fx, "127.0.0.1", 5002));
	CHECK_EQ(fx.l.state, LEARN_COMMITTED);
	CHECK_EQ(verdict(&fx, "127.0.0.1", 5000, 14 * SEC), LEARN_DROP_STRICT);
	CHECK(ep_is(&fx, "127.0.0.1", 5002));
	CHECK(pkt(&fx, "127.0.0.1", 5002, 15 * SEC));
}

TEST(a_stranger_never_replaces_a_source_that_keeps_sending)
{
	struct fixture fx;
	int64_t t = 10 * SEC;

	setup(&fx, EL_DELAYED, false);
	CHECK(pkt(&fx, "127.0.0.1", 5000, t));
	/* 2 s of a stranger flooding between the source's packets (every 20 ms) */
	for (int ms = 1; ms < 2000; ms++) {
		if (ms % 20 == 0)
			CHECK(pkt(&fx, "127.0.0.1", 5000, t + ms * 1000LL));
		for (int i = 0; i < 10; i++)
			verdict(&fx, "127.0.0.9", 7000, t + ms * 1000LL + i);
	}
	CHECK(ep_is(&fx, "127.0.0.1", 5000));
	/* and after the window, when the source is silent, still not */
	for (int i = 0; i < 100; i++)
		verdict(&fx, "127.0.0.9", 7000, t + 4 * SEC + i);
	CHECK(ep_is(&fx, "127.0.0.1", 5000));
	CHECK_EQ(fx.l.state, LEARN_COMMITTED);
}

TEST(strangers_forwarded_at_most_at_the_sources_rate)
{
	struct fixture fx;
	int fwd = 0, rate = 0;

	setup(&fx, EL_IMMEDIATE, false);
	CHECK(pkt(&fx, "127.0.0.1", 5000, 1 * SEC));
	for (int i = 0; i < 10; i++) {
		CHECK(pkt(&fx, "127.0.0.1", 5000, 1 * SEC + i));
		for (int j = 0; j < 100; j++) {
			enum learn_verdict v = verdict(&fx, "127.0.0.9", 7000, 1 * SEC + i);

			fwd += v == LEARN_FORWARD;
			rate += v == LEARN_DROP_RATE;
		}
	}
	CHECK_EQ(fwd, 10);
	CHECK_EQ(rate, 990);
	/* a silent source lends at most LEARNING_BURST packets */
	for (int i = 0; i < 100; i++)
		CHECK(pkt(&fx, "127.0.0.1", 5000, 2 * SEC + i));
	fwd = 0;
	for (int j = 0; j < 100; j++)
		fwd += pkt(&fx, "127.0.0.9", 7000, 3 * SEC);
	CHECK_EQ(fwd, LEARNING_BURST);
	CHECK(ep_is(&fx, "127.0.0.1", 5000));
}

TEST(a_flood_first_loses_to_the_sdp_address)
{
	struct fixture fx;

	setup(&fx, EL_DELAYED, true);
	for (int i = 0; i < 1000; i++)
		CHECK(pkt(&fx, "127.0.0.9", 7000, 1 * SEC + i));
	CHECK(ep_is(&fx, "127.0.0.9", 7000));
	CHECK(pkt(&fx, "127.0.0.2", 4000, 2 * SEC)); /* what the SDP names */
	CHECK(ep_is(&fx, "127.0.0.2", 4000));
	CHECK_EQ(verdict(&fx, "127.0.0.9", 7000, 2 * SEC + 1), LEARN_DROP_RATE);
	CHECK(pkt(&fx, "127.0.0.2", 4000, 2 * SEC + 20000));
	CHECK(pkt(&fx, "127.0.0.9", 7000, 2 * SEC + 20001)); /* the token it lent */
	CHECK_EQ(verdict(&fx, "127.0.0.9", 7000, 2 * SEC + 20002), LEARN_DROP_RATE);
	/* committed to a flood, the SDP address still wins */
	setup(&fx, EL_IMMEDIATE, true);
	CHECK(pkt(&fx, "127.0.0.9", 7000, 1 * SEC));
	CHECK_EQ(verdict(&fx, "127.0.0.1", 5000, 1 * SEC + 1), LEARN_DROP_STRICT);
	CHECK(pkt(&fx, "127.0.0.2", 4000, 5 * SEC));
	CHECK(ep_is(&fx, "127.0.0.2", 4000));
	CHECK_EQ(verdict(&fx, "127.0.0.9", 7000, 5 * SEC + 1), LEARN_DROP_STRICT);
}

TEST(alternating_strangers_are_never_consistent)
{
	struct fixture fx;

	setup(&fx, EL_DELAYED, false);
	CHECK(pkt(&fx, "127.0.0.1", 5000, 1 * SEC));
	for (int i = 0; i < 100; i++) {
		verdict(&fx, "127.0.0.8", 7000, 2 * SEC + i);
		verdict(&fx, "127.0.0.9", 7000, 2 * SEC + i);
	}
	CHECK(ep_is(&fx, "127.0.0.1", 5000));
}

TEST(keys_tell_addresses_apart)
{
	struct sockaddr_storage a = addr("127.0.0.1", 5000), b = addr("127.0.0.1", 5001),
				c = addr("127.0.0.2", 5000), a2 = addr("127.0.0.1", 5000);

	CHECK(learning_key(&a) == learning_key(&a2));
	CHECK(learning_key(&a) != learning_key(&b));
	CHECK(learning_key(&a) != learning_key(&c));
}

TEST(committed_without_strict_accepts_but_keeps_endpoint)
{
	struct fixture fx;

	setup(&fx, EL_IMMEDIATE, false);
	CHECK(pkt(&fx, "127.0.0.1", 5000, 1 * SEC));
	CHECK_EQ(fx.l.state, LEARN_COMMITTED);
	CHECK(pkt(&fx, "127.0.0.1", 5000, 1 * SEC + 20000)); /* one token */
	CHECK(pkt(&fx, "127.0.0.9", 6000, 2 * SEC));
	CHECK_EQ(verdict(&fx, "127.0.0.9", 6000, 2 * SEC), LEARN_DROP_RATE);
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
	/* the first source is the party's, even though nothing is sent there */
	CHECK(pkt(&fx, "127.0.0.1", 5000, 1 * SEC + 1));
	CHECK(pkt(&fx, "127.0.0.9", 7000, 1 * SEC + 2));
	CHECK_EQ(verdict(&fx, "127.0.0.9", 7000, 1 * SEC + 3), LEARN_DROP_RATE);
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
	/* rank 1 again: a stranger, and the source has lent no packets yet */
	CHECK_EQ(verdict(&fx, "127.0.0.1", 5002, 1 * SEC + 2), LEARN_DROP_RATE);
	CHECK(ep_is(&fx, "127.0.0.3", 4000));
	CHECK(pkt(&fx, "127.0.0.2", 6000, 2 * SEC)); /* same address: rank 3 */
	CHECK(ep_is(&fx, "127.0.0.2", 6000));
	CHECK(pkt(&fx, "127.0.0.2", 4000, 2 * SEC + 1)); /* exact: rank 4 */
	CHECK(ep_is(&fx, "127.0.0.2", 4000));
	CHECK_EQ(verdict(&fx, "127.0.0.1", 5000, 5 * SEC), LEARN_DROP_RATE); /* commits */
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

TEST(source_address_kept_with_learning_off)
{
	struct fixture fx;
	struct sockaddr_storage want = addr("127.0.0.1", 5000);

	setup(&fx, EL_OFF, false);
	CHECK(pkt(&fx, "127.0.0.1", 5000, 1 * SEC));
	CHECK(ep_is(&fx, "127.0.0.2", 4000));    /* off: still the SDP address */
	CHECK(sockaddr_eq(&fx.l.source, &want)); /* what a kernel target expects */
}

TEST(kernel_forwarded_packets_lend_to_strangers)
{
	struct fixture fx;

	setup(&fx, EL_IMMEDIATE, false);
	CHECK(pkt(&fx, "127.0.0.1", 5000, 1 * SEC));
	/* the source's next packets went through the kernel: none here */
	CHECK_EQ(verdict(&fx, "127.0.0.9", 5002, 2 * SEC), LEARN_DROP_RATE);
	learning_credit(&fx.l, 1000, 3 * SEC);
	for (int i = 0; i < LEARNING_BURST; i++)
		CHECK_EQ(verdict(&fx, "127.0.0.9", 5002, 3 * SEC + i), LEARN_FORWARD);
	CHECK_EQ(verdict(&fx, "127.0.0.9", 5002, 3 * SEC + 100), LEARN_DROP_RATE);
	CHECK(ep_is(&fx, "127.0.0.1", 5000));
	/* nothing to lend before the first packet */
	setup(&fx, EL_IMMEDIATE, false);
	learning_credit(&fx.l, 10, 1 * SEC);
	CHECK_EQ(fx.l.tokens, 0);
}
