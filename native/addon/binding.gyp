# node-gyp build of berth_native.node. Plain C against node_api.h only: no C++,
# no node-addon-api. Built by scripts/build.mjs (headers from the local Node install).
{
  "targets": [
    {
      "target_name": "berth_native",
      "sources": [
        "src/addon.c",
        "src/args.c",
        "src/constants.c",
        "src/errors.c",
        "src/mknod.c",
        "src/mount.c",
        "src/util.c",
        "src/xattr.c"
      ],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"],
      "cflags_c": ["-std=c11", "-Wall", "-Wextra", "-Werror", "-Wshadow", "-fvisibility=hidden"],
      "ldflags": ["-Wl,--as-needed"]
    }
  ]
}
