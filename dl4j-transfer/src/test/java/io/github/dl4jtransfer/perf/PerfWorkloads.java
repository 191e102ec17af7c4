package io.github.dl4jtransfer.perf;

import io.github.dl4jtransfer.data.Batch;
import io.github.dl4jtransfer.device.NativeAllocator;
import io.github.dl4jtransfer.device.NativeBuild;
import io.github.dl4jtransfer.matrix.BenchmarkPlan;
import io.github.dl4jtransfer.matrix.CellKey;
import io.github.dl4jtransfer.matrix.CellResult;
import io.github.dl4jtransfer.matrix.CellRunner;
import io.github.dl4jtransfer.matrix.Environment;
import io.github.dl4jtransfer.model.Backbone;
import io.github.dl4jtransfer.model.BackboneLoader;
import io.github.dl4jtransfer.model.BackboneOutput;
import io.github.dl4jtransfer.train.AdamW;
import io.github.dl4jtransfer.train.Backprop;
import io.github.dl4jtransfer.train.HeadSpec;
import io.github.dl4jtransfer.train.Learner;
import io.github.dl4jtransfer.train.LinearProbe;
import io.github.dl4jtransfer.train.Scenario;
import io.github.dl4jtransfer.train.Trainer;
import io.github.dl4jtransfer.train.TrainerConfig;
import io.github.dl4jtransfer.train.TransferModel;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One measured workload, run inside a child JVM started by {@link PerfBench} so that its peak RSS
 * (VmHWM) belongs to that workload alone. Prints one line {@code PERF {json}}.
 *
 * <pre>
 *   fwd    ONNX BATCH REPS                       forward, features output
 *   train  ONNX BATCH STEPS SCENARIO [TAIL]      unfrozen-linear | unfrozen-deit: grad + AdamW step (-ckpt: activation checkpointing)
 *   head   DIM BATCH STEPS                       frozen-linear on cached features (linear head alone)
 *   profile ONNX BATCH REPS                      forward with a listener: time per op type vs between ops
 *   profile-train ONNX BATCH REPS                an unfrozen-linear training step the same way (gradient session by op
 *                                                type, AdamW apart), to hold the GEMM time against torch's whole step
 *   sgemm  N REPS                                ND4J mmul N×N·N×N
 *   native-ops REPS                              M2.1's native layer_norm vs our LayerNorm (error, time); elementwise op times
 *   frozen-cell ONNX IMAGES REPS                 a real frozen-linear cell (CellRunner) on IMAGES 512×512 PNGs:
 *                                                decode → preprocess → forward → feature cache; images/s of that stage
 * </pre>
 * One warm-up call (or step) precedes the timed ones; times are per call; throughput uses the best call (shared, loaded machine), the median is reported too.
 */
public final class PerfWorkloads {

    private PerfWorkloads() {
    }

    public static void main(String[] args) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("workload", args[0]);
        r.put("ompThreads", System.getenv().getOrDefault("OMP_NUM_THREADS", ""));
        r.put("libnd4j", NativeBuild.selectForThisProcess().describe()); // before ND4J loads, as a worker does
        r.put("allocator", NativeAllocator.describeHere());
        applyLevers(r);
        long t0 = System.nanoTime();
        switch (args[0]) {
            case "fwd" -> forward(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), r);
            case "train" -> train(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), args[4],
                    args.length > 5 ? Path.of(args[5]) : null, r);
            case "head" -> head(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), r);
            case "profile" -> profile(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), r);
            case "profile-train" -> profileTrain(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), r);
            case "sgemm" -> sgemm(Integer.parseInt(args[1]), Integer.parseInt(args[2]), r);
            case "native-ops" -> NativeOpsCheck.run(Integer.parseInt(args[1]), r);
            case "frozen-cell" -> frozenCell(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), r);
            default -> throw new IllegalArgumentException("unknown workload " + args[0]);
        }
        r.put("ndThreads", Nd4j.getEnvironment().maxMasterThreads());
        r.put("wallSeconds", (System.nanoTime() - t0) / 1e9);
        r.put("peakRssBytes", Environment.peakRssBytes());
        System.out.println("PERF " + json(r));
        System.out.flush();
        System.exit(0);
    }

    /** Settings measured as levers (docs/performance.md), from system properties of the child JVM. */
    private static void applyLevers(Map<String, Object> r) {
        String mm = System.getProperty("perf.maxMasterThreads");
        if (mm != null) {
            Nd4j.getEnvironment().setMaxMasterThreads(Integer.parseInt(mm));
            r.put("maxMasterThreads", mm);
        }
        if (Boolean.getBoolean("perf.noPeriodicGc")) {
            Nd4j.getMemoryManager().togglePeriodicGc(false);
            r.put("periodicGc", false);
        }
        r.put("periodicGcEnabled", Nd4j.getMemoryManager().isPeriodicGcActive());
    }

    static INDArray randomImages(long batch, long[] shape, long seed) {
        long[] full = new long[shape.length + 1];
        full[0] = batch;
        System.arraycopy(shape, 0, full, 1, shape.length);
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.FLOAT, full);
    }

    private static void forward(Path onnx, int batch, int reps, Map<String, Object> r) {
        Backbone b = BackboneLoader.load(onnx, !Boolean.getBoolean("perf.trainableImport"));
        r.put("importMillis", b.importMillis());
        r.put("ops", b.opCount());
        r.put("onnxNodes", b.onnxNodeCount());
        r.put("parameters", b.parameterCount());
        INDArray x = randomImages(batch, b.sidecar().inputShape(), 1);
        List<String> outs = List.of(b.outputName(BackboneOutput.FEATURES));
        long w = System.nanoTime();
        b.forward(x, outs);
        r.put("warmupSeconds", (System.nanoTime() - w) / 1e9);
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long s = System.nanoTime();
            Map<String, INDArray> o = b.forward(x, outs);
            o.values().forEach(a -> a.getFloat(0)); // materialised
            t[i] = (System.nanoTime() - s) / 1e9;
        }
        times(r, batch, t);
    }

    /** Where a forward's time goes: inside ops (by op type) versus the session's own work between ops. */
    private static void profile(Path onnx, int batch, int reps, Map<String, Object> r) {
        Backbone b = BackboneLoader.load(onnx, !Boolean.getBoolean("perf.trainableImport")); // the import fwd times
        INDArray x = randomImages(batch, b.sidecar().inputShape(), 1);
        List<String> outs = List.of(b.outputName(BackboneOutput.FEATURES));
        b.forward(x, outs);
        OpTimer timer = OpTimer.on(b.sameDiff());
        long s = System.nanoTime();
        for (int i = 0; i < reps; i++) b.forward(x, outs).values().forEach(a -> a.getFloat(0));
        double total = (System.nanoTime() - s) / 1e9 / reps;
        r.put("batch", batch);
        r.put("secondsPerForward", total);
        timer.report(total, reps, r);
    }

    /**
     * Where a training step's time goes: an unfrozen-linear step as {@code Trainer} runs it (Backprop's gradient
     * session, then AdamW), the gradient session's time by op type ({@code matmul} forward, {@code matmul_bp} and the
     * other backward ops) and AdamW's apart. Batch-8 GEMM FLOPs of a step are 3× the forward's, so the GEMM time alone
     * against torch's whole step bounds what any other change can win.
     */
    private static void profileTrain(Path onnx, int batch, int reps, Map<String, Object> r) {
        Backbone b = BackboneLoader.load(onnx);
        int classes = 10;
        TransferModel m = TransferModel.build(b, Scenario.UNFROZEN_LINEAR, HeadSpec.singleLabel(classes), null, 1);
        INDArray x = randomImages(batch, b.sidecar().inputShape(), 2);
        INDArray y = oneHot(batch, classes);
        SameDiff sd = m.sameDiff();
        Map<String, INDArray> params = new LinkedHashMap<>();
        for (String n : m.trainableNames()) params.put(n, sd.getArrForVarName(n));
        AdamW opt = new AdamW(0.9, 0.999, 1e-8, 0.05);
        Trainer.Step warm = Trainer.gradients(m, x, y, 0); // makes the gradient function
        opt.step(params, warm.gradients(), 1e-4);
        warm.gradients().values().forEach(Backprop::close);
        OpTimer timer = OpTimer.on(sd.getFunction("grad"));
        double gradSeconds = 0, adamSeconds = 0;
        for (int i = 0; i < reps; i++) {
            long s = System.nanoTime();
            Trainer.Step step = Trainer.gradients(m, x, y, 0);
            long g = System.nanoTime();
            opt.step(params, step.gradients(), 1e-4);
            adamSeconds += (System.nanoTime() - g) / 1e9;
            gradSeconds += (g - s) / 1e9;
            step.gradients().values().forEach(Backprop::close);
        }
        r.put("batch", batch);
        r.put("secondsPerStep", (gradSeconds + adamSeconds) / reps);
        r.put("secondsAdamW", adamSeconds / reps);
        r.put("secondsGradientSession", gradSeconds / reps);
        timer.report(gradSeconds / reps, reps, r);
    }

    /** Time inside each op type of a graph's sessions, from a listener; the rest of a call is the session's own work. */
    private static final class OpTimer extends org.nd4j.autodiff.listeners.BaseListener {
        private final Map<String, double[]> byType = new java.util.TreeMap<>();
        private long last;

        static OpTimer on(SameDiff sd) {
            OpTimer t = new OpTimer();
            sd.addListeners(t);
            return t;
        }

        @Override
        public boolean isActive(org.nd4j.autodiff.listeners.Operation operation) {
            return true;
        }

        @Override
        public void preOpExecution(SameDiff sd, org.nd4j.autodiff.listeners.At at, org.nd4j.autodiff.samediff.internal.SameDiffOp op,
                                   org.nd4j.linalg.api.ops.OpContext ctx) {
            last = System.nanoTime();
        }

        @Override
        public void opExecution(SameDiff sd, org.nd4j.autodiff.listeners.At at, org.nd4j.linalg.dataset.api.MultiDataSet batch,
                                org.nd4j.autodiff.samediff.internal.SameDiffOp op, org.nd4j.linalg.api.ops.OpContext ctx, INDArray[] outputs) {
            double[] a = byType.computeIfAbsent(op.getOp().opName(), k -> new double[2]);
            a[0] += (System.nanoTime() - last) / 1e9;
            a[1]++;
        }

        /** Per call: seconds in ops, between ops, and per op type [seconds, count], largest first. */
        void report(double secondsPerCall, int calls, Map<String, Object> r) {
            double inOps = 0;
            Map<String, Object> types = new LinkedHashMap<>();
            List<Map.Entry<String, double[]>> sorted = new ArrayList<>(byType.entrySet());
            sorted.sort((p, q) -> Double.compare(q.getValue()[0], p.getValue()[0]));
            for (Map.Entry<String, double[]> e : sorted) {
                inOps += e.getValue()[0] / calls;
                types.put(e.getKey(), List.of(e.getValue()[0] / calls, e.getValue()[1] / calls));
            }
            r.put("secondsInOps", inOps);
            r.put("secondsBetweenOps", secondsPerCall - inOps);
            r.put("opTypes", types);
        }
    }

    private static void train(Path onnx, int batch, int steps, String scenario, Path tail, Map<String, Object> r) {
        Backbone b = BackboneLoader.load(onnx);
        r.put("importMillis", b.importMillis());
        int classes = 10;
        stage("backbone loaded");
        // SCENARIO-ckpt or -Dperf.checkpoint=true: activation checkpointing, as TrainerConfig.optActivationCheckpointing does it
        boolean checkpoint = scenario.endsWith("-ckpt") || Boolean.getBoolean("perf.checkpoint");
        TransferModel m = TransferModel.build(b, Scenario.parse(scenario.replace("-ckpt", "")), HeadSpec.singleLabel(classes), tail, 1,
                io.github.dl4jtransfer.train.TrainingGraphOptions.NONE, checkpoint);
        r.put("checkpointSegments", m.checkpointSegments());
        stage("model built");
        r.put("trainableParameters", m.trainableParameterCount());
        INDArray x = randomImages(batch, b.sidecar().inputShape(), 2);
        double[] t = steps(m, x, oneHot(batch, classes), steps, r);
        times(r, batch, t);
    }

    /**
     * The frozen-linear step on cached features as the product runs it: {@code LinearProbe}'s head (Java loss and
     * gradients, clipping, fused AdamW), one batch of random features, {@code steps} updates.
     */
    private static void head(int dim, int batch, int steps, Map<String, Object> r) {
        int classes = 10;
        HeadSpec spec = HeadSpec.singleLabel(classes);
        Learner head = LinearProbe.head(dim, spec, TrainerConfig.builder().optLearningRate(1e-4).optWeightDecay(0.05).build(), steps);
        Batch b = new Batch(randomImages(batch, new long[]{dim}, 3).castTo(DataType.FLOAT), oneHot(batch, classes), List.of());
        // A frozen-linear cell takes thousands of such steps (epochs × batches × grid rates); the Java loss and gradient
        // loops are JIT-compiled after the first few hundred. Time the steady state, and report the first steps too.
        int warmup = Integer.getInteger("perf.headWarmup", 2000);
        long w0 = System.nanoTime();
        double[] first = new double[Math.min(50, warmup)];
        for (int i = 0; i < warmup; i++) {
            long s = System.nanoTime();
            head.step(b, 1e-4);
            if (i < first.length) first[i] = (System.nanoTime() - s) / 1e9;
        }
        r.put("warmupSeconds", (System.nanoTime() - w0) / 1e9);
        r.put("warmupSteps", warmup);
        if (first.length > 0) r.put("firstStepsMedianSeconds", Arrays.stream(first).sorted().toArray()[first.length / 2]);
        double[] t = new double[steps];
        List<Double> losses = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            long s = System.nanoTime();
            double loss = head.step(b, 1e-4);
            t[i] = (System.nanoTime() - s) / 1e9;
            losses.add(loss);
        }
        r.put("losses", losses);
        times(r, batch, t);
    }

    /** Gradient + AdamW update, as {@code Trainer.fit} does per batch (without clipping and the data pipeline). */
    private static double[] steps(TransferModel m, INDArray x, INDArray y, int steps, Map<String, Object> r) {
        SameDiff sd = m.sameDiff();
        List<String> names = m.trainableNames();
        Map<String, INDArray> params = new LinkedHashMap<>();
        for (String n : names) params.put(n, sd.getArrForVarName(n));
        AdamW opt = new AdamW(0.9, 0.999, 1e-8, 0.05);
        // -Dperf.microBatch=M: gradient accumulation as TrainerConfig.optMicroBatchSize does it
        // (gradient accumulation: the memory of a batch-M step, the update of the whole batch)
        int micro = Integer.getInteger("perf.microBatch", (int) x.size(0));
        r.put("microBatch", micro);
        double[] t = new double[steps];
        List<Double> losses = new ArrayList<>();
        long sessionPeak = -1;
        for (int i = -1; i < steps; i++) {
            long s = System.nanoTime();
            Map<String, INDArray> grads;
            double loss;
            if (STOCK_GRADIENTS) {
                OutAndGrad stock = sd.calculateGradientsAndOutputs(Map.of(m.inputName(), x, TransferModel.LABELS, y), List.of(TransferModel.LOSS), names);
                loss = stock.getOutputs().get(TransferModel.LOSS).getDouble(0);
                grads = stock.getGradients();
            } else {
                // exactly Trainer's step: Backprop, sliced when -Dperf.microBatch is below the batch
                Trainer.Step step = Trainer.gradients(m, x, y, micro);
                loss = step.loss();
                grads = step.gradients();
                sessionPeak = Math.max(sessionPeak, step.sessionPeakBytes());
            }
            losses.add(loss);
            stage("step " + (i + 1) + ": gradients");
            opt.step(params, grads, 1e-4);
            if (!STOCK_GRADIENTS) grads.values().forEach(Backprop::close);
            stage("step " + (i + 1) + ": AdamW");
            if (i >= 0) t[i] = (System.nanoTime() - s) / 1e9;
            else r.put("warmupSeconds", (System.nanoTime() - s) / 1e9);
        }
        if (sessionPeak >= 0) r.put("sessionPeakGiB", sessionPeak / (double) (1L << 30));
        r.put("losses", losses);
        return t;
    }

    /** Progress with the current RSS, so that a child killed for memory shows where it grew. */
    private static void stage(String what) {
        long rss = PerfBench.rssOf(ProcessHandle.current().pid());
        System.out.printf(Locale.ROOT, "stage %s: RSS %.2f GiB (JavaCPP-tracked %.2f GiB)%n", what, rss / (double) (1L << 30),
                org.bytedeco.javacpp.Pointer.totalBytes() / (double) (1L << 30));
        System.out.flush();
    }

    /**
     * -Dperf.stockGradients=true: M2.1's own {@code calculateGradientsAndOutputs}, which keeps every
     * intermediate of the step alive, and every array left to the garbage collector (before {@link Backprop}).
     */
    private static final boolean STOCK_GRADIENTS = Boolean.getBoolean("perf.stockGradients");

    private static INDArray oneHot(int batch, int classes) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, classes);
        for (int i = 0; i < batch; i++) y.putScalar(i, i % classes, 1f);
        return y;
    }

    /**
     * The frozen cell's first stage as a user runs it: {@link CellRunner} on a frozen-linear cell over {@code images}
     * fundus-like 512×512 PNGs (APTOS layout), which decodes, resizes, crops, normalises, runs the backbone and fills the
     * feature cache ({@code featureMillis}); a fresh cache each repetition, the first one the warm-up. Images/s is
     * dataset images over that stage's seconds, to hold against the bare forward of ORT.
     */
    private static void frozenCell(Path onnx, int images, int reps, Map<String, Object> r) {
        try {
            Path root = java.nio.file.Files.createTempDirectory("perf-frozen-cell");
            PipelineBench.writeImages(root.resolve("data"), images);
            List<Double> seconds = new ArrayList<>();
            for (int i = 0; i <= reps; i++) {
                BenchmarkPlan plan = BenchmarkPlan.builder(root.resolve("out" + i)).addModel("m", onnx)
                        .addDataset("aptos2019", "aptos2019", root.resolve("data")).addScenario("frozen-linear").addSeed(1)
                        .optProtocol("modern") // the protocol with a feature cache (the study's trains on augmented images)
                        .optCacheDir(root.resolve("cache" + i)).optTraining(Map.of("epochs", "1")).build();
                CellResult c = new CellRunner(plan, line -> { }).run(new CellKey("m", "aptos2019", "frozen-linear", 1));
                if (c.status() != CellResult.Status.DONE) throw new IllegalStateException("cell failed: " + c.error());
                if (c.timings().featureMillis() <= 0) throw new IllegalStateException("the cell filled no feature cache");
                if (i > 0) seconds.add(c.timings().featureMillis() / 1000.0);
            }
            double best = seconds.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            r.put("images", images);
            r.put("seconds", seconds);
            r.put("imagesPerSecond", images / best);
            r.put("imagesPerSecondMedian", images / seconds.stream().sorted().toList().get(seconds.size() / 2));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void sgemm(int n, int reps, Map<String, Object> r) {
        Nd4j.getRandom().setSeed(4);
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n), b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        a.mmuli(b, c);
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long s = System.nanoTime();
            a.mmuli(b, c);
            c.getFloat(0);
            t[i] = (System.nanoTime() - s) / 1e9;
        }
        double flops = 2.0 * n * n * n;
        double[] sorted = t.clone();
        Arrays.sort(sorted);
        r.put("n", n);
        r.put("seconds", t);
        r.put("gflops", flops / sorted[0] / 1e9);
        r.put("gflopsMedian", flops / sorted[sorted.length / 2] / 1e9);
    }

    private static void times(Map<String, Object> r, int batch, double[] t) {
        double[] s = t.clone();
        Arrays.sort(s);
        double median = s[s.length / 2], best = s[0];
        r.put("batch", batch);
        r.put("seconds", t);
        r.put("medianSeconds", median);
        r.put("bestSeconds", best);
        r.put("imagesPerSecond", batch / best);
        r.put("imagesPerSecondMedian", batch / median);
    }

    static String json(Object o) {
        if (o == null) return "null";
        if (o instanceof String s) return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
        if (o instanceof Double d) return Double.isFinite(d) ? String.format(Locale.ROOT, "%.6g", d) : "null";
        if (o instanceof Number || o instanceof Boolean) return o.toString();
        if (o instanceof double[] a) {
            List<Object> l = new ArrayList<>();
            for (double v : a) l.add(v);
            return json(l);
        }
        if (o instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) sb.append(i > 0 ? "," : "").append(json(l.get(i)));
            return sb.append(']').toString();
        }
        if (o instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(first ? "" : ",").append(json(String.valueOf(e.getKey()))).append(':').append(json(e.getValue()));
                first = false;
            }
            return sb.append('}').toString();
        }
        return json(o.toString());
    }
}
