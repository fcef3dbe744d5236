#include "exit.h"

#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>

#include "sync_pipe.h"
#include "util.h"

void exit_reap(struct monitor *m)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid <= 0)
			return;
		if (pid != m->init_pid || m->exited)
			continue; /* an orphan of the container, reparented to us */
		m->exited = true;
		clock_gettime(CLOCK_REALTIME, &m->exited_at);
		if (WIFSIGNALED(status)) {
			m->exit_signal = WTERMSIG(status);
			m->exit_status = 128 + m->exit_signal;
		} else {
			m->exit_status = WEXITSTATUS(status);
		}
	}
}

void exit_fields(const struct monitor *m, char buf[EXIT_FIELDS_MAX])
{
	char ts[RFC3339_LEN];
	format_rfc3339(ts, &m->exited_at);
	int n = snprintf(buf, EXIT_FIELDS_MAX, "\"pid\":%d,\"exit_status\":%d,\"exited_at\":\"%s\"",
			 (int)m->init_pid, m->exit_status, ts);
	if (m->exit_signal)
		snprintf(buf + n, EXIT_FIELDS_MAX - (size_t)n, ",\"signal\":%d", m->exit_signal);
}

int exit_write(struct monitor *m, const char *fields)
{
	char line[EXIT_FIELDS_MAX + 4];
	int n = snprintf(line, sizeof line, "{%s}\n", fields);
	int r = write_file_atomic(m->opt.exit_file, line, (size_t)n);
	int err = errno;
	sync_exited(m, fields);
	errno = err;
	return r;
}
