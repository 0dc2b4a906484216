/* See kclient.h. */
#include "kclient.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int kc_open(unsigned table)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/rtprelay/%u/control", table);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int kc_write(int fd, const void *cmd, size_t len)
{
	ssize_t n = write(fd, cmd, len);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int kc_handshake(int fd)
{
	struct rtprelay_cmd_handshake h;

	rtprelay_handshake_init(&h);
	return kc_write(fd, &h, sizeof(h));
}

int kc_session(unsigned table)
{
	int fd = kc_open(table), err;

	if (fd < 0)
		return fd;
	err = kc_handshake(fd);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

static int mem_cmd(int fd, uint32_t cmd, const void *addr, size_t size)
{
	struct rtprelay_cmd_mem c = {
		.hdr = { .cmd = cmd, .len = sizeof(c) },
		.addr = (uintptr_t)addr,
		.size = size,
	};

	return kc_write(fd, &c, sizeof(c));
}

int kc_pin(int fd, const void *addr, size_t size)
{
	return mem_cmd(fd, RTPRELAY_CMD_PIN, addr, size);
}

int kc_unpin(int fd, const void *addr, size_t size)
{
	return mem_cmd(fd, RTPRELAY_CMD_UNPIN, addr, size);
}

static int target_cmd(int fd, uint32_t cmd, const struct rtprelay_target *t)
{
	struct rtprelay_cmd_target c = {
		.hdr = { .cmd = cmd, .len = sizeof(c) },
		.target = *t,
	};

	return kc_write(fd, &c, sizeof(c));
}

int kc_add(int fd, const struct rtprelay_target *t)
{
	return target_cmd(fd, RTPRELAY_CMD_ADD_TARGET, t);
}

int kc_replace(int fd, const struct rtprelay_target *t)
{
	return target_cmd(fd, RTPRELAY_CMD_REPLACE_TARGET, t);
}

int kc_del(int fd, const struct rtprelay_addr *local)
{
	struct rtprelay_cmd_del c = {
		.hdr = { .cmd = RTPRELAY_CMD_DEL_TARGET, .len = sizeof(c) },
		.local = *local,
	};

	return kc_write(fd, &c, sizeof(c));
}

int kc_barrier(int fd)
{
	struct rtprelay_cmd_hdr c = { .cmd = RTPRELAY_CMD_BARRIER, .len = sizeof(c) };

	return kc_write(fd, &c, sizeof(c));
}

int kc_list(int fd, void *buf, uint32_t max)
{
	struct rtprelay_cmd_list c = {
		.hdr = { .cmd = RTPRELAY_CMD_LIST, .len = sizeof(c) },
		.addr = (uintptr_t)buf,
		.max = max,
	};

	return kc_write(fd, &c, sizeof(c));
}

struct rtprelay_addr kc_addr(const char *ip, uint16_t port)
{
	struct rtprelay_addr a = { .port = htons(port) };

	if (inet_pton(AF_INET, ip, a.addr) == 1)
		a.family = RTPRELAY_AF_INET;
	else if (inet_pton(AF_INET6, ip, a.addr) == 1)
		a.family = RTPRELAY_AF_INET6;
	else
		abort();
	return a;
}

socklen_t kc_sockaddr(const struct rtprelay_addr *a, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == RTPRELAY_AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = a->port;
		memcpy(&sin->sin_addr, a->addr, 4);
		return sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = a->port;
		memcpy(&sin6->sin6_addr, a->addr, 16);
		return sizeof(*sin6);
	}
}

int kc_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		err = -errno;
	close(fd);
	return err;
}

long long kc_status(unsigned table, const char *name)
{
	char path[64], line[512];
	size_t n = strlen(name);
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/rtprelay/%u/status", table);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, name, n) && line[n] == ':') {
			v = strtoll(line + n + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}
