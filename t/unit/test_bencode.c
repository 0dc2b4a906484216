/* Unit tests for lib/bencode: decoder, measure, lookups, builders, encoder. */
#include <errno.h>
#include <stdlib.h>

#include "bencode.h"
#include "test.h"

/*
 * Run both bencode_measure and bencode_decode on in[0..len) and compare with
 * the expectation: want_rc 0 means success consuming want_off bytes;
 * otherwise the error code and offset (offset not checked for -EAGAIN when
 * want_off is (size_t)-1). Prints what differs; returns false then.
 */
static bool expect_len(const char *in, size_t len, const struct bencode_limits *lim, int want_rc,
		       size_t want_off)
{
	struct arena *a = arena_new(0);
	struct bencode_error e1 = { 0 }, e2 = { 0 };
	bencode_item *root = NULL;
	size_t consumed = 0;
	bool ok = true;
	long m = bencode_measure(in, len, lim, &e1);
	int rc = bencode_decode(a, in, len, lim, &root, &consumed, &e2);

	if (want_rc == 0) {
		if (m != (long)want_off || rc != 0 || consumed != want_off || !root ||
		    root->raw.len != want_off || root->raw.s != in) {
			fprintf(stderr,
				"    \"%.*s\": measure %ld (%s), decode %d consumed %zu (%s); want len %zu\n",
				(int)len, in, m, m < 0 ? e1.reason : "-", rc, consumed,
				rc ? e2.reason : "-", want_off);
			ok = false;
		}
	} else {
		bool off_ok = want_off == (size_t)-1 ||
			      (e1.offset == want_off && e2.offset == want_off);

		if (m != want_rc || rc != want_rc || !off_ok || !e1.reason || !e2.reason ||
		    strcmp(e1.reason, e2.reason) != 0) {
			fprintf(stderr,
				"    \"%.*s\": measure %ld @%zu (%s), decode %d @%zu (%s); want %d @%zd\n",
				(int)len, in, m, e1.offset, e1.reason ? e1.reason : "(null)", rc,
				e2.offset, e2.reason ? e2.reason : "(null)", want_rc,
				(ssize_t)want_off);
			ok = false;
		}
	}
	arena_free(a);
	return ok;
}

static bool expect(const char *in, const struct bencode_limits *lim, int want_rc, size_t want_off)
{
	return expect_len(in, strlen(in), lim, want_rc, want_off);
}

/* A typical Kamailio offer, built so that the string lengths are right. */
static GString *ng_offer(struct arena *a)
{
	GString *out = g_string_new(NULL);
	bencode_item *d = bencode_new_dict(a), *l;

	bencode_dict_add_cstr(
		a, d, "sdp",
		"v=0\r\no=- 1545997027 1 IN IP4 198.51.100.1\r\ns=tester\r\n"
		"c=IN IP4 198.51.100.1\r\nt=0 0\r\n"
		"m=audio 2000 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\n"
		"a=sendrecv\r\n");
	bencode_dict_add_cstr(a, d, "call-id", "a84b4c76e66710@pc33.atlanta.example.com");
	bencode_dict_add_cstr(a, d, "from-tag", "1928301774");
	l = bencode_dict_add_list(a, d, "flags");
	bencode_list_add_cstr(a, l, "trust-address");
	bencode_list_add_cstr(a, l, "strict-source");
	l = bencode_dict_add_list(a, d, "replace");
	bencode_list_add_cstr(a, l, "origin");
	bencode_list_add_cstr(a, l, "session-connection");
	l = bencode_dict_add_list(a, d, "rtcp-mux");
	bencode_list_add_cstr(a, l, "demux");
	bencode_dict_add_cstr(a, d, "received-from", "");
	bencode_dict_add_int(a, d, "delete delay", 0);
	bencode_dict_add_cstr(a, d, "command", "offer");
	bencode_encode(d, out);
	return out;
}

static const char *const canonical[] = {
	"i0e",
	"i-1e",
	"i42e",
	"i9223372036854775807e",
	"i-9223372036854775808e",
	"0:",
	"4:spam",
	"le",
	"de",
	"lli1eee",
	"d3:cow3:moo4:spam4:eggse",
	"d4:spaml1:a1:bee",
	"d1:b0:1:ai1e1:bi2ee", /* unsorted, duplicate keys */
	"d7:command4:ping6:answerd1:xi-7eee",
	"l4:spam4:eggsi-3ed0:0:ee",
};

TEST(decode_basic)
{
	const char *in = "d3:foo3:bar4:spamli1ei-2eee";
	struct arena *a = arena_new(0);
	struct bencode_error err = { 0 };
	bencode_item *root = NULL, *it;
	size_t consumed = 0;
	int rc = bencode_decode(a, in, strlen(in), NULL, &root, &consumed, &err);

	CHECK_EQ(rc, 0);
	CHECK_EQ(consumed, strlen(in));
	CHECK_EQ(root->type, BENCODE_DICT);
	CHECK_EQ(root->count, 2);
	it = root->child;
	CHECK_EQ(it->type, BENCODE_STRING);
	CHECK_MEM(it->str.s, it->str.len, "foo");
	CHECK(it->str.s == in + 3); /* zero-copy */
	CHECK_MEM(it->raw.s, it->raw.len, "3:foo");
	it = it->next;
	CHECK_MEM(it->str.s, it->str.len, "bar");
	it = it->next->next;
	CHECK_EQ(it->type, BENCODE_LIST);
	CHECK_EQ(it->count, 2);
	CHECK_MEM(it->raw.s, it->raw.len, "li1ei-2ee");
	CHECK_EQ(it->child->type, BENCODE_INT);
	CHECK_EQ(it->child->num, 1);
	CHECK_MEM(it->child->raw.s, it->child->raw.len, "i1e");
	CHECK_EQ(it->last->num, -2);
	CHECK(it->last->next == NULL);
	CHECK(it->next == NULL);
	CHECK(root->last == it);
	arena_free(a);
}

TEST(trailing_bytes_are_callers)
{
	CHECK(expect("i1eXYZ", NULL, 0, 3));
	CHECK(expect("d1:ai1ee d1:b", NULL, 0, 8));
	CHECK(expect("0:0:", NULL, 0, 2));
}

TEST(canonical_round_trip)
{
	for (size_t i = 0; i < G_N_ELEMENTS(canonical); i++) {
		const char *in = canonical[i];
		struct arena *a = arena_new(0);
		bencode_item *root = NULL, *again = NULL;
		size_t consumed = 0;
		GString *out = g_string_new(NULL);

		CHECK(expect(in, NULL, 0, strlen(in)));
		CHECK_EQ(bencode_decode(a, in, strlen(in), NULL, &root, &consumed, NULL), 0);
		bencode_encode(root, out);
		CHECK_STR(out->str, in);
		CHECK_EQ(bencode_decode(a, out->str, out->len, NULL, &again, &consumed, NULL), 0);
		CHECK(bencode_equal(root, again));
		g_string_free(out, TRUE);
		arena_free(a);
	}
}

TEST(built_round_trip)
{
	struct arena *a = arena_new(0);
	bencode_item *d = bencode_new_dict(a), *l, *root = NULL;
	GString *out = g_string_new(NULL);
	size_t consumed = 0;
	char bin[] = { 'a', '\0', 'e', ':', (char)0xff };

	bencode_dict_add_cstr(a, d, "result", "ok");
	bencode_dict_add_int(a, d, "min", INT64_MIN);
	bencode_dict_add_int(a, d, "max", INT64_MAX);
	bencode_dict_add_str(a, d, "bin", str_make(bin, sizeof(bin)));
	l = bencode_dict_add_list(a, d, "l");
	bencode_list_add_int(a, l, 0);
	bencode_list_add_dict(a, l);
	bencode_dict_add_list(a, bencode_list_add_dict(a, l), "empty");
	bencode_list_add_list(a, bencode_list_add_list(a, l));
	bencode_list_add_str(a, l, STR_C(""));
	bencode_dict_add_dict(a, d, "z");
	bencode_encode(d, out);

	const char *want_head = "d6:result2:ok3:mini-9223372036854775808e3:maxi9223372036854775807e"
				"3:bin5:";
	CHECK(out->len > strlen(want_head));
	CHECK_MEM(out->str, strlen(want_head), want_head);
	CHECK_MEM(out->str + strlen(want_head) + 5, out->len - strlen(want_head) - 5,
		  "1:lli0eded5:emptyleellee0:e1:zdee");

	CHECK_EQ(bencode_decode(a, out->str, out->len, NULL, &root, &consumed, NULL), 0);
	CHECK_EQ(consumed, out->len);
	CHECK(bencode_equal(d, root));
	/* and equality can fail */
	bencode_list_add_int(a, l, 1);
	CHECK(!bencode_equal(d, root));
	g_string_free(out, TRUE);
	arena_free(a);
}

TEST(equal)
{
	struct arena *a = arena_new(0);
	bencode_item *x = bencode_new_int(a, 1), *y = bencode_new_int(a, 1);

	CHECK(bencode_equal(NULL, NULL));
	CHECK(!bencode_equal(x, NULL));
	CHECK(bencode_equal(x, y));
	y->num = 2;
	CHECK(!bencode_equal(x, y));
	CHECK(!bencode_equal(bencode_new_str(a, STR_C("1")), x));
	CHECK(!bencode_equal(bencode_new_str(a, STR_C("ab")), bencode_new_str(a, STR_C("ac"))));
	CHECK(!bencode_equal(bencode_new_list(a), bencode_new_dict(a)));
	arena_free(a);
}

TEST(malformed)
{
	static const struct {
		const char *in;
		int rc;
		size_t off;
	} cases[] = {
		/* integers */
		{ "i03e", -EINVAL, 2 },
		{ "i00e", -EINVAL, 2 },
		{ "i-0e", -EINVAL, 2 },
		{ "i-0", -EINVAL, 2 }, /* no continuation helps */
		{ "i-01e", -EINVAL, 2 },
		{ "ie", -EINVAL, 1 },
		{ "i-e", -EINVAL, 2 },
		{ "i--1e", -EINVAL, 2 },
		{ "i+1e", -EINVAL, 1 },
		{ "i12x", -EINVAL, 3 },
		{ "i0x", -EINVAL, 2 },
		{ "i1.5e", -EINVAL, 2 },
		{ "i9223372036854775808e", -EINVAL, 19 },
		{ "i9223372036854775808", -EINVAL, 19 },
		{ "i-9223372036854775809e", -EINVAL, 20 },
		{ "i99999999999999999999e", -EINVAL, 19 },
		{ "i922337203685477580700", -EINVAL, 20 },
		/* strings */
		{ "03:abc", -EINVAL, 1 },
		{ "00:", -EINVAL, 1 },
		{ "3x", -EINVAL, 1 },
		{ "3", -EAGAIN, 1 },
		{ "5:abc", -EAGAIN, 5 },
		{ "99999999999999999999:x", -EINVAL, 18 },
		/* the item's length must fit a long: 20 + n <= LONG_MAX, decided
		 * at the last digit (no continuation after it could help) */
		{ "9223372036854775807", -EINVAL, 18 },
		{ "9223372036854775788", -EINVAL, 18 },
		{ "9223372036854775787", -EAGAIN, 19 },
		{ "9223372036854775787:", -EAGAIN, 20 },
		{ "-1:a", -EINVAL, 0 },
		/* dicts */
		{ "di1ei2ee", -EINVAL, 1 },
		{ "dlee", -EINVAL, 1 },
		{ "dde", -EINVAL, 1 },
		{ "d1:ai1eli1ee", -EINVAL, 7 },
		{ "d1:ae", -EINVAL, 4 },
		{ "d1:ai1e1:be", -EINVAL, 10 },
		{ "d1:ad1:be1:ci1ee", -EINVAL, 8 },
		/* type bytes */
		{ "x", -EINVAL, 0 },
		{ "e", -EINVAL, 0 },
		{ " i1e", -EINVAL, 0 },
		{ "li1ex", -EINVAL, 4 },
		{ "l:e", -EINVAL, 1 },
		{ "d1:a\x80", -EINVAL, 4 },
		/* incomplete */
		{ "", -EAGAIN, 0 },
		{ "i", -EAGAIN, 1 },
		{ "l", -EAGAIN, 1 },
		{ "d1:a", -EAGAIN, 4 },
		{ "li1e", -EAGAIN, 4 },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
		CHECK(expect(cases[i].in, NULL, cases[i].rc, cases[i].off));
}

TEST(error_reasons)
{
	struct bencode_error err = { 0 };

	CHECK_EQ(bencode_measure("i03e", 4, NULL, &err), -EINVAL);
	CHECK_STR(err.reason, "leading zero in integer");
	CHECK_EQ(bencode_measure("d1:ae", 5, NULL, &err), -EINVAL);
	CHECK_STR(err.reason, "dict key without value");
	CHECK_EQ(bencode_measure("di1ee", 5, NULL, &err), -EINVAL);
	CHECK_STR(err.reason, "dict key is not a string");
	CHECK_EQ(bencode_measure("4x", 2, NULL, &err), -EINVAL);
	CHECK_STR(err.reason, "expected ':' after string length");
	CHECK_EQ(bencode_measure("q", 1, NULL, &err), -EINVAL);
	CHECK_STR(err.reason, "unknown type byte");
	/* err may be NULL */
	CHECK_EQ(bencode_measure("q", 1, NULL, NULL), -EINVAL);
	CHECK_EQ(bencode_measure("i1e", 3, NULL, NULL), 3);
}

/* A string that is the encoding plus garbage: the garbage must not matter. */
static bool check_prefixes(const char *msg, size_t len)
{
	for (size_t k = 0; k < len; k++)
		if (!expect_len(msg, k, NULL, -EAGAIN, (size_t)-1))
			return false;
	return expect_len(msg, len, NULL, 0, len);
}

TEST(every_strict_prefix_is_eagain)
{
	struct arena *a = arena_new(0);
	GString *offer = ng_offer(a);

	for (size_t i = 0; i < G_N_ELEMENTS(canonical); i++)
		CHECK(check_prefixes(canonical[i], strlen(canonical[i])));
	CHECK(check_prefixes(offer->str, offer->len));
	/* the transport's view: a truncated TCP read, then the rest with the
	 * start of the next message */
	GString *two = g_string_new_len(offer->str, (gssize)offer->len);
	g_string_append_len(two, offer->str, 10);
	CHECK(expect_len(two->str, two->len, NULL, 0, offer->len));
	g_string_free(two, TRUE);
	g_string_free(offer, TRUE);
	arena_free(a);
}

TEST(ng_offer_lookups)
{
	struct arena *a = arena_new(0);
	GString *offer = ng_offer(a);
	bencode_item *root = NULL, *flags;
	size_t consumed = 0;
	str s;
	int64_t n = -1;

	CHECK_EQ(bencode_decode(a, offer->str, offer->len, NULL, &root, &consumed, NULL), 0);
	CHECK(bencode_dict_get_str(root, "command", &s));
	CHECK_MEM(s.s, s.len, "offer");
	CHECK(s.s > offer->str && s.s < offer->str + offer->len);
	CHECK(bencode_dict_get_str(root, "received-from", &s));
	CHECK_EQ(s.len, 0);
	CHECK(bencode_dict_get_int(root, "delete delay", &n));
	CHECK_EQ(n, 0);
	CHECK(!bencode_dict_get_int(root, "command", &n)); /* wrong type */
	CHECK(!bencode_dict_get_str(root, "delete delay", &s));
	CHECK(!bencode_dict_get_str(root, "no-such-key", &s));
	CHECK(bencode_dict_get(root, "no-such-key") == NULL);
	CHECK(bencode_dict_get(root, "comman") == NULL); /* prefix is no match */
	flags = bencode_dict_get(root, "flags");
	CHECK(flags && flags->type == BENCODE_LIST);
	CHECK_EQ(flags->count, 2);
	CHECK(bencode_dict_get(flags, "trust-address") == NULL); /* not a dict */
	CHECK(bencode_dict_get(NULL, "x") == NULL);
	CHECK(!bencode_dict_get_str(NULL, "x", &s));

	const char *want[] = { "trust-address", "strict-source" };
	size_t i = 0;

	bencode_list_foreach(flags, it) {
		CHECK(i < 2);
		CHECK_EQ(it->type, BENCODE_STRING);
		CHECK_MEM(it->str.s, it->str.len, want[i]);
		i++;
	}
	CHECK_EQ(i, 2);
	g_string_free(offer, TRUE);
	arena_free(a);
}

TEST(duplicate_keys_first_wins)
{
	const char *in = "d1:bi1e1:ai2e1:bi3ee";
	struct arena *a = arena_new(0);
	bencode_item *root = NULL;
	size_t consumed = 0;
	int64_t n = 0;

	CHECK_EQ(bencode_decode(a, in, strlen(in), NULL, &root, &consumed, NULL), 0);
	CHECK_EQ(root->count, 3);
	CHECK(bencode_dict_get_int(root, "b", &n));
	CHECK_EQ(n, 1);
	CHECK(bencode_dict_get_int(root, "a", &n));
	CHECK_EQ(n, 2);

	/* builders: a second set adds a second pair, lookups see the first */
	bencode_item *d = bencode_new_dict(a);

	bencode_dict_add_int(a, d, "k", 1);
	bencode_dict_add_int(a, d, "k", 2);
	CHECK_EQ(d->count, 2);
	CHECK(bencode_dict_get_int(d, "k", &n));
	CHECK_EQ(n, 1);
	arena_free(a);
}

TEST(dict_foreach)
{
	const char *in = "d1:ai1e1:b1:x1:cle1:dde3:keyi-5ee";
	const char *keys[] = { "a", "b", "c", "d", "key" };
	enum bencode_type types[] = { BENCODE_INT, BENCODE_STRING, BENCODE_LIST, BENCODE_DICT,
				      BENCODE_INT };
	struct arena *a = arena_new(0);
	bencode_item *root = NULL;
	size_t consumed = 0, i = 0;

	CHECK_EQ(bencode_decode(a, in, strlen(in), NULL, &root, &consumed, NULL), 0);
	CHECK_EQ(root->count, 5);
	bencode_dict_foreach(root, k, v) {
		CHECK(i < 5);
		CHECK_MEM(k->str.s, k->str.len, keys[i]);
		CHECK_EQ(v->type, types[i]);
		i++;
	}
	CHECK_EQ(i, 5);

	/* empty containers run no iteration */
	CHECK_EQ(bencode_decode(a, "de", 2, NULL, &root, &consumed, NULL), 0);
	bencode_dict_foreach(root, k, v)
		CHECK(!"dict_foreach on empty dict");
	CHECK_EQ(bencode_decode(a, "le", 2, NULL, &root, &consumed, NULL), 0);
	bencode_list_foreach(root, it)
		CHECK(!"list_foreach on empty list");
	CHECK(root->child == NULL && root->count == 0);
	arena_free(a);
}

TEST(limit_depth)
{
	char buf[2 * BENCODE_DEPTH_CAP + 4];
	struct bencode_limits lim = { 0 };

	/* default 32: 32 levels fine, the 33rd opening fails at its offset */
	memset(buf, 'l', 32);
	memset(buf + 32, 'e', 32);
	CHECK(expect_len(buf, 64, NULL, 0, 64));
	memset(buf, 'l', 33);
	memset(buf + 33, 'e', 33);
	CHECK(expect_len(buf, 66, NULL, -E2BIG, 32));
	/* even when incomplete: no continuation can help */
	CHECK(expect_len(buf, 33, NULL, -E2BIG, 32));
	CHECK(expect_len(buf, 32, NULL, -EAGAIN, 32));

	lim.max_depth = 2;
	CHECK(expect("lle", &lim, -EAGAIN, 3));
	CHECK(expect("llee", &lim, 0, 4));
	CHECK(expect("d1:ad1:ai1eee", &lim, 0, 13));
	CHECK(expect("d1:ad1:alee", &lim, -E2BIG, 8));
	CHECK(expect("llli1eee", &lim, -E2BIG, 2));

	/* larger than the cap is the cap */
	lim.max_depth = 100000;
	memset(buf, 'l', BENCODE_DEPTH_CAP);
	memset(buf + BENCODE_DEPTH_CAP, 'e', BENCODE_DEPTH_CAP);
	CHECK(expect_len(buf, 2 * BENCODE_DEPTH_CAP, &lim, 0, 2 * BENCODE_DEPTH_CAP));
	memset(buf, 'l', BENCODE_DEPTH_CAP + 1);
	CHECK(expect_len(buf, BENCODE_DEPTH_CAP + 1, &lim, -E2BIG, BENCODE_DEPTH_CAP));
}

TEST(limit_items)
{
	struct bencode_limits lim = { .max_items = 3 };

	CHECK(expect("li1ei2ee", &lim, 0, 8));
	CHECK(expect("li1ei2ei3ee", &lim, -E2BIG, 7));
	CHECK(expect("li1ei2ei", &lim, -E2BIG, 7));
	CHECK(expect("d1:ai1ee", &lim, 0, 8)); /* keys count */
	CHECK(expect("d1:ai1e1:b", &lim, -E2BIG, 7));
	CHECK(expect("llleee", &lim, 0, 6));
	CHECK(expect("lllleeee", &lim, -E2BIG, 3));
	/* a key with no room left for its value can never complete */
	CHECK(expect("ld1:a", &lim, -E2BIG, 2));
	CHECK(expect("ld1:", &lim, -E2BIG, 2));
	lim.max_items = 2;
	CHECK(expect("d1:a", &lim, -E2BIG, 1));
	CHECK(expect("d", &lim, -EAGAIN, 1));
	CHECK(expect("de", &lim, 0, 2));
	lim.max_items = 3;
	/* a malformation is still reported as such */
	CHECK(expect("li1ei2ex", &lim, -EINVAL, 7));

	/* default 65536 */
	GString *big = g_string_new("l");

	for (int i = 0; i < 65535; i++)
		g_string_append(big, "0:");
	g_string_append(big, "e");
	CHECK(expect_len(big->str, big->len, NULL, 0, big->len));
	g_string_insert(big, 1, "0:");
	CHECK(expect_len(big->str, big->len, NULL, -E2BIG, big->len - 3));
	g_string_free(big, TRUE);
}

TEST(limit_string)
{
	struct bencode_limits lim = { .max_string = 3 };

	CHECK(expect("3:abc", &lim, 0, 5));
	CHECK(expect("0:", &lim, 0, 2));
	CHECK(expect("4:abcd", &lim, -E2BIG, 0));
	CHECK(expect("4:", &lim, -E2BIG, 0)); /* before the bytes arrive */
	CHECK(expect("10", &lim, -E2BIG, 1));
	CHECK(expect("l1:a10:", &lim, -E2BIG, 5));
	CHECK(expect("1", &lim, -EAGAIN, 1));
	CHECK(expect("d1:a3:xyz4:long2:okee", &lim, -E2BIG, 9));
	lim.max_string = 0;
	CHECK(expect("d1:a3:xyz4:long2:oke", &lim, 0, 20));
}

TEST(large_messages)
{
	enum { N = 100000 };
	struct arena *a = arena_new(0);
	struct bencode_limits lim = { .max_items = N + 1 };
	bencode_item *l = bencode_new_list(a), *root = NULL;
	GString *out = g_string_new(NULL);
	size_t consumed = 0;
	int64_t sum = 0;

	for (int i = 0; i < N; i++)
		bencode_list_add_int(a, l, i - N / 2);
	bencode_encode(l, out);
	CHECK_EQ(bencode_measure(out->str, out->len, &lim, NULL), out->len);
	CHECK_EQ(bencode_decode(a, out->str, out->len, &lim, &root, &consumed, NULL), 0);
	CHECK_EQ(consumed, out->len);
	CHECK_EQ(root->count, N);
	bencode_list_foreach(root, it)
		sum += it->num;
	CHECK_EQ(sum, -N / 2);
	CHECK(bencode_equal(l, root));
	/* one item short of the limit */
	lim.max_items = N;
	CHECK_EQ(bencode_measure(out->str, out->len, &lim, NULL), -E2BIG);
	CHECK_EQ(bencode_measure(out->str, out->len, NULL, NULL), -E2BIG);

	/* a 1 MiB string */
	g_string_truncate(out, 0);
	char *blob = g_malloc(1 << 20);

	memset(blob, 'x', 1 << 20);
	bencode_encode(bencode_new_str_ref(a, str_make(blob, 1 << 20)), out);
	CHECK_EQ(bencode_decode(a, out->str, out->len, NULL, &root, &consumed, NULL), 0);
	CHECK_EQ(root->str.len, 1 << 20);
	CHECK_EQ(bencode_measure(out->str, out->len - 1, NULL, NULL), -EAGAIN);
	g_free(blob);
	g_string_free(out, TRUE);
	arena_free(a);
}

TEST(builders_copy_or_ref)
{
	struct arena *a = arena_new(0);
	char buf[] = "hello";
	bencode_item *c = bencode_new_str(a, str_make(buf, 5));
	bencode_item *r = bencode_new_str_ref(a, str_make(buf, 5));
	bencode_item *d = bencode_new_dict(a);
	char key[] = "key";

	CHECK(c->str.s != buf);
	CHECK(r->str.s == buf);
	bencode_dict_add_cstr(a, d, key, buf);
	buf[0] = 'J';
	key[0] = 'X';
	CHECK_MEM(c->str.s, c->str.len, "hello");
	CHECK_MEM(r->str.s, r->str.len, "Jello");
	str s;

	CHECK(bencode_dict_get_str(d, "key", &s));
	CHECK_MEM(s.s, s.len, "hello");
	CHECK_EQ(d->count, 1);

	bencode_item *l = bencode_new_list(a);

	CHECK(bencode_list_add_cstr(a, l, "x") == l->child);
	CHECK(bencode_list_add_int(a, l, 5) == l->last);
	CHECK_EQ(l->count, 2);
	bencode_list_append(l, bencode_new_int(a, 6));
	CHECK_EQ(l->count, 3);
	CHECK_EQ(l->last->num, 6);
	arena_free(a);
}

TEST(measure_resumed_byte_by_byte)
{
	/* Valid, and invalid at several depths and in several item kinds. */
	static const char *const docs[] = {
		"d3:cmd4:ping4:listli1ei-20e3:abce4:dictd1:ai0eee",
		"d3:keyi007ee",                  /* leading zero in an integer */
		"d3:key03:abce",                 /* leading zero in a string length */
		"d3:keyl1:ai1e",                 /* incomplete at the end */
		"d3:keyi1ei2ee",                 /* dict key that is not a string */
		"d3:key99999999999999999999:xe", /* string longer than the limit */
	};
	struct bencode_limits lim = { .max_string = 1000 };

	for (size_t d = 0; d < sizeof(docs) / sizeof(docs[0]); d++) {
		const char *doc = docs[d];
		size_t len = strlen(doc);
		struct bencode_measure_state st = { 0 };

		for (size_t n = 1; n <= len; n++) {
			struct bencode_error e1 = { 0, NULL }, e2 = { 0, NULL };
			long fresh = bencode_measure(doc, n, &lim, &e1);
			long resumed = bencode_measure_resume(&st, doc, n, &lim, &e2);

			CHECK_EQ(resumed, fresh);
			if (fresh < 0 && fresh != -EAGAIN) {
				CHECK_EQ(e2.offset, e1.offset);
				CHECK_STR(e2.reason, e1.reason);
				break;
			}
			if (fresh > 0)
				break;
		}
	}
}

TEST_MAIN()
