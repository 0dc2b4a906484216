/* The ng command table, and ping. */
#include "ng_commands.h"

struct ng_command ng_commands[] = {
	{ .name = "ping", .handler = ng_cmd_ping },
	{ .name = "offer", .handler = ng_cmd_offer },
	{ .name = "answer", .handler = ng_cmd_answer },
	{ .name = "delete", .handler = ng_cmd_delete },
	{ .name = "query", .handler = ng_cmd_query },
	{ .name = "list", .handler = ng_cmd_list },
	{ .name = "statistics", .handler = ng_cmd_statistics },
	{ .name = NULL },
};

struct ng_command *ng_command_find(str name)
{
	for (struct ng_command *c = ng_commands; c->name; c++)
		if (str_eq_c(name, c->name))
			return c;
	return NULL;
}

int ng_cmd_ping(struct ng_request *req)
{
	req->result = "pong";
	return 0;
}
