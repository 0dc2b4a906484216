/* The epoll media backend (see io.h). Main thread. */
#ifndef RTPRELAY_MEDIA_IO_EPOLL_H
#define RTPRELAY_MEDIA_IO_EPOLL_H

struct event_base;
struct media_socket;

/* Read ms from base's loop. */
void epoll_socket_attach(struct media_socket *ms, struct event_base *base);
/* Stop reading; waits for a running callback. */
void epoll_socket_detach(struct media_socket *ms);

#endif
