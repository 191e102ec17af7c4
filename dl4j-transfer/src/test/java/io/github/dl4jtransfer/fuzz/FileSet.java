package io.github.dl4jtransfer.fuzz;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A folder written as text, so that one fuzz input can be a whole dataset layout and the fuzzer can mutate file
 * names and contents alike:
 * <pre>
 * &gt;&gt;&gt; @options
 * skipBadImages=true
 * &gt;&gt;&gt; train.csv
 * id_code,diagnosis
 * a1,0
 * &gt;&gt;&gt; train_images/a1.png
 * @png
 * </pre>
 * Each {@code >>> path} line starts a file under the dataset root; its content follows. A content of {@code @png},
 * {@code @jpg}, {@code @png-cut}, {@code @jpg-cut} or {@code @bad} stands for a small valid image, one cut in half,
 * or bytes no decoder reads. {@code @options} holds reader options as {@code name=value} lines
 * ({@code DatasetOptions.SETTINGS} names). Paths leaving the root are not written.
 */
final class FileSet {

    static final String MARK = ">>> ";

    private static final byte[] PNG = image("png"), JPG = image("jpg");

    final Map<String, String> options = new LinkedHashMap<>();
    final Map<String, byte[]> files = new LinkedHashMap<>();

    static FileSet parse(byte[] data) {
        FileSet fs = new FileSet();
        String text = new String(data, StandardCharsets.UTF_8);
        String name = null;
        StringBuilder content = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (line.startsWith(MARK)) {
                fs.add(name, content);
                name = line.substring(MARK.length());
                content.setLength(0);
            } else if (name != null) {
                if (content.length() > 0) content.append('\n');
                content.append(line);
            }
        }
        fs.add(name, content);
        return fs;
    }

    private void add(String name, StringBuilder content) {
        if (name == null) return;
        String c = content.toString();
        if (name.equals("@options")) {
            for (String line : c.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) options.put(line.substring(0, eq), line.substring(eq + 1));
            }
            return;
        }
        files.put(name, switch (c.strip()) {
            case "@png" -> PNG;
            case "@jpg" -> JPG;
            case "@png-cut" -> Arrays.copyOf(PNG, PNG.length / 2);
            case "@jpg-cut" -> Arrays.copyOf(JPG, JPG.length / 2);
            case "@bad" -> "not an image".getBytes(StandardCharsets.US_ASCII);
            default -> c.getBytes(StandardCharsets.UTF_8);
        });
    }

    /** Writes the files into the sandbox's {@code in/}. */
    void writeInto(Sandbox box) {
        files.forEach(box::write);
    }

    private static byte[] image(String format) {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) img.setRGB(x, y, (x * 32) << 16 | (y * 32) << 8 | 128);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, format, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
