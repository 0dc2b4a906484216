/* lib/sockaddr and lib/sdp_direction: the helpers the daemon shares. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "sdp_direction.h"
#include "sockaddr.h"
#include "test.h"

static const char *printed(const struct sockaddr_storage *ss)
{
	static char buf[80];

	return sockaddr_print(ss, buf, sizeof(buf));
}

TEST(from_str_either_family)
{
	struct sockaddr_storage ss;

	CHECK_EQ(sockaddr_from_str(STR_C("192.0.2.7"), 0, 4000, &ss), 0);
	CHECK_EQ(ss.ss_family, AF_INET);
	CHECK_STR(printed(&ss), "192.0.2.7:4000");
	CHECK_EQ(sockaddr_from_str(STR_C("2001:db8::1"), 0, 65535, &ss), 0);
	CHECK_EQ(ss.ss_family, AF_INET6);
	CHECK_STR(printed(&ss), "[2001:db8::1]:65535");
	CHECK_EQ(sockaddr_port(&ss), 65535);
	/* A str is not NUL-terminated: only its own bytes count. */
	CHECK_EQ(sockaddr_from_str(str_make("10.0.0.1:99", 8), 0, 1, &ss), 0);
	CHECK_STR(printed(&ss), "10.0.0.1:1");
}

TEST(from_str_required_family)
{
	struct sockaddr_storage ss;

	CHECK_EQ(sockaddr_from_str(STR_C("192.0.2.7"), AF_INET6, 0, &ss), -EINVAL);
	CHECK_EQ(ss.ss_family, AF_UNSPEC);
	CHECK_EQ(sockaddr_from_str(STR_C("::1"), AF_INET, 0, &ss), -EINVAL);
	CHECK_EQ(sockaddr_from_str(STR_C("::1"), AF_INET6, 0, &ss), 0);
	CHECK_EQ(sockaddr_from_str(STR_C("192.0.2.7"), AF_INET, 0, &ss), 0);
}

TEST(from_str_rejects)
{
	static const char *const bad[] = {
		"",           "192.0.2",     "192.0.2.256", "192.0.2.1/24", " 192.0.2.1",
		"192.0.2.1 ", "example.com", "::g",         "[::1]",        "1.2.3.4.5"
	};
	struct sockaddr_storage ss;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&ss, 0xaa, sizeof(ss));
		CHECK_EQ(sockaddr_from_str(str_from(bad[i]), 0, 0, &ss), -EINVAL);
		CHECK(!sockaddr_is_set(&ss));
	}
	/* Longer than any literal, and a port out of range. */
	char long_addr[200];

	memset(long_addr, '1', sizeof(long_addr));
	CHECK_EQ(sockaddr_from_str(str_make(long_addr, sizeof(long_addr)), 0, 0, &ss), -EINVAL);
	CHECK_EQ(sockaddr_from_str(STR_C("192.0.2.1"), 0, 65536, &ss), -EINVAL);
	CHECK_EQ(sockaddr_from_str(STR_NULL, 0, 0, &ss), -EINVAL);
}

TEST(any_addresses)
{
	CHECK(sockaddr_str_is_any(STR_C("0.0.0.0")));
	CHECK(sockaddr_str_is_any(STR_C("::")));
	CHECK(sockaddr_str_is_any(STR_C("0::0")));
	CHECK(!sockaddr_str_is_any(STR_C("0.0.0.1")));
	CHECK(!sockaddr_str_is_any(STR_C("::1")));
	CHECK(!sockaddr_str_is_any(STR_C("nonsense")));
	CHECK(!sockaddr_str_is_any(STR_C("")));
}

TEST(family_names)
{
	CHECK_STR(sockaddr_family_name(AF_INET), "IPv4");
	CHECK_STR(sockaddr_family_name(AF_INET6), "IPv6");
	CHECK_STR(sockaddr_family_token(AF_INET), "IP4");
	CHECK_STR(sockaddr_family_token(AF_INET6), "IP6");
	CHECK_EQ(sockaddr_family_of_token(STR_C("IP4")), AF_INET);
	CHECK_EQ(sockaddr_family_of_token(STR_C("IP6")), AF_INET6);
	CHECK_EQ(sockaddr_family_of_token(STR_C("ip4")), 0);
	CHECK_EQ(sockaddr_family_of_token(STR_C("IP")), 0);
	CHECK_EQ(sockaddr_family_of_token(STR_C("IP44")), 0);
	CHECK_EQ(sockaddr_family_of_token(STR_NULL), 0);
}

TEST(sdp_directions)
{
	CHECK_EQ(sdp_direction_parse(STR_C("sendrecv")), SDP_SENDRECV);
	CHECK_EQ(sdp_direction_parse(STR_C("sendonly")), SDP_SENDONLY);
	CHECK_EQ(sdp_direction_parse(STR_C("recvonly")), SDP_RECVONLY);
	CHECK_EQ(sdp_direction_parse(STR_C("inactive")), SDP_INACTIVE);
	CHECK_EQ(sdp_direction_parse(STR_C("sendonl")), -1);
	CHECK_EQ(sdp_direction_parse(STR_C("SENDONLY")), -1);
	CHECK_EQ(sdp_direction_parse(STR_C("rtcp-mux")), -1);
	CHECK_EQ(sdp_direction_parse(STR_NULL), -1);
	for (int d = 0; d < SDP_DIRECTION_COUNT; d++)
		CHECK_EQ(sdp_direction_parse(str_from(sdp_direction_name(d))), d);
}

TEST_MAIN()
