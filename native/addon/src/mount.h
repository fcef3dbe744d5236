#ifndef BERTH_NATIVE_MOUNT_H
#define BERTH_NATIVE_MOUNT_H

#include <node_api.h>

/* mount(source | null, target, fstype | null, flags, data | null): void */
napi_value native_mount(napi_env env, napi_callback_info info);

/* umount2(target, flags = 0): void */
napi_value native_umount2(napi_env env, napi_callback_info info);

#endif
