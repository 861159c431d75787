#!/bin/sh
# Builds ./build/mmprobe (mmprobe.cpp) against libmtmd of a llama.cpp CPU build from the source node-llama-cpp 3.22.1
# bundles (tag v0.5.0, the pinned build's tree): the build of build-llama-server.sh (./build/llama.cpp/build), or the
# one named by LLAMA_BUILD (a llama.cpp checkout with its build folder, e.g. tools/gpu-measure's). Takes seconds
# when libmtmd is built; otherwise builds the mtmd target first.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=${LLAMA_SRC:-$here/build/llama.cpp}
bld=${LLAMA_BUILD:-$src/build}
[ -f "$src/tools/mtmd/mtmd.h" ] || { echo "no llama.cpp source at $src: run ./build-llama-server.sh or set LLAMA_SRC" >&2; exit 1; }
[ -f "$bld/bin/libmtmd.so" ] || cmake --build "$bld" -j"$(nproc)" --target mtmd
mkdir -p "$here/build"
g++ -std=c++17 -O1 -o "$here/build/mmprobe" "$here/mmprobe.cpp" \
  -I"$src/tools/mtmd" -I"$src/include" -I"$src/ggml/include" \
  -L"$bld/bin" -lmtmd -lggml -lggml-base -Wl,-rpath,"$bld/bin"
echo "$here/build/mmprobe"
