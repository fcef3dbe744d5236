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
#include "pending.h"
#include "stdio.h"
#include "util.h"

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
	pending_free(&m->clients[i].out);
}

/* This client's input is over; with --stdin-once that ends the container's. */
static void input_ended(struct monitor *m, int i)
{
	m->clients[i].stdin_done = true;
	if (m->opt.stdin_once)
		stdio_close_stdin(m);
}

void attach_on_client(struct monitor *m, int i, short revents)
{
	struct client *c = &m->clients[i];
	if ((revents & POLLOUT) && pending_flush(&c->out, c->fd) < 0) {
		drop(m, i); /* EPIPE, ECONNRESET: it has gone */
		return;
	}
	/* Input even on a hang-up: what it sent before closing is still for the container.
	 * Only into an empty stdin buffer (an earlier source may have filled it this round). */
	if (!c->stdin_done && m->in_len == 0 && (revents & (POLLIN | POLLHUP | POLLERR))) {
		ssize_t n = stdio_read_input(m, c->fd);
		if (n > 0 || (n < 0 && errno == EAGAIN))
			return;
		input_ended(m, i);
		if (n < 0)
			drop(m, i);
		return;
	}
	/* Gone, and nothing left to read from it: polled only for hang-ups (input done), or
	 * for room it will never get (pending output; polling it again would spin). */
	if ((revents & (POLLHUP | POLLERR)) && (c->stdin_done || pending_has(&c->out)))
		drop(m, i);
}

bool attach_pending(const struct monitor *m)
{
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (m->clients[i].fd >= 0 && pending_has(&m->clients[i].out))
			return true;
	return false;
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
	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = &m->clients[i];
		/* Still busy with the last frame: only in the salvage after the drain deadline
		 * (stdio_salvage), as output is not read otherwise. Skipping the whole frame
		 * keeps its stream well-formed. */
		if (c->fd < 0 || pending_has(&c->out))
			continue;
		/* What does not fit waits in c->out; the loop stops reading until it is sent. */
		if (pending_write(&c->out, c->fd, iov, 2) < 0)
			drop(m, i);
	}
}

static bool wait_writable(int fd, long long deadline)
{
	long long left = deadline - mono_ms();
	struct pollfd p = {.fd = fd, .events = POLLOUT};
	return left > 0 && poll(&p, 1, (int)left) > 0;
}

/* The exit frame is what a client waits for, so give a full socket buffer a moment to
 * drain, until the shared deadline. The rest of a frame it is in the middle of goes first
 * (there is some only when the drain phase gave up waiting for it), or the exit frame
 * would land inside it. */
static void send_last(struct client *c, const char *frame, size_t len, long long deadline)
{
	int r;
	while ((r = pending_flush(&c->out, c->fd)) > 0)
		if (!wait_writable(c->fd, deadline))
			return;
	if (r < 0)
		return;
	struct iovec iov = {(void *)frame, len};
	r = pending_write(&c->out, c->fd, &iov, 1);
	while (r > 0 && wait_writable(c->fd, deadline))
		r = pending_flush(&c->out, c->fd);
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
			send_last(&m->clients[i], frame, (size_t)len, deadline);
		drop(m, i);
	}
	if (m->attach_fd >= 0) {
		close(m->attach_fd);
		m->attach_fd = -1;
		unlink(m->opt.attach_socket);
	}
}
