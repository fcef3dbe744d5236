/* Running the OCI runtime (runc, crun) as a child of the monitor. */
#ifndef BERTH_RUNTIME_H
#define BERTH_RUNTIME_H

#include <stddef.h>
#include <sys/types.h>

#include "monitor.h"

/* "create", or "exec" with --exec: for messages. */
const char *runtime_verb(const struct monitor *m);
/* Container mode:
 *   `<runtime> [--root R] create --bundle B --pid-file B/init.pid [--console-socket S] ID`
 * with --exec:
 *   `<runtime> [--root R] exec --detach --process P --pid-file B/exec-EID.pid
 *                              [--console-socket S] ID`
 * with the given stdio. console_socket may be NULL. Returns the wait status, or -1.
 * Either way the process it leaves behind is reparented to us (we are a subreaper). */
int runtime_launch(const struct monitor *m, const char *console_socket, int in, int out, int err);
/* Undo a successful launch the monitor cannot follow through: `runtime delete -f ID` for a
 * container, SIGKILL for an exec'd process (still our child, so its pid cannot be reused). */
void runtime_abandon(const struct monitor *m);
/* Read the launch's pid file; 0 when missing or malformed. */
pid_t runtime_read_pid(const struct monitor *m);
/* The launch's pid file: <bundle>/init.pid, or <bundle>/exec-<EID>.pid with --exec. */
void runtime_pid_file(const struct monitor *m, char *buf, size_t cap);
/* Describe a failed wait status in buf ("exit status 1", "killed by signal 9"). */
void runtime_describe_status(int status, char *buf, size_t cap);

#endif
