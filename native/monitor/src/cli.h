/* Command line of berth-monitor. */
#ifndef BERTH_CLI_H
#define BERTH_CLI_H

#include <stdbool.h>

struct cli {
	const char *id;
	const char *bundle;	   /* absolute */
	const char *runtime;	   /* path or name looked up in $PATH */
	const char *runtime_root;  /* NULL: the runtime's default */
	const char *exit_file;	   /* absolute */
	const char *log_file;	   /* absolute */
	const char *attach_socket; /* NULL: no attach */
	const char *pidfile;	   /* NULL: none */
	long long log_max_size;	   /* 0: no rotation */
	int log_max_files;	   /* files kept, counting the live one (docker max-file) */
	int sync_fd;		   /* -1: none */
	bool terminal;
	bool stdin_open; /* keep the container's stdin open (docker -i) */
	bool stdin_once; /* close the container's stdin when an attach client sends EOF */
	bool detach;
};

/* Parse argv into c; prints usage and exits 2 on a bad command line. */
void cli_parse(struct cli *c, int argc, char **argv);

#endif
