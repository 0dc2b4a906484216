/*
 * Host unit test of kernel-module/slots.c (the same source the module
 * compiles): per-key slots in shared memory, claimed by compare-and-swap,
 * also with several threads counting at once.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtprelay_stats.h"
#include "slots.h"

static int passed, failed;

#define CHECK(cond, ...)                                       \
	do {                                                   \
		bool ok_ = (cond);                             \
		printf("%s - slots: ", ok_ ? "ok  " : "FAIL"); \
		printf(__VA_ARGS__);                           \
		printf("\n");                                  \
		ok_ ? passed++ : failed++;                     \
	} while (0)

static struct rtprelay_stream_stats st;
static pthread_barrier_t start;

#define ITER 1000000

static void *count_ssrc(void *arg)
{
	unsigned *missed = calloc(1, sizeof(unsigned));

	(void)arg;

	/* 6 keys for 4 slots: two of them find no room; all threads on the
	 * same key at about the same time */
	pthread_barrier_wait(&start);
	for (unsigned i = 0; i < ITER; i++)
		if (!rtprelay_slot_count(st.ssrc, sizeof(st.ssrc[0]), RTPRELAY_STATS_SSRCS,
					 100 + (i / 64) % 6))
			(*missed)++;
	return missed;
}

int main(void)
{
	struct rtprelay_ssrc_stats *s;
	void *r;

	/* one writer */
	r = rtprelay_slot_count(st.ssrc, sizeof(st.ssrc[0]), RTPRELAY_STATS_SSRCS, 7);
	CHECK(r == &st.ssrc[0] && st.ssrc[0].ssrc == 7 && st.ssrc[0].packets == 1,
	      "first key claims slot 0 (%u x%u)", st.ssrc[0].ssrc, st.ssrc[0].packets);
	r = rtprelay_slot_count(st.ssrc, sizeof(st.ssrc[0]), RTPRELAY_STATS_SSRCS, 0);
	CHECK(r == &st.ssrc[1] && st.ssrc[1].packets == 1, "key 0 claims slot 1 (%u)",
	      st.ssrc[1].packets);
	r = rtprelay_slot_count(st.ssrc, sizeof(st.ssrc[0]), RTPRELAY_STATS_SSRCS, 7);
	CHECK(r == &st.ssrc[0] && st.ssrc[0].packets == 2, "same key counts in its slot (%u)",
	      st.ssrc[0].packets);
	rtprelay_slot_count(st.ssrc, sizeof(st.ssrc[0]), RTPRELAY_STATS_SSRCS, 8);
	rtprelay_slot_count(st.ssrc, sizeof(st.ssrc[0]), RTPRELAY_STATS_SSRCS, 9);
	r = rtprelay_slot_count(st.ssrc, sizeof(st.ssrc[0]), RTPRELAY_STATS_SSRCS, 10);
	CHECK(r == NULL, "a fifth key finds no slot");
	CHECK(st.ssrc[3].ssrc == 9 && st.ssrc[3].last_seq == 0 && st.ssrc[3].pad == 0,
	      "the rest of a slot is not touched");
	/* a hole (slot 1 freed by the owner) is reused, an existing key still found */
	memset(&st.ssrc[1], 0, sizeof(st.ssrc[1]));
	r = rtprelay_slot_count(st.ssrc, sizeof(st.ssrc[0]), RTPRELAY_STATS_SSRCS, 9);
	CHECK(r == &st.ssrc[3] && st.ssrc[3].packets == 2, "key behind a free slot found");
	r = rtprelay_slot_count(st.ssrc, sizeof(st.ssrc[0]), RTPRELAY_STATS_SSRCS, 11);
	CHECK(r == &st.ssrc[1], "new key takes the free slot");
	r = rtprelay_slot_count(st.pt, sizeof(st.pt[0]), RTPRELAY_STATS_PTS, 96);
	CHECK(r == &st.pt[0] && st.pt[0].payload_type == 96 && st.pt[0].packets == 1,
	      "payload-type slots (stride 8)");

	/* four threads at once */
	pthread_t th[4];
	unsigned missed = 0, counted = 0, keys[6] = { 0 }, dup = 0;

	memset(&st, 0, sizeof(st));
	pthread_barrier_init(&start, NULL, 4);
	for (uintptr_t i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, count_ssrc, (void *)i);
	for (int i = 0; i < 4; i++) {
		unsigned *m;

		pthread_join(th[i], (void **)&m);
		missed += *m;
		free(m);
	}
	for (int i = 0; i < RTPRELAY_STATS_SSRCS; i++) {
		s = &st.ssrc[i];
		counted += s->packets;
		if (s->ssrc >= 100 && s->ssrc < 106)
			dup += keys[s->ssrc - 100]++ > 0;
	}
	unsigned want[6] = { 0 }, exact = 0, want_missed = 0;

	for (unsigned id = 0; id < 4; id++)
		for (unsigned i = 0; i < ITER; i++)
			want[(i / 64) % 6]++;
	for (int i = 0; i < RTPRELAY_STATS_SSRCS; i++) {
		s = &st.ssrc[i];
		exact += s->ssrc >= 100 && s->ssrc < 106 && s->packets == want[s->ssrc - 100];
	}
	for (int k = 0; k < 6; k++)
		if (!keys[k])
			want_missed += want[k];
	CHECK(counted + missed == 4 * ITER, "threads: counted %u + missed %u = %u", counted, missed,
	      4 * ITER);
	CHECK(dup == 0, "threads: no key in two slots");
	CHECK(exact == RTPRELAY_STATS_SSRCS,
	      "threads: every slot has all packets of its key "
	      "(%u of %u slots exact)",
	      exact, RTPRELAY_STATS_SSRCS);
	CHECK(missed == want_missed,
	      "threads: the missed packets are those of the keys "
	      "without a slot (%u, want %u)",
	      missed, want_missed);
	printf("test_slots: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
