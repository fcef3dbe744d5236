#include "sync_pipe.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "util.h"

static void send_line(struct monitor *m, const char *line, size_t len)
{
	if (m->sync_fd < 0)
		return;
	if (write_all(m->sync_fd, line, len) < 0) {
		close(m->sync_fd);
		m->sync_fd = -1;
	}
}

void sync_ready(struct monitor *m)
{
	static const char line[] = "{\"type\":\"ready\"}\n";
	send_line(m, line, sizeof line - 1);
}

void sync_launched(struct monitor *m, pid_t pid)
{
	char line[64];
	int n = snprintf(line, sizeof line, "{\"type\":\"%s\",\"pid\":%d}\n",
			 m->opt.exec_process ? "started" : "created", (int)pid);
	send_line(m, line, (size_t)n);
}

void sync_exited(struct monitor *m, const char *fields)
{
	char line[256];
	int n = snprintf(line, sizeof line, "{\"type\":\"exited\",%s}\n", fields);
	if (n > 0 && (size_t)n < sizeof line)
		send_line(m, line, (size_t)n);
}

void sync_fail(struct monitor *m, const char *kind, const char *fmt, ...)
{
	char msg[2048];
	char esc[8192];
	char line[8300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	void (*before)(struct monitor *) = m->before_fail;
	m->before_fail = NULL; /* once, even if it were to fail itself */
	if (before)
		before(m); /* first: whoever reads the error finds the files gone */
	/* trim trailing whitespace */
	size_t len = strlen(msg);
	while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' ' || msg[len - 1] == '\r'))
		msg[--len] = '\0';
	json_escape_buf(esc, sizeof esc, msg, len);
	int n = snprintf(line, sizeof line,
			 "{\"type\":\"error\",\"kind\":\"%s\",\"message\":\"%s\"}\n", kind, esc);
	if (m->sync_fd >= 0)
		send_line(m, line, (size_t)n);
	else
		fprintf(stderr, "berth-monitor: %s: %s\n", kind, msg);
	exit(1);
}

const char *sync_kind_of(const char *msg)
{
	static const char *const not_found[] = {"does not exist", "no such file or directory",
						"not found", "executable file not found"};
	static const char *const precondition[] = {"already exists", "not stopped",
						   "cannot start",   "not created",
						   "is paused",	     "already running"};
	for (size_t i = 0; i < sizeof not_found / sizeof not_found[0]; i++)
		if (strcasestr(msg, not_found[i]))
			return SYNC_KIND_NOT_FOUND;
	for (size_t i = 0; i < sizeof precondition / sizeof precondition[0]; i++)
		if (strcasestr(msg, precondition[i]))
			return SYNC_KIND_PRECONDITION;
	return SYNC_KIND_INTERNAL;
}
