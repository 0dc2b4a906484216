/*
 * ktest: the in-guest tests of nft_rtprelay that need C (the ABI, pinned
 * memory, packets on loopback). Shared by ktest.c (harness, main),
 * ktest_*.c (scenarios), knet.c (sockets and RTP packets) and kfuzz.c (the
 * command fuzzer).
 */
#ifndef RTPRELAY_KTEST_H
#define RTPRELAY_KTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "kclient.h"

extern int kt_passed, kt_failed;
extern unsigned kt_table;       /* the table under test */
extern const char *kt_scenario; /* printed with every check */

#define SHM_SIZE (64 * 1024)

/* ---- ktest.c: helpers ---- */

uint8_t *kt_shm_new(size_t size); /* anonymous memory; exits on failure */
struct rtprelay_stream_stats *kt_stats_at(uint8_t *shm, unsigned i); /* i * 256 */
uint64_t kt_ld(const uint64_t *p);                                   /* relaxed load */
struct rtprelay_target kt_target(const struct rtprelay_addr *local, const struct rtprelay_addr *src,
				 const struct rtprelay_addr *dst,
				 const struct rtprelay_stream_stats *st);
/* The number in "Passed to user space: ... NAME N ..." of the status. */
long long kt_pass_count(const char *name);

/* ---- the scenarios ---- */

void test_handshake(void);
void test_validation(void);
void test_inject(void);
void test_forward(void);
void test_netns(void);
void test_strict(void);
void test_other_source_to_user(void);
void test_passthrough(void);
void test_unpin(void);
void test_barrier(void);
void test_churn(void);
void test_list(void);
void test_close(void);
void test_loop(void); /* needs table + 1 with a rule too */
void test_memlock(void);
void test_reroute(void); /* needs guest.sh's namespaces */

/* Record one assertion; msg says what was checked and what was seen. */
void kt_check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define CHECK(cond, ...) kt_check((cond), __VA_ARGS__)
/* An int result against the expected one, both printed. */
#define CHECK_EQ(got, want, what)                                           \
	do {                                                                \
		long long g_ = (got), w_ = (want);                          \
		kt_check(g_ == w_, "%s: %lld (want %lld)", (what), g_, w_); \
	} while (0)

/* ---- knet.c ---- */

/* A UDP socket bound to ip:port (port 0: any); exits on failure. */
int kn_bind(const char *ip, uint16_t port);
/* The same in network namespace ns (a name under /run/netns); exits on failure. */
int kn_bind_ns(const char *ns, const char *ip, uint16_t port);
int kn_send(int fd, const struct rtprelay_addr *to, const void *p, size_t len);
/* One datagram within timeout_ms: its length, or -1. from/tos optional
 * (tos: IPv4 TOS or IPv6 traffic class, -1 when not reported). */
int kn_recv(int fd, void *buf, size_t size, int timeout_ms, struct sockaddr_storage *from,
	    int *tos);
/* Datagrams until none came for quiet_ms (at most 100000). */
int kn_drain(int fd, int quiet_ms);
/* An RTP packet with a payload of plen bytes derived from seq: total length. */
size_t kn_rtp(uint8_t *buf, uint8_t pt, uint16_t seq, uint32_t ssrc, size_t plen);
/* Whether from is exactly a (address and port). */
bool kn_from_is(const struct sockaddr_storage *from, const struct rtprelay_addr *a);
uint64_t kn_now_us(void); /* CLOCK_MONOTONIC */
void kn_sleep_ms(int ms);

/* ---- kfuzz.c ---- */

/* iterations random and mutated commands on table; checks as it goes. */
void kfuzz_run(unsigned table, unsigned iterations, unsigned seed);

#endif
