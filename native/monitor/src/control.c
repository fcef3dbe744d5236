#include "control.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stdio.h"

int control_open(struct monitor *m)
{
	struct control *c = &m->ctl;
	c->fd = -1;
	c->len = 0;
	c->skip = false;
	if (!m->opt.control)
		return 0;
	if (unlink(m->opt.control) < 0 && errno != ENOENT)
		return -1;
	if (mkfifo(m->opt.control, 0600) < 0)
		return -1;
	c->fd = open(m->opt.control, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	return c->fd < 0 ? -1 : 0;
}

static void malformed(const char *line)
{
	fprintf(stderr, "berth-monitor: control: ignoring \"%.*s\"\n", CONTROL_LINE, line);
}

/* Parse "<cols> <rows>"; both 0-65535, nothing else on the line. */
static int parse_size(const char *p, unsigned short *cols, unsigned short *rows)
{
	unsigned long v[2];
	for (int i = 0; i < 2; i++) {
		char *end;
		while (*p == ' ')
			p++;
		if (*p < '0' || *p > '9') /* strtoul would take a sign or nothing */
			return -1;
		errno = 0;
		v[i] = strtoul(p, &end, 10);
		if (errno || v[i] > 65535)
			return -1;
		p = end;
	}
	while (*p == ' ')
		p++;
	if (*p)
		return -1;
	*cols = (unsigned short)v[0];
	*rows = (unsigned short)v[1];
	return 0;
}

static void run_line(struct monitor *m, char *line)
{
	size_t len = strlen(line);
	while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
		line[--len] = '\0';
	unsigned short cols, rows;
	if (m->opt.wait_start && strcmp(line, "start") == 0) {
		/* The loop returns to main, which launches; a repeated start is a no-op (the
		 * caller may retry a write it is unsure about). */
		if (m->waiting)
			m->start_asked = true;
	} else if (strcmp(line, "close-stdin") == 0)
		m->close_stdin_pending = true; /* see loop.c: after pending input */
	else if (strncmp(line, "resize ", 7) == 0 && parse_size(line + 7, &cols, &rows) == 0)
		stdio_resize(m, cols, rows);
	else
		malformed(line);
}

void control_on_readable(struct monitor *m)
{
	struct control *c = &m->ctl;
	char buf[512];
	ssize_t n;
	while ((n = read(c->fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (c->len < sizeof c->line - 1)
					c->line[c->len++] = buf[i];
				else if (!c->skip) { /* too long to be a command: say so once */
					c->line[c->len] = '\0';
					malformed(c->line);
					c->skip = true;
				}
				continue;
			}
			c->line[c->len] = '\0';
			if (!c->skip)
				run_line(m, c->line);
			c->len = 0;
			c->skip = false;
		}
	}
}

void control_close(struct monitor *m)
{
	if (m->ctl.fd < 0)
		return;
	close(m->ctl.fd);
	m->ctl.fd = -1;
	unlink(m->opt.control);
}
