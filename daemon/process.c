/* Daemonizing, the pidfile, and sd_notify. */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* Write end of the pipe the waiting parent reads; -1 when not daemonized. */
static int ready_fd = -1;

/* The parent: wait for the child's verdict, then leave with it. */
static void __attribute__((noreturn)) wait_for_child(pid_t pid, int fd)
{
	unsigned char status;
	ssize_t n;
	int ws;

	do
		n = read(fd, &status, 1);
	while (n < 0 && errno == EINTR);
	if (n == 1)
		_exit(status);
	/* No verdict: the child died during start-up; pass its status on. */
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			_exit(1);
	if (WIFEXITED(ws) && WEXITSTATUS(ws) != 0)
		_exit(WEXITSTATUS(ws));
	_exit(1);
}

int process_daemonize(void)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = errno;

		close(fds[0]);
		close(fds[1]);
		return -err;
	}
	if (pid > 0) {
		close(fds[1]);
		wait_for_child(pid, fds[0]);
	}
	close(fds[0]);
	ready_fd = fds[1];
	if (setsid() < 0)
		return -errno;
	int fd = open("/dev/null", O_RDWR);

	if (fd < 0)
		return -errno;
	/* stdout and stderr stay the launcher's until process_daemonize_done(),
	 * so that start-up errors reach whoever started us. */
	dup2(fd, STDIN_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
}

void process_daemonize_done(int status)
{
	unsigned char b = (unsigned char)status;
	int fd;

	if (ready_fd < 0)
		return;
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	while (write(ready_fd, &b, 1) < 0 && errno == EINTR)
		;
	close(ready_fd);
	ready_fd = -1;
}

int process_pidfile_write(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) != 0)
		return -errno;
	return 0;
}

void process_pidfile_remove(const char *path)
{
	if (path && *path)
		unlink(path);
}

void process_notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	socklen_t len;

	if (!path || !*path || strlen(path) >= sizeof(sun.sun_path))
		return;
	memcpy(sun.sun_path, path, strlen(path));
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	if (path[0] == '@')
		sun.sun_path[0] = '\0'; /* abstract namespace */
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sun, len);
	close(fd);
}

int process_reserve_fds(unsigned n)
{
	struct rlimit rl;
	int fd, high, err = 0;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < n)
		n = (unsigned)rl.rlim_cur;
	if (n < 2)
		return 0;
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* The table only grows: one descriptor at n - 1, closed again. */
	high = fcntl(fd, F_DUPFD_CLOEXEC, (int)n - 1);
	if (high < 0)
		err = -errno;
	else
		close(high);
	close(fd);
	return err ? err : (int)n;
}
