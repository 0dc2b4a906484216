/*
 * A resolver that takes its time, for tests (LD_PRELOAD): host names ending
 * in ".slow.test" take three seconds and do not exist; every other name goes
 * to the real getaddrinfo. It shows what a blocking lookup would do to the
 * thread that makes it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netdb.h>
#include <string.h>
#include <unistd.h>

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		struct addrinfo **res)
{
	static const char slow[] = ".slow.test";
	size_t n = node ? strlen(node) : 0;

	if (n >= sizeof(slow) - 1 && strcmp(node + n - (sizeof(slow) - 1), slow) == 0) {
		sleep(3);
		return EAI_NONAME;
	}
	int (*real)(const char *, const char *, const struct addrinfo *,
		    struct addrinfo **) = (int (*)(const char *, const char *,
						   const struct addrinfo *,
						   struct addrinfo **))dlsym(RTLD_NEXT,
									     "getaddrinfo");

	return real ? real(node, service, hints, res) : EAI_SYSTEM;
}
