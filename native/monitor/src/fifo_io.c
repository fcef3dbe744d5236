#include "fifo_io.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* A FIFO the client may not have opened for reading yet: O_WRONLY|O_NONBLOCK fails with
 * ENXIO then, so hold a read end ourselves (O_RDWR) and let the pipe buffer what it can.
 * Anything else (or nothing yet) is a log file to append to. */
static int open_output(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0 || !S_ISFIFO(st.st_mode))
		return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENXIO)
		fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	return fd;
}

const char *fifo_io_open(struct monitor *m)
{
	const char *out[2] = {m->opt.stdout_path, m->opt.stderr_path};
	m->path_out[STREAM_STDOUT] = m->path_out[STREAM_STDERR] = m->path_in = -1;
	for (int s = 0; s < 2; s++)
		if (out[s] && (m->path_out[s] = open_output(out[s])) < 0)
			return out[s];
	if (m->opt.stdin_path) {
		m->path_in = open(m->opt.stdin_path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (m->path_in < 0)
			return m->opt.stdin_path;
	}
	return NULL;
}

void fifo_io_write(struct monitor *m, enum stream s, const char *data, size_t len)
{
	int *fd = &m->path_out[s];
	if (*fd < 0 || write_all(*fd, data, len) == 0 || errno == EAGAIN)
		return; /* written, or the FIFO is full: the rest of this chunk is dropped */
	close(*fd);
	*fd = -1;
}

void fifo_io_close(struct monitor *m)
{
	int *fds[] = {&m->path_out[STREAM_STDOUT], &m->path_out[STREAM_STDERR], &m->path_in};
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}
