#include "constants.h"

#include "errors.h"

#include <stdint.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>

struct constant {
	const char *name;
	uint32_t value;
};

/* Keep in step with NativeConstants in constants.ts. */
static const struct constant constants[] = {
	{"MS_RDONLY", MS_RDONLY},
	{"MS_NOSUID", MS_NOSUID},
	{"MS_NODEV", MS_NODEV},
	{"MS_NOEXEC", MS_NOEXEC},
	{"MS_REMOUNT", MS_REMOUNT},
	{"MS_BIND", MS_BIND},
	{"MS_REC", MS_REC},
	{"MS_PRIVATE", MS_PRIVATE},
	{"MS_SLAVE", MS_SLAVE},
	{"MS_SHARED", MS_SHARED},
	{"MNT_DETACH", MNT_DETACH},
	{"MNT_FORCE", MNT_FORCE},
	{"S_IFCHR", S_IFCHR},
	{"S_IFBLK", S_IFBLK},
	{"S_IFIFO", S_IFIFO},
	{"XATTR_CREATE", XATTR_CREATE},
	{"XATTR_REPLACE", XATTR_REPLACE},
};

napi_value constants_create(napi_env env)
{
	napi_value obj, v;

	if (!napi_ok_or_throw(env, napi_create_object(env, &obj)))
		return NULL;
	for (size_t i = 0; i < sizeof(constants) / sizeof(constants[0]); i++) {
		if (!napi_ok_or_throw(env, napi_create_uint32(env, constants[i].value, &v)) ||
		    !napi_ok_or_throw(env, napi_set_named_property(env, obj, constants[i].name, v)))
			return NULL;
	}
	if (!napi_ok_or_throw(env, napi_object_freeze(env, obj)))
		return NULL;
	return obj;
}
