/* Media sockets: life cycle and ownership, whichever backend reads them;
 * see io.h. */
#define LOG_SUBSYS internals
#include "media/io.h"

#include <glib.h>
#include <unistd.h>

#include "media/io_epoll.h"
#include "media/io_uring.h"
#include "media/worker.h"

struct media_socket *media_socket_new(int fd, struct workers *w)
{
	struct media_socket *ms = g_new0(struct media_socket, 1);

	ms->fd = fd;
	pthread_mutex_init(&ms->lock, NULL);
	atomic_init(&ms->refs, 1);
	ms->worker = workers_pick(w);
	if (worker_uring(ms->worker))
		uring_worker_attach(worker_uring(ms->worker), ms);
	else
		epoll_socket_attach(ms, worker_base(ms->worker));
	return ms;
}

void media_socket_free(struct media_socket *ms)
{
	if (!ms)
		return;
	media_socket_set_owner(ms, NULL);
	atomic_store(&ms->closing, true);
	if (worker_uring(ms->worker)) {
		/* The worker drops our reference once it took the request. */
		uring_worker_detach(worker_uring(ms->worker), ms);
		return;
	}
	epoll_socket_detach(ms);
	media_socket_unref(ms);
}

void media_socket_set_owner(struct media_socket *ms, struct stream *owner)
{
	pthread_mutex_lock(&ms->lock);
	ms->owner = owner;
	pthread_mutex_unlock(&ms->lock);
}

void media_socket_ref(struct media_socket *ms)
{
	atomic_fetch_add_explicit(&ms->refs, 1, memory_order_relaxed);
}

void media_socket_unref(struct media_socket *ms)
{
	if (atomic_fetch_sub_explicit(&ms->refs, 1, memory_order_acq_rel) != 1)
		return;
	close(ms->fd);
	pthread_mutex_destroy(&ms->lock);
	g_free(ms);
}
