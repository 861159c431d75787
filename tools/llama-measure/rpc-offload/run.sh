#!/bin/bash
# OUT=<dir of build.sh> ./run.sh TAG MODEL.gguf llama-server-args... : a real load of llama-server with the RPC device as
# its only GPU (--fit off, --no-warmup, --no-repack); prints the buffer lines. Logs in $OUT/logs.
# usage: run.sh TAG MODEL llama-server-args...   prints the buffer lines of a real load on an RPC "GPU" with op offload
TAG=$1; MODEL=$2; shift 2
cd "${OUT:?}"; mkdir -p logs
PORT=$((50100 + RANDOM % 500)); HP=$((18100 + RANDOM % 500))
bin/rpc-server -H 127.0.0.1 -p $PORT > logs/$TAG.rpc.log 2>&1 &
RPID=$!
sleep 1
PROSITRONIC_RPC_PRELOAD=1 LD_PRELOAD=$OUT/bin/libggml-rpc.so timeout 600 bin/llama-server --rpc 127.0.0.1:$PORT -dev RPC0 -m $MODEL --host 127.0.0.1 --port $HP --no-warmup --no-repack --fit off "$@" > logs/$TAG.log 2>&1 &
SPID=$!
for i in $(seq 1 600); do
  if grep -q "listening on\|error\|failed" logs/$TAG.log; then break; fi
  if ! kill -0 $SPID 2>/dev/null; then break; fi
  sleep 1
done
kill $SPID 2>/dev/null; wait $SPID 2>/dev/null
kill $RPID 2>/dev/null; wait $RPID 2>/dev/null
echo "== $TAG $*"
grep -E "model buffer size|KV buffer size|RS buffer size|compute buffer size|graph splits|offloaded|output buffer|error" logs/$TAG.log | sed 's/^[0-9.]* [A-Z] //'
