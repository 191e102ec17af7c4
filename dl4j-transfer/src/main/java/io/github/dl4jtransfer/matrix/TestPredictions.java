package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.eval.ScoreKind;
import io.github.dl4jtransfer.eval.ScoredImages;
import io.github.dl4jtransfer.io.Sha256;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * A cell's per-image test outputs, kept in its result so that confidence intervals can be recomputed, and two models
 * compared on the same resampled test images, long after the models are gone. Compact: the scores as float32
 * (little-endian, row-major, Base64: 5.3 characters per image and class), the targets as one byte per image
 * (single-label class index, Base64; four bytes above 256 classes) or one bit per label (multi-label rows, each
 * padded to whole bytes).
 * Trained heads' logits are float32 already, so nothing is lost for them; a kNN probe's vote fractions round to
 * float32, which keeps equal votes equal and their order.
 *
 * @param scoreKind  {@code logits} or {@code probabilities} ({@link ScoreKind}, lower case)
 * @param images     test images (rows)
 * @param columns    classes or labels
 * @param multiLabel targets are 0/1 label rows, else class indices
 * @param idsSha256  SHA-256 of the test image ids in row order, one per line: two cells are paired image by image
 *                   only when theirs are equal
 * @param scores     the float32 scores
 * @param targets    the targets
 */
public record TestPredictions(String scoreKind, int images, int columns, boolean multiLabel, String idsSha256, String scores,
                              String targets) {

    /** Encodes {@code data}; {@code ids} in row order. */
    public static TestPredictions of(ScoredImages data, ScoreKind kind, List<String> ids, int columns) {
        int n = data.size();
        ByteBuffer buf = ByteBuffer.allocate(n * columns * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (double[] row : data.scores()) for (double v : row) buf.putFloat((float) v);
        byte[] t;
        if (data.multiLabel()) {
            int stride = (columns + 7) / 8;
            t = new byte[n * stride];
            for (int i = 0; i < n; i++) {
                for (int l = 0; l < columns; l++) if (data.targets()[i][l] == 1) t[i * stride + l / 8] |= (byte) (1 << (l % 8));
            }
        } else if (columns <= 256) {
            t = new byte[n];
            for (int i = 0; i < n; i++) t[i] = (byte) data.classes()[i];
        } else {
            // More classes than a byte holds: four bytes (little-endian) per image; the length tells decode which.
            ByteBuffer wide = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) wide.putInt(data.classes()[i]);
            t = wide.array();
        }
        Base64.Encoder b64 = Base64.getEncoder();
        return new TestPredictions(kind.name().toLowerCase(Locale.ROOT), n, columns, data.multiLabel(), idsHash(ids),
                b64.encodeToString(buf.array()), b64.encodeToString(t));
    }

    /** The hash {@link #idsSha256} holds. */
    public static String idsHash(List<String> ids) {
        return Sha256.of(String.join("\n", ids));
    }

    /** The scores and targets back, the scores as the float32 values stored. */
    public ScoredImages decode() {
        ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(scores)).order(ByteOrder.LITTLE_ENDIAN);
        if (buf.remaining() != images * columns * 4) {
            throw new IllegalStateException("stored test scores hold " + buf.remaining() + " bytes, expected " + images * columns * 4);
        }
        double[][] z = new double[images][columns];
        for (int i = 0; i < images; i++) for (int c = 0; c < columns; c++) z[i][c] = buf.getFloat();
        byte[] t = Base64.getDecoder().decode(targets);
        if (!multiLabel) {
            int[] y = new int[images];
            if (columns <= 256) {
                for (int i = 0; i < images; i++) y[i] = t[i] & 0xFF;
            } else {
                ByteBuffer wide = ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < images; i++) y[i] = wide.getInt();
            }
            return ScoredImages.singleLabel(z, y);
        }
        int stride = (columns + 7) / 8;
        int[][] y = new int[images][columns];
        for (int i = 0; i < images; i++) {
            for (int l = 0; l < columns; l++) y[i][l] = (t[i * stride + l / 8] >> (l % 8)) & 1;
        }
        return ScoredImages.multiLabel(z, y);
    }

    public ScoreKind kind() {
        return ScoreKind.valueOf(scoreKind.toUpperCase(Locale.ROOT));
    }
}
