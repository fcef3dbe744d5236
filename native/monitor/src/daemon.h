/* Detaching from the caller and from inherited file descriptors. */
#ifndef BERTH_DAEMON_H
#define BERTH_DAEMON_H

#include "monitor.h"

/* Close every inherited fd above 2 except --sync-fd, and make that one close-on-exec. */
void daemon_close_inherited(struct monitor *m);
/* Double fork: the caller's process exits once the intermediate child has forked the
 * monitor proper, which runs in a new session with stdio on /dev/null and cwd "/". */
void daemon_detach(struct monitor *m);
/* Write our pid to --pidfile (atomically), if asked. Dies on failure. */
void daemon_write_pidfile(struct monitor *m);

#endif
