package io.github.dl4jtransfer.graph;

import io.github.dl4jtransfer.model.Backbone;
import io.github.dl4jtransfer.model.BackboneLoader;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules are trainable as torch trains the model: for each op fixture with gradients (make_op_fixtures.py
 * {@code _write_gradients}), the gradients of sum(y · probe) with respect to every weight equal torch's.
 *
 * <p>An imported weight is found by its values, not its name: the importer may rename an anonymous weight
 * after its module and re-lay it out (a transposed MatMul weight, conv weights in libnd4j's layout), so the
 * imported array is a permutation of torch's; that permutation, read off the values, maps torch's gradient
 * onto the imported one element by element. Where the importer made two variables of one torch weight, torch's
 * gradient is the sum of theirs.
 */
class OpGradientTest {

    static final double TOLERANCE = 1e-4;

    @TestFactory
    List<DynamicTest> weightGradientsMatchPyTorch() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path dir : Fixtures.dirs("ops")) {
            if (!Files.exists(dir.resolve("probe.npy"))) continue;
            tests.add(DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
        }
        assertTrue(tests.size() >= 7, "expected the gradient fixtures, found " + tests.size());
        return tests;
    }

    private static void check(Path dir) {
        Backbone g = BackboneLoader.load(dir.resolve("model.onnx"), null);
        SameDiff sd = g.sameDiff();
        INDArray probe = Fixtures.npy(dir.resolve("probe.npy"));
        INDArray x = Fixtures.npy(dir.resolve("x_b" + probe.shape()[0] + ".npy"));
        SDVariable loss = sd.getVariable("y").mul(sd.constant(probe)).sum("probe_loss");
        sd.setLossVariables(loss);
        List<String> names = new ArrayList<>(g.parameters().keySet());
        Map<String, INDArray> grads = sd.calculateGradients(Map.of(g.inputName(), x), names);
        List<Path> weights = files(dir, "w_");
        assertFalse(weights.isEmpty(), dir + ": no weights to check");
        StringBuilder report = new StringBuilder(dir.getFileName().toString());
        for (Path w : weights) {
            String param = w.getFileName().toString().replaceAll("^w_|\\.npy$", "");
            float[] torchValues = Fixtures.npy(w).castTo(DataType.FLOAT).dup('c').data().asFloat();
            float[] torchGrad = Fixtures.npy(w.resolveSibling("grad_" + param + ".npy")).castTo(DataType.FLOAT).dup('c').data().asFloat();
            double[] expected = new double[torchGrad.length];
            double[] actual = new double[torchGrad.length];
            int matched = 0;
            for (String name : names) {
                int[] where = positions(g.parameters().get(name).getArr(), torchValues);
                if (where == null) continue;
                matched++;
                float[] grad = grads.get(name).castTo(DataType.FLOAT).dup('c').data().asFloat();
                for (int k = 0; k < where.length; k++) actual[where[k]] += grad[k];
            }
            assertTrue(matched > 0, dir + ": no imported weight holds the values of torch's " + param);
            for (int j = 0; j < torchGrad.length; j++) expected[j] = torchGrad[j];
            double err = Fixtures.relativeL2(Nd4j.createFromArray(actual), Nd4j.createFromArray(expected));
            report.append(String.format(" %s %.1e", param, err));
            assertTrue(err < TOLERANCE, dir.getFileName() + " " + param + ": gradient relative L2 " + err);
        }
        System.out.println("gradient rel-L2 " + report);
    }

    /**
     * For each element of {@code imported} (C order), the index of the same value in torch's array; null where
     * the imported array is not a permutation of torch's. The fixtures' values are distinct (the script checks).
     */
    static int[] positions(INDArray imported, float[] torch) {
        if (imported.length() != torch.length || !imported.dataType().isFPType()) return null;
        float[] mine = imported.castTo(DataType.FLOAT).dup('c').data().asFloat();
        Integer[] order = new Integer[torch.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Float.compare(torch[a], torch[b]));
        float[] sorted = new float[torch.length];
        for (int i = 0; i < sorted.length; i++) sorted[i] = torch[order[i]];
        int[] where = new int[mine.length];
        for (int k = 0; k < mine.length; k++) {
            int i = Arrays.binarySearch(sorted, mine[k]);
            if (i < 0) return null;
            where[k] = order[i];
        }
        int[] seen = where.clone();
        Arrays.sort(seen);
        for (int i = 0; i < seen.length; i++) if (seen[i] != i) return null;
        return where;
    }

    private static List<Path> files(Path dir, String prefix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @org.junit.jupiter.api.Test
    void positionsRecoverATransposition() {
        INDArray w = Nd4j.createFromArray(new float[][]{{1, 2, 3}, {4, 5, 6}});
        int[] where = positions(w.transpose(), new float[]{1, 2, 3, 4, 5, 6});
        assertEquals(List.of(0, 3, 1, 4, 2, 5), Arrays.stream(where).boxed().toList());
        assertEquals(null, positions(Nd4j.createFromArray(new float[]{1, 2, 7}), new float[]{1, 2, 3}));
    }
}
