#!/bin/sh
# Builds ./build/ctxprobe-trace: ctxprobe against a libggml-base.so compiled from the bundled source (tag v0.5.0) with
# galloc-trace.patch (GGML_ALLOCATOR_DEBUG on), the rest of node-llama-cpp's prebuilt libraries unchanged. Same bytes
# as ctxprobe; in addition GALLOC_DUMP=FILE appends the tensors alive at the compute buffer's high-water mark (offset,
# size, op, type, shape, name) and GALLOC_TRACE=FILE every allocation and free in graph order. Needs gcc, g++, git,
# patch; about 1 min on 2 cores.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bundle="$here/node_modules/node-llama-cpp/llama/gitRelease.bundle"
bins="$here/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64"
[ -f "$bundle" ] && [ -d "$bins" ] || { echo "run npm ci first ($bundle or $bins missing)" >&2; exit 1; }
"$here/build-ctxprobe.sh" >/dev/null
out="$here/build/trace"
src="$out/src"
rm -rf "$out"
mkdir -p "$src" "$out/obj" "$out/bins"
git_dir="$out/git"
git init -q --bare "$git_dir"
git -C "$git_dir" fetch -q "$bundle" HEAD
git -C "$git_dir" archive FETCH_HEAD ggml | tar -x -C "$src"
rm -rf "$git_dir"
(cd "$src" && patch -s -p1 < "$here/galloc-trace.patch")
printf '#pragma once\n#define GGML_VERSION "0.25.1"\n#define GGML_COMMIT "0ad4a86"\n' > "$out/obj/ggml-version.h"
defs="-D_GNU_SOURCE -DGGML_BUILD -DGGML_SHARED -DGGML_BACKEND_DL -DGGML_SCHED_MAX_COPIES=4 -I$out/obj -I$src/ggml/include -I$src/ggml/src"
for f in ggml.c ggml-alloc.c ggml-quants.c; do
  gcc -std=c11 -O2 -fPIC -D_XOPEN_SOURCE=600 $defs -c "$src/ggml/src/$f" -o "$out/obj/$f.o" 2>/dev/null
done
for f in ggml.cpp ggml-backend.cpp ggml-backend-meta.cpp ggml-opt.cpp ggml-threading.cpp gguf.cpp; do
  g++ -std=c++17 -O2 -fPIC $defs -c "$src/ggml/src/$f" -o "$out/obj/$f.o" 2>/dev/null
done
for f in "$bins"/*; do ln -sf "$f" "$out/bins/"; done
rm "$out/bins/libggml-base.so"
g++ -shared -o "$out/bins/libggml-base.so" -Wl,-soname,libggml-base.so "$out"/obj/*.o -lm
hdr="$here/build/ctxprobe-headers"
g++ -std=c++17 -O1 -o "$here/build/ctxprobe-trace" "$here/ctxprobe.cpp" \
  -I"$hdr/include" -I"$hdr/src" -I"$hdr/ggml/include" \
  "$out/bins/libllama.v0.5.0.so" "$out/bins/libggml.v0.5.0.so" "$out/bins/libggml-base.so" \
  -Wl,-rpath,"$out/bins" -DCTXPROBE_BACKENDS_DIR="\"$out/bins\""
echo "$here/build/ctxprobe-trace"
