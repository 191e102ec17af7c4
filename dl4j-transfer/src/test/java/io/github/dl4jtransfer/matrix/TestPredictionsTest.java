package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.eval.ScoreKind;
import io.github.dl4jtransfer.eval.ScoredImages;
import io.github.dl4jtransfer.io.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The compact test predictions decode to what was encoded (scores as float32), through a JSON file too. */
class TestPredictionsTest {

    @Test
    void singleLabelRoundTripsIncludingManyClasses() throws Exception {
        for (int classes : new int[]{2, 256, 300}) {
            double[][] z = {new double[classes], new double[classes], new double[classes]};
            z[0][0] = 0.1;
            z[1][classes - 1] = -3.25;
            z[2][1] = 1e-3;
            int[] y = {classes - 1, 0, 1};
            TestPredictions p = TestPredictions.of(ScoredImages.singleLabel(z, y), ScoreKind.LOGITS, List.of("a", "b", "c"), classes);
            TestPredictions back = Json.MAPPER.readValue(Json.MAPPER.writeValueAsBytes(p), TestPredictions.class);
            assertEquals(p, back);
            ScoredImages d = back.decode();
            assertArrayEquals(y, d.classes());
            for (int i = 0; i < 3; i++) for (int c = 0; c < classes; c++) assertEquals((float) z[i][c], d.scores()[i][c], 0.0);
            assertEquals(ScoreKind.LOGITS, back.kind());
        }
    }

    @Test
    void multiLabelRowsArePackedAsBits() {
        int[][] t = {{1, 0, 0, 0, 0, 0, 0, 0, 1, 1}, {0, 1, 0, 0, 0, 0, 0, 1, 0, 0}};
        double[][] z = {{0.5, 0, 0, 0, 0, 0, 0, 0, 0, 2}, new double[10]};
        TestPredictions p = TestPredictions.of(ScoredImages.multiLabel(z, t), ScoreKind.PROBABILITIES, List.of("x", "y"), 10);
        assertEquals(4, java.util.Base64.getDecoder().decode(p.targets()).length, "two bytes per row of 10 labels");
        assertArrayEquals(t, p.decode().targets());
        assertEquals(ScoreKind.PROBABILITIES, p.kind());
        assertNotEquals(p.idsSha256(), TestPredictions.idsHash(List.of("y", "x")), "the order of the images counts");
    }
}
