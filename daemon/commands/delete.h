/* delete: a call, a tag or a branch, after delete-delay (delete.c). */
#ifndef RTPRELAY_COMMANDS_DELETE_H
#define RTPRELAY_COMMANDS_DELETE_H

struct ng_request;

int ng_cmd_delete(struct ng_request *req);

#endif
