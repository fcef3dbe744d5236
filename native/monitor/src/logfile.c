#include "logfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "util.h"

static void out_flush(struct log_file *l)
{
	if (l->out_len && l->fd >= 0 && write_all(l->fd, l->out, l->out_len) == 0)
		l->size += (long long)l->out_len;
	l->out_len = 0;
}

static int out_sink(void *ctx, const char *s, size_t len)
{
	struct log_file *l = ctx;
	while (len > 0) {
		if (l->out_len == sizeof l->out)
			out_flush(l);
		size_t n = sizeof l->out - l->out_len;
		if (n > len)
			n = len;
		memcpy(l->out + l->out_len, s, n);
		l->out_len += n;
		s += n;
		len -= n;
	}
	return 0;
}

static int reopen(struct monitor *m, int flags)
{
	struct log_file *l = &m->log;
	if (l->fd >= 0)
		close(l->fd);
	l->fd = open(m->opt.log_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | flags, 0640);
	l->size = 0;
	if (l->fd < 0)
		return -1;
	struct stat st;
	if (fstat(l->fd, &st) == 0)
		l->size = st.st_size;
	return 0;
}

int logfile_open(struct monitor *m)
{
	m->log.fd = -1;
	return m->opt.log_file ? reopen(m, 0) : 0;
}

void logfile_close(struct monitor *m)
{
	out_flush(&m->log);
	if (m->log.fd >= 0)
		close(m->log.fd);
	m->log.fd = -1;
}

/* docker's order: file.(N-2) → file.(N-1) … file → file.1; with one file, truncate. */
static void rotate(struct monitor *m)
{
	const char *name = m->opt.log_file;
	int keep = m->opt.log_max_files;
	char from[PATH_MAX], to[PATH_MAX];
	if (keep <= 1) {
		reopen(m, O_TRUNC);
		return;
	}
	for (int i = keep - 1; i > 1; i--) {
		snprintf(from, sizeof from, "%s.%d", name, i - 1);
		snprintf(to, sizeof to, "%s.%d", name, i);
		if (rename(from, to) < 0 && errno != ENOENT)
			break;
	}
	snprintf(to, sizeof to, "%s.1", name);
	rename(name, to);
	reopen(m, O_TRUNC);
}

static void write_line(struct monitor *m, enum stream s, const char *data, size_t len)
{
	struct log_file *l = &m->log;
	if (l->fd < 0)
		return;
	if (m->opt.log_max_size > 0 && l->size >= m->opt.log_max_size)
		rotate(m);
	struct timespec now;
	char ts[RFC3339_LEN];
	char tail[96];
	clock_gettime(CLOCK_REALTIME, &now);
	format_rfc3339(ts, &now);
	int n = snprintf(tail, sizeof tail, "\",\"stream\":\"%s\",\"time\":\"%s\"}\n",
			 s == STREAM_STDOUT ? "stdout" : "stderr", ts);
	out_sink(l, "{\"log\":\"", 8);
	json_escape(out_sink, l, data, len);
	out_sink(l, tail, (size_t)n);
	out_flush(l); /* one line at a time: readers following the file see whole lines */
}

void logfile_feed(struct monitor *m, enum stream s, const char *data, size_t len)
{
	struct line_buf *b = &m->lines[s];
	if (m->log.fd < 0)
		return; /* no --log-file (or it could not be reopened after a rotation) */
	while (len > 0) {
		const char *nl = memchr(data, '\n', len);
		size_t take = nl ? (size_t)(nl - data) + 1 : len;
		if (b->len == 0 && nl && take <= LINE_MAX_BYTES) { /* whole line, no copy */
			write_line(m, s, data, take);
		} else {
			size_t room = LINE_MAX_BYTES - b->len;
			if (take > room)
				take = room;
			memcpy(b->data + b->len, data, take);
			b->len += take;
			if (b->data[b->len - 1] == '\n' || b->len == LINE_MAX_BYTES) {
				write_line(m, s, b->data, b->len);
				b->len = 0;
			}
		}
		data += take;
		len -= take;
	}
}

void logfile_flush_partial(struct monitor *m, enum stream s)
{
	struct line_buf *b = &m->lines[s];
	if (b->len) {
		write_line(m, s, b->data, b->len);
		b->len = 0;
	}
}
