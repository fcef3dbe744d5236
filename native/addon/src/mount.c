#include "mount.h"

#include "args.h"
#include "errors.h"
#include "util.h"

#include <errno.h>
#include <sys/mount.h>

napi_value native_mount(napi_env env, napi_callback_info info)
{
	napi_value argv[5];
	_cleanup_free_ char *source = NULL;
	_cleanup_free_ char *target = NULL;
	_cleanup_free_ char *fstype = NULL;
	_cleanup_free_ char *data = NULL;
	uint32_t flags;

	if (!args_get(env, info, 5, argv) || !arg_string_or_null(env, argv[0], "source", &source) ||
	    !arg_string(env, argv[1], "target", &target) ||
	    !arg_string_or_null(env, argv[2], "fstype", &fstype) ||
	    !arg_uint32(env, argv[3], "flags", false, 0, &flags) ||
	    !arg_string_or_null(env, argv[4], "data", &data))
		return NULL;
	if (mount(source, target, fstype, (unsigned long)flags, data) < 0)
		return throw_errno(env, errno, "mount", target);
	return NULL;
}

napi_value native_umount2(napi_env env, napi_callback_info info)
{
	napi_value argv[2];
	_cleanup_free_ char *target = NULL;
	uint32_t flags;

	if (!args_get(env, info, 2, argv) || !arg_string(env, argv[0], "target", &target) ||
	    !arg_uint32(env, argv[1], "flags", true, 0, &flags))
		return NULL;
	if (umount2(target, (int)flags) < 0)
		return throw_errno(env, errno, "umount2", target);
	return NULL;
}
