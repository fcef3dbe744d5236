/*
 * berth_native: the system calls Node lacks (ARCHITECTURE.md, native/). Registration
 * only; each concern lives in its own file. All calls are synchronous and throw
 * system errors shaped like Node's (see errors.h); the TS wrapper maps them to
 * BerthErrors.
 */
#include "constants.h"
#include "errors.h"
#include "mknod.h"
#include "mount.h"
#include "xattr.h"

static napi_property_descriptor method(const char *name, napi_callback fn)
{
	return (napi_property_descriptor){
		.utf8name = name, .method = fn, .attributes = napi_enumerable};
}

NAPI_MODULE_INIT()
{
	napi_value constants = constants_create(env);
	if (!constants)
		return NULL;

	napi_property_descriptor props[] = {
		method("mknod", native_mknod),
		method("lsetxattr", native_lsetxattr),
		method("lgetxattr", native_lgetxattr),
		method("llistxattr", native_llistxattr),
		method("lremovexattr", native_lremovexattr),
		method("mount", native_mount),
		method("umount2", native_umount2),
		{.utf8name = "constants", .value = constants, .attributes = napi_enumerable},
	};
	if (!napi_ok_or_throw(env, napi_define_properties(env, exports,
							  sizeof(props) / sizeof(props[0]), props)))
		return NULL;
	return exports;
}
