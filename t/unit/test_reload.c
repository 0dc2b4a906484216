/* reload_apply: which options a SIGHUP changes, which need a restart. */
#include <glib.h>
#include <string.h>

#include "log.h"
#include "config/options.h"
#include "config/reload.h"
#include "test.h"

struct names {
	char text[512];
	int n;
};

static void collect(void *ctx, const char *name)
{
	struct names *nm = ctx;

	g_strlcat(nm->text, name, sizeof(nm->text));
	g_strlcat(nm->text, ";", sizeof(nm->text));
	nm->n++;
}

static int parse(struct rtprelay_config *cfg, const char *const *args)
{
	char *argv[32] = { "rtprelay", "--config-file=none" };
	int argc = 2;
	g_autofree char *err = NULL;

	for (; *args && argc < 31; args++)
		argv[argc++] = (char *)*args;
	if (options_parse_with(argc, argv, cfg, NULL, NULL, &err) < 0) {
		fprintf(stderr, "parse: %s\n", err);
		return -1;
	}
	return 0;
}

TEST(same_config_changes_nothing)
{
	static const char *const a[] = { "-i", "127.0.0.1", "-n", "127.0.0.1:2223", NULL };
	struct rtprelay_config live, next;
	struct names nm = { 0 };

	CHECK_EQ(parse(&live, a), 0);
	CHECK_EQ(parse(&next, a), 0);
	CHECK_EQ(reload_apply(&live, &next, collect, &nm), 0);
	CHECK_EQ(nm.n, 0);
	CHECK_STR(nm.text, "");
}

TEST(reloadable_options_are_copied)
{
	static const char *const a[] = { "-i", "127.0.0.1", "-n", "2223", NULL };
	static const char *const b[] = { "-i", "127.0.0.1", "-n", "2223", "--log-level=7",
					 "--log-level-control=3", "--timeout=5",
					 "--silent-timeout=7", "--final-timeout=9",
					 "--offer-timeout=11", "--delete-delay=0",
					 "--max-sessions=100", NULL };
	struct rtprelay_config live, next;
	struct names nm = { 0 };

	CHECK_EQ(parse(&live, a), 0);
	CHECK_EQ(parse(&next, b), 0);
	CHECK_EQ(reload_apply(&live, &next, collect, &nm), 8);
	CHECK_STR(nm.text, "");
	CHECK_EQ(live.log_level, 7);
	CHECK_EQ(live.log_levels[LOG_SUBSYS_control], 3);
	CHECK_EQ(live.timeout, 5);
	CHECK_EQ(live.silent_timeout, 7);
	CHECK_EQ(live.final_timeout, 9);
	CHECK_EQ(live.offer_timeout, 11);
	CHECK_EQ(live.delete_delay, 0);
	CHECK_EQ(live.max_sessions, 100);
	/* And back. */
	CHECK_EQ(parse(&next, a), 0);
	CHECK_EQ(reload_apply(&live, &next, collect, &nm), 8);
	CHECK_EQ(live.timeout, 60);
	CHECK_EQ(live.log_levels[LOG_SUBSYS_control], -1);
}

TEST(restart_only_options_are_reported_not_copied)
{
	static const char *const a[] = { "-i", "127.0.0.1", "-n", "127.0.0.1:2223",
					 "--port-min=30000", "--port-max=30100", NULL };
	static const char *const b[] = { "-i", "127.0.0.1", "-i", "ext/127.0.0.2",
					 "-n", "127.0.0.1:2224", "-N", "2225",
					 "--port-min=30000", "--port-max=30200", "--tos=0",
					 "--endpoint-learning=off", "--timeout=10", NULL };
	struct rtprelay_config live, next;
	struct names nm = { 0 };

	CHECK_EQ(parse(&live, a), 0);
	CHECK_EQ(parse(&next, b), 0);
	CHECK_EQ(reload_apply(&live, &next, collect, &nm), 1);
	/* Each option once, though a list is two fields. */
	CHECK_STR(nm.text, "interface;listen-ng;listen-tcp-ng;port-max;tos;endpoint-learning;");
	CHECK_EQ(live.n_interfaces, 1);
	CHECK_EQ(live.port_max, 30100);
	CHECK_EQ(live.n_listen_tcp_ng, 0);
	CHECK_EQ(live.tos, 184);
	CHECK_EQ(live.timeout, 10);
	/* A NULL callback is allowed. */
	CHECK_EQ(reload_apply(&live, &next, NULL, NULL), 0);
}

TEST_MAIN()
