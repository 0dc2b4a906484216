/*
 * Unit test of libevent_log.c: libevent's own warnings reach our logger,
 * rate-limited. The warning is the real one of the finding in issue 10: a
 * listener without an error callback whose accept() fails with EMFILE
 * retries on every loop iteration and warns each time.
 */
#include <arpa/inet.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libevent_log.h"
#include "log.h"
#include "test.h"

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len,
		      void *arg)
{
	close(fd);
}

/* Lines of f that contain needle. */
static int count_lines(FILE *f, const char *needle)
{
	char line[512];
	int n = 0;

	rewind(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, needle))
			n++;
	return n;
}

TEST(libevent_warnings_rate_limited)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t slen = sizeof(sin);
	FILE *tmp = tmpfile();
	int saved = dup(2);

	CHECK(tmp && saved >= 0);
	fflush(stderr);
	dup2(fileno(tmp), 2);
	log_init("test", true, LOG_DAEMON);
	log_set_all_levels(LOG_INFO);
	libevent_log_init();

	unsigned long long suppressed = log_suppressed();
	struct event_base *base = event_base_new();
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int cfd = socket(AF_INET, SOCK_STREAM, 0);
	bool ok = base && lfd >= 0 && cfd >= 0 &&
		  bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == 0 && listen(lfd, 8) == 0 &&
		  getsockname(lfd, (struct sockaddr *)&sin, &slen) == 0 &&
		  connect(cfd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
	struct evconnlistener *l = ok ? evconnlistener_new(base, on_accept, NULL,
							   LEV_OPT_CLOSE_ON_FREE, 0, lfd)
				      : NULL;

	/* no descriptor left: the pending connection cannot be accepted */
	struct rlimit old, low;
	int probe = dup(0);

	close(probe);
	getrlimit(RLIMIT_NOFILE, &old);
	low = (struct rlimit){ .rlim_cur = (rlim_t)probe, .rlim_max = old.rlim_max };
	if (l && setrlimit(RLIMIT_NOFILE, &low) == 0) {
		struct timeval tv = { .tv_usec = 200000 };

		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
		setrlimit(RLIMIT_NOFILE, &old);
	} else {
		ok = false;
	}
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	if (l)
		evconnlistener_free(l);
	else if (lfd >= 0)
		close(lfd);
	if (cfd >= 0)
		close(cfd);
	if (base)
		event_base_free(base);
	CHECK(ok);

	int lines = count_lines(tmp, "libevent: ");

	fclose(tmp);
	/* libevent warned on every retry; 5 per 10 s got through */
	CHECK_INT(lines, >=, 1);
	CHECK_INT(lines, <=, 5);
	CHECK_INT(log_suppressed() - suppressed, >=, 10);
}

TEST_MAIN()
