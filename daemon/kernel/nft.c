/* The nftables rules for nft_rtprelay; see nft.h. */
#include "kernel/nft.h"

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <glib.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include "config/config.h"

/* The expression's one attribute (kernel-module/expr.c): be32 table. */
#define NFTA_RTPRELAY_TABLE 1
/* What the rules carry as comment (nft shows it on the jump). */
#define RULE_COMMENT "rtprelay"
#define BATCH_LIMIT 32768
/* A kernel that does not answer within this is broken; do not hang. */
#define NL_TIMEOUT_S 5

void knft_init(struct knft *k, const struct rtprelay_config *cfg)
{
	memset(k, 0, sizeof(*k));
	k->kernel_table = cfg->table < 0 ? 0 : (unsigned)cfg->table;
	k->family = cfg->nftables_family == CONFIG_NFT_IP    ? NFPROTO_IPV4
		    : cfg->nftables_family == CONFIG_NFT_IP6 ? NFPROTO_IPV6
							     : NFPROTO_INET;
	g_strlcpy(k->chain, cfg->nftables_chain, sizeof(k->chain));
	g_strlcpy(k->base_chain, cfg->nftables_base_chain, sizeof(k->base_chain));
	k->append = cfg->nftables_append;
	k->priority = cfg->nftables_priority;
}

bool knft_managed(const struct knft *k)
{
	return k->chain[0] != '\0';
}

/* The chain is its own base chain. */
static bool chain_is_base(const struct knft *k)
{
	return k->base_chain[0] == '\0';
}

/* A separate base chain with a jump rule we manage. */
static bool has_jump(const struct knft *k)
{
	return k->base_chain[0] && strcmp(k->base_chain, "none") != 0;
}

static const char *family_name(int family)
{
	return family == NFPROTO_IPV4 ? "ip" : family == NFPROTO_IPV6 ? "ip6" : "inet";
}

/* ---- netlink plumbing ---- */

struct nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	char *buf; /* 2 * BATCH_LIMIT: a batch may run over its limit once */
};

static int nl_open(struct nl *nl, char **err)
{
	struct timeval tv = { NL_TIMEOUT_S, 0 };

	nl->buf = g_malloc(2 * BATCH_LIMIT);
	nl->seq = (uint32_t)time(NULL);
	nl->sock = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl->sock || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		*err = g_strdup_printf("nftables: netlink socket: %s", strerror(errno));
		if (nl->sock)
			mnl_socket_close(nl->sock);
		g_free(nl->buf);
		return -1;
	}
	setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	nl->portid = mnl_socket_get_portid(nl->sock);
	return 0;
}

static void nl_close(struct nl *nl)
{
	mnl_socket_close(nl->sock);
	g_free(nl->buf);
}

/* Up to this many messages in one batch, each named for error messages. */
#define BATCH_MAX 16

struct batch {
	struct nl *nl;
	struct mnl_nlmsg_batch *b;
	uint32_t seq[BATCH_MAX];
	const char *what[BATCH_MAX];
	unsigned n;
};

static void batch_start(struct batch *bt, struct nl *nl)
{
	memset(bt, 0, sizeof(*bt));
	bt->nl = nl;
	bt->b = mnl_nlmsg_batch_start(nl->buf, BATCH_LIMIT);
	nftnl_batch_begin(mnl_nlmsg_batch_current(bt->b), nl->seq++);
	mnl_nlmsg_batch_next(bt->b);
}

/* A message header for the next batch entry. */
static struct nlmsghdr *batch_msg(struct batch *bt, int type, int family, uint16_t flags,
				  const char *what)
{
	g_assert(bt->n < BATCH_MAX);
	bt->seq[bt->n] = bt->nl->seq;
	bt->what[bt->n++] = what;
	return nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(bt->b), (uint16_t)type,
				     (uint16_t)family, flags | NLM_F_ACK, bt->nl->seq++);
}

static void batch_msg_done(struct batch *bt)
{
	mnl_nlmsg_batch_next(bt->b);
}

/*
 * Send the batch and collect one answer per message. 0, or -1 with *err
 * naming the first message that failed, unless its errno is in ignore (a
 * zero-terminated list): then 0 too. The kernel applies a batch whole or
 * not at all.
 */
static int batch_commit(struct batch *bt, const int *ignore, char **err)
{
	struct nl *nl = bt->nl;
	unsigned answers = 0;
	int first_err = 0;
	const char *first_what = NULL;
	char rbuf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t got;
	int len;

	nftnl_batch_end(mnl_nlmsg_batch_current(bt->b), nl->seq++);
	mnl_nlmsg_batch_next(bt->b);
	if (mnl_socket_sendto(nl->sock, mnl_nlmsg_batch_head(bt->b), mnl_nlmsg_batch_size(bt->b)) <
	    0) {
		*err = g_strdup_printf("nftables: netlink send: %s", strerror(errno));
		mnl_nlmsg_batch_stop(bt->b);
		return -1;
	}
	mnl_nlmsg_batch_stop(bt->b);
	while (answers < bt->n) {
		const struct nlmsghdr *h;

		got = mnl_socket_recvfrom(nl->sock, rbuf, sizeof(rbuf));
		if (got < 0) {
			*err = g_strdup_printf("nftables: netlink receive: %s", strerror(errno));
			return -1;
		}
		len = (int)got;
		for (h = (const struct nlmsghdr *)rbuf; mnl_nlmsg_ok(h, len);
		     h = mnl_nlmsg_next(h, &len)) {
			const struct nlmsgerr *e;

			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			e = mnl_nlmsg_get_payload(h);
			answers++;
			if (e->error && !first_err) {
				first_err = -e->error;
				for (unsigned i = 0; i < bt->n; i++)
					if (bt->seq[i] == e->msg.nlmsg_seq)
						first_what = bt->what[i];
				/* Not about one of our messages (the batch as a
				 * whole, e.g. EPERM): no other answer follows. */
				if (!first_what)
					answers = bt->n;
			}
		}
	}
	if (!first_err)
		return 0;
	for (const int *i = ignore; i && *i; i++)
		if (*i == first_err)
			return 0;
	*err = g_strdup_printf("nftables: %s: %s", first_what ? first_what : "batch",
			       strerror(first_err));
	return -1;
}

/* ---- reading rules back (raw attributes: libnftnl would drop a rule with
 * an expression it does not know) ---- */

struct attrs {
	const struct nlattr **tb;
	int max;
};

static int store_attr(const struct nlattr *a, void *data)
{
	struct attrs *at = data;
	int type = mnl_attr_get_type(a);

	if (type <= at->max)
		at->tb[type] = a;
	return MNL_CB_OK;
}

static void parse_nested(const struct nlattr *nest, const struct nlattr **tb, int max)
{
	struct attrs at = { tb, max };

	memset(tb, 0, sizeof(*tb) * (size_t)(max + 1));
	mnl_attr_parse_nested(nest, store_attr, &at);
}

/* What a walk over one chain's rules found. */
struct scan {
	const struct knft *k;
	bool forward_rule; /* a rule with "rtprelay table N" */
	uint64_t jumps[8]; /* handles of jumps to k->chain */
	unsigned n_jumps;
	bool more_jumps; /* past the array: scan again after deleting */
};

static void scan_expr(const struct nlattr *elem, struct scan *sc, uint64_t handle)
{
	const struct nlattr *e[NFTA_EXPR_MAX + 1], *d[NFTA_IMMEDIATE_MAX + 1];
	const struct nlattr *data[NFTA_DATA_MAX + 1], *v[NFTA_VERDICT_MAX + 1];
	const char *name;

	parse_nested(elem, e, NFTA_EXPR_MAX);
	if (!e[NFTA_EXPR_NAME] || !e[NFTA_EXPR_DATA])
		return;
	name = mnl_attr_get_str(e[NFTA_EXPR_NAME]);
	if (strcmp(name, "rtprelay") == 0) {
		const struct nlattr *r[NFTA_RTPRELAY_TABLE + 1];

		parse_nested(e[NFTA_EXPR_DATA], r, NFTA_RTPRELAY_TABLE);
		if (r[NFTA_RTPRELAY_TABLE] &&
		    ntohl(mnl_attr_get_u32(r[NFTA_RTPRELAY_TABLE])) == sc->k->kernel_table)
			sc->forward_rule = true;
		return;
	}
	if (strcmp(name, "immediate") != 0)
		return;
	parse_nested(e[NFTA_EXPR_DATA], d, NFTA_IMMEDIATE_MAX);
	if (!d[NFTA_IMMEDIATE_DATA])
		return;
	parse_nested(d[NFTA_IMMEDIATE_DATA], data, NFTA_DATA_MAX);
	if (!data[NFTA_DATA_VERDICT])
		return;
	parse_nested(data[NFTA_DATA_VERDICT], v, NFTA_VERDICT_MAX);
	if (!v[NFTA_VERDICT_CODE] || !v[NFTA_VERDICT_CHAIN])
		return;
	if ((int32_t)ntohl(mnl_attr_get_u32(v[NFTA_VERDICT_CODE])) != NFT_JUMP &&
	    (int32_t)ntohl(mnl_attr_get_u32(v[NFTA_VERDICT_CODE])) != NFT_GOTO)
		return;
	if (strcmp(mnl_attr_get_str(v[NFTA_VERDICT_CHAIN]), sc->k->chain) != 0)
		return;
	if (sc->n_jumps < G_N_ELEMENTS(sc->jumps))
		sc->jumps[sc->n_jumps++] = handle;
	else
		sc->more_jumps = true;
}

static int scan_rule(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NFTA_RULE_MAX + 1] = { 0 };
	struct attrs at = { tb, NFTA_RULE_MAX };
	const struct nlattr *elem;
	uint64_t handle;

	mnl_attr_parse(nlh, sizeof(struct nfgenmsg), store_attr, &at);
	if (!tb[NFTA_RULE_EXPRESSIONS] || !tb[NFTA_RULE_HANDLE])
		return MNL_CB_OK;
	handle = be64toh(mnl_attr_get_u64(tb[NFTA_RULE_HANDLE]));
	mnl_attr_for_each_nested(elem, tb[NFTA_RULE_EXPRESSIONS]) scan_expr(elem, data, handle);
	return MNL_CB_OK;
}

/* A GET request and its answers: 0 (cb saw each), -errno from the kernel. */
static int nl_get(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	uint32_t seq = nlh->nlmsg_seq;
	char rbuf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t len;
	int ret;

	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		len = mnl_socket_recvfrom(nl->sock, rbuf, sizeof(rbuf));
		if (len < 0)
			return -errno;
		ret = mnl_cb_run(rbuf, (size_t)len, seq, nl->portid, cb, data);
	} while (ret > 0);
	return ret < 0 ? -errno : 0;
}

/* Whether chain name exists in our table: 1, 0, or -errno. */
static int chain_exists(struct nl *nl, const struct knft *k, const char *name)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;
	int ret;

	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, KNFT_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nlh = nftnl_nlmsg_build_hdr(nl->buf, NFT_MSG_GETCHAIN, (uint16_t)k->family, NLM_F_ACK,
				    nl->seq++);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	ret = nl_get(nl, nlh, NULL, NULL);
	if (ret == -ENOENT)
		return 0;
	return ret < 0 ? ret : 1;
}

/* Walk the rules of chain name (which must exist): 0 or -errno. */
static int scan_chain(struct nl *nl, const struct knft *k, const char *name, struct scan *sc)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;

	memset(sc, 0, sizeof(*sc));
	sc->k = k;
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, KNFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, name);
	nlh = nftnl_nlmsg_build_hdr(nl->buf, NFT_MSG_GETRULE, (uint16_t)k->family, NLM_F_DUMP,
				    nl->seq++);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	return nl_get(nl, nlh, scan_rule, sc);
}

/* ---- building ---- */

static void put_comment(struct nlmsghdr *nlh)
{
	struct nftnl_udata_buf *u = nftnl_udata_buf_alloc(64);

	nftnl_udata_put_strz(u, NFTNL_UDATA_RULE_COMMENT, RULE_COMMENT);
	mnl_attr_put(nlh, NFTA_RULE_USERDATA, nftnl_udata_buf_len(u), nftnl_udata_buf_data(u));
	nftnl_udata_buf_free(u);
}

static void add_table(struct batch *bt, const struct knft *k)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	nftnl_table_set_str(t, NFTNL_TABLE_NAME, KNFT_TABLE);
	nlh = batch_msg(bt, NFT_MSG_NEWTABLE, k->family, NLM_F_CREATE, "creating the table");
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	batch_msg_done(bt);
}

static void add_chain(struct batch *bt, const struct knft *k, const char *name, bool base)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, KNFT_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	if (base) {
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, NF_INET_LOCAL_IN);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, k->priority);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	nlh = batch_msg(bt, NFT_MSG_NEWCHAIN, k->family, NLM_F_CREATE,
			base ? "creating the base chain" : "creating the chain");
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	batch_msg_done(bt);
}

/* DELRULE: one rule by handle, or (handle 0) every rule of the chain. */
static void del_rule(struct batch *bt, const struct knft *k, const char *chain, uint64_t handle)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, KNFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	if (handle)
		nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, handle);
	nlh = batch_msg(bt, NFT_MSG_DELRULE, k->family, 0,
			handle ? "deleting the jump rule" : "flushing the chain");
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	batch_msg_done(bt);
}

/* rtprelay table N: raw, for the expression libnftnl does not know. No
 * "meta l4proto udp" before it: the expression looks at UDP only and
 * returns at once for anything else, so a match first would only cost
 * every packet two more expressions. */
static void add_forward_rule(struct batch *bt, const struct knft *k)
{
	struct nlattr *list, *elem, *data;
	struct nlmsghdr *nlh;

	nlh = batch_msg(bt, NFT_MSG_NEWRULE, k->family, NLM_F_CREATE | NLM_F_APPEND,
			"adding the rule (is nft_rtprelay loaded?)");
	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, KNFT_TABLE);
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, k->chain);
	list = mnl_attr_nest_start(nlh, NFTA_RULE_EXPRESSIONS);

	elem = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM);
	mnl_attr_put_strz(nlh, NFTA_EXPR_NAME, "rtprelay");
	data = mnl_attr_nest_start(nlh, NFTA_EXPR_DATA);
	mnl_attr_put_u32(nlh, NFTA_RTPRELAY_TABLE, htonl(k->kernel_table));
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, elem);

	mnl_attr_nest_end(nlh, list);
	put_comment(nlh);
	batch_msg_done(bt);
}

static void add_jump_rule(struct batch *bt, const struct knft *k)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");
	struct nftnl_udata_buf *u = nftnl_udata_buf_alloc(64);
	struct nlmsghdr *nlh;

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, KNFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, k->base_chain);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)NFT_JUMP);
	nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, k->chain);
	nftnl_rule_add_expr(r, e); /* r owns e now */
	nftnl_udata_put_strz(u, NFTNL_UDATA_RULE_COMMENT, RULE_COMMENT);
	nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(u),
			    nftnl_udata_buf_len(u));
	nftnl_udata_buf_free(u);
	/* Without NLM_F_APPEND (and no position) the kernel inserts first. */
	nlh = batch_msg(bt, NFT_MSG_NEWRULE, k->family,
			NLM_F_CREATE | (k->append ? NLM_F_APPEND : 0), "adding the jump rule");
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	batch_msg_done(bt);
}

static void del_chain(struct batch *bt, const struct knft *k, const char *name, bool only_if_empty)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, KNFT_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nlh = batch_msg(bt, NFT_MSG_DELCHAIN, k->family, only_if_empty ? NLM_F_NONREC : 0,
			"deleting a chain");
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	batch_msg_done(bt);
}

static void del_table_if_empty(struct batch *bt, const struct knft *k)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	nftnl_table_set_str(t, NFTNL_TABLE_NAME, KNFT_TABLE);
	nlh = batch_msg(bt, NFT_MSG_DELTABLE, k->family, NLM_F_NONREC, "deleting the table");
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	batch_msg_done(bt);
}

/* ---- the three operations ---- */

int knft_setup(const struct knft *k, char **err)
{
	struct scan sc = { 0 };
	struct batch bt;
	struct nl nl;
	int base_exists = 0, ret = -1;

	if (!knft_managed(k))
		return 0;
	if (nl_open(&nl, err) < 0)
		return -1;
	if (has_jump(k)) {
		base_exists = chain_exists(&nl, k, k->base_chain);
		if (base_exists < 0) {
			*err = g_strdup_printf("nftables: reading chain %s: %s", k->base_chain,
					       strerror(-base_exists));
			goto out;
		}
		if (base_exists > 0 && scan_chain(&nl, k, k->base_chain, &sc) < 0)
			memset(&sc, 0, sizeof(sc));
		if (sc.more_jumps) {
			*err = g_strdup_printf("nftables: chain %s holds more than %zu jumps to %s",
					       k->base_chain, G_N_ELEMENTS(sc.jumps), k->chain);
			goto out;
		}
	}

	batch_start(&bt, &nl);
	add_table(&bt, k);
	add_chain(&bt, k, k->chain, chain_is_base(k));
	del_rule(&bt, k, k->chain, 0);
	add_forward_rule(&bt, k);
	if (has_jump(k)) {
		if (base_exists <= 0)
			add_chain(&bt, k, k->base_chain, true);
		for (unsigned i = 0; i < sc.n_jumps; i++)
			del_rule(&bt, k, k->base_chain, sc.jumps[i]);
		add_jump_rule(&bt, k);
	}
	ret = batch_commit(&bt, NULL, err);
out:
	nl_close(&nl);
	return ret;
}

int knft_teardown(const struct knft *k, char **err)
{
	static const int gone[] = { ENOENT, 0 };
	static const int gone_or_busy[] = { ENOENT, EBUSY, 0 };
	struct scan sc = { 0 };
	struct batch bt;
	struct nl nl;
	int exists, ret = -1;

	if (!knft_managed(k))
		return 0;
	if (nl_open(&nl, err) < 0)
		return -1;
	/* Read first (the requests share the batch's buffer). Jumps and
	 * chain go in one batch (the chain cannot go while a jump still
	 * points to it), then what may be shared, each on its own. */
	if (has_jump(k) && chain_exists(&nl, k, k->base_chain) > 0 &&
	    scan_chain(&nl, k, k->base_chain, &sc) < 0)
		memset(&sc, 0, sizeof(sc));
	exists = chain_exists(&nl, k, k->chain);
	if (sc.n_jumps || exists > 0) {
		batch_start(&bt, &nl);
		for (unsigned i = 0; i < sc.n_jumps; i++)
			del_rule(&bt, k, k->base_chain, sc.jumps[i]);
		if (exists > 0)
			del_chain(&bt, k, k->chain, false);
		if (batch_commit(&bt, gone, err) < 0)
			goto out;
	}
	if (has_jump(k)) {
		batch_start(&bt, &nl);
		del_chain(&bt, k, k->base_chain, true);
		if (batch_commit(&bt, gone_or_busy, err) < 0)
			goto out;
	}
	batch_start(&bt, &nl);
	del_table_if_empty(&bt, k);
	ret = batch_commit(&bt, gone_or_busy, err);
out:
	nl_close(&nl);
	return ret;
}

int knft_status(const struct knft *k, char **report, char **err)
{
	g_autoptr(GString) r = g_string_new(NULL);
	struct scan sc;
	struct nl nl;
	int exists, ret = -1;
	bool ok = true;

	*report = NULL;
	if (!knft_managed(k)) {
		*report = g_strdup("nftables-chain is empty: rules not managed by rtprelay\n");
		return 1;
	}
	if (nl_open(&nl, err) < 0)
		return -1;
	exists = chain_exists(&nl, k, k->chain);
	if (exists < 0) {
		*err = g_strdup_printf("nftables: reading chain %s: %s", k->chain,
				       strerror(-exists));
		goto out;
	}
	g_string_append_printf(r, "chain %s %s %s: %s\n", family_name(k->family), KNFT_TABLE,
			       k->chain, exists ? "present" : "missing");
	ok = exists;
	if (exists) {
		int e = scan_chain(&nl, k, k->chain, &sc);

		if (e < 0) {
			*err = g_strdup_printf("nftables: reading rules of %s: %s", k->chain,
					       strerror(-e));
			goto out;
		}
		g_string_append_printf(r, "rule 'rtprelay table %u' in %s: %s\n", k->kernel_table,
				       k->chain, sc.forward_rule ? "present" : "missing");
		ok = ok && sc.forward_rule;
	}
	if (has_jump(k)) {
		exists = chain_exists(&nl, k, k->base_chain);
		if (exists > 0 && scan_chain(&nl, k, k->base_chain, &sc) == 0 && sc.n_jumps)
			g_string_append_printf(r, "jump from %s to %s: present\n", k->base_chain,
					       k->chain);
		else {
			g_string_append_printf(r, "jump from %s to %s: missing\n", k->base_chain,
					       k->chain);
			ok = false;
		}
	}
	*report = g_string_free(g_steal_pointer(&r), false);
	ret = ok;
out:
	nl_close(&nl);
	return ret;
}
