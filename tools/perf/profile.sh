#!/usr/bin/env bash
# Where one forward's time goes (docs/performance.md, "Where the time goes"): ours, one export, one batch, time inside
# each op type vs between ops (PerfWorkloads profile), on the libnd4j build and OpenBLAS kernels a worker would pick.
#   tools/perf/profile.sh MODEL [BATCH=8] [THREADS=1] [REPS=2]      e.g. tools/perf/profile.sh deit-b16 8 2
#   tools/perf/profile.sh native-ops                                  native layer_norm vs ours, elementwise op times
#   tools/perf/profile.sh train MODEL [BATCH=8] [THREADS=1] [REPS=2]  an unfrozen-linear training step (PerfWorkloads
#                                                                      profile-train): gradient session by op type, AdamW
# NATIVE_BUILD=plain|onednn-avx2|… (default auto: the forward's build); ALLOCATOR=system|auto (default system: glibc,
# as the round-2 profiles were taken; auto preloads jemalloc as a worker does). Writes target/perf/profile-MODEL-bB-tT-BUILD.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
workload=profile; kind=forward; convnet=""
if [ "$1" = train ]; then workload=profile-train; kind=train; shift; fi
model=$1; batch=${2:-8}; threads=${3:-1}; reps=${4:-2}
# the build a worker trains this backbone on: convolutional backbones (no patch size in the sidecar) on oneDNN under jemalloc
[ "$kind" = train ] && ! grep -q '"patch_size": *[1-9]' "target/full-exports/$model/model.json" 2>/dev/null && convnet=convnet
tools/perf/run.sh build >/dev/null
cp=$(tools/perf/run.sh classpath)
build=$(java -cp dl4j-transfer/target/classes io.github.dl4jtransfer.device.NativeBuild "${NATIVE_BUILD:-auto}" $kind $convnet)
setting=${build#linux-x86_64}; setting=${setting#-}; setting=${setting:-plain}
core=$(java -cp dl4j-transfer/target/classes io.github.dl4jtransfer.device.OpenBlasCore)
mkdir -p target/perf
out="target/perf/$workload-$model-b$batch-t$threads-${build#linux-x86_64-}.json"
if [ -n "$core" ]; then export OPENBLAS_CORETYPE=$core; fi
lib=$(java -cp dl4j-transfer/target/classes io.github.dl4jtransfer.device.NativeAllocator "${ALLOCATOR:-system}")
if [ -n "$lib" ]; then export LD_PRELOAD=$lib MALLOC_CONF=${MALLOC_CONF:-dirty_decay_ms:-1,muzzy_decay_ms:-1}; fi
OMP_NUM_THREADS=$threads OMP_WAIT_POLICY=passive java -Xmx2g -Dorg.bytedeco.javacpp.maxbytes=9G -Dorg.bytedeco.javacpp.maxphysicalbytes=0 \
  -Dtransfer.nativeBuild="$setting" -cp "$cp" io.github.dl4jtransfer.perf.PerfWorkloads \
  $([ "$model" = native-ops ] && echo "native-ops 15" || echo "$workload target/full-exports/$model/model.onnx $batch $reps") | grep '^PERF ' | sed 's/^PERF //' | tee "$out"
