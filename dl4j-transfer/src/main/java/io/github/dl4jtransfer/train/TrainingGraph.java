package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.graph.BatchNormSite;
import io.github.dl4jtransfer.graph.BlockBoundaries;
import io.github.dl4jtransfer.graph.GraphCut;
import io.github.dl4jtransfer.graph.Dim;
import io.github.dl4jtransfer.graph.OnnxGraphTranslator;
import io.github.dl4jtransfer.graph.ResidualBranches;
import io.github.dl4jtransfer.graph.TrainingForward;
import io.github.dl4jtransfer.graph.TranslatedGraph;
import io.github.dl4jtransfer.graph.Value;
import io.github.dl4jtransfer.model.Backbone;
import io.github.dl4jtransfer.model.BackboneLoader;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The training forward of a backbone, when it differs from the inference forward ({@link TrainingGraphOptions}):
 * a second translation of the backbone's ONNX graph into the same SameDiff graph, fed by the same image
 * placeholder and sharing every weight variable, with training-mode BatchNorm and drop-path masks
 * ({@link TrainingForward}). The loss is computed from this copy, so gradients flow through it; the model's
 * logits (validation, prediction) come from the untouched eval-mode translation, which never runs these ops.
 *
 * <p>After each training forward {@link #update} folds the batch statistics into the running statistics, as
 * torch's BatchNorm does in train mode, and rewrites the eval translation's BatchNorm constants from them.
 */
final class TrainingGraph {

    /** Prefix of the training copy's outputs ({@code train.features}). */
    static final String OUTPUT_PREFIX = "train.";
    static final String MASK_PREFIX = "drop_path.";
    /** Prefix of the placeholders a checkpointed training copy reads at its cuts. */
    static final String CUT_PREFIX = "ckpt.";

    /** One BatchNorm: its eval-mode constants and running statistics, and its training copy's batch statistics. */
    private record BatchNorm(BatchNormSite site, TrainingForward.BatchNormStatistics batch, INDArray runningMean,
                             INDArray invStd, INDArray runningVar) {
    }

    private final TrainingGraphOptions options;
    private final List<BatchNorm> batchNorms = new ArrayList<>();
    private final List<TrainingForward.DropPathMask> masks;
    private final SplittableRandom maskRandom;
    private final List<GraphCut> cuts;

    private TrainingGraph(TrainingGraphOptions options, List<BatchNorm> batchNorms, List<TrainingForward.DropPathMask> masks,
                          long seed, List<GraphCut> cuts) {
        this.options = options;
        this.cuts = List.copyOf(cuts);
        this.batchNorms.addAll(batchNorms);
        this.masks = List.copyOf(masks);
        // Masks have their own stream, so drop-path never shifts the head's initialisation (drawn from the seed).
        this.maskRandom = new SplittableRandom(seed).split();
    }

    /**
     * Translates the training copy of {@code backbone} into its graph, or returns null where the training forward
     * would equal the inference forward (no BatchNorm to switch, no branch with a drop rate above 0) and no
     * checkpointing is asked for.
     *
     * @param checkpoint cut the copy between its blocks ({@link BlockBoundaries}) for activation checkpointing
     */
    static TrainingGraph attach(Backbone backbone, TrainingGraphOptions options, long seed, boolean checkpoint) {
        if (options.isNone() && !checkpoint) return null;
        BackboneLoader.ParsedModel parsed = BackboneLoader.parse(backbone.source());
        if (!parsed.sha256().equals(backbone.sha256())) {
            throw new IllegalStateException(backbone.source() + " changed since the backbone was loaded (SHA-256 "
                    + backbone.sha256() + ", now " + parsed.sha256() + "); load it again");
        }
        List<BatchNormSite> sites = backbone.batchNorms();
        List<ResidualBranches.Branch> branches = options.dropPathRate() > 0
                ? ResidualBranches.find(parsed.model().getGraph()) : List.of();
        double[] blockRates = TrainingGraphOptions.blockRates(options.dropPathRate(), ResidualBranches.blockCount(branches));
        Map<Integer, ResidualBranches.Branch> byNode = new HashMap<>();
        Map<Integer, Double> rates = new HashMap<>();
        for (ResidualBranches.Branch b : branches) {
            byNode.put(b.nodeIndex(), b);
            rates.put(b.nodeIndex(), blockRates[b.blockIndex()]);
        }
        boolean switchBatchNorm = options.batchNormTraining() && !sites.isEmpty();
        boolean anyDrop = rates.values().stream().anyMatch(r -> r > 0);
        if (!switchBatchNorm && !anyDrop && !checkpoint) return null;

        SameDiff sd = backbone.sameDiff();
        TrainingForward forward = new TrainingForward(switchBatchNorm, byNode, rates, MASK_PREFIX);
        Dim[] inputShape = inputShape(backbone);
        Value.Tensor images = new Value.Tensor(sd.getVariable(backbone.inputName()), inputShape, DataType.FLOAT);
        OnnxGraphTranslator translator = new OnnxGraphTranslator(parsed.model(), backbone.source(), sd, "")
                .sharing(backbone.parameters(), OUTPUT_PREFIX)
                .training(forward);
        if (checkpoint) translator.cutAfter(BlockBoundaries.find(parsed.model().getGraph()), CUT_PREFIX);
        TranslatedGraph copy = translator.translate(Map.of(), Map.of(backbone.inputName(), images), Map.of());
        if (!copy.outputNames().equals(backbone.outputNames().stream().map(n -> OUTPUT_PREFIX + n).toList())) {
            throw new IllegalStateException("the training copy of " + backbone.source() + " has outputs " + copy.outputNames());
        }
        List<BatchNorm> bns = new ArrayList<>();
        if (switchBatchNorm) {
            Map<Integer, BatchNormSite> byIndex = new HashMap<>();
            for (BatchNormSite s : sites) byIndex.put(s.nodeIndex(), s);
            for (TrainingForward.BatchNormStatistics st : forward.batchNorms()) {
                BatchNormSite s = byIndex.get(st.nodeIndex());
                if (s == null) throw new IllegalStateException("no inference BatchNorm for node " + st.nodeIndex());
                bns.add(new BatchNorm(s, st, sd.getArrForVarName(s.meanConstant()), sd.getArrForVarName(s.invStdConstant()),
                        s.runningVariance()));
            }
        }
        TrainingGraphOptions effective = new TrainingGraphOptions(switchBatchNorm, anyDrop ? options.dropPathRate() : 0.0);
        return new TrainingGraph(effective, bns, forward.masks(), seed, translator.cuts());
    }

    /** Where the copy was cut for activation checkpointing, in graph order; empty without checkpointing. */
    List<GraphCut> cuts() {
        return cuts;
    }

    /** The image placeholder's shape, its dynamic axis as the batch (as the import made it). */
    private static Dim[] inputShape(Backbone backbone) {
        long[] ph = backbone.sameDiff().getVariable(backbone.inputName()).getShape();
        Dim[] dims = new Dim[ph.length];
        for (int i = 0; i < ph.length; i++) dims[i] = ph[i] < 0 ? Dim.BATCH : Dim.of(ph[i]);
        return dims;
    }

    /** The options in effect: BatchNorm training only where the backbone has BatchNorm, drop-path only where it has branches. */
    TrainingGraphOptions options() {
        return options;
    }

    /** The training copy's name of a backbone output. */
    static String outputName(String backboneOutput) {
        return OUTPUT_PREFIX + backboneOutput;
    }

    List<TrainingForward.DropPathMask> masks() {
        return masks;
    }

    /** Variables a training forward must return for {@link #update}: each BatchNorm's batch mean and variance. */
    List<String> statisticsOutputs() {
        List<String> out = new ArrayList<>();
        for (BatchNorm b : batchNorms) {
            out.add(b.batch().batchMean());
            out.add(b.batch().batchVariance());
        }
        return out;
    }

    /**
     * Fresh drop-path masks for a training forward of {@code batch} samples: per sample and branch 0 with the
     * branch's rate, else 1/(1 - rate), drawn from the model's seed in a fixed order (mask by mask, sample by sample).
     */
    Map<String, INDArray> masks(long batch) {
        Map<String, INDArray> feed = new LinkedHashMap<>();
        for (TrainingForward.DropPathMask m : masks) {
            double keep = 1 - m.rate();
            float kept = (float) (1 / keep);
            float[] v = new float[Math.toIntExact(batch)];
            for (int i = 0; i < v.length; i++) v[i] = maskRandom.nextDouble() < keep ? kept : 0f;
            long[] shape = new long[m.rank()];
            java.util.Arrays.fill(shape, 1);
            shape[m.batchAxis()] = batch;
            feed.put(m.placeholder(), Nd4j.create(v, shape, 'c'));
        }
        return feed;
    }

    /**
     * Folds one training forward's batch statistics into the running statistics, as torch's BatchNorm in train
     * mode: {@code running = (1 - m) running + m batch}, the variance from the unbiased batch variance
     * ({@code n / (n - 1)} times the biased one, n = batch × values per sample), then rewrites the eval graph's
     * constants ({@code mean}, {@code 1/sqrt(var + eps)}) as the import computes them.
     */
    void update(Map<String, INDArray> outputs, long batch) {
        for (BatchNorm b : batchNorms) {
            long n = batch * b.batch().valuesPerSample();
            if (n < 2) {
                throw new IllegalArgumentException("BatchNorm " + b.site().module() + " in training mode needs more than one value "
                        + "per channel, got " + n + " (batch " + batch + "); use a larger batch or micro-batch");
            }
            INDArray mean = outputs.get(b.batch().batchMean()).castTo(DataType.FLOAT).reshape(b.site().channels());
            INDArray var = outputs.get(b.batch().batchVariance()).castTo(DataType.FLOAT).reshape(b.site().channels());
            double m = b.site().momentum();
            b.runningMean().muli(1 - m).addi(mean.mul(m));
            b.runningVar().muli(1 - m).addi(var.mul(m * n / (n - 1.0)));
            b.invStd().assign(Transforms.pow(b.runningVar().add(b.site().epsilon()), -0.5, true));
        }
    }

    /**
     * Live arrays of the BatchNorm state, by name ({@code <module>.running_mean}, {@code .running_var} and the
     * eval constant {@code .inv_std} derived from it): what a checkpoint must copy and restore with the weights,
     * as torch's state dict carries the buffers.
     */
    Map<String, INDArray> buffers() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (BatchNorm b : batchNorms) {
            out.put(b.site().module() + ".running_mean", b.runningMean());
            out.put(b.site().module() + ".running_var", b.runningVar());
            out.put(b.site().module() + ".inv_std", b.invStd());
        }
        return out;
    }
}
