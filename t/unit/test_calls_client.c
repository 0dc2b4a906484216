/*
 * Unit test of the calls-per-client counts of call/call.c
 * (max-calls-per-client): a client is the request's source IP, port
 * ignored, an IPv4-mapped IPv6 address the IPv4 one; the count drops when
 * a call is freed, whichever way, and an address's entry goes with its
 * last call.
 */
#include <arpa/inet.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/un.h>

#include "call/call.h"
#include "config/config.h"
#include "config/options_table.h"
#include "log.h"
#include "rtprelay.h"
#include "stats.h"
#include "test.h"

TEST_MAIN()

static struct sockaddr_in v4(const char *ip, unsigned port)
{
	struct sockaddr_in s = { .sin_family = AF_INET, .sin_port = htons(port) };

	inet_pton(AF_INET, ip, &s.sin_addr);
	return s;
}

static struct sockaddr_in6 v6(const char *ip, unsigned port)
{
	struct sockaddr_in6 s = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

	inet_pton(AF_INET6, ip, &s.sin6_addr);
	return s;
}

#define SA(x) ((const struct sockaddr *)&(x)), sizeof(x)

TEST(counts_per_source_address)
{
	struct rtprelay rp = { 0 };
	struct stats st = { 0 };
	struct rtprelay_config *cfg = config_new();

	options_defaults(cfg);
	log_set_all_levels(LOG_ERR);
	rp.cfg = cfg;
	rp.stats = &st;
	rp.base = event_base_new();
	rp.calls = calls_new(&rp);
	CHECK(rp.base && rp.calls);

	struct sockaddr_in a1 = v4("192.0.2.1", 2223), a2 = v4("192.0.2.1", 40000);
	struct sockaddr_in b = v4("192.0.2.2", 2223);
	struct sockaddr_in6 mapped = v6("::ffff:192.0.2.1", 5060), c6 = v6("2001:db8::1", 1);
	struct sockaddr_un un = { .sun_family = AF_UNIX };

	struct call *x = call_new(rp.calls, str_from("x"));
	struct call *y = call_new(rp.calls, str_from("y"));
	struct call *z = call_new(rp.calls, str_from("z"));
	struct call *w = call_new(rp.calls, str_from("w"));
	struct call *u = call_new(rp.calls, str_from("u"));

	call_set_client(x, SA(a1));
	call_set_client(y, SA(mapped)); /* the same client as a1 */
	call_set_client(z, SA(b));
	call_set_client(w, SA(c6));
	call_set_client(u, SA(un)); /* not an IP address: nobody's */
	CHECK_EQ(calls_of_client(rp.calls, SA(a2)), 2);
	CHECK_EQ(calls_of_client(rp.calls, SA(mapped)), 2);
	CHECK_EQ(calls_of_client(rp.calls, SA(b)), 1);
	CHECK_EQ(calls_of_client(rp.calls, SA(c6)), 1);
	CHECK_EQ(calls_of_client(rp.calls, SA(un)), 0);
	CHECK_EQ(calls_of_client(rp.calls, NULL, 0), 0);
	CHECK_EQ(calls_clients(rp.calls), 3);

	call_destroy(x, CALL_END_DELETE);
	CHECK_EQ(calls_of_client(rp.calls, SA(a1)), 1);
	CHECK(!call_delete_all(y, 1)); /* lingering: still counted */
	CHECK_EQ(calls_of_client(rp.calls, SA(a1)), 1);
	CHECK(call_delete_all(y, 0)); /* freed */
	CHECK_EQ(calls_of_client(rp.calls, SA(a1)), 0);
	CHECK_EQ(calls_clients(rp.calls), 2);
	call_destroy(z, CALL_END_OFFER_TIMEOUT);
	call_destroy(u, CALL_END_TIMEOUT);
	CHECK_EQ(calls_clients(rp.calls), 1);
	calls_free(rp.calls); /* w, at shutdown; asserts no count is left */
	CHECK_EQ(st.calls_ended[CALL_END_SHUTDOWN], 1);
	event_base_free(rp.base);
	config_put(cfg);
}
