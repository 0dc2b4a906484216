/* block/unblock and silence/unsilence media of a party (media_ctl.c). */
#ifndef RTPRELAY_COMMANDS_MEDIA_CTL_H
#define RTPRELAY_COMMANDS_MEDIA_CTL_H

struct ng_request;

int ng_cmd_block_media(struct ng_request *req);
int ng_cmd_unblock_media(struct ng_request *req);
int ng_cmd_silence_media(struct ng_request *req);
int ng_cmd_unsilence_media(struct ng_request *req);

#endif
