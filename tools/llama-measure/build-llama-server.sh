#!/bin/sh
# Builds llama-server (CPU only) from the llama.cpp source that node-llama-cpp 3.22.1 bundles
# (node_modules/node-llama-cpp/llama/gitRelease.bundle, tag v0.5.0), the same llama.cpp as measure.mjs uses, once per
# source: the binary is cached outside the clone by the hash of the bundle and of this build recipe, in
#   ${PROSITRONIC_CACHE:-${XDG_CACHE_HOME:-~/.cache}/prositronic}/llama-server-<hash>/bin/llama-server
# so a cold CI run builds it (about 10 minutes on 2 cores) and every later run, in any clone, reuses it.
# Release, the llama-server target only (no tests, examples or UI), offline (no OpenSSL, no UI download), static (one
# file), and the CPU backend for AVX2 machines, not -march=native: a native build died with SIGILL in llama-server's
# warmup on this project's VM (it advertises AMX). JOBS (default 2) sets the build's parallelism.
# Prints the binary's path as the last line; ./build/llama-server links to it (measure-server.mjs runs that).
#   --print-path   prints the path the binary has (or will have) for this source and builds nothing
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bundle="$here/node_modules/node-llama-cpp/llama/gitRelease.bundle"
[ -f "$bundle" ] || { echo "run npm install in $here first ($bundle missing)" >&2; exit 1; }
recipe="-DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DGGML_CCACHE=OFF
 -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_APP=OFF
 -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF
 -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_BMI2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF"
hash=$( { sha256sum "$bundle" | cut -d' ' -f1; printf '%s\n' "$recipe"; } | sha256sum | cut -c1-16)
cache=${PROSITRONIC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/prositronic}
dest="$cache/llama-server-$hash"
bin="$dest/bin/llama-server"
if [ "${1:-}" = --print-path ]; then echo "$bin"; exit 0; fi

link() { mkdir -p "$here/build" && ln -sfn "$bin" "$here/build/llama-server"; }
if [ -x "$bin" ]; then link; echo "$bin"; exit 0; fi

mkdir -p "$cache"
# one build at a time per source: a second caller waits for the first and then reuses its binary
exec 9>"$dest.lock"
flock 9
if [ -x "$bin" ]; then link; echo "$bin"; exit 0; fi
work=$(mktemp -d "$cache/llama-server-$hash.work.XXXXXX")
trap 'rm -rf "$work"' EXIT
t0=$(date +%s)
git -c advice.detachedHead=false clone -q "$bundle" "$work/llama.cpp"
generator=""
command -v ninja >/dev/null && generator="-G Ninja"
# shellcheck disable=SC2086 # the recipe and the generator are word lists
cmake -S "$work/llama.cpp" -B "$work/build" $generator $recipe >"$work/configure.log" 2>&1 \
  || { tail -40 "$work/configure.log" >&2; exit 1; }
cmake --build "$work/build" -j"${JOBS:-2}" --target llama-server >"$work/build.log" 2>&1 \
  || { tail -60 "$work/build.log" >&2; exit 1; }
"$work/build/bin/llama-server" --version >"$work/version.txt" 2>&1 || { cat "$work/version.txt" >&2; exit 1; }
mkdir -p "$work/out/bin"
cp "$work/build/bin/llama-server" "$work/out/bin/llama-server"
{ echo "source: $bundle (sha256 $(sha256sum "$bundle" | cut -d' ' -f1), commit $(git -C "$work/llama.cpp" rev-parse HEAD))"
  echo "recipe: $(echo $recipe)"
  echo "built in $(( $(date +%s) - t0 )) s with -j${JOBS:-2} on $(nproc) cores"
  cat "$work/version.txt"; } >"$work/out/BUILD.txt"
rm -rf "$dest"
mv "$work/out" "$dest"
link
cat "$dest/BUILD.txt" >&2
echo "$bin"
