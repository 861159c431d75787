#!/bin/sh
# Builds ./build/ctxprobe (ctxprobe.cpp) against the prebuilt CPU libllama.v0.5.0.so of node-llama-cpp 3.22.1, with
# the headers of the matching source (node_modules/node-llama-cpp/llama/gitRelease.bundle, tag v0.5.0). Needs g++ and
# git; takes about 10 s (no llama.cpp is compiled).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bundle="$here/node_modules/node-llama-cpp/llama/gitRelease.bundle"
bins="$here/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64"
[ -f "$bundle" ] && [ -d "$bins" ] || { echo "run npm ci first ($bundle or $bins missing)" >&2; exit 1; }
hdr="$here/build/ctxprobe-headers"
if [ ! -f "$hdr/include/llama.h" ]; then
  git_dir="$here/build/ctxprobe-git"
  rm -rf "$git_dir" "$hdr"
  git init -q --bare "$git_dir"
  git -C "$git_dir" fetch -q "$bundle" HEAD
  mkdir -p "$hdr"
  git -C "$git_dir" archive FETCH_HEAD include src/llama-ext.h ggml/include | tar -x -C "$hdr"
  rm -rf "$git_dir"
fi
g++ -std=c++17 -O1 -o "$here/build/ctxprobe" "$here/ctxprobe.cpp" \
  -I"$hdr/include" -I"$hdr/src" -I"$hdr/ggml/include" \
  "$bins/libllama.v0.5.0.so" "$bins/libggml.v0.5.0.so" "$bins/libggml-base.so" -Wl,-rpath,"$bins" -DCTXPROBE_BACKENDS_DIR="\"$bins\""
echo "$here/build/ctxprobe"
