package io.github.dl4jtransfer.graph;

import onnx.Onnx;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Names weights after the module that uses them, as PyTorch does ({@code blocks.3.attn.qkv.weight}).
 *
 * <p>torch 1.13 names many folded weights anonymously ({@code onnx::MatMul_123}); its node names still
 * carry the module path ({@code /blocks.3/attn/qkv/MatMul}), so those weights are named
 * {@code <module>.<role>}. Meaningful initializer names are kept. A weight used by two modules gets one
 * variable per module (untied), so freezing or training one module never touches another.
 */
final class ParameterNamer {

    private static final Pattern ANONYMOUS = Pattern.compile("^(onnx::.*|\\d+|_v_\\d+|.*::.*)$");

    private final Map<String, String> byUse = new HashMap<>();
    private final Set<String> taken = new HashSet<>();

    String nameFor(String onnxName, Onnx.NodeProto consumer, int inputIndex) {
        String module = modulePath(consumer);
        String key = onnxName + "\u0000" + module;
        String known = byUse.get(key);
        if (known != null) return known;
        String candidate = isAnonymous(onnxName)
                ? (module.isEmpty() ? "param" : module) + "." + role(consumer.getOpType(), inputIndex)
                : sanitize(onnxName);
        String name = candidate;
        for (int i = 1; taken.contains(name); i++) name = candidate + "_" + i;
        taken.add(name);
        byUse.put(key, name);
        return name;
    }

    static boolean isAnonymous(String onnxName) {
        return ANONYMOUS.matcher(onnxName).matches();
    }

    /** "/blocks.0/attn/qkv/MatMul" → "blocks.0.attn.qkv". */
    static String modulePath(Onnx.NodeProto node) {
        String n = node.getName();
        int slash = n.lastIndexOf('/');
        if (slash <= 0) return "";
        String path = n.substring(n.startsWith("/") ? 1 : 0, slash);
        return sanitize(path.replace('/', '.'));
    }

    private static String sanitize(String s) {
        return s.replace("::", "_").replace(':', '_').replace(' ', '_');
    }

    static String role(String opType, int inputIndex) {
        return switch (opType) {
            case "MatMul", "Conv", "ConvTranspose" -> inputIndex == 1 ? "weight" : inputIndex == 2 ? "bias" : "param";
            case "Gemm" -> inputIndex == 1 ? "weight" : inputIndex == 2 ? "bias" : "param";
            case "LayerNormalization", "BatchNormalization", "InstanceNormalization" -> switch (inputIndex) {
                case 1 -> "weight";
                case 2 -> "bias";
                case 3 -> "running_mean";
                case 4 -> "running_var";
                default -> "param";
            };
            case "Add", "Sub" -> "bias";
            case "Mul", "Div" -> "scale";
            case "Concat", "Expand", "Tile" -> "token";
            default -> "param";
        };
    }
}
