/* Messages from berth-monitor to the process that started it, on --sync-fd.
 *
 * One JSON object per line ("\n"-terminated), written with a single write(2).
 * Mirror this as a TS type in libs/runtime.
 *
 *   {"type":"ready"}
 *       --exec --wait-start: set up (attach socket listening, control FIFO open, stdio
 *       prepared) and waiting for "start" on the control FIFO; no process yet.
 *   {"type":"created","pid":P}
 *       container mode: `runtime create` succeeded; P is the container's init pid (read from
 *       <bundle>/init.pid). The container is not started: the caller runs `runtime start ID`.
 *   {"type":"started","pid":P}
 *       --exec mode: `runtime exec --detach` succeeded; P is the exec'd process's pid (read
 *       from <bundle>/exec-<EID>.pid). With --wait-start it follows "ready", after "start".
 *   {"type":"error","kind":K,"message":M}
 *       create/exec or the monitor's own setup failed; K is "NotFound" |
 *       "FailedPrecondition" | "Internal" (errdefs names), M is the runtime's stderr
 *       (trimmed) or the monitor's own reason. The monitor exits with status 1 right after.
 *       When the runtime succeeded but the monitor could not take over (no pty master, no
 *       pid file) it has already run `runtime delete -f ID` (container) or SIGKILLed the
 *       exec'd process. With --wait-start, an error after "ready" (a failed "start") comes
 *       after the monitor closed its attach clients and removed --attach-socket/--control.
 *   {"type":"exited","pid":P,"exit_status":N,"exited_at":T[,"signal":S]}
 *       the process was reaped, its output drained and the exit file written; same fields
 *       as the exit file. Best effort: a reader that has gone away misses it, the exit file
 *       is the record.
 *
 * Nothing else is ever written on the fd. Writes ignore EPIPE (SIGPIPE is ignored). */
#ifndef BERTH_SYNC_PIPE_H
#define BERTH_SYNC_PIPE_H

#include <stddef.h>
#include <sys/types.h>

#include "monitor.h"

#define SYNC_KIND_NOT_FOUND    "NotFound"
#define SYNC_KIND_PRECONDITION "FailedPrecondition"
#define SYNC_KIND_INTERNAL     "Internal"

/* Report {"type":"ready"} (--wait-start, before "start"). */
void sync_ready(struct monitor *m);
/* Report "created" (container mode) or "started" (--exec) with the process's pid. */
void sync_launched(struct monitor *m, pid_t pid);
/* Report {"type":"exited",...}: the body is the exit-file JSON without braces. */
void sync_exited(struct monitor *m, const char *fields);
/* Run m->before_fail if set, report an error of the given kind and exit(1). */
_Noreturn void sync_fail(struct monitor *m, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Pick NotFound / FailedPrecondition / Internal from a runtime error message. */
const char *sync_kind_of(const char *runtime_message);

#endif
