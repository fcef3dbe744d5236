/* berth-monitor: one small process per container (conmon-like). Parse the command line,
 * detach, run `runtime create` + `runtime start`, report on the sync pipe, then hold the
 * container's stdio, write its log, serve attach, reap, and record the exit status. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "attach.h"
#include "cli.h"
#include "daemon.h"
#include "exit.h"
#include "logfile.h"
#include "loop.h"
#include "monitor.h"
#include "runtime.h"
#include "self_pipe.h"
#include "stdio.h"
#include "sync_pipe.h"
#include "util.h"

/* Fail with the runtime's own words when it left any, else with its exit status. */
static _Noreturn void runtime_failed(struct monitor *m, const char *what, int status, int capture)
{
	char msg[2048];
	char desc[64];
	size_t len = read_available(capture, msg, sizeof msg);
	runtime_describe_status(status, desc, sizeof desc);
	if (len == 0)
		sync_fail(m, SYNC_KIND_INTERNAL, "%s %s: %s", m->opt.runtime, what, desc);
	sync_fail(m, sync_kind_of(msg), "%s %s: %s", m->opt.runtime, what, msg);
}

static void setup(struct monitor *m)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/config.json", m->opt.bundle);
	if (access(path, R_OK) < 0)
		sync_fail(m, errno == ENOENT ? SYNC_KIND_NOT_FOUND : SYNC_KIND_INTERNAL,
			  "bundle %s: config.json: %s", m->opt.bundle, strerror(errno));
	if (logfile_open(m) < 0)
		sync_fail(m, SYNC_KIND_INTERNAL, "log file %s: %s", m->opt.log_file,
			  strerror(errno));
	if (attach_setup(m) < 0)
		sync_fail(m, SYNC_KIND_INTERNAL, "attach socket %s: %s", m->opt.attach_socket,
			  strerror(errno));
}

static void start_container(struct monitor *m)
{
	struct child_stdio cs;
	char why[256];
	stdio_setup(m, &cs);
	int status =
		runtime_create(m, m->opt.terminal ? cs.console_path : NULL, cs.in, cs.out, cs.err);
	if (status != 0) {
		stdio_cleanup(&cs);
		runtime_failed(m, "create", status, cs.capture);
	}
	if (cs.capture != m->err_fd)
		close(cs.capture);
	if (stdio_after_create(m, &cs, why, sizeof why) < 0) {
		runtime_delete(m);
		sync_fail(m, SYNC_KIND_INTERNAL, "%s", why);
	}
	m->init_pid = runtime_read_pid(m);
	if (m->init_pid <= 0) {
		runtime_delete(m);
		sync_fail(m, SYNC_KIND_INTERNAL, "%s create left no pid in %s/init.pid",
			  m->opt.runtime, m->opt.bundle);
	}
	int cap[2];
	stdio_capture_pipe(cap);
	status = runtime_start(m, cap[1]);
	close(cap[1]);
	if (status != 0) {
		runtime_delete(m);
		runtime_failed(m, "start", status, cap[0]);
	}
	close(cap[0]);
	sync_started(m, m->init_pid);
}

int main(int argc, char **argv)
{
	struct monitor *m = calloc(1, sizeof *m);
	if (!m)
		die("out of memory");
	cli_parse(&m->opt, argc, argv);
	m->sync_fd = m->opt.sync_fd;
	m->out_fd = m->err_fd = m->in_fd = m->attach_fd = -1;
	m->log.fd = -1;
	daemon_close_inherited(m);
	if (m->opt.detach)
		daemon_detach(m);
	daemon_write_pidfile(m);
	m->sig_rd = self_pipe_setup();
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		sync_fail(m, SYNC_KIND_INTERNAL, "PR_SET_CHILD_SUBREAPER: %s", strerror(errno));

	setup(m);
	start_container(m);
	loop_run(m);

	logfile_flush_partial(m, STREAM_STDOUT);
	logfile_flush_partial(m, STREAM_STDERR);
	logfile_close(m);
	attach_close(m);
	if (!m->exited) /* drained past the deadline without an exit: cannot happen, be safe */
		return 1;
	if (exit_write(m) < 0) {
		fprintf(stderr, "berth-monitor: write %s: %s\n", m->opt.exit_file, strerror(errno));
		return 1;
	}
	return 0;
}
