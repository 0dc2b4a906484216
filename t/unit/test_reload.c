/* reload_prepare: which options a SIGHUP changes, which need a restart. */
#include <glib.h>
#include <string.h>

#include "config/config.h"
#include "config/options.h"
#include "config/reload.h"
#include "log.h"
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
	CHECK_EQ(reload_prepare(&live, &next, collect, &nm), 0);
	CHECK_EQ(nm.n, 0);
	CHECK_STR(nm.text, "");
	CHECK_EQ(memcmp(&live, &next, sizeof(live)), 0);
}

TEST(reloadable_options_are_taken)
{
	static const char *const a[] = { "-i", "127.0.0.1", "-n", "2223", NULL };
	static const char *const b[] = { "-i",
					 "127.0.0.1",
					 "-n",
					 "2223",
					 "--log-level=7",
					 "--log-level-control=3",
					 "--timeout=5",
					 "--silent-timeout=7",
					 "--final-timeout=9",
					 "--offer-timeout=11",
					 "--delete-delay=0",
					 "--max-sessions=100",
					 "--endpoint-learning=off",
					 NULL };
	struct rtprelay_config live, next, back;
	struct names nm = { 0 };

	CHECK_EQ(parse(&live, a), 0);
	CHECK_EQ(parse(&next, b), 0);
	CHECK_EQ(reload_prepare(&live, &next, collect, &nm), 9);
	CHECK_STR(nm.text, "");
	CHECK_EQ(next.log_level, 7);
	CHECK_EQ(next.log_levels[LOG_SUBSYS_control], 3);
	CHECK_EQ(next.timeout, 5);
	CHECK_EQ(next.silent_timeout, 7);
	CHECK_EQ(next.final_timeout, 9);
	CHECK_EQ(next.offer_timeout, 11);
	CHECK_EQ(next.delete_delay, 0);
	CHECK_EQ(next.max_sessions, 100);
	CHECK_EQ(next.endpoint_learning, EL_OFF);
	/* The running snapshot is never written. */
	CHECK_EQ(live.timeout, 60);
	CHECK_EQ(live.endpoint_learning, EL_DELAYED);
	/* And back. */
	CHECK_EQ(parse(&back, a), 0);
	CHECK_EQ(reload_prepare(&next, &back, collect, &nm), 9);
	CHECK_EQ(back.timeout, 60);
	CHECK_EQ(back.log_levels[LOG_SUBSYS_control], -1);
	CHECK_EQ(memcmp(&live, &back, sizeof(live)), 0);
}

TEST(restart_only_options_are_reported_and_kept)
{
	static const char *const a[] = {
		"-i", "127.0.0.1", "-n", "127.0.0.1:2223", "--port-min=30000", "--port-max=30100",
		NULL
	};
	static const char *const b[] = { "-i",
					 "127.0.0.1",
					 "-i",
					 "ext/127.0.0.2",
					 "-n",
					 "127.0.0.1:2224",
					 "-N",
					 "2225",
					 "--port-min=30000",
					 "--port-max=30200",
					 "--tos=0",
					 "--num-threads=3",
					 "--timeout=10",
					 NULL };
	struct rtprelay_config live, next;
	struct names nm = { 0 };

	CHECK_EQ(parse(&live, a), 0);
	CHECK_EQ(parse(&next, b), 0);
	CHECK_EQ(reload_prepare(&live, &next, collect, &nm), 1);
	/* Each option once, though a list is two fields. */
	CHECK_STR(nm.text, "interface;listen-ng;listen-tcp-ng;port-max;num-threads;tos;");
	/* next keeps what is bound at start-up, and takes the rest. */
	CHECK_EQ(next.n_interfaces, 1);
	CHECK_STR(next.interfaces[0].local_str, "127.0.0.1");
	CHECK_EQ(next.port_max, 30100);
	CHECK_EQ(next.n_listen_tcp_ng, 0);
	CHECK_STR(next.listen_ng[0].text, "127.0.0.1:2223");
	CHECK_EQ(next.tos, 184);
	CHECK_EQ(next.num_threads, live.num_threads);
	CHECK_EQ(next.timeout, 10);
	CHECK_EQ(live.timeout, 60);
	/* A NULL callback is allowed; nothing left to report. */
	CHECK_EQ(reload_prepare(&live, &next, NULL, NULL), 1);
	CHECK_EQ(reload_prepare(&live, &next, collect, &nm), 1);
	CHECK_EQ(nm.n, 6);
}

TEST(snapshots_are_counted)
{
	struct rtprelay_config *c = config_new();
	const struct rtprelay_config *held;

	CHECK_EQ(parse(c, (const char *const[]){ "-i", "127.0.0.1", "-n", "2223", "--timeout=7",
						 NULL }),
		 0);
	held = config_get(c);
	CHECK(held == c);
	config_put(c);
	/* Still held once: readable (ASan would see a use after free). */
	CHECK_EQ(held->timeout, 7);
	config_put(held);
	config_put(NULL);
}

TEST_MAIN()
