/* Options: command line, config file, precedence, validation, rtpengine compat. */
#include <arpa/inet.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/config.h"
#include "config/interface.h"
#include "config/options.h"
#include "config/options_compat.h"
#include "config/options_table.h"
#include "log.h"
#include "test.h"

TEST_MAIN()

/* ---- helpers ---- */

static void collect(void *ctx, const char *msg)
{
	g_ptr_array_add(ctx, g_strdup(msg));
}

/* Parse a NULL-terminated argv (argv[0] added); warnings collected in w. */
static int parse_v(struct rtprelay_config *cfg, char **err, GPtrArray *w, const char **args)
{
	int argc = 1;
	char *argv[64] = { "rtprelay" };

	for (; args[argc - 1]; argc++)
		argv[argc] = (char *)args[argc - 1];
	argv[argc] = NULL;
	g_free(*err);
	*err = NULL;
	return options_parse_with(argc, argv, cfg, collect, w, err);
}

#define PARSE(cfg, err, w, ...) parse_v(cfg, err, w, (const char *[]){ __VA_ARGS__, NULL })
/* The minimum a daemon needs, without any config file. */
#define MIN_ARGS "--config-file=none", "-i", "127.0.0.1", "-n", "2223"

static GPtrArray *warnings(void)
{
	return g_ptr_array_new_with_free_func(g_free);
}

/* A config file with the given text, in a fresh temporary path. */
static char *write_conf(const char *text)
{
	char *path = NULL;
	GError *gerr = NULL;
	int fd = g_file_open_tmp("rtprelay-test-XXXXXX.conf", &path, &gerr);

	if (fd < 0) {
		fprintf(stderr, "cannot create a temp file: %s\n", gerr->message);
		abort();
	}
	close(fd);
	if (!g_file_set_contents(path, text, -1, NULL))
		abort();
	return path;
}

static char *conf_arg(const char *path)
{
	return g_strdup_printf("--config-file=%s", path);
}

/* t/data/NAME, found from this file's path so the cwd does not matter. */
static char *data_path(const char *name)
{
	g_autofree char *dir = g_path_get_dirname(__FILE__);

	return g_build_filename(dir, "..", "data", name, NULL);
}

/* Expect failure with a message containing each of the given strings. */
#define CHECK_FAILS(needle1, needle2, ...)                 \
	do {                                               \
		struct rtprelay_config c_;                 \
		g_autofree char *e_ = NULL;                \
		g_autoptr(GPtrArray) w_ = warnings();      \
		int r_ = PARSE(&c_, &e_, w_, __VA_ARGS__); \
		CHECK_EQ(r_, -1);                          \
		CHECK_CONTAINS(e_, needle1);               \
		CHECK_CONTAINS(e_, needle2);               \
	} while (0)

static unsigned count_warnings_naming(GPtrArray *w, const char *name)
{
	g_autofree char *quoted = g_strdup_printf("'%s'", name);
	unsigned n = 0;

	for (guint i = 0; i < w->len; i++)
		if (strstr(w->pdata[i], quoted))
			n++;
	return n;
}

/* ---- defaults ---- */

TEST(defaults_are_rtpengines)
{
	struct rtprelay_config cfg;

	options_defaults(&cfg);
	CHECK_EQ(cfg.port_min, 30000);
	CHECK_EQ(cfg.port_max, 40000);
	CHECK_EQ(cfg.timeout, 60);
	CHECK_EQ(cfg.silent_timeout, 3600);
	CHECK_EQ(cfg.final_timeout, 0);
	CHECK_EQ(cfg.offer_timeout, 3600);
	CHECK_EQ(cfg.delete_delay, 30);
	CHECK_EQ(cfg.max_sessions, -1);
	CHECK_EQ(cfg.num_threads, sysconf(_SC_NPROCESSORS_ONLN));
	CHECK_EQ(cfg.log_level, 6);
	CHECK_EQ(cfg.table, 0);
	CHECK_EQ(cfg.tos, 184);
	CHECK_EQ(cfg.endpoint_learning, EL_DELAYED);
	CHECK_EQ(cfg.log_facility, LOG_DAEMON);
	CHECK_EQ(cfg.log_levels[LOG_SUBSYS_core], -1);
	CHECK_EQ(cfg.log_levels[LOG_SUBSYS_internals], 0);
	CHECK(!cfg.foreground && !cfg.log_stderr && !cfg.no_fallback && !cfg.check_config);
	CHECK_STR(cfg.config_file, OPTIONS_DEFAULT_CONFIG_FILE);
	CHECK_STR(cfg.pidfile, "");
	CHECK_EQ(cfg.n_interfaces, 0);
}

/* ---- command line forms ---- */

TEST(cmdline_long_equals_and_separate)
{
	struct rtprelay_config cfg;
	g_autofree char *err = NULL;
	g_autoptr(GPtrArray) w = warnings();

	CHECK_EQ(PARSE(&cfg, &err, w, MIN_ARGS, "--port-min=20000", "--port-max", "20100",
		       "--timeout=10", "--silent-timeout", "20", "--final-timeout=30",
		       "--offer-timeout", "40", "--delete-delay=0", "--max-sessions", "500",
		       "--num-threads=3", "--table", "-1", "--tos=0", "--log-level", "7",
		       "--endpoint-learning=heuristic", "--log-facility", "local3",
		       "--pidfile=/run/x.pid", "--foreground", "--log-stderr", "--no-fallback",
		       "--check-config"),
		 0);
	CHECK(err == NULL); /* no message on success */
	CHECK_EQ(cfg.port_min, 20000);
	CHECK_EQ(cfg.port_max, 20100);
	CHECK_EQ(cfg.timeout, 10);
	CHECK_EQ(cfg.silent_timeout, 20);
	CHECK_EQ(cfg.final_timeout, 30);
	CHECK_EQ(cfg.offer_timeout, 40);
	CHECK_EQ(cfg.delete_delay, 0);
	CHECK_EQ(cfg.max_sessions, 500);
	CHECK_EQ(cfg.num_threads, 3);
	CHECK_EQ(cfg.table, -1);
	CHECK_EQ(cfg.tos, 0);
	CHECK_EQ(cfg.log_level, 7);
	CHECK_EQ(cfg.endpoint_learning, EL_HEURISTIC);
	CHECK_EQ(cfg.log_facility, LOG_LOCAL3);
	CHECK_STR(cfg.pidfile, "/run/x.pid");
	CHECK(cfg.foreground && cfg.log_stderr && cfg.no_fallback && cfg.check_config);
	CHECK_EQ(w->len, 0);
}

TEST(cmdline_short_forms)
{
	struct rtprelay_config cfg;
	g_autofree char *err = NULL;
	g_autoptr(GPtrArray) w = warnings();

	CHECK_EQ(PARSE(&cfg, &err, w, "--config-file=none", "-i", "10.0.0.1", "-n",
		       "127.0.0.1:2223", "-N", "2224", "-m", "31000", "-M32000", "-o", "11", "-s",
		       "12", "-a", "13", "-d", "14", "-L", "5", "-t", "3", "-T", "46", "-p",
		       "/tmp/p", "-fE", "-F"),
		 0);
	CHECK_STR(cfg.interfaces[0].local_str, "10.0.0.1");
	CHECK_STR(cfg.listen_ng[0].text, "127.0.0.1:2223");
	CHECK_STR(cfg.listen_tcp_ng[0].text, "0.0.0.0:2224");
	CHECK_EQ(cfg.port_min, 31000);
	CHECK_EQ(cfg.port_max, 32000);
	CHECK_EQ(cfg.timeout, 11);
	CHECK_EQ(cfg.silent_timeout, 12);
	CHECK_EQ(cfg.final_timeout, 13);
	CHECK_EQ(cfg.delete_delay, 14);
	CHECK_EQ(cfg.log_level, 5);
	CHECK_EQ(cfg.table, 3);
	CHECK_EQ(cfg.tos, 46);
	CHECK_STR(cfg.pidfile, "/tmp/p");
	CHECK(cfg.foreground && cfg.log_stderr && cfg.no_fallback);
}

TEST(cmdline_repeatable_options)
{
	struct rtprelay_config cfg;
	g_autofree char *err = NULL;
	g_autoptr(GPtrArray) w = warnings();

	CHECK_EQ(PARSE(&cfg, &err, w, "--config-file=none", "-i", "int/10.0.0.1",
		       "--interface=ext/192.0.2.1!198.51.100.1", "-i", "ext/2001:db8::1", "-n",
		       "2223", "--listen-ng=[::1]:2223", "--listen-http", "127.0.0.1:8080",
		       "--listen-http=[::1]:8080"),
		 0);
	CHECK_EQ(cfg.n_interfaces, 3);
	CHECK_STR(cfg.interfaces[0].name, "int");
	CHECK_STR(cfg.interfaces[1].name, "ext");
	CHECK_STR(cfg.interfaces[1].advertised_str, "198.51.100.1");
	CHECK_EQ(cfg.interfaces[2].family, AF_INET6);
	CHECK_EQ(cfg.n_listen_ng, 2);
	CHECK_STR(cfg.listen_ng[1].text, "[::1]:2223");
	CHECK_EQ(cfg.n_listen_http, 2);
	CHECK_EQ(cfg.n_listen_tcp_ng, 0);
}

TEST(cmdline_log_level_every_subsystem)
{
	for (int i = 0; i < LOG_SUBSYS_COUNT; i++) {
		struct rtprelay_config cfg;
		g_autofree char *err = NULL;
		g_autofree char *long_eq = g_strdup_printf("--log-level-%s=%d", log_subsys_names[i],
							   i % 8);
		g_autofree char *long_sep = g_strdup_printf("--log-level-%s", log_subsys_names[i]);
		g_autoptr(GPtrArray) w = warnings();

		CHECK_EQ(PARSE(&cfg, &err, w, MIN_ARGS, long_eq), 0);
		CHECK_EQ(cfg.log_levels[i], i % 8);
		CHECK_EQ(PARSE(&cfg, &err, w, MIN_ARGS, long_sep, "7"), 0);
		CHECK_EQ(cfg.log_levels[i], 7);
		CHECK_FAILS(long_sep + 2, "out of range", MIN_ARGS, long_sep, "8");
		CHECK_EQ(w->len, 0);
	}
}

TEST(cmdline_endpoint_learning_values)
{
	static const struct {
		const char *v;
		enum endpoint_learning el;
	} cases[] = { { "delayed", EL_DELAYED },
		      { "immediate", EL_IMMEDIATE },
		      { "off", EL_OFF },
		      { "heuristic", EL_HEURISTIC } };

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct rtprelay_config cfg;
		g_autofree char *err = NULL;
		g_autoptr(GPtrArray) w = warnings();

		CHECK_EQ(PARSE(&cfg, &err, w, MIN_ARGS, "--endpoint-learning", cases[i].v), 0);
		CHECK_EQ(cfg.endpoint_learning, cases[i].el);
	}
}

TEST(cmdline_unknown_option_is_an_error)
{
	CHECK_FAILS("--bogus", "", MIN_ARGS, "--bogus");
	CHECK_FAILS("--bogus", "", MIN_ARGS, "--bogus=1");
	CHECK_FAILS("-z", "", MIN_ARGS, "-z");
	CHECK_FAILS("--log-level-nonsense", "", MIN_ARGS, "--log-level-nonsense=3");
	CHECK_FAILS("stray", "", MIN_ARGS, "stray");
	CHECK_FAILS("--port-min", "", MIN_ARGS, "--port-min"); /* missing argument */
}

TEST(version_prints_and_exits_zero)
{
	int fds[2];
	pid_t pid;
	char buf[256] = { 0 };
	int status;
	ssize_t n;

	CHECK_EQ(pipe(fds), 0);
	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct rtprelay_config cfg;
		char *err = NULL;
		char *argv[] = { "rtprelay", "-v", NULL };

		dup2(fds[1], STDOUT_FILENO);
		options_parse(2, argv, &cfg, &err);
		_exit(3); /* not reached: -v exits */
	}
	close(fds[1]);
	n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
	CHECK(n > 0);
	CHECK_CONTAINS(buf, "Version: ");
}

/* ---- validation: every message names the option ---- */

TEST(validation_numbers)
{
	CHECK_FAILS("option 'port-min'", "not a number", MIN_ARGS, "--port-min=abc");
	CHECK_FAILS("option 'port-min'", "not a number", MIN_ARGS, "-m", "30000x");
	CHECK_FAILS("option 'port-min'", "out of range", MIN_ARGS, "-m", "0");
	CHECK_FAILS("option 'port-max'", "out of range", MIN_ARGS, "-M", "65536");
	CHECK_FAILS("option 'port-max'", "not greater than port-min", MIN_ARGS, "-m", "30000", "-M",
		    "30000");
	CHECK_FAILS("option 'port-max'", "not greater than port-min", MIN_ARGS, "-m", "40000", "-M",
		    "30000");
	CHECK_FAILS("option 'port-min'", "pair", MIN_ARGS, "-m", "30001", "-M", "30002");
	CHECK_FAILS("option 'timeout'", "out of range", MIN_ARGS, "--timeout=-1");
	CHECK_FAILS("option 'timeout'", "out of range", MIN_ARGS, "--timeout=31536001");
	CHECK_FAILS("option 'final-timeout'", "out of range", MIN_ARGS, "--final-timeout=31536001");
	CHECK_FAILS("option 'delete-delay'", "out of range", MIN_ARGS, "--delete-delay=3601");
	CHECK_FAILS("option 'delete-delay'", "out of range", MIN_ARGS, "-d", "2147483647");
	CHECK_FAILS("option 'silent-timeout'", "not a number", MIN_ARGS, "-s", "");
	CHECK_FAILS("option 'final-timeout'", "out of range", MIN_ARGS, "-a", "-5");
	CHECK_FAILS("option 'offer-timeout'", "not a number", MIN_ARGS, "--offer-timeout=1h");
	CHECK_FAILS("option 'delete-delay'", "out of range", MIN_ARGS, "-d", "-1");
	CHECK_FAILS("option 'max-sessions'", "out of range", MIN_ARGS, "--max-sessions=-2");
	CHECK_FAILS("option 'num-threads'", "out of range", MIN_ARGS, "--num-threads=0");
	CHECK_FAILS("option 'num-threads'", "out of range", MIN_ARGS, "--num-threads=257");
	CHECK_FAILS("option 'log-level'", "out of range", MIN_ARGS, "-L", "8");
	CHECK_FAILS("option 'log-level'", "out of range", MIN_ARGS, "-L", "-1");
	CHECK_FAILS("option 'tos'", "out of range", MIN_ARGS, "-T", "256");
	CHECK_FAILS("option 'table'", "out of range", MIN_ARGS, "-t", "256");
	CHECK_FAILS("option 'table'", "not a number", MIN_ARGS, "-t", "zero");
}

TEST(validation_enums_and_strings)
{
	CHECK_FAILS("option 'endpoint-learning'", "'sometimes'", MIN_ARGS,
		    "--endpoint-learning=sometimes");
	CHECK_FAILS("option 'log-facility'", "'mars'", MIN_ARGS, "--log-facility=mars");
	g_autofree char *longpath = g_strnfill(300, 'x');
	CHECK_FAILS("option 'pidfile'", "longer", MIN_ARGS, "-p", longpath);
}

TEST(validation_interfaces)
{
	CHECK_FAILS("option 'interface'", "at least one", "--config-file=none", "-n", "2223");
	CHECK_FAILS("option 'interface'", "1.2.3.999", MIN_ARGS, "-i", "1.2.3.999");
	CHECK_FAILS("option 'interface'", "2001:db8::g", MIN_ARGS, "-i", "2001:db8::g");
	CHECK_FAILS("option 'interface'", "advertised", MIN_ARGS, "-i", "1.2.3.4!1.2.3");
	CHECK_FAILS("option 'interface'", "advertised", MIN_ARGS, "-i", "1.2.3.4!");
	CHECK_FAILS("option 'interface'", "IPv6", MIN_ARGS, "-i", "1.2.3.4!2001:db8::1");
	CHECK_FAILS("option 'interface'", "name", MIN_ARGS, "-i", "/1.2.3.4");
	CHECK_FAILS("option 'interface'", "missing address", MIN_ARGS, "-i", "ext/");
	/* Same name and family twice; MIN_ARGS already has default/127.0.0.1. */
	CHECK_FAILS("option 'interface'", "two IPv4", MIN_ARGS, "-i", "127.0.0.2");
	CHECK_FAILS("option 'interface'", "two IPv6", "--config-file=none", "-n", "1", "-i",
		    "a/::1", "-i", "a/::2");
	/* Other names or families are fine. */
	struct rtprelay_config cfg;
	g_autofree char *err = NULL;
	g_autoptr(GPtrArray) w = warnings();

	CHECK_EQ(PARSE(&cfg, &err, w, MIN_ARGS, "-i", "::1", "-i", "b/127.0.0.1"), 0);
	CHECK_EQ(cfg.n_interfaces, 3);
}

TEST(validation_listeners)
{
	CHECK_FAILS("option 'listen-ng'", "at least one", "--config-file=none", "-i", "1.2.3.4");
	CHECK_FAILS("option 'listen-ng'", "out of range", MIN_ARGS, "-n", "65536");
	CHECK_FAILS("option 'listen-ng'", "out of range", MIN_ARGS, "-n", "0");
	CHECK_FAILS("option 'listen-tcp-ng'", "not a port", MIN_ARGS, "-N", "127.0.0.1:http");
	CHECK_FAILS("option 'listen-http'", "1.2.3.999", MIN_ARGS, "--listen-http=1.2.3.999:80");
	CHECK_FAILS("option 'listen-ng'", "given twice", MIN_ARGS, "-n", "0.0.0.0:2223");
	CHECK_FAILS("option 'listen-http'", "given twice", MIN_ARGS, "-N", "127.0.0.1:80",
		    "--listen-http=127.0.0.1:80");
}

/* ---- ignored rtpengine options ---- */

TEST(ignored_options_warn_once_each)
{
	struct rtprelay_config cfg;
	g_autofree char *err = NULL;
	g_autoptr(GPtrArray) w = warnings();

	CHECK_EQ(PARSE(&cfg, &err, w, MIN_ARGS, "-u", "12222", "-l", "25060", "-c", "2224", "-g",
		       "127.0.0.1:9006", "-G", "60", "-r", "127.0.0.1:6379/5", "-w",
		       "127.0.0.1:6379/6", "-q", "-y", "1", "-b", "http://x/", "-x", "2", "-k", "5",
		       "-S", "--graphite=127.0.0.1:9007", "--recording-dir=/tmp",
		       "--log-level-codec=7", "--log-level-spandsp", "3", "--codecs"),
		 0);
	static const char *const names[] = {
		"listen-udp",
		"listen-tcp",
		"listen-cli",
		"graphite",
		"graphite-interval",
		"redis",
		"redis-write",
		"no-redis-required",
		"redis-delete-async",
		"b2b-url",
		"xmlrpc-format",
		"subscribe-keyspace",
		"save-interface-ports",
		"recording-dir",
		"log-level-codec",
		"log-level-spandsp",
		"codecs",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		if (count_warnings_naming(w, names[i]) != 1) {
			FAIL_AT("warnings naming '%s': %u, expected 1", names[i],
				count_warnings_naming(w, names[i]));
			return;
		}
	}
	/* graphite was given twice: still one line. */
	CHECK_EQ(w->len, G_N_ELEMENTS(names));
	CHECK_CONTAINS(w->pdata[0], "ignored");
	CHECK(!strchr(w->pdata[0], '\n'));
	/* Ignored means ignored: nothing else changed. */
	CHECK_EQ(cfg.n_listen_ng, 1);
	CHECK_EQ(cfg.log_level, 6);
}

TEST(every_compat_option_is_accepted)
{
	for (size_t i = 0; i < options_compat_len; i++) {
		const struct option_compat *c = &options_compat[i];
		struct rtprelay_config cfg;
		g_autofree char *err = NULL;
		g_autofree char *opt = g_strdup_printf("--%s", c->name);
		g_autoptr(GPtrArray) w = warnings();
		int r = c->takes_arg ? PARSE(&cfg, &err, w, MIN_ARGS, opt, "1")
				     : PARSE(&cfg, &err, w, MIN_ARGS, opt);

		if (r != 0 || w->len != 1 || count_warnings_naming(w, c->name) != 1) {
			FAIL_AT("--%s: rc %d, %u warnings, err %s", c->name, r, w->len,
				err ? err : "(none)");
			return;
		}
	}
}

/* Every option of the installed rtpengine is implemented or accepted. */
TEST(rtpengine_help_names_are_all_known)
{
	FILE *p;
	char line[512];
	unsigned n = 0;

	if (access("/usr/bin/rtpengine", X_OK) != 0) {
		printf("    (rtpengine not installed, skipped)\n");
		return;
	}
	p = popen("/usr/bin/rtpengine --help-all 2>&1", "r");
	CHECK(p != NULL);
	while (fgets(line, sizeof(line), p)) {
		char *s, name[128];
		size_t len = 0;

		g_strchug(line);
		s = strstr(line, "--");
		if (line[0] != '-' || !s)
			continue;
		s += 2;
		while (s[len] && (g_ascii_isalnum(s[len]) || s[len] == '-') &&
		       len < sizeof(name) - 1)
			len++;
		memcpy(name, s, len);
		name[len] = '\0';
		if (strcmp(name, "help") == 0 || g_str_has_prefix(name, "help-"))
			continue;
		n++;
		if (!options_find(name) && !options_compat_find(name)) {
			pclose(p);
			FAIL_AT("rtpengine option --%s is unknown to rtprelay", name);
			return;
		}
	}
	pclose(p);
	CHECK_INT(n, >, 100);
}

TEST(ignored_warnings_go_to_stderr_one_line_each)
{
	int fds[2], saved;
	char buf[4096] = { 0 };
	struct rtprelay_config cfg;
	g_autofree char *err = NULL;
	char *argv[] = {
		"rtprelay", MIN_ARGS, "-g", "x", "--graphite=y", "--jb-clock-drift", NULL
	};
	ssize_t n;
	int rc;

	CHECK_EQ(pipe(fds), 0);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fds[1], STDERR_FILENO);
	close(fds[1]);
	rc = options_parse(G_N_ELEMENTS(argv) - 1, argv, &cfg, &err);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	CHECK_EQ(rc, 0);
	CHECK(n > 0);
	g_auto(GStrv) lines = g_strsplit(g_strchomp(buf), "\n", -1);
	CHECK_EQ(g_strv_length(lines), 2);
	CHECK_CONTAINS(lines[0], "warning");
	CHECK_CONTAINS(lines[0], "'graphite'");
	CHECK_CONTAINS(lines[1], "'jb-clock-drift'");
}

/* ---- config file ---- */

TEST(file_rtprelay_section)
{
	g_autofree char *path = write_conf(
		"[rtpengine]\nport-min = 1000\n\n"
		"[rtprelay]\n"
		"interface = int/10.0.0.1 ; ext/192.0.2.1!198.51.100.1;ext/2001:db8::1\n"
		"listen-ng = 127.0.0.1:2223;[::1]:2223\n"
		"listen-http = 8080\n"
		"port-min = 20000\nport-max = 21000\n"
		"timeout = 5\n"
		"foreground = true\nlog-stderr = false\nno-fallback = yes\n"
		"log-level-control = 7\n"
		"endpoint-learning = off\n"
		"pidfile = /run/rtprelay.pid\n");
	g_autofree char *arg = conf_arg(path);
	struct rtprelay_config cfg;
	g_autofree char *err = NULL;
	g_autoptr(GPtrArray) w = warnings();
	int rc = PARSE(&cfg, &err, w, arg);

	unlink(path);
	if (rc != 0)
		FAIL_AT("%s", err);
	CHECK_EQ(rc, 0);
	CHECK_STR(cfg.config_section, "rtprelay");
	CHECK_EQ(cfg.n_interfaces, 3);
	CHECK_STR(cfg.interfaces[0].name, "int");
	CHECK_STR(cfg.interfaces[1].advertised_str, "198.51.100.1");
	CHECK_STR(cfg.interfaces[2].local_str, "2001:db8::1");
	CHECK_EQ(cfg.n_listen_ng, 2);
	CHECK_STR(cfg.listen_ng[1].text, "[::1]:2223");
	CHECK_STR(cfg.listen_http[0].text, "0.0.0.0:8080");
	CHECK_EQ(cfg.port_min, 20000);
	CHECK_EQ(cfg.port_max, 21000);
	CHECK_EQ(cfg.timeout, 5);
	CHECK(cfg.foreground && !cfg.log_stderr && cfg.no_fallback);
	CHECK_EQ(cfg.log_levels[LOG_SUBSYS_control], 7);
	CHECK_EQ(cfg.endpoint_learning, EL_OFF);
	CHECK_STR(cfg.pidfile, "/run/rtprelay.pid");
	CHECK_EQ(w->len, 0);
}

TEST(file_rtpengine_only_and_config_section)
{
	g_autofree char *path = write_conf("[rtpengine]\ninterface = 10.0.0.1\nlisten-ng = 2223\n"
					   "port-min = 1000\nport-max = 2000\n"
					   "[other]\ninterface = 10.0.0.2\nlisten-tcp-ng = 2224\n");
	g_autofree char *arg = conf_arg(path);
	struct rtprelay_config cfg;
	g_autofree char *err = NULL;
	g_autoptr(GPtrArray) w = warnings();
	int rc1, rc2, rc3;
	unsigned pmin1;
	char sect1[64], sect2[64], ip2[64];

	rc1 = PARSE(&cfg, &err, w, arg);
	pmin1 = cfg.port_min;
	g_strlcpy(sect1, cfg.config_section, sizeof(sect1));
	rc2 = PARSE(&cfg, &err, w, arg, "--config-section=other");
	g_strlcpy(sect2, cfg.config_section, sizeof(sect2));
	g_strlcpy(ip2, cfg.interfaces[0].local_str, sizeof(ip2));
	CHECK_EQ(cfg.port_min, 30000);
	CHECK_EQ(cfg.n_listen_tcp_ng, 1);
	rc3 = PARSE(&cfg, &err, w, arg, "--config-section", "missing");
	unlink(path);
	CHECK_EQ(rc1, 0);
	CHECK_EQ(pmin1, 1000);
	CHECK_STR(sect1, "rtpengine");
	CHECK_EQ(rc2, 0);
	CHECK_STR(sect2, "other");
	CHECK_STR(ip2, "10.0.0.2");
	CHECK_EQ(rc3, -1);
	CHECK_CONTAINS(err, "[missing]");
}

TEST(file_precedence_command_line_wins)
{
	g_autofree char *path = write_conf("[rtprelay]\ninterface = a/10.0.0.1;b/10.0.0.2\n"
					   "listen-ng = 2223\nport-min = 20000\nport-max = 20100\n"
					   "foreground = false\nlog-level = 3\n");
	g_autofree char *arg = conf_arg(path);
	struct rtprelay_config cfg;
	g_autofree char *err = NULL;
	g_autoptr(GPtrArray) w = warnings();
	int rc;

	rc = PARSE(&cfg, &err, w, arg, "-m", "20010", "-f", "-i", "c/10.0.0.3", "-i", "d/10.0.0.4");
	unlink(path);
	CHECK_EQ(rc, 0);
	CHECK_EQ(cfg.port_min, 20010); /* command line */
	CHECK_EQ(cfg.port_max, 20100); /* file */
	CHECK_EQ(cfg.log_level, 3);    /* file */
	CHECK(cfg.foreground);         /* command line */
	/* A list on the command line replaces the file's list. */
	CHECK_EQ(cfg.n_interfaces, 2);
	CHECK_STR(cfg.interfaces[0].name, "c");
	CHECK_STR(cfg.interfaces[1].name, "d");
	CHECK_EQ(cfg.n_listen_ng, 1);
}

TEST(file_errors_name_file_section_and_key)
{
	static const char *const bad[][3] = {
		{ "port-min = abc\n", "option 'port-min'", "not a number" },
		{ "timeout = -3\n", "option 'timeout'", "out of range" },
		{ "foreground = maybe\n", "option 'foreground'", "boolean" },
		{ "interface = 10.0.0.1;1.2.3.999\n", "option 'interface'", "1.2.3.999" },
		{ "log-level = 9\n", "option 'log-level'", "out of range" },
		{ "endpoint-learning = always\n", "option 'endpoint-learning'", "always" },
		{ "bogus-key = 1\n", "unknown option 'bogus-key'", "" },
		{ "config-file = /x\n", "option 'config-file'", "command line" },
		{ "check-config = true\n", "option 'check-config'", "command line" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autofree char *text = g_strdup_printf(
			"[rtprelay]\ninterface = 10.0.0.9\nlisten-ng = 1\n%s", bad[i][0]);
		g_autofree char *path = write_conf(text);
		g_autofree char *arg = conf_arg(path);
		struct rtprelay_config cfg;
		g_autofree char *err = NULL;
		g_autoptr(GPtrArray) w = warnings();
		int rc = PARSE(&cfg, &err, w, arg);

		unlink(path);
		CHECK_EQ(rc, -1);
		CHECK_CONTAINS(err, path);
		CHECK_CONTAINS(err, "[rtprelay]");
		CHECK_CONTAINS(err, bad[i][1]);
		CHECK_CONTAINS(err, bad[i][2]);
	}
}

TEST(file_missing_and_none)
{
	struct rtprelay_config cfg;
	g_autofree char *err = NULL;
	g_autoptr(GPtrArray) w = warnings();

	/* Explicit and missing: an error. */
	CHECK_EQ(PARSE(&cfg, &err, w, "--config-file=/nonexistent/rtprelay.conf", "-i", "1.2.3.4",
		       "-n", "1"),
		 -1);
	CHECK_CONTAINS(err, "/nonexistent/rtprelay.conf");
	/* none: no file at all. */
	CHECK_EQ(PARSE(&cfg, &err, w, "--config-file", "none", "-i", "1.2.3.4", "-n", "1"), 0);
	/* The default file may be absent. */
	if (!g_file_test(OPTIONS_DEFAULT_CONFIG_FILE, G_FILE_TEST_EXISTS)) {
		CHECK_EQ(PARSE(&cfg, &err, w, "-i", "1.2.3.4", "-n", "1"), 0);
		CHECK_STR(cfg.config_file, OPTIONS_DEFAULT_CONFIG_FILE);
	}
	/* A file with neither section. */
	g_autofree char *path = write_conf("[other]\nport-min = 1\n");
	g_autofree char *arg = conf_arg(path);
	int rc = PARSE(&cfg, &err, w, arg, "-i", "1.2.3.4", "-n", "1");

	unlink(path);
	CHECK_EQ(rc, -1);
	CHECK_CONTAINS(err, "[rtprelay]");
	/* A file that is not a key file. */
	g_autofree char *path2 = write_conf("this is not a key file\n");
	g_autofree char *arg2 = conf_arg(path2);
	rc = PARSE(&cfg, &err, w, arg2, "-i", "1.2.3.4", "-n", "1");
	unlink(path2);
	CHECK_EQ(rc, -1);
	CHECK_CONTAINS(err, path2);
}

TEST(file_ignored_keys_warn_once_with_file_name)
{
	g_autofree char *path = write_conf("[rtprelay]\ninterface = 10.0.0.9\nlisten-ng = 1\n"
					   "recording-dir = /var/spool/x\nredis = 1.2.3.4:6379/1\n"
					   "num-media-threads = 8\n");
	g_autofree char *arg = conf_arg(path);
	struct rtprelay_config cfg;
	g_autofree char *err = NULL;
	g_autoptr(GPtrArray) w = warnings();
	int rc = PARSE(&cfg, &err, w, arg, "-r", "5.6.7.8:6379/2");

	unlink(path);
	CHECK_EQ(rc, 0);
	CHECK_EQ(w->len, 3);
	CHECK_EQ(count_warnings_naming(w, "recording-dir"), 1);
	CHECK_EQ(count_warnings_naming(w, "redis"), 1); /* file and command line: once */
	CHECK_EQ(count_warnings_naming(w, "num-media-threads"), 1);
	CHECK_CONTAINS(w->pdata[0], path);
}

/* Debian's /etc/rtpengine/rtpengine.conf, verbatim. */
TEST(debian_rtpengine_conf)
{
	g_autofree char *path = data_path("rtpengine.conf");
	g_autofree char *arg = conf_arg(path);
	struct rtprelay_config cfg;
	g_autofree char *err = NULL;
	g_autoptr(GPtrArray) w = warnings();

	/* interface = any depends on the host: pin it from the command line. */
	CHECK_EQ(PARSE(&cfg, &err, w, arg, "-i", "127.0.0.1"), 0);
	CHECK_STR(cfg.config_section, "rtpengine");
	CHECK_EQ(cfg.table, 0);
	CHECK_EQ(cfg.n_listen_ng, 1);
	CHECK_STR(cfg.listen_ng[0].text, "127.0.0.1:2223"); /* localhost */
	CHECK_EQ(cfg.n_listen_http, 1);
	CHECK_STR(cfg.listen_http[0].text, "127.0.0.1:2225");
	CHECK_EQ(cfg.timeout, 60);
	CHECK_EQ(cfg.silent_timeout, 3600);
	CHECK_EQ(cfg.tos, 184);
	CHECK_EQ(cfg.port_min, 30000);
	CHECK_EQ(cfg.port_max, 40000);
	/* Only the keys rtprelay ignores, each once. */
	CHECK_EQ(w->len, 3);
	CHECK_EQ(count_warnings_naming(w, "listen-cli"), 1);
	CHECK_EQ(count_warnings_naming(w, "recording-dir"), 1);
	CHECK_EQ(count_warnings_naming(w, "recording-method"), 1);

	/* Its [rtpengine-testing] section. */
	g_ptr_array_set_size(w, 0);
	CHECK_EQ(PARSE(&cfg, &err, w, arg, "--config-section=rtpengine-testing"), 0);
	CHECK_EQ(cfg.table, -1);
	CHECK_STR(cfg.interfaces[0].local_str, "10.15.20.121");
	CHECK_STR(cfg.listen_ng[0].text, "0.0.0.0:2223");
	CHECK(cfg.foreground && cfg.log_stderr);
	CHECK_EQ(cfg.log_level, 7);
	CHECK_EQ(w->len, 0);
}

/* The same file as it stands: `interface = any`. */
TEST(debian_rtpengine_conf_interface_any)
{
	g_autofree char *path = data_path("rtpengine.conf");
	g_autofree char *arg = conf_arg(path);
	struct rtprelay_config cfg;
	g_autofree char *err = NULL;
	g_autoptr(GPtrArray) w = warnings();
	int rc = PARSE(&cfg, &err, w, arg);

	if (rc < 0) {
		/* Only acceptable on a host without a non-loopback address. */
		CHECK_CONTAINS(err, "'any' has no usable address");
		printf("    (no non-loopback address here: %s)\n", err);
		return;
	}
	CHECK_INT(cfg.n_interfaces, >=, 1);
	for (unsigned i = 0; i < cfg.n_interfaces; i++) {
		CHECK_STR(cfg.interfaces[i].name, "default");
		CHECK(strcmp(cfg.interfaces[i].local_str, "127.0.0.1") != 0);
		CHECK(strcmp(cfg.interfaces[i].local_str, "::1") != 0);
		CHECK(!g_str_has_prefix(cfg.interfaces[i].local_str, "fe80"));
	}
}

TEST(etc_rtprelay_conf_is_valid)
{
	g_autofree char *dir = g_path_get_dirname(__FILE__);
	g_autofree char *path = g_build_filename(dir, "..", "..", "etc", "rtprelay.conf", NULL);
	g_autofree char *arg = conf_arg(path);
	struct rtprelay_config cfg;
	g_autofree char *err = NULL;
	g_autoptr(GPtrArray) w = warnings();

	if (PARSE(&cfg, &err, w, arg) != 0)
		FAIL_AT("%s", err);
	CHECK_STR(cfg.listen_ng[0].text, "127.0.0.1:2223");
	CHECK_STR(cfg.interfaces[0].local_str, "127.0.0.1");
	CHECK_EQ(cfg.port_min, 30000);
	CHECK_EQ(cfg.port_max, 39999);
	CHECK(cfg.foreground && cfg.log_stderr);
	CHECK_EQ(w->len, 0);
}
