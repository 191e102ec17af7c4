package io.github.dl4jtransfer.perf;

import io.github.dl4jtransfer.data.image.Augmentation;
import io.github.dl4jtransfer.data.Batch;
import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.formats.Datasets;
import io.github.dl4jtransfer.data.image.Preprocessing;
import io.github.dl4jtransfer.data.image.Interpolation;
import io.github.dl4jtransfer.data.pipeline.ImagePipeline;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Pipeline throughput (not a unit test): 512×512 RGB PNGs (fundus-like, with texture and grain so they
 * compress like photographs rather than flat fills) → resize 256 → crop 224 → normalise → NCHW batches
 * of 32, on {@code threads} decode threads. Prints images/s for the evaluation transform (bilinear and
 * bicubic) and the training transform (random resized crop, flips, jitter).
 *
 * <pre>
 * mvn -q test-compile -pl dl4j-transfer
 * mvn -q dependency:build-classpath -pl dl4j-transfer -Dmdep.outputFile=/tmp/cp.txt
 * java -cp dl4j-transfer/target/classes:dl4j-transfer/target/test-classes:$(cat /tmp/cp.txt) \
 *     io.github.dl4jtransfer.perf.PipelineBench [images=256] [threads=2] [epochs=3]
 * </pre>
 */
public final class PipelineBench {

    public static void main(String[] args) throws IOException {
        int images = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path root = Files.createTempDirectory("pipeline-bench");
        long t0 = System.nanoTime();
        writeImages(root, images);
        System.out.printf(Locale.ROOT, "wrote %d 512x512 PNGs (%.1f MB) in %.1f s%n", images, folderBytes(root) / 1e6, (System.nanoTime() - t0) / 1e9);
        Dataset ds = Datasets.read("aptos2019", root);
        Preprocessing bilinear = Preprocessing.builder(224).optResize(256).optInterpolation(Interpolation.BILINEAR).build();
        Preprocessing bicubic = Preprocessing.builder(224).optResize(256).optInterpolation(Interpolation.BICUBIC).build();
        run("eval  bilinear", ImagePipeline.builder(ds, ds.samples(), bilinear).optBatchSize(32).optThreads(threads).build(), epochs, threads);
        run("eval  bicubic ", ImagePipeline.builder(ds, ds.samples(), bicubic).optBatchSize(32).optThreads(threads).build(), epochs, threads);
        run("train bicubic ", ImagePipeline.builder(ds, ds.samples(), bicubic).optBatchSize(32).optThreads(threads)
                .optShuffle(true).optAugmentation(Augmentation.study()).build(), epochs, threads);
        System.out.printf(Locale.ROOT, "threads=%d, available processors=%d%n", threads, Runtime.getRuntime().availableProcessors());
        try (var s = Files.walk(root)) {
            for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(f);
        }
    }

    /**
     * Wall-clock images/s, and the same normalised by this process's CPU time: on a shared machine
     * (CI runners, other builds) wall time includes waiting for cores, while CPU seconds / threads is
     * what the pipeline would take on {@code threads} idle cores.
     */
    private static void run(String name, ImagePipeline p, int epochs, int threads) {
        consume(p, 0); // warm-up: JIT, ImageIO plugin registry, ND4J initialisation
        long start = System.nanoTime(), cpu0 = cpuNanos();
        long n = 0;
        for (int e = 1; e <= epochs; e++) n += consume(p, e);
        double s = (System.nanoTime() - start) / 1e9, cpu = (cpuNanos() - cpu0) / 1e9;
        System.out.printf(Locale.ROOT, "%s: %6.1f images/s wall (%d images in %.2f s); %.1f images per CPU-second"
                + " = %6.1f images/s on %d idle cores%n", name, n / s, n, s, n / cpu, n / cpu * threads, threads);
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long consume(ImagePipeline p, int epoch) {
        long n = 0;
        double checksum = 0;
        for (Batch b : p.epoch(epoch)) {
            n += b.size();
            checksum += b.images().getDouble(0, 0, 100, 100);
        }
        if (Double.isNaN(checksum)) throw new IllegalStateException("NaN pixels");
        return n;
    }

    static void writeImages(Path root, int n) throws IOException {
        StringBuilder csv = new StringBuilder("id_code,diagnosis\n");
        Files.createDirectories(root.resolve("train_images"));
        SplittableRandom r = new SplittableRandom(1);
        int s = 512;
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(s, s, BufferedImage.TYPE_3BYTE_BGR);
            double cx = s / 2.0 + r.nextDouble(-20, 20), cy = s / 2.0 + r.nextDouble(-20, 20), rad = s * 0.45;
            double phase = r.nextDouble(0, 6.3);
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    double d = Math.hypot(x - cx, y - cy) / rad;
                    int rgb = 0;
                    if (d < 1) {
                        double tex = 0.06 * Math.sin(x * 0.05 + phase) * Math.cos(y * 0.07) + r.nextGaussian() * 0.02;
                        double v = (1 - 0.5 * d * d) + tex;
                        int red = clamp(200 * v), green = clamp(90 * v), blue = clamp(35 * v);
                        rgb = red << 16 | green << 8 | blue;
                    }
                    img.setRGB(x, y, rgb);
                }
            }
            String id = String.format(Locale.ROOT, "bench%05d", i);
            ImageIO.write(img, "png", root.resolve("train_images").resolve(id + ".png").toFile());
            csv.append(id).append(',').append(i % 5).append('\n');
        }
        Files.writeString(root.resolve("train.csv"), csv);
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    private static long folderBytes(Path root) throws IOException {
        try (var s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
