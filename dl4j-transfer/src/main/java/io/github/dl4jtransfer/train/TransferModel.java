package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.graph.Dim;
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

    private TransferModel(SameDiff sd, String inputName, Backbone backbone, Scenario scenario, HeadSpec head,
                          List<String> trainable, List<String> frozen, String deitTailSha256) {
        this.sd = sd;
        this.inputName = inputName;
        this.backbone = backbone;
        this.scenario = scenario;
        this.head = head;
        this.trainable = trainable;
        this.frozen = frozen;
        this.deitTailSha256 = deitTailSha256;
    }

    /**
     * @param deitTail the exported DeiT body ({@code model.onnx} + sidecar), required for DEIT scenarios
     * @param seed     initialises the added layers
     */
    public static TransferModel build(Backbone backbone, Scenario scenario, HeadSpec head, Path deitTail, long seed) {
        SameDiff sd = backbone.sameDiff();
        if (sd.hasVariable(LOGITS)) {
            throw new IllegalStateException("backbone " + backbone.source() + " is already part of a model; load it again for each model");
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, SDVariable> added = new LinkedHashMap<>();
        SDVariable pooled;
        long dim;
        String tailSha = null;
        if (scenario.head() == HeadKind.LINEAR) {
            String f = backbone.outputName(BackboneOutput.FEATURES);
            pooled = sd.getVariable(f);
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
            dim = tail.dim();
            tailSha = tail.sha256();
        }
        addHeadAndLoss(sd, pooled, dim, head, rnd, added);

        // Weights the loss does not depend on (OpenCLIP's proj under a DeiT head) cannot learn: keep them frozen.
        java.util.Set<String> used = GraphWalk.ancestors(sd, LOSS);
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
        return new TransferModel(sd, backbone.inputName(), backbone, scenario, head, trainable, frozen, tailSha);
    }

    /**
     * A linear head alone, fed with cached backbone {@code features} (B, dim): the frozen-linear scenario
     * without re-running the backbone.
     */
    public static TransferModel forFeatures(long dim, HeadSpec head, long seed) {
        SameDiff sd = SameDiff.create();
        SDVariable features = sd.placeHolder(BackboneOutput.FEATURES.key(), DataType.FLOAT, -1, dim);
        Map<String, SDVariable> added = new LinkedHashMap<>();
        addHeadAndLoss(sd, features, dim, head, new SplittableRandom(seed), added);
        return new TransferModel(sd, BackboneOutput.FEATURES.key(), null, Scenario.FROZEN_LINEAR, head, new ArrayList<>(added.keySet()), List.of(), null);
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
        addHeadAndLoss(sd, tail.features(), tail.dim(), head, rnd, added);
        return new TransferModel(sd, BackboneOutput.TOKENS.key(), null, Scenario.FROZEN_DEIT, head, new ArrayList<>(added.keySet()), List.of(), tail.sha256());
    }

    private static void addHeadAndLoss(SameDiff sd, SDVariable pooled, long dim, HeadSpec head, SplittableRandom rnd,
                                       Map<String, SDVariable> added) {
        SDVariable logits = Layers.linear(sd, pooled, "head", dim, head.outputs(), rnd, added);
        sd.renameVariable(logits.name(), LOGITS);
        logits = sd.getVariable(LOGITS);
        SDVariable labels = sd.placeHolder(LABELS, DataType.FLOAT, -1, head.outputs());
        SDVariable loss = lossFor(sd, logits, labels, head);
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
