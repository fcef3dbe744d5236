#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

void daemon_close_inherited(struct monitor *m)
{
	int s = m->opt.sync_fd;
	if (s >= 0 && fcntl(s, F_GETFD) < 0)
		die("--sync-fd %d is not open", s);
	if (s > 3)
		close_range(3, (unsigned)s - 1, 0);
	if (s >= 3)
		close_range((unsigned)s + 1, ~0U, 0);
	else
		close_range(3, ~0U, 0);
	if (s >= 0)
		set_cloexec(s, true);
	m->sync_fd = s;
}

void daemon_detach(struct monitor *m)
{
	pid_t pid = fork();
	if (pid < 0)
		die_errno("fork");
	if (pid > 0) {
		int status = 0;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
	}
	if (setsid() < 0)
		die_errno("setsid");
	pid = fork();
	if (pid < 0)
		die_errno("fork");
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0)
		die_errno("chdir /");
	if (m->sync_fd >= 0 && m->sync_fd <= 2) {
		int fd = fcntl(m->sync_fd, F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			die_errno("dup sync fd");
		m->sync_fd = fd;
	}
	int null = open("/dev/null", O_RDWR);
	if (null < 0)
		die_errno("open /dev/null");
	for (int fd = 0; fd <= 2; fd++)
		dup2(null, fd);
	if (null > 2)
		close(null);
}

void daemon_write_pidfile(struct monitor *m)
{
	if (!m->opt.pidfile)
		return;
	char buf[24];
	int n = snprintf(buf, sizeof buf, "%d", (int)getpid());
	if (write_file_atomic(m->opt.pidfile, buf, (size_t)n) < 0)
		die_errno("write %s", m->opt.pidfile);
}
