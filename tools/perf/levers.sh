#!/usr/bin/env bash
# Round 1 (issue 6) levers, kept to reproduce docs/performance.md's "Round 1 (history)"; round 2 is tools/perf/round2.sh.
# The runs behind round 1, each under its own label in target/perf/results.jsonl, then the
# op-time profiles (target/perf/profile-*.txt). Needs the exports of tools/perf/run.sh.
set -uo pipefail
cd "$(dirname "$0")/../.."
run=tools/perf/run.sh
M=deit-b16,resnet152
if [ "${1:-}" != --omp1-only ]; then
  # 2 threads (all cores): label baseline (tools/perf/run.sh with defaults), then libnd4j builds of the same version
  $run --models $M --systems ours,ort,torch --only fwd1,fwd8
  ND4J_CLASSIFIER=linux-x86_64-onednn-avx512 $run --models $M --systems ours --only fwd1,fwd8 --label onednn-avx512
  ND4J_CLASSIFIER=linux-x86_64-avx512 $run --models $M --systems ours --only fwd1,fwd8 --label avx512
fi
# 1 thread per engine: the whole run again (the main table of docs/performance.md)
export OMP_NUM_THREADS=1
$run --models deit-b16,resnet152,dinov2-vitb14,sam-vitb --train-models deit-b16 --label omp1
# the oneDNN + AVX-512 libnd4j build at 1 thread (the best configuration for ours)
ND4J_CLASSIFIER=linux-x86_64-onednn-avx512 $run --models deit-b16,resnet152,dinov2-vitb14,sam-vitb --systems ours --only fwd1,fwd8 --label omp1-onednn-avx512
ND4J_CLASSIFIER=linux-x86_64-onednn-avx512 $run --models deit-b16 --systems ours --only unfrozen-linear,unfrozen-deit --label omp1-onednn-avx512-train
# training with M2.1's own SameDiff.calculateGradientsAndOutputs instead of train.Backprop (every intermediate kept)
$run --models deit-b16 --systems ours --only unfrozen-linear --jvm-arg -Dperf.stockGradients=true --label omp1-stock-gradients
# gradient accumulation (TrainerConfig.optMicroBatchSize / <microBatchSize>): DINOv2 + DeiT at batch 8 as 2 slices of 4
$run --models dinov2-vitb14 --train-models dinov2-vitb14 --systems ours --only unfrozen-deit --jvm-arg -Dperf.microBatch=4 --label omp1-micro4
# batch size
$run --models deit-b16 --systems ours,ort --only fwd4,fwd16 --label omp1-batch
# where the time goes
cp="dl4j-transfer/target/classes:dl4j-transfer/target/test-classes:$(cat dl4j-transfer/target/perf.classpath)"
for m in deit-b16 resnet152; do
  for b in 1 8; do
    java -Xmx3g -Dorg.bytedeco.javacpp.maxbytes=0 -cp "$cp" io.github.dl4jtransfer.perf.PerfWorkloads profile \
      target/full-exports/$m/model.onnx $b 2 2>&1 | grep PERF > target/perf/profile-$m-b$b.txt
  done
done
