/* offer, answer: SDP in, ports and rewritten SDP out (offer.c). */
#ifndef RTPRELAY_COMMANDS_OFFER_H
#define RTPRELAY_COMMANDS_OFFER_H

struct ng_request;

int ng_cmd_offer(struct ng_request *req);
int ng_cmd_answer(struct ng_request *req);

#endif
