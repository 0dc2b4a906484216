/*
 * Unit test of ng/tcp_budget.c: the sum of what TCP ng connections hold
 * and the order in which they give way at ng-tcp-max-buffered (least
 * recently progressed first, never the one asking).
 */
#include <stdio.h>
#include <string.h>

#include "ng/tcp_budget.h"
#include "test.h"

TEST_MAIN()

TEST(sum_follows_every_hold)
{
	struct ng_tcp_budget b;
	struct ng_tcp_hold h[3] = { 0 };

	ng_tcp_budget_init(&b);
	ng_tcp_budget_set(&b, &h[0], 100, false);
	ng_tcp_budget_set(&b, &h[1], 50, false);
	CHECK_EQ(b.held, 150);
	ng_tcp_budget_set(&b, &h[0], 30, false);
	CHECK_EQ(b.held, 80);
	ng_tcp_budget_set(&b, &h[2], 0, false);
	CHECK_EQ(b.holders.length, 2);
	ng_tcp_budget_set(&b, &h[0], 0, false);
	ng_tcp_budget_set(&b, &h[1], 0, true);
	CHECK_EQ(b.held, 0);
	CHECK_EQ(b.holders.length, 0);
	CHECK(ng_tcp_budget_victim(&b, NULL) == NULL);
	/* a hold that was emptied can come back */
	ng_tcp_budget_set(&b, &h[1], 7, false);
	CHECK_EQ(b.held, 7);
	CHECK_EQ(b.holders.length, 1);
	ng_tcp_budget_set(&b, &h[1], 0, false);
}

TEST(least_recently_progressed_gives_way)
{
	struct ng_tcp_budget b;
	struct ng_tcp_hold drip = { 0 }, busy = { 0 }, asker = { 0 };

	ng_tcp_budget_init(&b);
	ng_tcp_budget_set(&b, &drip, 1000, false);
	ng_tcp_budget_set(&b, &busy, 10, false);
	ng_tcp_budget_set(&b, &asker, 10, false);
	CHECK(ng_tcp_budget_victim(&b, &asker) == &drip);
	/* more bytes without a complete message do not move a holder */
	ng_tcp_budget_set(&b, &drip, 2000, false);
	CHECK(ng_tcp_budget_victim(&b, &asker) == &drip);
	/* a completed message moves it to the end of the line */
	ng_tcp_budget_set(&b, &drip, 5, true);
	CHECK(ng_tcp_budget_victim(&b, &asker) == &busy);
	/* never the one asking: the next in line instead */
	CHECK(ng_tcp_budget_victim(&b, &busy) == &asker);
	ng_tcp_budget_set(&b, &busy, 0, false);
	ng_tcp_budget_set(&b, &asker, 0, false);
	CHECK(ng_tcp_budget_victim(&b, &drip) == NULL);
	CHECK(ng_tcp_budget_victim(&b, NULL) == &drip);
	ng_tcp_budget_set(&b, &drip, 0, false);
	CHECK_EQ(b.held, 0);
}
