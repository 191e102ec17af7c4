#!/usr/bin/env bash
# The lever runs recorded in docs/performance.md (each under its own label in target/perf/results.jsonl),
# then the op-time profiles (target/perf/profile-*.txt). Run after tools/perf/run.sh.
set -uo pipefail
cd "$(dirname "$0")/../.."
run=tools/perf/run.sh
M=deit-b16,resnet152
# fresh baseline rows for the two target backbones, next in time to the levers (the newest row per key is reported)
$run --models $M --systems ours,ort,torch --only fwd1,fwd8
# libnd4j builds of the same version: AVX-512 loops, and AVX-512 + oneDNN (conv, matmul, softmax, … helpers)
ND4J_CLASSIFIER=linux-x86_64-onednn-avx512 $run --models $M --systems ours --only fwd1,fwd8 --label onednn-avx512
ND4J_CLASSIFIER=linux-x86_64-avx512 $run --models $M --systems ours --only fwd1,fwd8 --label avx512
# threads
OMP_NUM_THREADS=1 $run --models $M --systems ours,ort,torch --only fwd1,fwd8 --label omp1
# batch size
$run --models deit-b16 --systems ours,ort --only fwd4,fwd16 --label batch
# training memory at smaller batches (batch 8 passes 12 GiB)
$run --models deit-b16 --systems ours,torch --only unfrozen-linear --train-batch 2 --label train-b2
# where the time goes
cp="dl4j-transfer/target/classes:$(cat dl4j-transfer/target/perf.classpath)"
for m in deit-b16 resnet152; do
  for b in 1 8; do
    OMP_NUM_THREADS=${OMP_NUM_THREADS:-$(nproc)} java -Xmx3g -Dorg.bytedeco.javacpp.maxbytes=0 -cp "$cp" \
      io.github.dl4jtransfer.bench.PerfWorkloads profile target/full-exports/$m/model.onnx $b 2 2>&1 | grep PERF > target/perf/profile-$m-b$b.txt
  done
done
