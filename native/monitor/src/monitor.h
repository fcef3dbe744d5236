/* The one piece of state of berth-monitor: everything lives in struct monitor,
 * passed by pointer. Only self_pipe.c has file-scope variables (signal flags). */
#ifndef BERTH_MONITOR_H
#define BERTH_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "cli.h"

#define MAX_CLIENTS    16
#define LINE_MAX_BYTES (16 * 1024) /* docker splits log lines at 16 KiB */
#define OUT_BUF_BYTES  (32 * 1024)
#define READ_CHUNK     8192 /* one read of container output: one attach frame */
#define FRAME_HEADER   8    /* of an attach frame (attach.h) */
#define PENDING_MAX    (FRAME_HEADER + READ_CHUNK)
#define IN_BUF_BYTES   4096
#define CONTROL_LINE   128 /* longest control command; longer lines are malformed */

/* Values match the attach frame's stream byte minus one (see attach.h). */
enum stream { STREAM_STDOUT = 0, STREAM_STDERR = 1 };

struct line_buf {
	size_t len;
	char data[LINE_MAX_BYTES];
};

struct log_file {
	int fd;
	long long size; /* bytes in the current file */
	size_t out_len; /* bytes pending in out[] */
	char out[OUT_BUF_BYTES];
};

/* The unsent rest of the one frame or chunk a sink could not take whole (pending.h). */
struct pending {
	char *buf;	 /* PENDING_MAX bytes, malloc'd on first need; NULL until then */
	size_t off, len; /* len 0: nothing pending */
};

struct client {
	int fd;		 /* -1: free slot */
	bool stdin_done; /* sent EOF (shutdown(SHUT_WR)): still gets output, no longer read */
	struct pending out;
};

struct control {
	int fd;	   /* the --control FIFO, -1 if none */
	bool skip; /* discarding the rest of an over-long line */
	size_t len;
	char line[CONTROL_LINE];
};

struct monitor {
	struct cli opt;
	/* Called by sync_fail before it reports and exits: with --wait-start the monitor has
	 * already served attach clients and the control FIFO, so it must not leave them behind
	 * for a process that never ran. NULL: nothing to do (the caller cleans up). */
	void (*before_fail)(struct monitor *m);
	int sync_fd;	 /* -1 when absent or closed by the reader */
	int sig_rd;	 /* self-pipe read end */
	int out_fd;	 /* container stdout pipe, or the pty master */
	int err_fd;	 /* container stderr pipe, -1 with a terminal */
	int in_fd;	 /* container stdin (pipe write end or pty master), -1 if none */
	int attach_fd;	 /* listening attach socket, -1 if none */
	int path_out[2]; /* --stdout-path / --stderr-path by enum stream; -1: none or given up */
	int path_in;	 /* --stdin-path, -1 if none */
	/* The FIFO had a reader when opened (O_WRONLY): output waits for it (back-pressure).
	 * False for the O_RDWR fallback, which nobody may ever read, and for plain files. */
	bool path_waits[2];
	struct pending path_pend[2];
	struct control ctl;
	struct client clients[MAX_CLIENTS];
	pid_t init_pid; /* the container's init, or the exec'd process with --exec */
	/* --wait-start: everything is set up but the exec has not been launched. The loop runs
	 * until "start" (start_asked) or SIGTERM/SIGINT (stop_asked) and returns. */
	bool waiting;
	bool start_asked;
	bool stop_asked;
	/* close-stdin arrived; done once the clients' and the stdin FIFO's pending input has
	 * reached the container (the control FIFO can overtake data still in their sockets). */
	bool close_stdin_pending;
	/* The last resize: one that came before the pty master is applied when it arrives. */
	bool have_winsize;
	unsigned short cols, rows;
	bool exited;
	int exit_status; /* 0-255, 128+signal when killed */
	int exit_signal; /* 0 when it exited normally */
	struct timespec exited_at;
	size_t in_len, in_off; /* pending bytes for the container's stdin */
	char in_buf[IN_BUF_BYTES];
	struct line_buf lines[2];
	struct log_file log;
};

#endif
