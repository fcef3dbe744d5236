/* The event loop: signals (reaping), attach clients, control commands, container output,
 * and input for the container (attach clients, the stdin FIFO). */
#ifndef BERTH_LOOP_H
#define BERTH_LOOP_H

#include "monitor.h"

/* Run until the init process has exited and its output is drained (EOF on every stream and
 * every sink has taken all of it, or at most DRAIN_TIMEOUT after the exit, for orphans
 * that keep a pipe open or sinks that are too slow; then stdio_salvage).
 * While m->waiting (--wait-start, no process yet): until "start" on the control FIFO
 * (m->start_asked) or SIGTERM/SIGINT (m->stop_asked); clients are served meanwhile. */
void loop_run(struct monitor *m);

#endif
