/*
 * kfuzz: a structured fuzzer of the binary commands. Three kinds of input,
 * in a seeded random mix:
 *  - random bytes of random length: must be refused;
 *  - a well-formed command with one field made invalid (a wrong length, an
 *    unknown code, a bad family, non-zero padding, a zero port, an unknown
 *    flag, an unaligned or unpinned stats address, an unaligned pin...):
 *    must be refused;
 *  - a well-formed command with a few random bytes flipped: may or may not
 *    be accepted; the module must just survive it.
 * Well-formed commands are also sent as they are, so the table holds pins
 * and targets while the rest runs. Afterwards the session is closed (which
 * must leave no target and no pin) and a new one must forward packets.
 */
#include "ktest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define REGION (256 * 1024)

static unsigned long long rng_state;

static uint32_t rnd(void)
{
	/* xorshift64*: reproducible from the seed on every libc */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}

static uint32_t below(uint32_t n)
{
	return rnd() % n;
}

union cmd {
	struct rtprelay_cmd_hdr hdr;
	struct rtprelay_cmd_handshake handshake;
	struct rtprelay_cmd_mem mem;
	struct rtprelay_cmd_target target;
	struct rtprelay_cmd_del del;
	struct rtprelay_cmd_list list;
	uint8_t bytes[256];
};

static uint8_t *region; /* pins and stats come from here */
static struct {
	struct rtprelay_list_reply r;
	struct rtprelay_target t[64];
} list_out;

static struct rtprelay_addr some_addr(void)
{
	static const char *const ips[] = { "127.0.0.1", "::1", "127.0.0.2" };

	return kc_addr(ips[below(3)], 31000 + below(16));
}

/* A well-formed command of a random kind: its length. */
static size_t valid_cmd(union cmd *c, bool allow_list)
{
	long ps = sysconf(_SC_PAGESIZE);
	uint32_t kinds[] = { RTPRELAY_CMD_PIN,        RTPRELAY_CMD_UNPIN,
			     RTPRELAY_CMD_ADD_TARGET, RTPRELAY_CMD_REPLACE_TARGET,
			     RTPRELAY_CMD_DEL_TARGET, RTPRELAY_CMD_BARRIER,
			     RTPRELAY_CMD_LIST,       RTPRELAY_CMD_HANDSHAKE };
	uint32_t k;

	do
		k = kinds[below(sizeof(kinds) / sizeof(kinds[0]))];
	while (k == RTPRELAY_CMD_LIST && !allow_list);
	memset(c, 0, sizeof(*c));
	c->hdr.cmd = k;
	c->hdr.len = rtprelay_cmd_size(k);
	switch (k) {
	case RTPRELAY_CMD_HANDSHAKE:
		rtprelay_handshake_init(&c->handshake);
		break;
	case RTPRELAY_CMD_PIN:
	case RTPRELAY_CMD_UNPIN: {
		uint32_t pages = REGION / ps, first = below(pages);

		c->mem.addr = (uintptr_t)(region + first * ps);
		c->mem.size = (1 + below(pages - first)) * ps;
		break;
	}
	case RTPRELAY_CMD_ADD_TARGET:
	case RTPRELAY_CMD_REPLACE_TARGET: {
		struct rtprelay_target *t = &c->target.target;

		t->local = some_addr();
		t->src_out = some_addr();
		t->dst_out = some_addr();
		t->dst_out.family = t->src_out.family;
		if (t->dst_out.family == RTPRELAY_AF_INET6)
			t->dst_out = kc_addr("::1", 31100);
		else
			t->dst_out = kc_addr("127.0.0.1", 31100);
		if (below(4) == 0) {
			t->flags |= RTPRELAY_TARGET_STRICT_SOURCE;
			t->expected_src = t->local;
		}
		t->flags |= below(4) << 1;
		t->tos = rnd();
		t->stats_addr = (uintptr_t)(region + 8 * below((REGION - 256) / 8));
		break;
	}
	case RTPRELAY_CMD_DEL_TARGET:
		c->del.local = some_addr();
		break;
	case RTPRELAY_CMD_LIST:
		c->list.addr = (uintptr_t)&list_out;
		c->list.max = below(65);
		break;
	}
	return c->hdr.len;
}

/* Make one field of a valid command invalid: the length to write. */
static size_t break_cmd(union cmd *c, size_t len)
{
	switch (below(4)) {
	case 0: /* header length */
		c->hdr.len += 1 + below(16);
		return len;
	case 1: /* write length */
		if (below(2) && len > 1)
			return len - 1 - below(len - 1);
		c->hdr.len = len + 8;
		return len + 8;
	case 2: /* command code */
		c->hdr.cmd = below(2) ? 0 : RTPRELAY_CMD_COUNT + rnd() % 1000;
		return len;
	}
	switch (c->hdr.cmd) {
	case RTPRELAY_CMD_PIN:
		if (below(2))
			c->mem.addr += 1 + below(4095);
		else
			c->mem.size = below(2) ? 0 : c->mem.size + 1 + below(4095);
		break;
	case RTPRELAY_CMD_ADD_TARGET:
	case RTPRELAY_CMD_REPLACE_TARGET: {
		struct rtprelay_target *t = &c->target.target;
		struct rtprelay_addr *a[] = { &t->local, &t->src_out, &t->dst_out };
		struct rtprelay_addr *x = a[below(3)];

		switch (below(9)) {
		case 0:
			x->family = below(2) ? 0 : 7 + below(200);
			break;
		case 1:
			x->port = 0;
			break;
		case 2:
			x->pad = 1 + below(255);
			break;
		case 3:
			x->pad2 = 1 + rnd() % 0xfffffffe;
			break;
		case 4:
			t->pad[below(3)] = 1 + below(255);
			break;
		case 5:
			t->flags |= 1u << (3 + below(29));
			break;
		case 6:
			t->stats_addr += 1 + below(7);
			break;
		case 7:
			t->stats_addr = (uintptr_t)&list_out;
			break; /* not pinned */
		default:
			if (t->flags & RTPRELAY_TARGET_STRICT_SOURCE)
				t->expected_src.family = 0;
			else
				t->expected_src.port = 1;
			break;
		}
		break;
	}
	case RTPRELAY_CMD_DEL_TARGET:
		c->del.local.family = 0;
		break;
	case RTPRELAY_CMD_LIST:
		c->list.pad = 1 + below(100);
		break;
	case RTPRELAY_CMD_HANDSHAKE:
		c->handshake.cmd_size[below(RTPRELAY_HANDSHAKE_SLOTS)] ^= 1 + below(64);
		break;
	default: /* UNPIN, BARRIER: a wrong length always fails */
		c->hdr.len--;
		break;
	}
	return len;
}

void kfuzz_run(unsigned table, unsigned iterations, unsigned seed)
{
	unsigned sent[3] = { 0 }, refused[3] = { 0 }, accepted_valid = 0, valid = 0;
	unsigned errnos[200] = { 0 };
	int fd = kc_session(table);
	union cmd c;

	rng_state = 0x9e3779b97f4a7c15ull * (seed + 1);
	region = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(fd >= 0 && region != MAP_FAILED, "fuzz session and memory");
	for (unsigned i = 0; i < iterations; i++) {
		unsigned kind = below(4); /* 0 random, 1 broken, 2 flipped, 3 valid */
		size_t len;
		int err;

		if (kind == 0) {
			len = below(sizeof(c.bytes) + 1);
			for (size_t j = 0; j < sizeof(c.bytes); j++)
				c.bytes[j] = rnd();
		} else {
			len = valid_cmd(&c, kind != 2);
			if (kind == 1)
				len = break_cmd(&c, len);
			else if (kind == 2)
				for (unsigned j = 1 + below(4); j; j--)
					c.bytes[8 + below(len - 8 > 0 ? len - 8 : 1)] ^= 1 << below(
												 8);
		}
		err = kc_write(fd, &c, len);
		if (err < 0 && -err < 200)
			errnos[-err]++;
		if (kind == 3) {
			valid++;
			accepted_valid += err == 0;
		} else {
			sent[kind]++;
			refused[kind] += err != 0;
		}
		if (err == -EPROTO) /* a broken handshake closes the session */
			kc_handshake(fd);
	}
	CHECK(refused[0] == sent[0], "random bytes refused: %u of %u", refused[0], sent[0]);
	CHECK(refused[1] == sent[1], "commands with one bad field refused: %u of %u", refused[1],
	      sent[1]);
	CHECK(sent[2] > 0, "commands with flipped bits sent: %u (%u refused)", sent[2], refused[2]);
	CHECK(accepted_valid > valid / 10, "well-formed commands accepted: %u of %u",
	      accepted_valid, valid);
	printf("     fuzz errnos:");
	for (int e = 0; e < 200; e++)
		if (errnos[e])
			printf(" %s=%u", strerror(e), errnos[e]);
	printf("\n");
	close(fd);
	CHECK_EQ(kc_status(table, "Targets"), 0, "no target after closing the fuzzed session");
	CHECK_EQ(kc_status(table, "Memory pins"), 0, "no pin after closing the fuzzed session");
	munmap(region, REGION);

	/* still works */
	struct rtprelay_addr local = kc_addr("127.0.0.1", 31200);
	struct rtprelay_addr src = kc_addr("127.0.0.1", 31201);
	struct rtprelay_addr dst = kc_addr("127.0.0.1", 31202);
	uint8_t *shm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct rtprelay_target t = { .local = local,
				     .src_out = src,
				     .dst_out = dst,
				     .stats_addr = (uintptr_t)shm };
	int rx = kn_bind("127.0.0.1", 31202), tx = kn_bind("127.0.0.1", 0), got = 0;
	uint8_t pkt[200];
	size_t n = kn_rtp(pkt, 0, 1, 1, 60);

	fd = kc_session(table);
	CHECK(fd >= 0 && !kc_pin(fd, shm, 4096) && !kc_add(fd, &t),
	      "after the fuzz: new session, pin, target");
	for (int i = 0; i < 5; i++)
		kn_send(tx, &local, pkt, n);
	while (got < 5 && kn_recv(rx, pkt + 100, 100, 3000, NULL, NULL) >= 0)
		got++;
	CHECK_EQ(got, 5, "after the fuzz: packets forwarded");
	close(fd);
	close(rx);
	close(tx);
	munmap(shm, 4096);
}
