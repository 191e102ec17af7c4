#!/usr/bin/env bash
# Side-by-side performance run (docs/performance.md): ours (SameDiff) vs ONNX Runtime Java vs PyTorch 1.13 CPU.
#   tools/perf/run.sh [PerfBench run options...]      e.g. --models deit-b16 --only fwd8 --label omp1
#   tools/perf/run.sh report                          only regenerate the tables in docs/performance.md
#   REBUILD=1 tools/perf/run.sh build                 compile the library and the benchmark classes, nothing else
#   tools/perf/run.sh classpath                       print ours' class path (with the NATIVE_BUILD / BLAS jars)
# Needs: full-size exports (tools/export/make_full.sh target/full-exports deit-b16 dinov2-vitb14 sam-vitb
# resnet152 deit-tail), Debian python3-torch (/usr/bin/python3). Fetches the ONNX Runtime jar from Maven
# Central into ~/.m2 and, for PyTorch, Debian's OpenBLAS into target/perf-blas (not installed system-wide:
# Debian's torch otherwise runs Linear layers on the reference BLAS, ~2.6 GFLOP/s here).
set -euo pipefail
cd "$(dirname "$0")/../.."
ORT_VERSION=1.20.0
ort="$HOME/.m2/repository/com/microsoft/onnxruntime/onnxruntime/$ORT_VERSION/onnxruntime-$ORT_VERSION.jar"
[ -f "$ort" ] || mvn -q -B dependency:get -Dartifact=com.microsoft.onnxruntime:onnxruntime:$ORT_VERSION
blas=target/perf-blas/x/usr/lib/x86_64-linux-gnu/openblas-pthread
if [ ! -f "$blas/libblas.so.3" ]; then
  mkdir -p target/perf-blas
  (cd target/perf-blas && apt-get download libopenblas0-pthread && dpkg -x libopenblas0-pthread_*.deb x)
fi
if [ ! -f dl4j-transfer/target/perf.classpath ] || [ -n "${REBUILD:-}" ]; then
  mvn -q -B test-compile -pl dl4j-transfer
  mvn -q -B dependency:build-classpath -pl dl4j-transfer -Dmdep.outputFile=target/perf.classpath -Dmdep.includeScope=test
fi
[ "${1:-}" = build ] && exit 0   # tools/perf/run.sh build: compile (with REBUILD=1: again) and stop
cp="dl4j-transfer/target/classes:dl4j-transfer/target/test-classes:$(cat dl4j-transfer/target/perf.classpath)"
extra=()
# The libnd4j build ours runs, chosen as the plugin chooses it (device.NativeBuild; <nativeBuild>):
# NATIVE_BUILD=auto (default, per workload: plain for training steps, onednn-avx2 for the rest on an AVX2 CPU) | plain |
# onednn-avx2 | onednn-avx512 | onednn | avx2 | avx512 (ND4J_CLASSIFIER=linux-x86_64-onednn-avx512, the older spelling,
# still works). Another build's jar of the same nd4j-native version is fetched from Maven Central and put beside the
# plain one; each child selects its build before ND4J loads. OPENBLAS_CORETYPE: set per CPU by PerfBench (--openblas-coretype).
build="${NATIVE_BUILD:-}"
if [ -z "$build" ] && [ -n "${ND4J_CLASSIFIER:-}" ]; then build="${ND4J_CLASSIFIER#linux-x86_64}"; build="${build#-}"; build="${build:-plain}"; fi
build="${build:-auto}"
classifier=$(java -cp dl4j-transfer/target/classes io.github.dl4jtransfer.device.NativeBuild "$build" forward)
if [ "$classifier" != linux-x86_64 ]; then
  jar="$HOME/.m2/repository/org/nd4j/nd4j-native/1.0.0-M2.1/nd4j-native-1.0.0-M2.1-$classifier.jar"
  [ -f "$jar" ] || mvn -q -B dependency:get -Dartifact=org.nd4j:nd4j-native:1.0.0-M2.1:jar:$classifier -Dtransitive=false
  cp="$cp:$jar"
fi
extra+=(--native-build "$build")
# BLAS=mkl | OPENBLAS-JAVACPP (e.g. 0.3.28-1.5.11): ours on another BLAS, a lever (docs/performance.md, "Native
# builds and the BLAS"): Intel MKL 2022.0 through JavaCPP's OpenBLAS preset (org.bytedeco.openblas.load=mkl_rt), or
# a newer OpenBLAS build of JavaCPP's with the JavaCPP it was built with, both fetched from Maven Central.
R="$HOME/.m2/repository/org/bytedeco"
get() { [ -f "$R/$1/$2/$1-$2${3:+-$3}.jar" ] || mvn -q -B dependency:get -Dartifact=org.bytedeco:$1:$2${3:+:jar:$3} -Dtransitive=false; }
case "${BLAS:-}" in
  "") ;;
  mkl)
    for c in "" linux-x86_64 linux-x86_64-redist; do get mkl 2022.0-1.5.7 $c; cp="$cp:$R/mkl/2022.0-1.5.7/mkl-2022.0-1.5.7${c:+-$c}.jar"; done
    extra+=(--jvm-arg -Dorg.bytedeco.openblas.load=mkl_rt) ;;
  *)
    v="$BLAS"; j="${v#*-}"
    for c in "" linux-x86_64; do get openblas "$v" $c; get javacpp "$j" $c; done
    cp="${cp//openblas\/0.3.19-1.5.7\/openblas-0.3.19-1.5.7/openblas/$v/openblas-$v}"
    cp="${cp//javacpp\/1.5.7\/javacpp-1.5.7/javacpp/$j/javacpp-$j}" ;;
esac
[ "${1:-}" = classpath ] && { echo "$cp"; exit 0; }   # tools/perf/run.sh classpath: ours' class path (NATIVE_BUILD's jar, BLAS)
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-$(nproc)}"
mode=run
if [ "${1:-}" = report ]; then mode=report; shift; fi
exec java -Xmx1g -cp "$cp" io.github.dl4jtransfer.perf.PerfBench "$mode" --ort-jar "$ort" --blas-dir "$blas" "${extra[@]}" "$@"
