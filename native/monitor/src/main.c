/* berth-monitor: one small process per container, or per exec'd process (conmon-like).
 * The contract with its caller (libs/runtime's TS types mirror it; README.md has examples):
 *
 * Modes
 *   container (default)  runs `runtime create --bundle B --pid-file B/init.pid
 *                        [--console-socket S] ID` and reports {"type":"created","pid":P}.
 *                        It never starts the container: the caller runs `runtime start ID`.
 *   --exec P --exec-id E runs `runtime exec --detach --process P --pid-file B/exec-E.pid
 *                        [--console-socket S] ID` and reports {"type":"started","pid":P}.
 *   --exec … --wait-start a prepared exec (docker/containerd: Exec registers, clients attach,
 *                        Start runs): all setup is done (detach, pidfile, subreaper, log,
 *                        attach socket, control FIFO, FIFO stdio, stdin pipe / console
 *                        socket), {"type":"ready"} is reported and the loop serves clients
 *                        with no process yet (stdin queues, resize is remembered for the pty).
 *                        "start" on the control FIFO runs the exec as above and reports
 *                        "started", or "error" and exit 1 after closing the clients and
 *                        removing --attach-socket/--control (no exit file: nothing ran); a
 *                        second "start" is ignored. SIGTERM/SIGINT before "start": the same
 *                        cleanup, exit 0, no exit file; after it they are ignored as always.
 *                        --wait-start without --exec is a usage error.
 *   Both with `--root R` when --runtime-root is given. The process left behind (init, or the
 *   exec'd process) is reparented to the monitor (a subreaper), which reaps it; if it dies
 *   before anyone starts it (`runtime delete -f`), that is an ordinary exit.
 *
 * Sync fd (--sync-fd N): JSON lines "ready" (--wait-start), "created" | "started", "error",
 *   "exited"; sync_pipe.h.
 * Exit file (--exit-file): {"pid":P,"exit_status":N,"exited_at":T[,"signal":S]} + "\n",
 *   written atomically after the output is drained; exit.h.
 * Log (--log-file, optional): docker json-file lines with max-size/max-file rotation;
 *   logfile.h.
 * Attach (--attach-socket): stdcopy frames out (1 stdout, 2 stderr, 3 exit record last),
 *   raw stdin in, a client's EOF ends only its input; attach.h.
 * Control (--control): FIFO created by the monitor; "resize <cols> <rows>", "close-stdin",
 *   "start" (--wait-start); control.h.
 * FIFO stdio (--stdin-path, --stdout-path, --stderr-path): client-made FIFOs (or a file for
 *   output) on top of log and attach; --stdin-path implies --stdin; fifo_io.h.
 *
 * The monitor exits 0 after writing the exit file (or on SIGTERM/SIGINT before a prepared
 * exec's "start"), 1 on a failure (reported on the sync fd when there is one), 2 on a bad
 * command line. It removes --attach-socket and --control when it exits normally, and with
 * --wait-start also after a failed "start"; after any other error the caller cleans up. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "attach.h"
#include "cli.h"
#include "control.h"
#include "daemon.h"
#include "exit.h"
#include "fifo_io.h"
#include "logfile.h"
#include "loop.h"
#include "monitor.h"
#include "runtime.h"
#include "self_pipe.h"
#include "stdio.h"
#include "sync_pipe.h"
#include "util.h"

/* Fail with the runtime's own words when it left any, else with its exit status. */
static _Noreturn void runtime_failed(struct monitor *m, int status, int capture)
{
	char msg[2048];
	char desc[64];
	const char *verb = runtime_verb(m);
	size_t len = read_available(capture, msg, sizeof msg);
	runtime_describe_status(status, desc, sizeof desc);
	if (len == 0)
		sync_fail(m, SYNC_KIND_INTERNAL, "%s %s: %s", m->opt.runtime, verb, desc);
	sync_fail(m, sync_kind_of(msg), "%s %s: %s", m->opt.runtime, verb, msg);
}

static void setup(struct monitor *m)
{
	char path[PATH_MAX];
	const char *failed;
	snprintf(path, sizeof path, "%s/config.json", m->opt.bundle);
	if (access(path, R_OK) < 0)
		sync_fail(m, errno == ENOENT ? SYNC_KIND_NOT_FOUND : SYNC_KIND_INTERNAL,
			  "bundle %s: config.json: %s", m->opt.bundle, strerror(errno));
	if (logfile_open(m) < 0)
		sync_fail(m, SYNC_KIND_INTERNAL, "log file %s: %s", m->opt.log_file,
			  strerror(errno));
	if ((failed = fifo_io_open(m)))
		sync_fail(m, errno == ENOENT ? SYNC_KIND_NOT_FOUND : SYNC_KIND_INTERNAL, "%s: %s",
			  failed, strerror(errno));
	if (control_open(m) < 0)
		sync_fail(m, SYNC_KIND_INTERNAL, "control FIFO %s: %s", m->opt.control,
			  strerror(errno));
	if (attach_setup(m) < 0)
		sync_fail(m, SYNC_KIND_INTERNAL, "attach socket %s: %s", m->opt.attach_socket,
			  strerror(errno));
}

/* create or exec with the stdio prepared in cs; on success the process waits (init) or runs
 * (exec) as our child. */
static void launch(struct monitor *m, struct child_stdio *cs)
{
	char why[256];
	int status =
		runtime_launch(m, m->opt.terminal ? cs->console_path : NULL, cs->in, cs->out, cs->err);
	if (status != 0) {
		stdio_cleanup(cs);
		runtime_failed(m, status, cs->capture);
	}
	if (cs->capture != m->err_fd)
		close(cs->capture);
	if (stdio_after_launch(m, cs, why, sizeof why) < 0) {
		runtime_abandon(m);
		sync_fail(m, SYNC_KIND_INTERNAL, "%s", why);
	}
	m->init_pid = runtime_read_pid(m);
	if (m->init_pid <= 0) {
		char pidfile[PATH_MAX];
		runtime_pid_file(m, pidfile, sizeof pidfile);
		runtime_abandon(m);
		sync_fail(m, SYNC_KIND_INTERNAL, "%s %s left no pid in %s", m->opt.runtime,
			  runtime_verb(m), pidfile);
	}
	sync_launched(m, m->init_pid);
}

/* What the caller would otherwise find left behind by a monitor whose exec never ran. */
static void release_endpoints(struct monitor *m)
{
	attach_close(m, NULL);
	control_close(m);
}

/* --wait-start: report "ready" and serve clients until "start" (true: launch now) or
 * SIGTERM/SIGINT (false: everything is cleaned up, exit 0 without an exit file). */
static bool wait_for_start(struct monitor *m, struct child_stdio *cs)
{
	m->before_fail = release_endpoints; /* a failed start must not leave them either */
	m->waiting = true;
	sync_ready(m);
	loop_run(m);
	m->waiting = false;
	if (!m->stop_asked)
		return true;
	release_endpoints(m);
	stdio_cleanup(cs); /* the console socket's temporary directory */
	return false;
}

int main(int argc, char **argv)
{
	struct monitor *m = calloc(1, sizeof *m);
	if (!m)
		die("out of memory");
	cli_parse(&m->opt, argc, argv);
	m->sync_fd = m->opt.sync_fd;
	m->out_fd = m->err_fd = m->in_fd = m->attach_fd = m->path_in = m->ctl.fd = -1;
	m->path_out[STREAM_STDOUT] = m->path_out[STREAM_STDERR] = -1;
	m->log.fd = -1;
	daemon_close_inherited(m);
	if (m->opt.detach)
		daemon_detach(m);
	daemon_write_pidfile(m);
	m->sig_rd = self_pipe_setup();
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		sync_fail(m, SYNC_KIND_INTERNAL, "PR_SET_CHILD_SUBREAPER: %s", strerror(errno));

	setup(m);
	struct child_stdio cs;
	stdio_setup(m, &cs);
	if (m->opt.wait_start && !wait_for_start(m, &cs))
		return 0;
	launch(m, &cs);
	m->before_fail = NULL; /* from here on, failures are the exit path's (and exit 1) */
	loop_run(m);

	logfile_flush_partial(m, STREAM_STDOUT);
	logfile_flush_partial(m, STREAM_STDERR);
	logfile_close(m);
	fifo_io_close(m);
	control_close(m);
	if (!m->exited) { /* drained past the deadline without an exit: cannot happen, be safe */
		attach_close(m, NULL);
		return 1;
	}
	/* The exit file first: it is the record, and clients may be slow to take their frame. */
	char fields[EXIT_FIELDS_MAX];
	exit_fields(m, fields);
	int r = exit_write(m, fields);
	int err = errno;
	attach_close(m, fields);
	if (r < 0) {
		fprintf(stderr, "berth-monitor: write %s: %s\n", m->opt.exit_file, strerror(err));
		return 1;
	}
	return 0;
}
