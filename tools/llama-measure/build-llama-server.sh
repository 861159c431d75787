#!/bin/sh
# Builds llama-server and llama-fit-params (CPU only) from the llama.cpp source that node-llama-cpp 3.22.1 bundles
# (node_modules/node-llama-cpp/llama/gitRelease.bundle, tag v0.5.0), i.e. the same llama.cpp as measure.mjs uses.
# Offline: the UI download and OpenSSL are switched off. Takes about 10 minutes on 2 cores.
# Result: ./build/llama-server (a symlink into ./build/llama.cpp/build/bin).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bundle="$here/node_modules/node-llama-cpp/llama/gitRelease.bundle"
src="$here/build/llama.cpp"
[ -f "$bundle" ] || { echo "run npm install first ($bundle missing)" >&2; exit 1; }
mkdir -p "$here/build"
[ -d "$src/.git" ] || git clone -q "$bundle" "$src"
cmake -S "$src" -B "$src/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_UI=OFF -DLLAMA_OPENSSL=OFF \
  -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DGGML_NATIVE=ON
cmake --build "$src/build" -j"$(nproc)" --target llama-server llama-fit-params
ln -sf "$src/build/bin/llama-server" "$here/build/llama-server"
ln -sf "$src/build/bin/llama-fit-params" "$here/build/llama-fit-params"
"$here/build/llama-server" --version
