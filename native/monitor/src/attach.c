#include "attach.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "exit.h"
#include "stdio.h"
#include "util.h"

#define FRAME_HEADER	   8
#define LAST_FRAME_WAIT_MS 1000 /* for all clients together */

int attach_setup(struct monitor *m)
{
	for (int i = 0; i < MAX_CLIENTS; i++)
		m->clients[i] = (struct client){.fd = -1};
	m->attach_fd = -1;
	if (!m->opt.attach_socket)
		return 0;
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (strlen(m->opt.attach_socket) >= sizeof addr.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(addr.sun_path, m->opt.attach_socket);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	unlink(addr.sun_path);
	if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, MAX_CLIENTS) < 0) {
		int err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	m->attach_fd = fd;
	return 0;
}

void attach_accept(struct monitor *m)
{
	for (;;) {
		int fd = accept4(m->attach_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0)
			return;
		int slot = -1;
		for (int i = 0; i < MAX_CLIENTS && slot < 0; i++)
			if (m->clients[i].fd < 0)
				slot = i;
		if (slot < 0) {
			close(fd);
			continue;
		}
		int size = 256 * 1024;
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
		m->clients[slot] = (struct client){.fd = fd};
	}
}

static void drop(struct monitor *m, int i)
{
	close(m->clients[i].fd);
	m->clients[i].fd = -1;
}

/* This client's input is over; with --stdin-once that ends the container's. */
static void input_ended(struct monitor *m, int i)
{
	m->clients[i].stdin_done = true;
	if (m->opt.stdin_once)
		stdio_close_stdin(m);
}

void attach_on_client(struct monitor *m, int i)
{
	struct client *c = &m->clients[i];
	if (c->stdin_done) { /* polled for nothing: this is a hang-up or an error */
		drop(m, i);
		return;
	}
	ssize_t n = stdio_read_input(m, c->fd);
	if (n > 0 || (n < 0 && errno == EAGAIN))
		return;
	input_ended(m, i);
	if (n < 0)
		drop(m, i);
}

static void header(unsigned char h[FRAME_HEADER], int stream, size_t len)
{
	uint32_t n = (uint32_t)len;
	h[0] = (unsigned char)stream;
	h[1] = h[2] = h[3] = 0;
	h[4] = (unsigned char)(n >> 24);
	h[5] = (unsigned char)(n >> 16);
	h[6] = (unsigned char)(n >> 8);
	h[7] = (unsigned char)n;
}

void attach_broadcast(struct monitor *m, enum stream s, const char *data, size_t len)
{
	unsigned char h[FRAME_HEADER];
	header(h, s + 1, len);
	struct iovec iov[2] = {{h, sizeof h}, {(void *)data, len}};
	struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
	for (int i = 0; i < MAX_CLIENTS; i++) {
		if (m->clients[i].fd < 0)
			continue;
		ssize_t n;
		do
			n = sendmsg(m->clients[i].fd, &msg, MSG_NOSIGNAL);
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)(sizeof h + len)) /* a torn frame cannot be resumed: drop */
			drop(m, i);
	}
}

/* The exit frame is what a client waits for, so give a full socket buffer a moment to
 * drain, until the shared deadline. */
static void send_last(int fd, const char *frame, size_t len, long long deadline)
{
	while (len > 0) {
		ssize_t n = send(fd, frame, len, MSG_NOSIGNAL);
		if (n > 0) {
			frame += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		long long left = deadline - mono_ms();
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		if (n == 0 || errno != EAGAIN || left <= 0 || poll(&p, 1, (int)left) <= 0)
			return;
	}
}

void attach_close(struct monitor *m, const char *exit_fields)
{
	char frame[FRAME_HEADER + EXIT_FIELDS_MAX + 2];
	int len = 0;
	if (exit_fields) {
		len = snprintf(frame + FRAME_HEADER, sizeof frame - FRAME_HEADER, "{%s}",
			       exit_fields);
		header((unsigned char *)frame, ATTACH_STREAM_EXIT, (size_t)len);
		len += FRAME_HEADER;
	}
	long long deadline = mono_ms() + LAST_FRAME_WAIT_MS;
	for (int i = 0; i < MAX_CLIENTS; i++) {
		if (m->clients[i].fd < 0)
			continue;
		if (len)
			send_last(m->clients[i].fd, frame, (size_t)len, deadline);
		drop(m, i);
	}
	if (m->attach_fd >= 0) {
		close(m->attach_fd);
		m->attach_fd = -1;
		unlink(m->opt.attach_socket);
	}
}
