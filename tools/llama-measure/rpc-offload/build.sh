#!/bin/bash
# Builds an RPC backend that offloads ops with host weights as CUDA and Vulkan do (batch >= 32), and rpc-server,
# against an existing shared-library CPU build of the pinned llama.cpp (the bundle's source; build-llama-server.sh or
# any `cmake -DBUILD_SHARED_LIBS=ON` build of it). Seconds: two files, no rebuild of llama.cpp.
#   LLAMA_SRC=<source tree> LLAMA_BIN=<its build/bin with libggml*.so and llama-server> OUT=<dir> ./build.sh
set -euo pipefail
: "${LLAMA_SRC:?the llama.cpp source tree at the pin}" "${LLAMA_BIN:?its build/bin}" "${OUT:?output dir}"
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT/bin" "$OUT/src"
cp -a "$LLAMA_BIN"/. "$OUT/bin/"
cp "$LLAMA_SRC"/ggml/src/ggml-rpc/{ggml-rpc.cpp,transport.cpp,transport.h} "$OUT/src/"
(cd "$OUT/src" && patch -p4 < "$here/ggml-rpc-offload.patch")
g++ -O2 -fPIC -shared -std=c++17 -DGGML_BACKEND_DL -DGGML_BACKEND_BUILD -DGGML_BACKEND_SHARED -DGGML_SHARED \
    -I"$LLAMA_SRC/ggml/include" -I"$LLAMA_SRC/ggml/src" -I"$OUT/src" "$OUT/src/ggml-rpc.cpp" "$OUT/src/transport.cpp" \
    -L"$OUT/bin" -lggml -lggml-base -Wl,-rpath,'$ORIGIN' -o "$OUT/bin/libggml-rpc.so"
g++ -O2 -std=c++17 -I"$LLAMA_SRC/ggml/include" "$LLAMA_SRC/tools/rpc/rpc-server.cpp" \
    -L"$OUT/bin" -lggml -lggml-base -Wl,-rpath,'$ORIGIN' -o "$OUT/bin/rpc-server"
echo "$OUT/bin: libggml-rpc.so rpc-server"
