#include "stdio.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "attach.h"
#include "fdpass.h"
#include "fifo_io.h"
#include "logfile.h"
#include "util.h"

#define CONSOLE_TIMEOUT_MS 10000
#define READ_ROUNDS	   8   /* chunks per wake-up, so one busy stream cannot starve the rest */
#define SALVAGE_ROUNDS	   128 /* 1 MiB: more than a pipe holds, bounded against orphans */

void stdio_capture_pipe(int p[2])
{
	if (pipe2(p, O_CLOEXEC) < 0)
		die_errno("pipe2");
	set_nonblock(p[0], true);
}

static int open_null(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die_errno("open /dev/null");
	return fd;
}

static void console_listen(struct child_stdio *cs)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !tmp[0] || strlen(tmp) > 32)
		tmp = "/tmp";
	snprintf(cs->console_dir, sizeof cs->console_dir, "%s/berth-console-XXXXXX", tmp);
	if (!mkdtemp(cs->console_dir))
		die_errno("mkdtemp %s", cs->console_dir);
	snprintf(cs->console_path, sizeof cs->console_path, "%s/console.sock", cs->console_dir);

	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(addr.sun_path, sizeof addr.sun_path, "%s", cs->console_path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 1) < 0)
		die_errno("console socket %s", cs->console_path);
	cs->console_listen = fd;
}

void stdio_setup(struct monitor *m, struct child_stdio *cs)
{
	int p[2];
	memset(cs, 0, sizeof *cs);
	cs->console_listen = -1;
	m->out_fd = m->err_fd = m->in_fd = -1;
	if (m->opt.terminal) {
		console_listen(cs);
		stdio_capture_pipe(p);
		cs->capture = p[0];
		cs->out = cs->err = p[1];
		cs->in = open_null();
		return;
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		die_errno("pipe2");
	m->out_fd = p[0];
	cs->out = p[1];
	if (pipe2(p, O_CLOEXEC) < 0)
		die_errno("pipe2");
	m->err_fd = p[0];
	cs->err = p[1];
	cs->capture = m->err_fd;
	set_nonblock(m->out_fd, true);
	set_nonblock(m->err_fd, true);
	if (m->opt.stdin_open) {
		if (pipe2(p, O_CLOEXEC) < 0)
			die_errno("pipe2");
		cs->in = p[0];
		m->in_fd = p[1];
		set_nonblock(m->in_fd, true);
	} else {
		cs->in = open_null();
	}
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void stdio_cleanup(struct child_stdio *cs)
{
	if (cs->out == cs->err)
		cs->err = -1;
	close_fd(&cs->in);
	close_fd(&cs->out);
	close_fd(&cs->err);
	close_fd(&cs->console_listen);
	if (cs->console_path[0]) {
		unlink(cs->console_path);
		rmdir(cs->console_dir);
		cs->console_path[0] = '\0';
	}
}

int stdio_after_launch(struct monitor *m, struct child_stdio *cs, char *why, size_t cap)
{
	if (!m->opt.terminal) {
		stdio_cleanup(cs);
		return 0;
	}
	/* runc connected and sent the master before create/exec returned: it waits in the
	 * backlog. */
	struct pollfd pfd = {.fd = cs->console_listen, .events = POLLIN};
	int r;
	do
		r = poll(&pfd, 1, CONSOLE_TIMEOUT_MS);
	while (r < 0 && errno == EINTR);
	if (r <= 0) {
		snprintf(why, cap, "the runtime did not connect to the console socket");
		stdio_cleanup(cs);
		return -1;
	}
	int conn = accept4(cs->console_listen, NULL, NULL, SOCK_CLOEXEC);
	int master = conn < 0 ? -1 : recv_fd(conn, NULL, 0);
	int err = errno;
	if (conn >= 0)
		close(conn);
	stdio_cleanup(cs);
	if (master < 0) {
		snprintf(why, cap, "receiving the pty master: %s", strerror(err));
		return -1;
	}
	set_nonblock(master, true);
	m->out_fd = master;
	m->in_fd = master;
	/* Asked for while waiting for "start" (--wait-start), before there was a pty. Input
	 * held meanwhile goes out from the loop (in_len > 0 polls in_fd). */
	if (m->have_winsize)
		stdio_resize(m, m->cols, m->rows);
	return 0;
}

/* A --wait-start exec with --terminal before it runs: its stdin is a pty still to come, so
 * input is held in in_buf (one buffer; the rest waits in the sources) instead of dropped. */
static bool pty_to_come(const struct monitor *m)
{
	return m->waiting && m->opt.terminal && m->in_fd < 0;
}

bool stdio_output_blocked(const struct monitor *m)
{
	return attach_pending(m) || fifo_io_pending(m);
}

/* Read up to rounds chunks of stream s and hand each to every sink. Normally reading stops
 * as soon as a sink could not take a chunk whole (back-pressure); the salvage reads on, and
 * the busy sinks miss what it reads. */
static void pump(struct monitor *m, enum stream s, int rounds, bool salvage)
{
	int *fd = s == STREAM_STDOUT ? &m->out_fd : &m->err_fd;
	char buf[READ_CHUNK];
	for (; rounds > 0 && *fd >= 0 && (salvage || !stdio_output_blocked(m)); rounds--) {
		ssize_t n = read(*fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		/* EOF, or EIO once the pty slave is gone */
		if (n <= 0) {
			if (m->in_fd == *fd) { /* the pty: pending input has nowhere to go */
				m->in_fd = -1;
				m->in_len = m->in_off = 0;
			}
			close_fd(fd);
			logfile_flush_partial(m, s);
			return;
		}
		attach_broadcast(m, s, buf, (size_t)n);
		fifo_io_write(m, s, buf, (size_t)n);
		logfile_feed(m, s, buf, (size_t)n);
	}
}

void stdio_on_readable(struct monitor *m, enum stream s)
{
	pump(m, s, READ_ROUNDS, false);
}

void stdio_salvage(struct monitor *m)
{
	pump(m, STREAM_STDOUT, SALVAGE_ROUNDS, true);
	pump(m, STREAM_STDERR, SALVAGE_ROUNDS, true);
}

ssize_t stdio_read_input(struct monitor *m, int fd)
{
	ssize_t n;
	do
		n = read(fd, m->in_buf, sizeof m->in_buf);
	while (n < 0 && errno == EINTR);
	if (n > 0 && (m->in_fd >= 0 || pty_to_come(m))) {
		m->in_len = (size_t)n;
		m->in_off = 0;
		stdio_flush_stdin(m);
	}
	return n;
}

void stdio_flush_stdin(struct monitor *m)
{
	if (pty_to_come(m))
		return;
	while (m->in_off < m->in_len) {
		if (m->in_fd < 0) {
			m->in_len = m->in_off = 0;
			return;
		}
		ssize_t n = write(m->in_fd, m->in_buf + m->in_off, m->in_len - m->in_off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) { /* EPIPE: the container closed its stdin */
			if (m->in_fd != m->out_fd)
				close(m->in_fd);
			m->in_fd = -1;
			continue;
		}
		m->in_off += (size_t)n;
	}
	m->in_len = m->in_off = 0;
}

void stdio_close_stdin(struct monitor *m)
{
	bool to_come = pty_to_come(m);
	if (m->in_fd < 0 && !to_come)
		return;
	if (m->in_fd == m->out_fd || to_come) {
		/* A pty has no half-close: the line discipline turns VEOF into the reader's EOF
		 * (at the start of a line; mid-line it only pushes the line out). Before the pty
		 * exists, the ^D queues behind the input held for it (4: the default VEOF). */
		struct termios t;
		char eof = !to_come && tcgetattr(m->in_fd, &t) == 0 ? (char)t.c_cc[VEOF] : 4;
		if (m->in_len + 1 <= sizeof m->in_buf)
			m->in_buf[m->in_len++] = eof;
		stdio_flush_stdin(m);
		return;
	}
	stdio_flush_stdin(m);
	close(m->in_fd);
	m->in_fd = -1;
	m->in_len = m->in_off = 0;
}

void stdio_resize(struct monitor *m, unsigned short cols, unsigned short rows)
{
	struct winsize ws = {.ws_row = rows, .ws_col = cols};
	/* Kept for a pty that does not exist yet (--wait-start); stdio_after_launch applies it. */
	m->have_winsize = true;
	m->cols = cols;
	m->rows = rows;
	if (m->opt.terminal && m->out_fd >= 0 && ioctl(m->out_fd, TIOCSWINSZ, &ws) < 0)
		fprintf(stderr, "berth-monitor: resize: %s\n", strerror(errno));
}
