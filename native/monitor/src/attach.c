#include "attach.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "stdio.h"
#include "util.h"

int attach_setup(struct monitor *m)
{
	for (int i = 0; i < MAX_CLIENTS; i++)
		m->clients[i] = -1;
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
			if (m->clients[i] < 0)
				slot = i;
		if (slot < 0) {
			close(fd);
			continue;
		}
		int size = 256 * 1024;
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
		m->clients[slot] = fd;
	}
}

static void drop(struct monitor *m, int i)
{
	close(m->clients[i]);
	m->clients[i] = -1;
}

void attach_on_client(struct monitor *m, int i)
{
	ssize_t n;
	do
		n = read(m->clients[i], m->in_buf, sizeof m->in_buf);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) {
		drop(m, i);
		stdio_close_stdin(m);
		return;
	}
	if (m->in_fd < 0)
		return; /* no stdin: the input is dropped */
	m->in_len = (size_t)n;
	m->in_off = 0;
	stdio_flush_stdin(m);
}

void attach_broadcast(struct monitor *m, const char *data, size_t len)
{
	for (int i = 0; i < MAX_CLIENTS; i++) {
		if (m->clients[i] < 0)
			continue;
		ssize_t n;
		do
			n = send(m->clients[i], data, len, MSG_NOSIGNAL);
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)len)
			drop(m, i);
	}
}

void attach_close(struct monitor *m)
{
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (m->clients[i] >= 0)
			drop(m, i);
	if (m->attach_fd >= 0) {
		close(m->attach_fd);
		m->attach_fd = -1;
		unlink(m->opt.attach_socket);
	}
}
