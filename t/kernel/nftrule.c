/*
 * nftrule: append a rule "rtprelay table N" to an existing nftables chain.
 * nft(8) cannot name an out-of-tree expression and libnftnl only builds
 * its built-in ones, so the NEWRULE message is put together with libmnl
 * (libnftnl only frames the batch); the daemon will do the same.
 *
 * usage: nftrule ip|ip6|inet TABLE CHAIN TABLE_ID
 * exit: 0 added, 1 the kernel refused (its errno is printed), 2 usage
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NFTA_RTPRELAY_TABLE 1

int main(int argc, char **argv)
{
	static char buf[65536]; /* >= MNL_SOCKET_BUFFER_SIZE */
	struct mnl_nlmsg_batch *batch;
	struct nlattr *list, *elem, *data;
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	uint32_t seq = time(NULL), rule_seq, portid;
	int family, ret;

	if (argc != 5) {
		fprintf(stderr, "usage: %s ip|ip6|inet TABLE CHAIN TABLE_ID\n", argv[0]);
		return 2;
	}
	if (!strcmp(argv[1], "ip"))
		family = NFPROTO_IPV4;
	else if (!strcmp(argv[1], "ip6"))
		family = NFPROTO_IPV6;
	else if (!strcmp(argv[1], "inet"))
		family = NFPROTO_INET;
	else
		return 2;

	batch = mnl_nlmsg_batch_start(buf, sizeof(buf));
	nftnl_batch_begin(mnl_nlmsg_batch_current(batch), seq++);
	mnl_nlmsg_batch_next(batch);

	rule_seq = seq;
	nlh = nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(batch), NFT_MSG_NEWRULE, family,
				    NLM_F_APPEND | NLM_F_CREATE | NLM_F_ACK, seq++);
	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, argv[2]);
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, argv[3]);
	list = mnl_attr_nest_start(nlh, NFTA_RULE_EXPRESSIONS);
	elem = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM);
	mnl_attr_put_strz(nlh, NFTA_EXPR_NAME, "rtprelay");
	data = mnl_attr_nest_start(nlh, NFTA_EXPR_DATA);
	mnl_attr_put_u32(nlh, NFTA_RTPRELAY_TABLE, htonl(strtoul(argv[4], NULL, 10)));
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, elem);
	mnl_attr_nest_end(nlh, list);
	mnl_nlmsg_batch_next(batch);

	nftnl_batch_end(mnl_nlmsg_batch_current(batch), seq++);
	mnl_nlmsg_batch_next(batch);

	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("nftrule: netlink");
		return 1;
	}
	portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, mnl_nlmsg_batch_head(batch), mnl_nlmsg_batch_size(batch)) < 0) {
		perror("nftrule: send");
		return 1;
	}
	mnl_nlmsg_batch_stop(batch);
	while ((ret = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		ret = mnl_cb_run(buf, ret, rule_seq, portid, NULL, NULL);
		if (ret <= 0)
			break;
	}
	mnl_socket_close(nl);
	if (ret < 0) {
		fprintf(stderr, "nftrule: kernel refused: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
