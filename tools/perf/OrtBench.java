// ONNX Runtime Java forward on the same ONNX file the library imports; run in its own JVM by PerfBench:
//   java -cp onnxruntime-1.20.0.jar tools/perf/OrtBench.java MODEL.onnx BATCH REPS [THREADS]
// Prints one line "PERF {json}" (median seconds per call, images/s, peak RSS from /proc/self/status VmHWM).
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.TensorInfo;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

public class OrtBench {
    public static void main(String[] args) throws Exception {
        String model = args[0];
        int batch = Integer.parseInt(args[1]);
        int reps = Integer.parseInt(args[2]);
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(threads);
        so.setInterOpNumThreads(1);
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        long l0 = System.nanoTime();
        OrtSession s = env.createSession(model, so);
        double loadSeconds = (System.nanoTime() - l0) / 1e9;
        Map.Entry<String, NodeInfo> in = s.getInputInfo().entrySet().iterator().next();
        long[] shape = ((TensorInfo) in.getValue().getInfo()).getShape().clone();
        shape[0] = batch;
        int n = 1;
        for (long d : shape) n *= (int) d;
        float[] px = new float[n];
        Random rnd = new Random(1);
        for (int i = 0; i < n; i++) px[i] = (float) rnd.nextGaussian();
        OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(px), shape);
        Set<String> outs = Set.of("features");
        long w = System.nanoTime();
        s.run(Map.of(in.getKey(), x), outs).close();
        double warm = (System.nanoTime() - w) / 1e9;
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long a = System.nanoTime();
            s.run(Map.of(in.getKey(), x), outs).close();
            t[i] = (System.nanoTime() - a) / 1e9;
        }
        double[] sorted = t.clone();
        Arrays.sort(sorted);
        double med = sorted[reps / 2];
        long hwm = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status")))
            if (line.startsWith("VmHWM:")) hwm = Long.parseLong(line.trim().split("\\s+")[1]) * 1024L;
        StringBuilder ts = new StringBuilder();
        for (double v : t) ts.append(ts.length() > 0 ? "," : "").append(String.format(Locale.ROOT, "%.5f", v));
        System.out.println(String.format(Locale.ROOT,
                "PERF {\"workload\":\"ort-fwd\",\"ortVersion\":\"%s\",\"threads\":%d,\"batch\":%d,\"loadSeconds\":%.3f,"
                        + "\"warmupSeconds\":%.4f,\"seconds\":[%s],\"medianSeconds\":%.5f,\"imagesPerSecond\":%.4f,\"imagesPerSecondMedian\":%.4f,\"peakRssBytes\":%d}",
                env.getVersion(), threads, batch, loadSeconds, warm, ts, med, batch / sorted[0], batch / med, hwm));
        System.exit(0);
    }
}
