#ifndef BERTH_NATIVE_CONSTANTS_H
#define BERTH_NATIVE_CONSTANTS_H

#include <node_api.h>

/* Returns a frozen object of the flag values the other calls take (MS_*, MNT_*, S_IF*, XATTR_*). */
napi_value constants_create(napi_env env);

#endif
