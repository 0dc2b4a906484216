/* The descriptor on one nft_rtprelay table; see table.h. */
#include "kernel/table.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rtprelay_kernel.h"

#define PROC_ROOT "/proc/rtprelay"

struct ktable {
	unsigned id;
	int fd;
};

/* "add N" or "del N" to /proc/rtprelay/control: 0 or -errno. */
static int root_command(const char *verb, unsigned id)
{
	char buf[32];
	int fd, len, err = 0;

	fd = open(PROC_ROOT "/control", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%s %u\n", verb, id);
	if (write(fd, buf, (size_t)len) != len)
		err = -errno;
	close(fd);
	return err;
}

/* One binary command: 0 or -errno. */
static int command(struct ktable *kt, const void *cmd, size_t len)
{
	ssize_t n = write(kt->fd, cmd, len);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int ktable_open(unsigned id, struct ktable **out, const char **step)
{
	struct rtprelay_cmd_handshake h;
	struct ktable *kt;
	char path[64];
	int err;

	*out = NULL;
	if (id >= RTPRELAY_MAX_TABLES) {
		*step = "table number";
		return -EINVAL;
	}
	/* As rtpengine: start from a fresh table. EBUSY: another process
	 * holds it; ENOENT: there was none. */
	*step = PROC_ROOT "/control";
	err = root_command("del", id);
	if (err == -EBUSY) {
		*step = "table in use by another process";
		return err;
	}
	if (err && err != -ENOENT)
		return err;
	err = root_command("add", id);
	if (err && err != -EEXIST)
		return err;

	kt = calloc(1, sizeof(*kt));
	if (!kt)
		return -ENOMEM;
	kt->id = id;
	snprintf(path, sizeof(path), PROC_ROOT "/%u/control", id);
	*step = "table control file";
	kt->fd = open(path, O_WRONLY | O_CLOEXEC);
	if (kt->fd < 0) {
		err = -errno;
		goto err_free;
	}
	*step = "handshake (module and daemon built from different ABI versions?)";
	rtprelay_handshake_init(&h);
	err = command(kt, &h, sizeof(h));
	if (err)
		goto err_close;
	*out = kt;
	return 0;

err_close:
	close(kt->fd);
err_free:
	free(kt);
	return err;
}

struct ktable *ktable_wrap_fd(unsigned id, int fd)
{
	struct ktable *kt = calloc(1, sizeof(*kt));

	if (!kt)
		return NULL;
	kt->id = id;
	kt->fd = fd;
	return kt;
}

void ktable_close(struct ktable *kt)
{
	if (!kt)
		return;
	close(kt->fd);
	free(kt);
}

unsigned ktable_id(const struct ktable *kt)
{
	return kt->id;
}

static int mem_command(struct ktable *kt, uint32_t cmd, void *base, size_t size)
{
	struct rtprelay_cmd_mem c = {
		.hdr = { .cmd = cmd, .len = sizeof(c) },
		.addr = (uintptr_t)base,
		.size = size,
	};

	return command(kt, &c, sizeof(c));
}

int ktable_pin(struct ktable *kt, void *base, size_t size)
{
	return mem_command(kt, RTPRELAY_CMD_PIN, base, size);
}

int ktable_unpin(struct ktable *kt, void *base, size_t size)
{
	return mem_command(kt, RTPRELAY_CMD_UNPIN, base, size);
}

int ktable_barrier(struct ktable *kt)
{
	struct rtprelay_cmd_hdr c = { .cmd = RTPRELAY_CMD_BARRIER, .len = sizeof(c) };

	return command(kt, &c, sizeof(c));
}

static int target_command(struct ktable *kt, uint32_t cmd, const struct rtprelay_target *t)
{
	struct rtprelay_cmd_target c = {
		.hdr = { .cmd = cmd, .len = sizeof(c) },
		.target = *t,
	};

	return command(kt, &c, sizeof(c));
}

int ktable_target_add(struct ktable *kt, const struct rtprelay_target *t)
{
	return target_command(kt, RTPRELAY_CMD_ADD_TARGET, t);
}

int ktable_target_replace(struct ktable *kt, const struct rtprelay_target *t)
{
	return target_command(kt, RTPRELAY_CMD_REPLACE_TARGET, t);
}

int ktable_target_del(struct ktable *kt, const struct rtprelay_addr *local)
{
	struct rtprelay_cmd_del c = {
		.hdr = { .cmd = RTPRELAY_CMD_DEL_TARGET, .len = sizeof(c) },
		.local = *local,
	};

	return command(kt, &c, sizeof(c));
}

long ktable_target_count(struct ktable *kt)
{
	struct rtprelay_list_reply r = { 0 };
	struct rtprelay_cmd_list c = {
		.hdr = { .cmd = RTPRELAY_CMD_LIST, .len = sizeof(c) },
		.addr = (uintptr_t)&r,
		.max = 0,
	};
	int err = command(kt, &c, sizeof(c));

	return err ? err : (long)r.total;
}

long long ktable_status_value(unsigned id, const char *name)
{
	char path[64], line[512];
	size_t n = strlen(name);
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), PROC_ROOT "/%u/status", id);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, name, n) == 0 && line[n] == ':') {
			v = strtoll(line + n + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}
