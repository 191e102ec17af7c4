package io.github.dl4jtransfer.graph;

import onnx.Onnx;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Translates an ONNX graph node by node into native SameDiff ops.
 *
 * <p>Why our own translator rather than DL4J's {@code samediff-import-onnx}: measured on torch 1.13 exports
 * with M2.1, that importer drops Gemm biases, zeroes MatMul outputs, mis-reduces negative axes, cannot run
 * the shape subgraphs of a dynamic batch, leaves the graph in eager mode and inflates op counts 4×. Here
 * every value is classified at import time ({@link Value}): shape arithmetic is evaluated symbolically
 * (with the batch as a symbol), constants are folded, weights become named variables grouped by module,
 * and only the real computation becomes SameDiff ops.
 */
public final class OnnxGraphTranslator {

    private final Onnx.ModelProto model;
    private final String file;
    private final Path modelDir;
    private final SameDiff sd;
    private final String prefix;
    private final Map<String, Value> values = new HashMap<>();
    private final ParameterNamer namer = new ParameterNamer();
    private final Map<String, SDVariable> parameters = new LinkedHashMap<>();
    private final int opset;
    private SDVariable batchPlaceholder;
    private int batchAxis = -1;
    private SDVariable runtimeBatch;
    private String outputPrefix;
    private Map<String, SDVariable> shared;
    private TrainingForward training;
    private boolean forwardOnly;
    private final List<BatchNormSite> batchNorms = new ArrayList<>();
    private int nodeIndex = -1;
    private SortedSet<Integer> cutAfter = new TreeSet<>();
    private String cutPrefix;
    private final List<GraphCut> cuts = new ArrayList<>();
    private Map<String, Integer> lastUse = Map.of();

    public OnnxGraphTranslator(Onnx.ModelProto model, Path source) {
        this(model, source, SameDiff.create(), "");
    }

    /**
     * Translates into an existing graph (to compose models, e.g. a backbone and the DeiT tail); weight and
     * output names get {@code prefix} so they cannot clash with the host graph's.
     */
    public OnnxGraphTranslator(Onnx.ModelProto model, Path source, SameDiff target, String prefix) {
        this.sd = target;
        this.prefix = prefix;
        this.model = model;
        this.file = source.toString();
        Path parent = source.toAbsolutePath().getParent();
        this.modelDir = parent == null ? Path.of(".") : parent;
        int v = 0;
        for (Onnx.OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) v = (int) o.getVersion();
        }
        this.opset = v == 0 ? 13 : v;
        this.outputPrefix = prefix;
    }

    /**
     * Makes this a second translation of a graph already in the target: weights are the variables of
     * {@code parameters} (by name: the first translation's {@link TranslatedGraph#parameters()}), not new ones,
     * and graph outputs are named {@code outputPrefix + name} so they cannot clash with the first translation's.
     */
    public OnnxGraphTranslator sharing(Map<String, SDVariable> parameters, String outputPrefix) {
        this.shared = parameters;
        this.outputPrefix = outputPrefix;
        return this;
    }

    /**
     * The graph will only run forward (a frozen backbone): ops may be written in forms that are faster forward but
     * slower to differentiate (depthwise convolutions as sums of taps, {@code ConvRules}). The outputs are the same
     * to float rounding; the op fixtures hold both forms to torch.
     */
    public OnnxGraphTranslator forwardOnly(boolean forwardOnly) {
        this.forwardOnly = forwardOnly;
        return this;
    }

    /**
     * Cuts the translation after each of {@code nodeIndices} ({@link BlockBoundaries}): what crosses a cut is read
     * after it from a new placeholder named {@code placeholderPrefix + cut + "/" + n} ({@link #cuts()}), so each
     * segment can be recomputed and differentiated alone — activation checkpointing. Only for a second translation
     * of a graph whose first translation serves inference.
     */
    public OnnxGraphTranslator cutAfter(SortedSet<Integer> nodeIndices, String placeholderPrefix) {
        this.cutAfter = new TreeSet<>(nodeIndices);
        this.cutPrefix = placeholderPrefix;
        return this;
    }

    /** The cuts made by {@link #translate}, in graph order; empty unless {@link #cutAfter} was set. */
    public List<GraphCut> cuts() {
        return List.copyOf(cuts);
    }

    /** Translates the graph as PyTorch runs it in training mode ({@link TrainingForward}). */
    public OnnxGraphTranslator training(TrainingForward forward) {
        this.training = forward;
        return this;
    }

    /**
     * @param staticShapes for graph inputs with dynamic non-batch dimensions: the shape without the batch axis
     */
    public TranslatedGraph translate(Map<String, long[]> staticShapes) {
        return translate(staticShapes, Map.of(), Map.of());
    }

    /**
     * @param staticShapes   static shapes (without the batch) for inputs with dynamic non-batch dimensions
     * @param bound          graph inputs fed by existing variables of the target graph instead of placeholders
     * @param replacedWeights initializer name → array to use instead (e.g. a resized position embedding)
     */
    public TranslatedGraph translate(Map<String, long[]> staticShapes, Map<String, Value.Tensor> bound,
                                     Map<String, INDArray> replacedWeights) {
        Onnx.GraphProto g = model.getGraph();
        Map<String, Onnx.TensorProto> inits = new HashMap<>();
        for (Onnx.TensorProto t : g.getInitializerList()) inits.put(t.getName(), t);
        for (Onnx.TensorProto t : g.getInitializerList()) {
            INDArray arr;
            try {
                arr = replacedWeights.containsKey(t.getName()) ? replacedWeights.get(t.getName()) : TensorProtos.toArray(t, modelDir);
            } catch (UnsupportedOpException e) {
                throw new OnnxImportException("initializer: " + e.getMessage(), file, e);
            }
            values.put(t.getName(), initValue(t.getName(), arr));
        }
        List<String> inputNames = new ArrayList<>();
        for (Onnx.ValueInfoProto in : g.getInputList()) {
            if (inits.containsKey(in.getName())) continue; // old exporters list initializers as inputs
            Value.Tensor b = bound.get(in.getName());
            if (b != null) {
                values.put(in.getName(), b);
                for (int i = 0; i < b.shape().length; i++) {
                    if (b.shape()[i].equals(Dim.BATCH) && batchPlaceholder == null) {
                        batchPlaceholder = b.var();
                        batchAxis = i;
                    }
                }
                continue;
            }
            inputNames.add(in.getName());
            values.put(in.getName(), placeholder(in, staticShapes.get(in.getName())));
        }
        if (!cutAfter.isEmpty()) lastUse = lastUses(g);
        Map<Integer, Integer> folds = FOLD_BATCH_NORM ? ConvBatchNormPairs.find(g, inits.keySet(),
                training != null && training.batchNormTraining()) : Map.of();
        Set<Integer> folded = new HashSet<>(folds.values());
        int index = 0;
        for (Onnx.NodeProto node : g.getNodeList()) {
            nodeIndex = index;
            Integer batchNorm = folds.get(index);
            if (batchNorm != null) translateFolded(node, g.getNode(batchNorm), index, batchNorm);
            else if (!folded.contains(index)) translateNode(node, index);
            if (cutAfter.contains(index)) cut(index);
            index++;
        }
        nodeIndex = -1;
        List<String> outputNames = new ArrayList<>();
        Map<String, Dim[]> outputShapes = new LinkedHashMap<>();
        for (Onnx.ValueInfoProto out : g.getOutputList()) {
            Value v = values.get(out.getName());
            if (!(v instanceof Value.Tensor t)) {
                throw new OnnxImportException("graph output '" + out.getName() + "' does not depend on any graph input",
                        file, null);
            }
            SDVariable var = t.var();
            String outName = outputPrefix + out.getName();
            if (!var.name().equals(outName)) {
                if (sd.hasVariable(outName)) {
                    throw new OnnxImportException("graph output name '" + outName + "' clashes with a weight name", file, null);
                }
                // Rename rather than add an Identity op: one op less per output.
                sd.renameVariable(var.name(), outName);
                var = sd.getVariable(outName);
            }
            outputNames.add(outName);
            outputShapes.put(outName, t.shape());
        }
        return new TranslatedGraph(sd, inputNames, batchAxis, outputNames, outputShapes, parameters,
                g.getNodeCount(), opset, List.copyOf(batchNorms));
    }

    /** Per tensor name, the index of the last node reading it; graph outputs are read after every node. */
    private static Map<String, Integer> lastUses(Onnx.GraphProto g) {
        Map<String, Integer> last = new HashMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) for (String in : g.getNode(i).getInputList()) last.put(in, i);
        for (Onnx.ValueInfoProto o : g.getOutputList()) last.put(o.getName(), Integer.MAX_VALUE);
        return last;
    }

    /**
     * Replaces every computed tensor that is still to be read after node {@code at} by a placeholder of its shape and
     * type. Placeholders themselves (the images) are fed to every segment and stay; constants and symbolic shapes
     * are values of the translation, not of the graph, and stay too.
     */
    private void cut(int at) {
        Map<String, Value.Tensor> byVariable = new LinkedHashMap<>();
        List<GraphCut.Crossing> crossing = new ArrayList<>();
        List<String> names = new ArrayList<>(values.keySet());
        Collections.sort(names); // a fixed order, whatever the map's
        for (String name : names) {
            if (!(values.get(name) instanceof Value.Tensor t) || lastUse.getOrDefault(name, -1) <= at) continue;
            if (t.var().getVariableType() == VariableType.PLACEHOLDER) continue;
            Value.Tensor replaced = byVariable.get(t.var().name());
            if (replaced == null) {
                long[] shape = new long[t.shape().length];
                for (int i = 0; i < shape.length; i++) shape[i] = t.shape()[i].isStatic() ? t.shape()[i].value() : -1;
                String ph = cutPrefix + cuts.size() + "/" + crossing.size();
                replaced = new Value.Tensor(sd.placeHolder(ph, t.dataType(), shape), t.shape(), t.dataType());
                byVariable.put(t.var().name(), replaced);
                crossing.add(new GraphCut.Crossing(t.var().name(), ph, t.shape(), t.dataType()));
            }
            values.put(name, replaced);
        }
        if (crossing.isEmpty()) return;
        cuts.add(new GraphCut(at, crossing));
    }

    private Value initValue(String name, INDArray arr) {
        return isWeight(arr.dataType().isFPType(), arr.shape()) ? new Value.Init(name, arr) : new Value.Const(arr);
    }

    /**
     * Which initializers are weights: floating-point tensors with more than one element. Everything else (shape
     * constants, scalars such as the attention scale) is a plain constant.
     */
    static boolean isWeight(boolean floatingPoint, long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return floatingPoint && shape.length > 0 && n > 1;
    }

    private Value placeholder(Onnx.ValueInfoProto in, long[] staticShape) {
        Onnx.TypeProto.Tensor tt = in.getType().getTensorType();
        int rank = tt.getShape().getDimCount();
        Dim[] dims = new Dim[rank];
        long[] phShape = new long[rank];
        int dynamicCount = 0;
        for (int i = 0; i < rank; i++) {
            Onnx.TensorShapeProto.Dimension d = tt.getShape().getDim(i);
            boolean dynamic = d.hasDimParam() || d.getDimValue() <= 0;
            if (dynamic && dynamicCount == 0 && (batchAxis < 0 || batchAxis == i)) {
                dims[i] = Dim.BATCH;
                phShape[i] = -1;
                batchAxis = i;
                dynamicCount++;
            } else if (dynamic) {
                int k = i - (batchAxis >= 0 && batchAxis < i ? 1 : 0);
                if (staticShape == null || k >= staticShape.length) {
                    throw new OnnxImportException("input '" + in.getName() + "' has more than one dynamic dimension; "
                            + "give its static shape (the sidecar's image_size) so only the batch stays dynamic", file, null);
                }
                dims[i] = Dim.of(staticShape[k]);
                phShape[i] = staticShape[k];
            } else {
                dims[i] = Dim.of(d.getDimValue());
                phShape[i] = d.getDimValue();
            }
        }
        if (tt.getElemType() != TensorProtos.FLOAT) {
            throw new OnnxImportException("input '" + in.getName() + "' has element type " + tt.getElemType()
                    + "; only float32 image inputs are supported", file, null);
        }
        SDVariable ph = sd.placeHolder(in.getName(), DataType.FLOAT, phShape);
        if (batchPlaceholder == null && batchAxis >= 0) batchPlaceholder = ph;
        return new Value.Tensor(ph, dims, DataType.FLOAT);
    }

    /**
     * {@code -Dtransfer.foldBatchNorm} (default true): an inference-mode BatchNormalization that is the only reader of a
     * convolution is folded into it ({@link ConvBatchNormPairs}); false keeps the two ops (to compare).
     */
    static final boolean FOLD_BATCH_NORM = Boolean.parseBoolean(System.getProperty("transfer.foldBatchNorm", "true"));

    /** A convolution and the BatchNormalization folded into it, translated at the convolution's place as one op. */
    private void translateFolded(Onnx.NodeProto conv, Onnx.NodeProto batchNorm, int convIndex, int batchNormIndex) {
        String name = batchNorm.getName().isEmpty() ? "BatchNormalization_" + batchNormIndex : batchNorm.getName();
        translating("BatchNormalization", name, () -> {
            List<Value> convInputs = new ArrayList<>();
            for (String in : conv.getInputList()) convInputs.add(in.isEmpty() ? null : input(in));
            List<Value> bnInputs = new ArrayList<>();
            bnInputs.add(convInputs.get(0)); // stands for the convolution's output, which is never made
            for (int i = 1; i < batchNorm.getInputCount(); i++) bnInputs.add(input(batchNorm.getInput(i)));
            nodeIndex = batchNormIndex; // the BatchNorm's site is recorded under its own node, as unfolded
            Value y = ConvRules.convBatchNorm(new NodeContext(conv, sd, false, opset, convInputs, this),
                    new NodeContext(batchNorm, sd, false, opset, bnInputs, this));
            nodeIndex = convIndex;
            values.put(batchNorm.getOutput(0), y);
        });
    }

    private void translateNode(Onnx.NodeProto node, int index) {
        String opType = node.getOpType();
        translating(opType, node.getName().isEmpty() ? opType + "_" + index : node.getName(), () -> {
            if (!NodeContext.defaultDomain(node)) {
                throw new UnsupportedOpException("custom-domain op '" + node.getDomain() + "::" + opType + "' is not supported");
            }
            List<Value> inputs = new ArrayList<>();
            for (String in : node.getInputList()) inputs.add(in.isEmpty() ? null : input(in));
            if (training != null) maskBranch(inputs);
            List<Value> outs = evaluate(node, inputs);
            if (outs.size() < node.getOutputCount()) {
                throw new UnsupportedOpException("only " + outs.size() + " of " + node.getOutputCount() + " outputs are supported");
            }
            for (int i = 0; i < node.getOutputCount(); i++) {
                if (!node.getOutput(i).isEmpty()) values.put(node.getOutput(i), outs.get(i));
            }
        });
    }

    /** The value of a node's input, which an earlier node, an initializer or a graph input must have made. */
    private Value input(String name) {
        Value v = values.get(name);
        if (v == null) {
            throw new UnsupportedOpException("input '" + name + "' is not produced by any earlier node, initializer or graph input "
                    + "(the graph is malformed or not topologically sorted)");
        }
        return v;
    }

    /** Runs one node's translation, reporting any failure as an {@link OnnxImportException} that names the node. */
    private void translating(String opType, String name, Runnable translation) {
        try {
            translation.run();
        } catch (OnnxImportException e) {
            throw e;
        } catch (UnsupportedOpException e) {
            throw new OnnxImportException(e.getMessage(), opType, name, file, e);
        } catch (RuntimeException e) {
            throw new OnnxImportException("translation failed: " + e, opType, name, file, e);
        }
    }

    /** Training mode: the branch operand of a residual sum is multiplied by its drop-path mask placeholder. */
    private void maskBranch(List<Value> inputs) {
        ResidualBranches.Branch b = training.maskedBranch(nodeIndex);
        if (b == null) return;
        if (!(inputs.get(b.branchInput()) instanceof Value.Tensor branch)) {
            throw new UnsupportedOpException("residual branch input " + b.branchInput() + " is not computed by the graph");
        }
        Dim[] shape = branch.shape();
        int axis = -1;
        for (int i = 0; i < shape.length && axis < 0; i++) if (shape[i].equals(Dim.BATCH)) axis = i;
        if (axis < 0) {
            throw new UnsupportedOpException("residual branch of shape " + Dim.toString(shape) + " has no batch axis to drop samples on");
        }
        long[] maskShape = new long[shape.length];
        java.util.Arrays.fill(maskShape, 1);
        maskShape[axis] = -1;
        String name = training.nextMaskName();
        SDVariable mask = sd.placeHolder(name, branch.dataType(), maskShape);
        inputs.set(b.branchInput(), new Value.Tensor(branch.var().mul(mask), shape, branch.dataType()));
        training.add(new TrainingForward.DropPathMask(b, training.rate(nodeIndex), name, shape.length, axis));
    }

    /** The training-mode options of this translation, or null for inference. */
    TrainingForward training() {
        return training;
    }

    /** Whether the graph only runs forward ({@link #forwardOnly(boolean)}). */
    boolean isForwardOnly() {
        return forwardOnly && training == null;
    }

    /** The position of the node being translated in the ONNX graph. */
    int nodeIndex() {
        return nodeIndex;
    }

    void record(BatchNormSite site) {
        batchNorms.add(site);
    }

    private List<Value> evaluate(Onnx.NodeProto node, List<Value> inputs) {
        String op = node.getOpType();
        if (op.equals("Constant")) {
            return NodeContext.one(constantNode(node));
        }
        if (op.equals("Identity") && inputs.get(0) instanceof Value.Init init) {
            // torch ties identical initializers behind Identity nodes; give each use its own copy so the
            // weights are named after their own module and train independently.
            return NodeContext.one(new Value.Init(node.getOutput(0), init.array().dup()));
        }
        if (SymbolicRules.applies(node, inputs)) {
            return SymbolicRules.apply(new NodeContext(node, sd, true, opset, inputs, this));
        }
        OpRule rule = OpRules.get(op);
        if (rule == null) {
            throw new UnsupportedOpException("op type " + op + " is not supported by the dl4j-transfer ONNX importer "
                    + "(supported: " + OpRules.supported() + "). Re-export with an equivalent op, or add a rule in OpRules");
        }
        boolean foldable = !inputs.isEmpty();
        for (Value v : inputs) {
            if (v != null && !(v instanceof Value.Const) && !(v instanceof Value.Sym s && s.isStatic())) foldable = false;
        }
        if (foldable) {
            SameDiff scratch = SameDiff.create();
            List<Value> outs = rule.apply(new NodeContext(node, scratch, true, opset, inputs, this));
            List<Value> folded = new ArrayList<>(outs.size());
            for (Value v : outs) {
                folded.add(v instanceof Value.Tensor t ? new Value.Const(conform(t.var().eval().dup(), t.shape())) : v);
            }
            return folded;
        }
        return rule.apply(new NodeContext(node, sd, false, opset, inputs, this));
    }

    /**
     * A folded result in the shape the rule inferred. libnd4j drops leading unit axes when it broadcasts some
     * integer operands ([1, 1] + [3] gives [3], not [1, 3]: swin_t's mask indices), so the ONNX shape is restored
     * where the elements agree.
     */
    private static INDArray conform(INDArray a, Dim[] shape) {
        if (!Dim.allStatic(shape)) return a;
        long[] s = new long[shape.length];
        for (int i = 0; i < s.length; i++) s[i] = shape[i].value();
        if (java.util.Arrays.equals(a.shape(), s)) return a;
        if (a.length() != Dim.product(shape, 0, shape.length)) {
            throw new UnsupportedOpException("folded to shape " + java.util.Arrays.toString(a.shape()) + " where "
                    + Dim.toString(shape) + " was inferred");
        }
        return a.dup('c').reshape(s);
    }

    private Value constantNode(Onnx.NodeProto node) {
        for (Onnx.AttributeProto a : node.getAttributeList()) {
            switch (a.getName()) {
                case "value":
                    return new Value.Const(TensorProtos.toArray(a.getT(), modelDir));
                case "value_float":
                    return new Value.Const(org.nd4j.linalg.factory.Nd4j.scalar(a.getF()));
                case "value_int":
                    return new Value.Const(org.nd4j.linalg.factory.Nd4j.scalar(a.getI()));
                case "value_floats": {
                    float[] f = new float[a.getFloatsCount()];
                    for (int i = 0; i < f.length; i++) f[i] = a.getFloats(i);
                    return new Value.Const(org.nd4j.linalg.factory.Nd4j.createFromArray(f));
                }
                case "value_ints": {
                    long[] l = new long[a.getIntsCount()];
                    for (int i = 0; i < l.length; i++) l[i] = a.getInts(i);
                    return new Value.Const(org.nd4j.linalg.factory.Nd4j.createFromArray(l));
                }
                default:
                    break;
            }
        }
        throw new UnsupportedOpException("Constant node without a supported value attribute");
    }

    /** The named trainable variable for a weight, as used by {@code consumer}'s input {@code inputIndex}. */
    SDVariable parameter(Value.Init init, Onnx.NodeProto consumer, int inputIndex) {
        String name = prefix + namer.nameFor(init.onnxName(), consumer, inputIndex);
        SDVariable existing = parameters.get(name);
        if (existing != null) return existing;
        if (shared != null) {
            SDVariable first = shared.get(name);
            if (first == null) {
                throw new UnsupportedOpException("weight '" + name + "' is not among the first translation's weights");
            }
            parameters.put(name, first);
            return first;
        }
        SDVariable v = sd.var(name, init.array());
        parameters.put(name, v);
        return v;
    }

    /** A shape vector computed at run time: only needed when two dimensions of a reshape depend on the batch. */
    SDVariable runtimeShape(SameDiff graph, Dim[] dims) {
        if (graph != sd || batchPlaceholder == null) {
            throw new UnsupportedOpException("shape " + Dim.toString(dims) + " depends on the batch size where it must be static");
        }
        if (runtimeBatch == null) {
            runtimeBatch = sd.castTo(sd.sizeAt(batchPlaceholder, batchAxis), DataType.INT64);
        }
        SDVariable[] parts = new SDVariable[dims.length];
        for (int i = 0; i < dims.length; i++) {
            Dim d = dims[i];
            SDVariable p = sd.constant(org.nd4j.linalg.factory.Nd4j.createFromArray(new long[]{d.coef()}));
            for (int k = 0; k < d.power(); k++) p = p.mul(sd.reshape(runtimeBatch, 1));
            parts[i] = p;
        }
        return sd.concat(0, parts);
    }
}
