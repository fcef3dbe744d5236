#include "mknod.h"

#include "args.h"
#include "errors.h"
#include "util.h"

#include <errno.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

napi_value native_mknod(napi_env env, napi_callback_info info)
{
	napi_value argv[4];
	_cleanup_free_ char *path = NULL;
	uint32_t mode, major, minor;

	if (!args_get(env, info, 4, argv) || !arg_string(env, argv[0], "path", &path) ||
	    !arg_uint32(env, argv[1], "mode", false, 0, &mode) ||
	    !arg_uint32(env, argv[2], "major", false, 0, &major) ||
	    !arg_uint32(env, argv[3], "minor", false, 0, &minor))
		return NULL;
	/* NOTE: the process umask applies to the permission bits, as with mknod(2). */
	if (mknod(path, (mode_t)mode, makedev(major, minor)) < 0)
		return throw_errno(env, errno, "mknod", path);
	return NULL;
}
