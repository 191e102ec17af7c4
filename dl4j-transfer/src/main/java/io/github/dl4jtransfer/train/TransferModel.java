package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.graph.Dim;
import io.github.dl4jtransfer.graph.GraphCut;
import io.github.dl4jtransfer.graph.Sessions;

import io.github.dl4jtransfer.model.Backbone;
import io.github.dl4jtransfer.model.BackboneOutput;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A backbone composed with a scenario's classifier into one trainable SameDiff graph: images → logits,
 * with a loss on a {@code labels} placeholder. Frozen backbone weights are constants; trainable ones
 * (and every head weight) are variables.
 *
 * <p>It takes over the backbone's graph: load one {@link Backbone} per model.
 */
public final class TransferModel {

    public static final String LABELS = "labels";
    public static final String LOGITS = "logits";
    public static final String LOSS = "loss";

    private final SameDiff sd;
    private final String inputName;
    private final Backbone backbone;
    private final Scenario scenario;
    private final HeadSpec head;
    private final List<String> trainable;
    private final List<String> frozen;
    private final String deitTailSha256;
    private final TrainingGraph training;
    private final ActivationCheckpoints checkpoints;

    private TransferModel(SameDiff sd, String inputName, Backbone backbone, Scenario scenario, HeadSpec head,
                          List<String> trainable, List<String> frozen, String deitTailSha256, TrainingGraph training,
                          ActivationCheckpoints checkpoints) {
        this.sd = sd;
        this.inputName = inputName;
        this.backbone = backbone;
        this.scenario = scenario;
        this.head = head;
        this.trainable = trainable;
        this.frozen = frozen;
        this.deitTailSha256 = deitTailSha256;
        this.training = training;
        this.checkpoints = checkpoints;
    }

    /**
     * @param deitTail the exported DeiT body ({@code model.onnx} + sidecar), required for DEIT scenarios
     * @param seed     initialises the added layers
     */
    public static TransferModel build(Backbone backbone, Scenario scenario, HeadSpec head, Path deitTail, long seed) {
        return build(backbone, scenario, head, deitTail, seed, TrainingGraphOptions.NONE);
    }

    /**
     * @param deitTail the exported DeiT body ({@code model.onnx} + sidecar), required for DEIT scenarios
     * @param seed     initialises the added layers, and draws the drop-path masks (a stream of its own)
     * @param options  how the training forward differs from inference (BatchNorm on batch statistics, drop-path);
     *                 applied to unfrozen scenarios only, as the study does ({@link TrainingGraphOptions}); the
     *                 logits (validation, prediction) always come from the eval-mode graph
     */
    public static TransferModel build(Backbone backbone, Scenario scenario, HeadSpec head, Path deitTail, long seed,
                                      TrainingGraphOptions options) {
        return build(backbone, scenario, head, deitTail, seed, options, false);
    }

    /**
     * @param activationCheckpointing keep only the tensors between blocks during a training step and recompute each
     *                                block's forward in its backward ({@link ActivationCheckpoints}): the activation
     *                                memory of one block instead of the whole backbone (and DeiT classifier), for one
     *                                more forward per step. Same gradients. Applies where backbone weights train
     *                                (unfrozen, last-k); ignored for frozen scenarios, whose steps never enter the backbone.
     */
    public static TransferModel build(Backbone backbone, Scenario scenario, HeadSpec head, Path deitTail, long seed,
                                      TrainingGraphOptions options, boolean activationCheckpointing) {
        SameDiff sd = backbone.sameDiff();
        if (sd.hasVariable(LOGITS)) {
            throw new IllegalStateException("backbone " + backbone.source() + " is already part of a model; load it again for each model");
        }
        if (options == null) throw new IllegalArgumentException("options must not be null; use TrainingGraphOptions.NONE");
        if (!scenario.trains()) throw new IllegalArgumentException("scenario " + scenario.name() + " has no model to train; use KnnProbe");
        boolean unfrozen = scenario.freeze() instanceof FreezePolicy.Unfrozen;
        boolean checkpoint = activationCheckpointing && !(scenario.freeze() instanceof FreezePolicy.Frozen);
        TrainingGraph training = unfrozen || checkpoint
                ? TrainingGraph.attach(backbone, unfrozen ? options : TrainingGraphOptions.NONE, seed, checkpoint) : null;
        List<GraphCut> cuts = new ArrayList<>(training == null ? List.of() : training.cuts());
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, SDVariable> added = new LinkedHashMap<>();
        SDVariable pooled, trainPooled;
        long dim;
        String tailSha = null;
        if (scenario.head() == HeadKind.LINEAR) {
            String f = backbone.outputName(BackboneOutput.FEATURES);
            pooled = sd.getVariable(f);
            trainPooled = training == null ? pooled : sd.getVariable(TrainingGraph.outputName(f));
            dim = backbone.outputShape(f)[1].value();
        } else {
            if (deitTail == null) {
                throw new IllegalArgumentException("scenario " + scenario.name() + " needs the DeiT classifier export "
                        + "(tools/export/export.py --family deit-tail); none was given");
            }
            String t = backbone.outputName(BackboneOutput.TOKENS);
            DeitTail.Attached tail = DeitTail.attach(sd, sd.getVariable(t), backbone.outputShape(t), deitTail, rnd);
            added.putAll(tail.parameters());
            pooled = tail.features();
            if (training == null) {
                trainPooled = pooled;
            } else {
                DeitTail.Attached again = DeitTail.attachAgain(sd, sd.getVariable(TrainingGraph.outputName(t)), backbone.outputShape(t),
                        deitTail, tail, checkpoint);
                trainPooled = again.features();
                cuts.addAll(again.cuts());
            }
            dim = tail.dim();
            tailSha = tail.sha256();
        }
        addHeadAndLoss(sd, pooled, trainPooled, dim, head, rnd, added);
        ActivationCheckpoints checkpoints = checkpoint ? ActivationCheckpoints.attach(sd, cuts, LOSS) : null;

        // Weights the loss does not depend on (OpenCLIP's proj under a DeiT head) cannot learn: keep them frozen.
        java.util.Set<String> used = checkpoints == null ? GraphWalk.ancestors(sd, LOSS) : checkpoints.reachedFromLoss();
        List<String> backboneTrainable = new ArrayList<>(scenario.freeze().trainable(backbone.parameterGroups()));
        backboneTrainable.retainAll(used);
        List<String> frozen = new ArrayList<>();
        List<SDVariable> toConstants = new ArrayList<>();
        for (String name : backbone.parameters().keySet()) {
            if (!backboneTrainable.contains(name)) {
                frozen.add(name);
                toConstants.add(sd.getVariable(name));
            }
        }
        if (!toConstants.isEmpty()) sd.convertToConstants(toConstants);
        List<String> trainable = new ArrayList<>(backboneTrainable);
        trainable.addAll(added.keySet());
        if (checkpoints != null) checkpoints.assign(sd, LOSS, trainable, training.statisticsOutputs());
        return new TransferModel(sd, backbone.inputName(), backbone, scenario, head, trainable, frozen, tailSha, training, checkpoints);
    }

    /**
     * A linear head alone, fed with cached backbone {@code features} (B, dim): the frozen-linear scenario
     * without re-running the backbone.
     */
    public static TransferModel forFeatures(long dim, HeadSpec head, long seed) {
        SameDiff sd = SameDiff.create();
        SDVariable features = sd.placeHolder(BackboneOutput.FEATURES.key(), DataType.FLOAT, -1, dim);
        Map<String, SDVariable> added = new LinkedHashMap<>();
        addHeadAndLoss(sd, features, features, dim, head, new SplittableRandom(seed), added);
        return new TransferModel(sd, BackboneOutput.FEATURES.key(), null, Scenario.FROZEN_LINEAR, head, new ArrayList<>(added.keySet()), List.of(), null, null, null);
    }

    /**
     * The DeiT classifier (projection, DeiT body, linear head) alone, fed with cached backbone {@code tokens}
     * (B, numTokens, tokenDim): the frozen-DeiT scenario without re-running the backbone. Initialised from
     * the same seed stream as {@link #build}, so both paths start from identical weights.
     */
    public static TransferModel forTokens(long numTokens, long tokenDim, HeadSpec head, Path deitTail, long seed) {
        if (deitTail == null) {
            throw new IllegalArgumentException("the DeiT classifier needs its export (tools/export/export.py --family deit-tail); none was given");
        }
        SameDiff sd = SameDiff.create();
        SDVariable tokens = sd.placeHolder(BackboneOutput.TOKENS.key(), DataType.FLOAT, -1, numTokens, tokenDim);
        SplittableRandom rnd = new SplittableRandom(seed);
        DeitTail.Attached tail = DeitTail.attach(sd, tokens, new Dim[]{Dim.BATCH, Dim.of(numTokens), Dim.of(tokenDim)}, deitTail, rnd);
        Map<String, SDVariable> added = new LinkedHashMap<>(tail.parameters());
        addHeadAndLoss(sd, tail.features(), tail.features(), tail.dim(), head, rnd, added);
        return new TransferModel(sd, BackboneOutput.TOKENS.key(), null, Scenario.FROZEN_DEIT, head, new ArrayList<>(added.keySet()), List.of(), tail.sha256(), null, null);
    }

    /**
     * The head on {@code pooled} gives the logits; the loss is computed on the head applied to {@code trainPooled}
     * (the training forward's, when it differs: the same head weights), or on the logits themselves.
     */
    private static void addHeadAndLoss(SameDiff sd, SDVariable pooled, SDVariable trainPooled, long dim, HeadSpec head,
                                       SplittableRandom rnd, Map<String, SDVariable> added) {
        SDVariable logits = Layers.linear(sd, pooled, "head", dim, head.outputs(), rnd, added);
        sd.renameVariable(logits.name(), LOGITS);
        logits = sd.getVariable(LOGITS);
        SDVariable trainLogits = trainPooled == pooled ? logits
                : sd.mmul(trainPooled, added.get("head.weight")).add(added.get("head.bias"));
        SDVariable labels = sd.placeHolder(LABELS, DataType.FLOAT, -1, head.outputs());
        SDVariable loss = lossFor(sd, trainLogits, labels, head);
        sd.renameVariable(loss.name(), LOSS);
        sd.setLossVariables(LOSS);
    }

    /** The graph input: the backbone's image placeholder, or {@code features} for a head on cached features. */
    public String inputName() {
        return inputName;
    }

    /** The task's loss: softmax cross-entropy for single-label heads, sigmoid BCE for multi-label heads. */
    static SDVariable lossFor(SameDiff sd, SDVariable logits, SDVariable labels, HeadSpec head) {
        return head.multiLabel() ? bceWithLogits(sd, logits, labels) : softmaxCrossEntropy(sd, logits, labels);
    }

    /** Mean over the batch of -log softmax(z)[y]; labels one-hot. */
    private static SDVariable softmaxCrossEntropy(SameDiff sd, SDVariable logits, SDVariable oneHot) {
        SDVariable logp = io.github.dl4jtransfer.graph.SameDiffOps.logSoftmax(sd, logits, 1);
        return sd.mean(sd.sum(logp.mul(oneHot), false, 1)).neg();
    }

    /** Mean over all elements of BCE with logits, in the numerically stable form torch uses. */
    private static SDVariable bceWithLogits(SameDiff sd, SDVariable z, SDVariable y) {
        SDVariable loss = sd.nn.relu(z, 0).sub(z.mul(y)).add(sd.math.log(sd.math.exp(sd.math.abs(z).neg()).add(1.0)));
        return sd.mean(loss);
    }

    public SameDiff sameDiff() {
        return sd;
    }

    public Backbone backbone() {
        return backbone;
    }

    public Scenario scenario() {
        return scenario;
    }

    public HeadSpec head() {
        return head;
    }

    /** Trainable parameter names: unfrozen backbone weights, then the added layers. */
    public List<String> trainableNames() {
        return trainable;
    }

    public List<String> frozenNames() {
        return frozen;
    }

    public INDArray parameter(String name) {
        return sd.getArrForVarName(name);
    }

    public long trainableParameterCount() {
        return count(trainable);
    }

    private long count(List<String> names) {
        long n = 0;
        for (String s : names) n += sd.getArrForVarName(s).length();
        return n;
    }

    public boolean isTrainable(String name) {
        return sd.getVariable(name).getVariableType() == VariableType.VARIABLE;
    }

    /**
     * The training-forward options in effect: those given to {@link #build} for an unfrozen scenario whose backbone
     * has something to switch (BatchNorm only where it has BatchNorm; drop-path only where it has residual branches),
     * else {@link TrainingGraphOptions#NONE}.
     */
    public TrainingGraphOptions trainingGraphOptions() {
        return training == null ? TrainingGraphOptions.NONE : training.options();
    }

    /**
     * The name of a backbone output in the training forward ({@code train.features}), or the output itself where
     * the training forward is the inference graph.
     */
    public String trainingName(String backboneOutput) {
        return training == null ? backboneOutput : TrainingGraph.outputName(backboneOutput);
    }

    /**
     * The drop-path masks of the training forward, in graph order: the residual branch each sits on, its block's
     * rate and its placeholder. Empty without drop-path.
     */
    public List<io.github.dl4jtransfer.graph.TrainingForward.DropPathMask> dropPathMasks() {
        return training == null ? List.of() : training.masks();
    }

    /**
     * Placeholder values a training forward of {@code batch} samples needs besides images and labels: fresh
     * drop-path masks from this model's seed (each call draws new ones). Empty without drop-path.
     */
    public Map<String, INDArray> trainingFeed(long batch) {
        return training == null ? Map.of() : training.masks(batch);
    }

    /**
     * The segments a training step recomputes its forward in under activation checkpointing ({@link #build}); 0 when
     * off or when the backbone has no place to cut.
     */
    public int checkpointSegments() {
        return checkpoints == null ? 0 : checkpoints.segmentCount();
    }

    /** One training forward and backward: the loss (and statistics) and the trainable weights' gradients. */
    Backprop.Result backprop(Map<String, INDArray> feed) {
        return checkpoints == null ? Backprop.run(sd, feed, trainingOutputs(), trainable)
                : checkpoints.run(sd, feed, trainingOutputs());
    }

    /** What a training forward returns: the loss, then the BatchNorm batch statistics {@link #afterTrainingForward} needs. */
    public List<String> trainingOutputs() {
        if (training == null) return List.of(LOSS);
        List<String> out = new ArrayList<>();
        out.add(LOSS);
        out.addAll(training.statisticsOutputs());
        return out;
    }

    /**
     * After a training forward of {@code batch} samples: updates the BatchNorm running statistics (and with them
     * the inference graph) from its batch statistics, as torch's BatchNorm does in train mode. No-op otherwise.
     */
    public void afterTrainingForward(Map<String, INDArray> outputs, long batch) {
        if (training != null) training.update(outputs, batch);
    }

    /**
     * Live arrays of the state that trains without being a weight (BatchNorm running statistics), by name; empty
     * unless BatchNorm trains. A checkpoint copies and restores them with the weights.
     */
    public Map<String, INDArray> buffers() {
        return training == null ? Map.of() : training.buffers();
    }

    /** SHA-256 of the DeiT classifier export, or null for linear heads. */
    public String deitTailSha256() {
        return deitTailSha256;
    }

    /** Logits (B, outputs) for preprocessed images. */
    public INDArray logits(INDArray images) {
        Sessions.forInference(sd);
        return sd.output(Map.of(inputName, images), LOGITS).get(LOGITS);
    }

    /** The labels placeholder's value: one-hot for class indices, as given for multi-hot. */
    INDArray labelMatrix(INDArray labels) {
        return labelMatrix(head, labels);
    }

    static INDArray labelMatrix(HeadSpec head, INDArray labels) {
        if (head.multiLabel() || labels.rank() == 2) return labels.castTo(DataType.FLOAT);
        int b = (int) labels.length();
        INDArray oneHot = org.nd4j.linalg.factory.Nd4j.zeros(DataType.FLOAT, b, head.outputs());
        for (int i = 0; i < b; i++) {
            int y = labels.getInt(i);
            if (y < 0 || y >= head.outputs()) throw new IllegalArgumentException("label " + y + " outside 0.." + (head.outputs() - 1));
            oneHot.putScalar(i, y, 1f);
        }
        return oneHot;
    }

}
