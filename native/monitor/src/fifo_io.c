#include "fifo_io.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pending.h"
#include "util.h"

/* A FIFO the client may not have opened for reading yet: O_WRONLY|O_NONBLOCK fails with
 * ENXIO then, so hold a read end ourselves (O_RDWR) and let the pipe buffer what it can.
 * Only a FIFO that had its reader gets back-pressure (*waits): the fallback one may never be
 * read, and must not stall the container. Anything else (or nothing yet) is a log file to
 * append to. */
static int open_output(const char *path, bool *waits)
{
	struct stat st;
	*waits = false;
	if (stat(path, &st) < 0 || !S_ISFIFO(st.st_mode))
		return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0)
		*waits = true;
	else if (errno == ENXIO)
		fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	return fd;
}

const char *fifo_io_open(struct monitor *m)
{
	const char *out[2] = {m->opt.stdout_path, m->opt.stderr_path};
	m->path_out[STREAM_STDOUT] = m->path_out[STREAM_STDERR] = m->path_in = -1;
	for (int s = 0; s < 2; s++)
		if (out[s] && (m->path_out[s] = open_output(out[s], &m->path_waits[s])) < 0)
			return out[s];
	if (m->opt.stdin_path) {
		m->path_in = open(m->opt.stdin_path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (m->path_in < 0)
			return m->opt.stdin_path;
	}
	return NULL;
}

/* The reader has gone (EPIPE) or the file failed: stop writing there. */
static void give_up(struct monitor *m, enum stream s)
{
	close(m->path_out[s]);
	m->path_out[s] = -1;
	pending_free(&m->path_pend[s]);
}

void fifo_io_write(struct monitor *m, enum stream s, const char *data, size_t len)
{
	int fd = m->path_out[s];
	if (fd < 0)
		return;
	if (m->path_waits[s]) {
		/* Still busy with the last chunk: only in the salvage after the drain deadline
		 * (stdio_salvage), as output is not read otherwise; this chunk is dropped. */
		if (pending_has(&m->path_pend[s]))
			return;
		struct iovec iov = {(void *)data, len};
		if (pending_write(&m->path_pend[s], fd, &iov, 1) >= 0)
			return; /* written, or the rest waits for the reader */
	} else if (write_all(fd, data, len) == 0 || errno == EAGAIN) {
		return; /* written, or the fallback FIFO is full: the rest is dropped */
	}
	give_up(m, s);
}

void fifo_io_on_writable(struct monitor *m, enum stream s)
{
	if (m->path_out[s] >= 0 && pending_flush(&m->path_pend[s], m->path_out[s]) < 0)
		give_up(m, s);
}

bool fifo_io_pending(const struct monitor *m)
{
	for (int s = 0; s < 2; s++)
		if (m->path_out[s] >= 0 && pending_has(&m->path_pend[s]))
			return true;
	return false;
}

void fifo_io_close(struct monitor *m)
{
	/* Pending bytes here mean the drain phase gave up on a slow reader: one last try. */
	for (int s = 0; s < 2; s++) {
		fifo_io_on_writable(m, s);
		pending_free(&m->path_pend[s]);
	}
	int *fds[] = {&m->path_out[STREAM_STDOUT], &m->path_out[STREAM_STDERR], &m->path_in};
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}
