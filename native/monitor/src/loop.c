#include "loop.h"

#include <errno.h>
#include <poll.h>
#include <time.h>

#include "attach.h"
#include "exit.h"
#include "self_pipe.h"
#include "stdio.h"

#define DRAIN_TIMEOUT_MS 5000
#define MAX_POLL	 (5 + MAX_CLIENTS)

enum kind { K_SIGNAL, K_OUT, K_ERR, K_LISTEN, K_STDIN, K_CLIENT };

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void loop_run(struct monitor *m)
{
	struct pollfd pfd[MAX_POLL];
	int kind[MAX_POLL];
	int idx[MAX_POLL];
	long long deadline = -1;

	exit_reap(m); /* the container may already be gone */
	for (;;) {
		if (m->exited) {
			if (m->out_fd < 0 && m->err_fd < 0)
				break;
			if (deadline < 0)
				deadline = mono_ms() + DRAIN_TIMEOUT_MS;
		}
		int n = 0;
#define ADD(fd_, ev_, k_, i_)                                                                      \
	do {                                                                                       \
		pfd[n].fd = (fd_);                                                                 \
		pfd[n].events = (ev_);                                                             \
		pfd[n].revents = 0;                                                                \
		kind[n] = (k_);                                                                    \
		idx[n] = (i_);                                                                     \
		n++;                                                                               \
	} while (0)
		ADD(m->sig_rd, POLLIN, K_SIGNAL, 0);
		if (m->out_fd >= 0)
			ADD(m->out_fd, POLLIN, K_OUT, 0);
		if (m->err_fd >= 0)
			ADD(m->err_fd, POLLIN, K_ERR, 0);
		if (m->attach_fd >= 0)
			ADD(m->attach_fd, POLLIN, K_LISTEN, 0);
		if (m->in_len > m->in_off && m->in_fd >= 0) {
			ADD(m->in_fd, POLLOUT, K_STDIN, 0);
		} else {
			for (int i = 0; i < MAX_CLIENTS; i++)
				if (m->clients[i] >= 0)
					ADD(m->clients[i], POLLIN, K_CLIENT, i);
		}
#undef ADD
		int timeout = -1;
		if (deadline >= 0) {
			long long left = deadline - mono_ms();
			if (left <= 0)
				break;
			timeout = (int)left;
		}
		int r = poll(pfd, (nfds_t)n, timeout);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		for (int i = 0; i < n; i++) {
			if (!pfd[i].revents)
				continue;
			switch (kind[i]) {
			case K_SIGNAL:
				self_pipe_drain(m->sig_rd);
				exit_reap(m);
				break;
			case K_OUT:
				stdio_on_readable(m, STREAM_STDOUT);
				break;
			case K_ERR:
				stdio_on_readable(m, STREAM_STDERR);
				break;
			case K_LISTEN:
				attach_accept(m);
				break;
			case K_STDIN:
				stdio_flush_stdin(m);
				break;
			case K_CLIENT:
				if (m->clients[idx[i]] == pfd[i].fd && m->in_len == 0)
					attach_on_client(m, idx[i]);
				break;
			}
		}
	}
}
