/* Running the OCI runtime (runc, crun) as a child of the monitor. */
#ifndef BERTH_RUNTIME_H
#define BERTH_RUNTIME_H

#include <stddef.h>
#include <sys/types.h>

#include "monitor.h"

/* `<runtime> [--root R] create --bundle B --pid-file B/init.pid [--console-socket S] ID`
 * with the given stdio. console_socket may be NULL. Returns the wait status, or -1. */
int runtime_create(const struct monitor *m, const char *console_socket, int in, int out, int err);
/* `<runtime> [--root R] start ID`; its stdout and stderr go to err. Returns the wait status. */
int runtime_start(const struct monitor *m, int err);
/* `<runtime> [--root R] delete -f ID`, output discarded. Returns the wait status. */
int runtime_delete(const struct monitor *m);
/* Read <bundle>/init.pid; 0 when missing or malformed. */
pid_t runtime_read_pid(const struct monitor *m);
/* Describe a failed wait status in buf ("exit status 1", "killed by signal 9"). */
void runtime_describe_status(int status, char *buf, size_t cap);

#endif
