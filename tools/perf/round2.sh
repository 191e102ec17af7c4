#!/usr/bin/env bash
# docs/performance.md's generated tables in one command: every backbone (the study's eight and ConvNeXt-T) forward
# at batch 8, the unfrozen training step, the cached head step and the frozen cell end to end, ours vs ONNX Runtime vs
# PyTorch, at 1 and at 2 threads per engine (labels r2-t1, r2-t2), the memory rows with activation checkpointing, then the
# report with each target met / not met.
#   tools/perf/round2.sh                 (~2 h on the 2-core VM of the doc; THREADS="1" for one setting)
# Needs the full-size exports (not committed, ~2.8 GB):
#   tools/export/make_full.sh target/full-exports deit-b16 dinov2-vitb14 sam-vitb openclip-vitb16 blip-vitb16 \
#       dino-vitb16 seem-focalnet-t resnet152 convnext-t deit-tail
# Ours runs the libnd4j build the plugin would pick per workload (NATIVE_BUILD=auto, see run.sh); REPORT_ONLY=1 only
# rewrites the tables from target/perf/results.jsonl.
set -euo pipefail
cd "$(dirname "$0")/../.."
run=tools/perf/run.sh
models=deit-b16,dinov2-vitb14,sam-vitb,openclip-vitb16,blip-vitb16,dino-vitb16,seem-focalnet-t,resnet152,convnext-t
train=deit-b16,dinov2-vitb14,sam-vitb,openclip-vitb16,blip-vitb16,dino-vitb16,seem-focalnet-t,resnet152
if [ -z "${REPORT_ONLY:-}" ]; then
  REBUILD=1 $run build   # compile once, before the first timed child
  for t in ${THREADS:-1 2}; do
    export OMP_NUM_THREADS=$t
    tm="$train"; [ "$t" = 2 ] && tm="${TRAIN_T2:-$train}"   # TRAIN_T2=a,b: fewer training rows at 2 threads
    $run --models "$models" --train-models "$tm" --systems env,ours,ort,torch --only fwd8,head,unfrozen-linear,frozen-cell --label r2-t$t
    # the issue's memory row: DINOv2 ViT-B/14 + an appended DeiT-B body, trained whole at batch 8, and with activation
    # checkpointing (<activationCheckpointing>); DeiT-B's training step with it
    $run --models dinov2-vitb14 --train-models dinov2-vitb14 --systems ours,torch --only unfrozen-deit,unfrozen-deit-ckpt --label r2-t$t
    $run --models deit-b16 --train-models deit-b16 --systems ours --only unfrozen-linear-ckpt --label r2-t$t
  done
  # the same, with gradient accumulation (<microBatchSize>4): the batch-8 update from two slices of 4
  OMP_NUM_THREADS=1 $run --models dinov2-vitb14 --train-models dinov2-vitb14 --systems ours,torch --only unfrozen-deit \
      --jvm-arg -Dperf.microBatch=4 --label r2-t1-micro4
  # where the time goes (docs/performance.md): forwards and training steps by op type, one thread
  for m in deit-b16 resnet152 seem-focalnet-t convnext-t; do tools/perf/profile.sh "$m" 8 1; done
  tools/perf/profile.sh train deit-b16 8 1
  ALLOCATOR=auto tools/perf/profile.sh train resnet152 8 1   # trained on oneDNN under jemalloc, as a worker does
fi
$run report --report-labels r2-t1,r2-t2
