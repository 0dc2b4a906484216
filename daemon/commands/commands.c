/* The ng command table, and ping. */
#include "commands/commands.h"

#include "commands/delete.h"
#include "commands/media_ctl.h"
#include "commands/offer.h"
#include "commands/query.h"
#include "commands/statistics.h"

const struct ng_command ng_commands[NG_COMMAND_COUNT] = {
	{ .name = "ping", .stat_name = "ping", .handler = ng_cmd_ping },
	{ .name = "offer", .stat_name = "offer", .handler = ng_cmd_offer },
	{ .name = "answer", .stat_name = "answer", .handler = ng_cmd_answer },
	{ .name = "delete", .stat_name = "delete", .handler = ng_cmd_delete },
	{ .name = "query", .stat_name = "query", .handler = ng_cmd_query },
	{ .name = "list", .stat_name = "list", .handler = ng_cmd_list },
	{ .name = "statistics", .stat_name = "stats", .handler = ng_cmd_statistics },
	{ .name = "block media", .stat_name = "blkmedia", .handler = ng_cmd_block_media },
	{ .name = "unblock media", .stat_name = "unblkmedia", .handler = ng_cmd_unblock_media },
	{ .name = "silence media", .stat_name = "slnmedia", .handler = ng_cmd_silence_media },
	{ .name = "unsilence media", .stat_name = "unslnmedia", .handler = ng_cmd_unsilence_media },
};

const struct ng_command *ng_command_find(str name)
{
	for (size_t i = 0; i < NG_COMMAND_COUNT; i++)
		if (str_eq_c(name, ng_commands[i].name))
			return &ng_commands[i];
	return NULL;
}

int ng_cmd_ping(struct ng_request *req)
{
	req->result = "pong";
	return 0;
}
