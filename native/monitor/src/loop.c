#include "loop.h"

#include <errno.h>
#include <poll.h>

#include "attach.h"
#include "control.h"
#include "exit.h"
#include "fifo_io.h"
#include "pending.h"
#include "self_pipe.h"
#include "stdio.h"
#include "util.h"

#define DRAIN_TIMEOUT_MS 5000
#define MAX_POLL	 (9 + MAX_CLIENTS)

/* Handled in this order within one wake-up (the order fds are added): accepting before
 * reading output means a client that connected before `runtime start` sees all of it. */
enum kind {
	K_SIGNAL,
	K_LISTEN,
	K_CONTROL,
	K_OUT,
	K_ERR,
	K_STDIN,
	K_STDIN_PATH,
	K_PATH_OUT,
	K_CLIENT
};

struct poll_set {
	struct pollfd pfd[MAX_POLL];
	int kind[MAX_POLL];
	int idx[MAX_POLL];
	int n;
	bool input_polled; /* input sources were asked for POLLIN this round */
};

static void add(struct poll_set *p, int fd, short events, int kind, int idx)
{
	p->pfd[p->n] = (struct pollfd){.fd = fd, .events = events};
	p->kind[p->n] = kind;
	p->idx[p->n] = idx;
	p->n++;
}

static void build(struct monitor *m, struct poll_set *p)
{
	/* Input sources are read only into an empty stdin buffer: a container that does not
	 * read its stdin pushes back on the clients instead of growing the buffer (also while
	 * a --wait-start exec waits for its pty, see stdio.h). */
	bool want_input = m->in_len == 0;
	p->n = 0;
	p->input_polled = want_input;
	/* Back-pressure: while a sink has not taken all of the last output, read no more (the
	 * container blocks on its pipe) and wait for the sink instead. */
	bool blocked = stdio_output_blocked(m);
	add(p, m->sig_rd, POLLIN, K_SIGNAL, 0);
	if (m->attach_fd >= 0)
		add(p, m->attach_fd, POLLIN, K_LISTEN, 0);
	if (m->ctl.fd >= 0)
		add(p, m->ctl.fd, POLLIN, K_CONTROL, 0);
	if (m->out_fd >= 0 && !blocked)
		add(p, m->out_fd, POLLIN, K_OUT, 0);
	if (m->err_fd >= 0 && !blocked)
		add(p, m->err_fd, POLLIN, K_ERR, 0);
	if (!want_input && m->in_fd >= 0)
		add(p, m->in_fd, POLLOUT, K_STDIN, 0);
	if (want_input && m->path_in >= 0)
		add(p, m->path_in, POLLIN, K_STDIN_PATH, 0);
	for (int s = 0; s < 2; s++)
		if (m->path_out[s] >= 0 && pending_has(&m->path_pend[s]))
			add(p, m->path_out[s], POLLOUT, K_PATH_OUT, s);
	for (int i = 0; i < MAX_CLIENTS; i++) {
		const struct client *c = &m->clients[i];
		short events = 0;
		if (c->fd < 0)
			continue;
		if (!c->stdin_done && want_input)
			events |= POLLIN;
		if (pending_has(&c->out))
			events |= POLLOUT;
		/* One whose input has ended is still polled for POLLHUP/POLLERR (events 0). */
		if (events || c->stdin_done)
			add(p, c->fd, events, K_CLIENT, i);
	}
}

static void dispatch(struct monitor *m, int kind, int idx, int fd, short revents)
{
	switch (kind) {
	case K_SIGNAL:
		/* Before a --wait-start exec is launched there is nothing to wait for: stop. */
		if ((self_pipe_drain(m->sig_rd) & SELF_PIPE_TERM) && m->waiting)
			m->stop_asked = true;
		exit_reap(m);
		break;
	case K_LISTEN:
		attach_accept(m);
		break;
	case K_CONTROL:
		control_on_readable(m);
		break;
	case K_OUT:
		stdio_on_readable(m, STREAM_STDOUT);
		break;
	case K_ERR:
		stdio_on_readable(m, STREAM_STDERR);
		break;
	case K_STDIN:
		stdio_flush_stdin(m);
		break;
	case K_STDIN_PATH:
		if (m->in_len == 0)
			stdio_read_input(m, m->path_in);
		break;
	case K_PATH_OUT:
		fifo_io_on_writable(m, idx);
		break;
	case K_CLIENT:
		/* an earlier handler may have dropped it (or filled the stdin buffer: its own
		 * check) */
		if (m->clients[idx].fd == fd)
			attach_on_client(m, idx, revents);
		break;
	}
}

void loop_run(struct monitor *m)
{
	struct poll_set p;
	long long deadline = -1;

	exit_reap(m); /* the container may already be gone */
	for (;;) {
		if (m->waiting && (m->start_asked || m->stop_asked))
			return; /* main launches, or cleans up */
		if (m->exited) {
			/* Done once every stream is at EOF and every sink has all of it. */
			if (m->out_fd < 0 && m->err_fd < 0 && !stdio_output_blocked(m))
				break;
			if (deadline < 0)
				deadline = mono_ms() + DRAIN_TIMEOUT_MS;
		}
		build(m, &p);
		/* A pending close-stdin polls without blocking until the input sources are dry (while
		 * the stdin buffer is full, POLLOUT on the container's stdin wakes us instead). */
		int timeout = m->close_stdin_pending && p.input_polled ? 0 : -1;
		if (deadline >= 0) {
			long long left = deadline - mono_ms();
			if (left <= 0) {
				/* Orphans hold a pipe, or a sink is too slow: stop waiting, but let
				 * the log have what the pipes hold already. */
				stdio_salvage(m);
				break;
			}
			if (timeout < 0 || left < timeout)
				timeout = (int)left;
		}
		int r = poll(p.pfd, (nfds_t)p.n, timeout);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		bool input_seen = false;
		for (int i = 0; i < p.n; i++) {
			if (!p.pfd[i].revents)
				continue;
			if ((p.kind[i] == K_CLIENT || p.kind[i] == K_STDIN_PATH) &&
			    (p.pfd[i].revents & POLLIN))
				input_seen = true;
			dispatch(m, p.kind[i], p.idx[i], p.pfd[i].fd, p.pfd[i].revents);
		}
		if (m->close_stdin_pending && p.input_polled && !input_seen && m->in_len == 0) {
			m->close_stdin_pending = false;
			stdio_close_stdin(m);
		}
	}
}
