/* config/interface: --interface and listen address values, literal and expanded. */
#include <arpa/inet.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "config/interface.h"
#include "test.h"

TEST_MAIN()

/* ---- interface_parse / interface_expand / interface_parse_listen ---- */

TEST(interface_parse_cases)
{
	struct config_interface ci;
	g_autofree char *err = NULL;

	CHECK_EQ(interface_parse("192.0.2.1", &ci, &err), 0);
	CHECK_STR(ci.name, "default");
	CHECK_EQ(ci.family, AF_INET);
	CHECK_STR(ci.local_str, "192.0.2.1");
	CHECK_STR(ci.advertised_str, "192.0.2.1");
	CHECK_EQ(((struct sockaddr_in *)&ci.local)->sin_port, 0);

	CHECK_EQ(interface_parse("pub/10.0.0.1!192.0.2.4", &ci, &err), 0);
	CHECK_STR(ci.name, "pub");
	CHECK_STR(ci.local_str, "10.0.0.1");
	CHECK_STR(ci.advertised_str, "192.0.2.4");
	CHECK_EQ(ci.advertised.ss_family, AF_INET);

	CHECK_EQ(interface_parse("pub:1/2001:DB8::7334!2001:db8::1", &ci, &err), 0);
	CHECK_STR(ci.name, "pub:1");
	CHECK_EQ(ci.family, AF_INET6);
	CHECK_STR(ci.local_str, "2001:db8::7334");
	CHECK_STR(ci.advertised_str, "2001:db8::1");

	static const char *const bad[] = { "",         "ext/",      "/1.2.3.4",    "1.2.3.999",
					   "1.2.3.4!", "1.2.3.4!x", "1.2.3.4!::1", "::1!1.2.3.4",
					   "any",      "eth0",      "1.2.3.4/5" };
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_free(err);
		err = NULL;
		if (interface_parse(bad[i], &ci, &err) != -1 || !err) {
			FAIL_AT("interface_parse(\"%s\") accepted", bad[i]);
			return;
		}
	}
	g_autofree char *n70 = g_strnfill(70, 'n');
	g_autofree char *longname = g_strdup_printf("%s/1.2.3.4", n70);
	g_free(err);
	err = NULL;
	CHECK_EQ(interface_parse(longname, &ci, &err), -1);
	CHECK_CONTAINS(err, "too long");
}

TEST(interface_expand_device_any_and_host)
{
	struct config_interface ci[CONFIG_MAX_INTERFACES];
	g_autofree char *err = NULL;
	int n;

	/* A literal is one entry. */
	CHECK_EQ(interface_expand("x/10.1.2.3!192.0.2.9", ci, 4, NULL, NULL, &err), 1);
	CHECK_STR(ci[0].advertised_str, "192.0.2.9");
	/* The loopback device: its addresses, at most one per family. */
	n = interface_expand("lo", ci, 4, NULL, NULL, &err);
	CHECK_INT(n, >=, 1);
	CHECK_STR(ci[0].local_str, "127.0.0.1");
	/* With an advertised address only its family remains. */
	CHECK_EQ(interface_expand("l/lo!192.0.2.1", ci, 4, NULL, NULL, &err), 1);
	CHECK_STR(ci[0].name, "l");
	CHECK_STR(ci[0].local_str, "127.0.0.1");
	CHECK_STR(ci[0].advertised_str, "192.0.2.1");
	/* A host name, resolved from /etc/hosts. */
	n = interface_expand("h/localhost", ci, 4, NULL, NULL, &err);
	CHECK_INT(n, >=, 1);
	CHECK(strcmp(ci[0].local_str, "127.0.0.1") == 0 || strcmp(ci[0].local_str, "::1") == 0);
	/* any: never loopback, never link-local. */
	n = interface_expand("any", ci, 4, NULL, NULL, &err);
	for (int i = 0; i < n; i++) {
		CHECK(strcmp(ci[i].local_str, "127.0.0.1") != 0);
		CHECK(!g_str_has_prefix(ci[i].local_str, "fe80"));
	}
	/* Not enough room. */
	CHECK_EQ(interface_expand("10.1.2.3", ci, 0, NULL, NULL, &err), -1);
	CHECK_CONTAINS(err, "too many");
	g_free(err);
	err = NULL;
	CHECK_EQ(interface_expand("no such host!", ci, 4, NULL, NULL, &err), -1);
}

TEST(listen_parse_cases)
{
	static const char *const good[][2] = {
		{ "2223", "0.0.0.0:2223" },
		{ " 2223 ", "0.0.0.0:2223" },
		{ "127.0.0.1:2223", "127.0.0.1:2223" },
		{ "[::1]:2223", "[::1]:2223" },
		{ "[::]:9101", "[::]:9101" },
		{ "::1:2223", "[::1]:2223" },
		{ "[2001:db8::1]:65535", "[2001:db8::1]:65535" },
		{ "localhost:1", "127.0.0.1:1" },
	};
	static const char *const bad[] = { "",
					   "0",
					   "65536",
					   "abc",
					   "-5",
					   "1.2.3.4:",
					   ":2223",
					   "[::1]2223",
					   "[::1:2223",
					   "[1.2.3.4]:5",
					   "1.2.3.999:5",
					   "1.2.3.4:x",
					   "no_such host:5" };
	struct config_listen cl;
	g_autofree char *err = NULL;

	for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
		if (interface_parse_listen(good[i][0], &cl, &err) != 0) {
			FAIL_AT("interface_parse_listen(\"%s\"): %s", good[i][0], err);
			return;
		}
		CHECK_STR(cl.text, good[i][1]);
	}
	CHECK_EQ(interface_parse_listen("[::1]:2223", &cl, &err), 0);
	CHECK_EQ(cl.addr.ss_family, AF_INET6);
	CHECK_EQ(cl.addr_len, sizeof(struct sockaddr_in6));
	CHECK_EQ(ntohs(((struct sockaddr_in6 *)&cl.addr)->sin6_port), 2223);
	CHECK_EQ(interface_parse_listen("10.0.0.1:5060", &cl, &err), 0);
	CHECK_EQ(cl.addr.ss_family, AF_INET);
	CHECK_EQ(cl.addr_len, sizeof(struct sockaddr_in));
	CHECK_EQ(ntohs(((struct sockaddr_in *)&cl.addr)->sin_port), 5060);
	CHECK_EQ(((struct sockaddr_in *)&cl.addr)->sin_addr.s_addr, inet_addr("10.0.0.1"));
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_free(err);
		err = NULL;
		if (interface_parse_listen(bad[i], &cl, &err) != -1 || !err) {
			FAIL_AT("interface_parse_listen(\"%s\") accepted: %s", bad[i], cl.text);
			return;
		}
	}
}
