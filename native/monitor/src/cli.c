#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: berth-monitor --id ID --bundle DIR --runtime PATH [--runtime-root DIR]\n"
	"         [--exec PROCESS_JSON --exec-id EID [--wait-start]] --exit-file FILE\n"
	"         [--log-file FILE [--log-max-size BYTES] [--log-max-files N]]\n"
	"         [--terminal] [--stdin] [--stdin-once] [--attach-socket PATH] [--control PATH]\n"
	"         [--stdin-path FIFO] [--stdout-path PATH] [--stderr-path PATH]\n"
	"         [--sync-fd N] [--pidfile FILE] [--detach]\n"
	"All paths are absolute. See native/monitor/README.md.\n";

enum {
	OPT_ID = 256,
	OPT_BUNDLE,
	OPT_RUNTIME,
	OPT_RUNTIME_ROOT,
	OPT_EXEC,
	OPT_EXEC_ID,
	OPT_WAIT_START,
	OPT_EXIT_FILE,
	OPT_LOG_FILE,
	OPT_LOG_MAX_SIZE,
	OPT_LOG_MAX_FILES,
	OPT_TERMINAL,
	OPT_STDIN,
	OPT_STDIN_ONCE,
	OPT_ATTACH,
	OPT_CONTROL,
	OPT_STDIN_PATH,
	OPT_STDOUT_PATH,
	OPT_STDERR_PATH,
	OPT_SYNC_FD,
	OPT_PIDFILE,
	OPT_DETACH,
	OPT_HELP,
};

static const struct option options[] = {
	{"id", required_argument, NULL, OPT_ID},
	{"bundle", required_argument, NULL, OPT_BUNDLE},
	{"runtime", required_argument, NULL, OPT_RUNTIME},
	{"runtime-root", required_argument, NULL, OPT_RUNTIME_ROOT},
	{"exec", required_argument, NULL, OPT_EXEC},
	{"exec-id", required_argument, NULL, OPT_EXEC_ID},
	{"wait-start", no_argument, NULL, OPT_WAIT_START},
	{"exit-file", required_argument, NULL, OPT_EXIT_FILE},
	{"log-file", required_argument, NULL, OPT_LOG_FILE},
	{"log-max-size", required_argument, NULL, OPT_LOG_MAX_SIZE},
	{"log-max-files", required_argument, NULL, OPT_LOG_MAX_FILES},
	{"terminal", no_argument, NULL, OPT_TERMINAL},
	{"stdin", no_argument, NULL, OPT_STDIN},
	{"stdin-once", no_argument, NULL, OPT_STDIN_ONCE},
	{"attach-socket", required_argument, NULL, OPT_ATTACH},
	{"control", required_argument, NULL, OPT_CONTROL},
	{"stdin-path", required_argument, NULL, OPT_STDIN_PATH},
	{"stdout-path", required_argument, NULL, OPT_STDOUT_PATH},
	{"stderr-path", required_argument, NULL, OPT_STDERR_PATH},
	{"sync-fd", required_argument, NULL, OPT_SYNC_FD},
	{"pidfile", required_argument, NULL, OPT_PIDFILE},
	{"detach", no_argument, NULL, OPT_DETACH},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

static _Noreturn void bad(const char *fmt, const char *arg)
{
	fputs("berth-monitor: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	fputs(usage, stderr);
	exit(2);
}

static long long number(const char *flag, const char *s, long long min, long long max)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		bad("bad number for %s", flag);
	return v;
}

/* The monitor runs in "/" once detached, so a relative path would silently move. */
static void need_absolute(const char *flag, const char *path)
{
	if (!path)
		bad("%s is required", flag);
	if (path[0] != '/')
		bad("%s must be an absolute path", flag);
}

static void optional_absolute(const char *flag, const char *path)
{
	if (path)
		need_absolute(flag, path);
}

/* IDs become file names (<bundle>/exec-<EID>.pid, runc's state directory). */
static bool valid_id(const char *id)
{
	return id && id[0] && !strchr(id, '/');
}

void cli_parse(struct cli *c, int argc, char **argv)
{
	memset(c, 0, sizeof *c);
	c->sync_fd = -1;
	c->log_max_files = 1;
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case OPT_ID:
			c->id = optarg;
			break;
		case OPT_BUNDLE:
			c->bundle = optarg;
			break;
		case OPT_RUNTIME:
			c->runtime = optarg;
			break;
		case OPT_RUNTIME_ROOT:
			c->runtime_root = optarg;
			break;
		case OPT_EXEC:
			c->exec_process = optarg;
			break;
		case OPT_EXEC_ID:
			c->exec_id = optarg;
			break;
		case OPT_WAIT_START:
			c->wait_start = true;
			break;
		case OPT_EXIT_FILE:
			c->exit_file = optarg;
			break;
		case OPT_LOG_FILE:
			c->log_file = optarg;
			break;
		case OPT_LOG_MAX_SIZE:
			c->log_max_size = number("--log-max-size", optarg, 0, (1LL << 62));
			break;
		case OPT_LOG_MAX_FILES:
			c->log_max_files = (int)number("--log-max-files", optarg, 1, 1000);
			break;
		case OPT_TERMINAL:
			c->terminal = true;
			break;
		case OPT_STDIN:
			c->stdin_open = true;
			break;
		case OPT_STDIN_ONCE:
			c->stdin_once = true;
			break;
		case OPT_ATTACH:
			c->attach_socket = optarg;
			break;
		case OPT_CONTROL:
			c->control = optarg;
			break;
		case OPT_STDIN_PATH:
			c->stdin_path = optarg;
			break;
		case OPT_STDOUT_PATH:
			c->stdout_path = optarg;
			break;
		case OPT_STDERR_PATH:
			c->stderr_path = optarg;
			break;
		case OPT_SYNC_FD:
			c->sync_fd = (int)number("--sync-fd", optarg, 0, 1 << 20);
			break;
		case OPT_PIDFILE:
			c->pidfile = optarg;
			break;
		case OPT_DETACH:
			c->detach = true;
			break;
		case OPT_HELP:
			fputs(usage, stdout);
			exit(0);
		default:
			bad("%s", "bad command line");
		}
	}
	if (optind != argc)
		bad("unexpected argument %s", argv[optind]);
	if (!valid_id(c->id))
		bad("%s: --id is required and may not contain '/'", c->id ? c->id : "");
	if (!c->runtime || !c->runtime[0])
		bad("%s is required", "--runtime");
	if (!c->exec_process != !c->exec_id)
		bad("%s", "--exec and --exec-id go together");
	/* A container is already "prepared" by create; only an exec needs the monitor to hold
	 * it back. */
	if (c->wait_start && !c->exec_process)
		bad("%s", "--wait-start needs --exec");
	if (c->exec_id && !valid_id(c->exec_id))
		bad("%s: --exec-id may not be empty or contain '/'", c->exec_id);
	need_absolute("--bundle", c->bundle);
	need_absolute("--exit-file", c->exit_file);
	optional_absolute("--exec", c->exec_process);
	optional_absolute("--log-file", c->log_file);
	optional_absolute("--attach-socket", c->attach_socket);
	optional_absolute("--control", c->control);
	optional_absolute("--stdin-path", c->stdin_path);
	optional_absolute("--stdout-path", c->stdout_path);
	optional_absolute("--stderr-path", c->stderr_path);
	optional_absolute("--pidfile", c->pidfile);
	optional_absolute("--runtime-root", c->runtime_root);
	/* Input from the stdin FIFO needs a pipe to go to; its end comes from close-stdin. */
	if (c->stdin_path)
		c->stdin_open = true;
}
