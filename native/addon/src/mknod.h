#ifndef BERTH_NATIVE_MKNOD_H
#define BERTH_NATIVE_MKNOD_H

#include <node_api.h>

/* mknod(path, mode, major, minor): creates a device node, FIFO or overlay whiteout. */
napi_value native_mknod(napi_env env, napi_callback_info info);

#endif
