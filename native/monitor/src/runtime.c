#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "self_pipe.h"
#include "util.h"

#define MAX_ARGS 16

const char *runtime_verb(const struct monitor *m)
{
	return m->opt.exec_process ? "exec" : "create";
}

void runtime_pid_file(const struct monitor *m, char *buf, size_t cap)
{
	if (m->opt.exec_id)
		snprintf(buf, cap, "%s/exec-%s.pid", m->opt.bundle, m->opt.exec_id);
	else
		snprintf(buf, cap, "%s/init.pid", m->opt.bundle);
}

/* Build "<runtime> [--root R] <args...>" into argv (NULL-terminated). */
static void build_argv(const struct monitor *m, const char **argv, const char *const *args)
{
	size_t n = 0;
	argv[n++] = m->opt.runtime;
	if (m->opt.runtime_root) {
		argv[n++] = "--root";
		argv[n++] = m->opt.runtime_root;
	}
	for (size_t i = 0; args[i] && n < MAX_ARGS - 1; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
}

/* Fork, wire stdio, exec; wait for the child and return its wait status. */
static int run(const struct monitor *m, const char *const *args, int in, int out, int err)
{
	const char *argv[MAX_ARGS];
	build_argv(m, argv, args);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		self_pipe_reset_child();
		if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
			_exit(127);
		execvp(argv[0], (char *const *)argv);
		dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return status;
}

int runtime_launch(const struct monitor *m, const char *console_socket, int in, int out, int err)
{
	char pidfile[PATH_MAX];
	const char *args[MAX_ARGS];
	size_t n = 0;
	runtime_pid_file(m, pidfile, sizeof pidfile);
	unlink(pidfile); /* a stale one would name some other process */
	if (m->opt.exec_process) {
		/* --detach: runc returns once the process runs; it stays ours through the
		 * subreaper, like the container's init after create. */
		args[n++] = "exec";
		args[n++] = "--detach";
		args[n++] = "--process";
		args[n++] = m->opt.exec_process;
	} else {
		args[n++] = "create";
		args[n++] = "--bundle";
		args[n++] = m->opt.bundle;
	}
	args[n++] = "--pid-file";
	args[n++] = pidfile;
	if (console_socket) {
		args[n++] = "--console-socket";
		args[n++] = console_socket;
	}
	args[n++] = m->opt.id;
	args[n] = NULL;
	return run(m, args, in, out, err);
}

void runtime_abandon(const struct monitor *m)
{
	if (m->opt.exec_process) {
		pid_t pid = runtime_read_pid(m);
		if (pid > 0)
			kill(pid, SIGKILL);
		return;
	}
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	const char *args[] = {"delete", "-f", m->opt.id, NULL};
	run(m, args, null, null, null);
	close(null);
}

pid_t runtime_read_pid(const struct monitor *m)
{
	char path[PATH_MAX];
	char buf[32];
	runtime_pid_file(m, path, sizeof path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	char *end;
	long pid = strtol(buf, &end, 10);
	if (end == buf || pid <= 0 || pid > INT_MAX)
		return 0;
	return (pid_t)pid;
}

void runtime_describe_status(int status, char *buf, size_t cap)
{
	if (status < 0)
		snprintf(buf, cap, "could not run the runtime");
	else if (WIFEXITED(status))
		snprintf(buf, cap, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, cap, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, cap, "wait status %d", status);
}
