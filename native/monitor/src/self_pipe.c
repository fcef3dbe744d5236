#include "self_pipe.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* The only file-scope state of the monitor: what a signal handler may touch. */
static volatile sig_atomic_t wr_fd = -1;
static volatile sig_atomic_t got_sigchld;
static volatile sig_atomic_t got_term;

/* Async-signal-safe; keeps errno. SIGTERM/SIGINT are noted for the loop, which only acts on
 * them before a --wait-start exec is launched: the monitor is not the container, the runtime
 * service kills containers through runc. SIGHUP only wakes the loop (a detached monitor has
 * no terminal to lose). */
static void on_signal(int sig)
{
	int saved = errno;
	if (sig == SIGCHLD)
		got_sigchld = 1;
	else if (sig == SIGTERM || sig == SIGINT)
		got_term = 1;
	if (wr_fd >= 0) {
		char c = (char)sig;
		ssize_t n = write(wr_fd, &c, 1);
		(void)n;
	}
	errno = saved;
}

int self_pipe_setup(void)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		die_errno("pipe2");
	wr_fd = p[1];

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	const int sigs[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP};
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigaction(sigs[i], &sa, NULL) < 0)
			die_errno("sigaction");
	signal(SIGPIPE, SIG_IGN);
	return p[0];
}

int self_pipe_drain(int rd)
{
	char buf[64];
	while (read(rd, buf, sizeof buf) > 0)
		;
	/* Flags, not the bytes read: a full pipe drops bytes but never a flag. */
	int got = (got_sigchld ? SELF_PIPE_CHLD : 0) | (got_term ? SELF_PIPE_TERM : 0);
	got_sigchld = 0;
	got_term = 0;
	return got;
}

void self_pipe_reset_child(void)
{
	const int sigs[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGPIPE};
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], SIG_DFL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}
