/* Command line of berth-monitor (the contract is in main.c and README.md). */
#ifndef BERTH_CLI_H
#define BERTH_CLI_H

#include <stdbool.h>

struct cli {
	const char *id;
	const char *bundle;	   /* absolute */
	const char *runtime;	   /* path or name looked up in $PATH */
	const char *runtime_root;  /* NULL: the runtime's default */
	const char *exec_process;  /* --exec: process.json for `runtime exec`; NULL: create */
	const char *exec_id;	   /* --exec-id, set exactly when exec_process is */
	const char *exit_file;	   /* absolute */
	const char *log_file;	   /* NULL: no log */
	const char *attach_socket; /* NULL: no attach */
	const char *control;	   /* NULL: no control FIFO */
	const char *stdin_path;	   /* NULL: none; implies stdin_open */
	const char *stdout_path;   /* NULL: none */
	const char *stderr_path;   /* NULL: none */
	const char *pidfile;	   /* NULL: none */
	long long log_max_size;	   /* 0: no rotation */
	int log_max_files;	   /* files kept, counting the live one (docker max-file) */
	int sync_fd;		   /* -1: none */
	bool terminal;
	bool stdin_open; /* keep the container's stdin open (docker -i) */
	bool stdin_once; /* close the container's stdin when an attach client sends EOF */
	bool detach;
	bool wait_start; /* --exec only: set up, report "ready", run the exec on "start" */
};

/* Parse argv into c; prints usage and exits 2 on a bad command line. */
void cli_parse(struct cli *c, int argc, char **argv);

#endif
