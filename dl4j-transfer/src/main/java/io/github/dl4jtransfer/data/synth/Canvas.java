package io.github.dl4jtransfer.data.synth;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** A small float RGB (or gray) raster with the few drawing primitives the synthetic tasks need. */
final class Canvas {

    final int w, h;
    final boolean gray;
    final float[][] px; // [channel][y * w + x], values in [0, 1]

    Canvas(int w, int h, boolean gray) {
        this.w = w;
        this.h = h;
        this.gray = gray;
        this.px = new float[gray ? 1 : 3][w * h];
    }

    void fill(float... c) {
        for (int k = 0; k < px.length; k++) java.util.Arrays.fill(px[k], c[k]);
    }

    /** Blends colour {@code c} with weight {@code a} (0..1) into pixel (x, y). */
    void blend(int x, int y, float a, float... c) {
        if (x < 0 || y < 0 || x >= w || y >= h || a <= 0) return;
        a = Math.min(a, 1f);
        int i = y * w + x;
        for (int k = 0; k < px.length; k++) px[k][i] = px[k][i] * (1 - a) + c[k] * a;
    }

    /** Adds {@code d} to every channel of pixel (x, y). */
    void add(int x, int y, float d) {
        if (x < 0 || y < 0 || x >= w || y >= h) return;
        int i = y * w + x;
        for (float[] p : px) p[i] += d;
    }

    /** Filled ellipse with a soft (anti-aliased) edge, rotated by {@code angle}; {@code wobble} makes the border irregular. */
    void ellipse(double cx, double cy, double rx, double ry, double angle, float alpha, double wobble, long shapeSeed, float... c) {
        double cos = Math.cos(angle), sin = Math.sin(angle);
        double[] harm = new double[6];
        SplittableRandom r = new SplittableRandom(shapeSeed);
        for (int i = 0; i < harm.length; i++) harm[i] = r.nextDouble() * Math.PI * 2;
        int x0 = (int) Math.floor(cx - Math.max(rx, ry) * (1 + wobble) - 2), x1 = (int) Math.ceil(cx + Math.max(rx, ry) * (1 + wobble) + 2);
        int y0 = (int) Math.floor(cy - Math.max(rx, ry) * (1 + wobble) - 2), y1 = (int) Math.ceil(cy + Math.max(rx, ry) * (1 + wobble) + 2);
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
                double u = (dx * cos + dy * sin) / rx, v = (-dx * sin + dy * cos) / ry;
                double d = Math.sqrt(u * u + v * v);
                if (d > 1 + wobble + 2 / Math.min(rx, ry)) continue;
                double edge = 1;
                if (wobble > 0) {
                    double theta = Math.atan2(v, u);
                    edge += wobble * (0.5 * Math.sin(3 * theta + harm[0]) + 0.3 * Math.sin(5 * theta + harm[1]) + 0.2 * Math.sin(7 * theta + harm[2]));
                }
                double cover = Math.max(0, Math.min(1, (edge - d) * Math.min(rx, ry) + 0.5));
                blend(x, y, (float) (alpha * cover), c);
            }
        }
    }

    void disc(double cx, double cy, double r, float alpha, float... c) {
        ellipse(cx, cy, r, r, 0, alpha, 0, 0, c);
    }

    /** A gaussian bump of peak {@code amp} added to every channel. */
    void blob(double cx, double cy, double sigma, float amp) {
        int rad = (int) Math.ceil(3 * sigma);
        for (int y = (int) cy - rad; y <= (int) cy + rad; y++) {
            for (int x = (int) cx - rad; x <= (int) cx + rad; x++) {
                double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
                add(x, y, (float) (amp * Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma))));
            }
        }
    }

    /** A line of the given width, drawn as overlapping soft discs. */
    void line(double x0, double y0, double x1, double y1, double width, float alpha, float... c) {
        double len = Math.hypot(x1 - x0, y1 - y0);
        int steps = Math.max(1, (int) Math.ceil(len * 1.5));
        for (int i = 0; i <= steps; i++) {
            double t = (double) i / steps;
            double x = x0 + t * (x1 - x0), y = y0 + t * (y1 - y0);
            int r = (int) Math.ceil(width);
            if (x < -r || y < -r || x > w + r || y > h + r) continue;
            for (int yy = (int) y - r; yy <= (int) y + r; yy++) {
                for (int xx = (int) x - r; xx <= (int) x + r; xx++) {
                    double ddx = xx + 0.5 - x, ddy = yy + 0.5 - y, d = Math.sqrt(ddx * ddx + ddy * ddy);
                    double cover = Math.max(0, Math.min(1, width / 2 - d + 0.5));
                    if (cover > 0) blend(xx, yy, (float) (alpha * cover * 0.6), c);
                }
            }
        }
    }

    /** Smooth value noise (bilinear over a {@code cells}-wide random grid) times {@code amp}, added to all channels. */
    void texture(SplittableRandom r, int cells, float amp) {
        int g = cells + 2;
        float[] grid = new float[g * g];
        for (int i = 0; i < grid.length; i++) grid[i] = (float) (r.nextDouble() * 2 - 1);
        for (int y = 0; y < h; y++) {
            double gy = (double) y / h * cells;
            int iy = (int) gy;
            double fy = gy - iy;
            for (int x = 0; x < w; x++) {
                double gx = (double) x / w * cells;
                int ix = (int) gx;
                double fx = gx - ix;
                double v = (1 - fy) * ((1 - fx) * grid[iy * g + ix] + fx * grid[iy * g + ix + 1])
                        + fy * ((1 - fx) * grid[(iy + 1) * g + ix] + fx * grid[(iy + 1) * g + ix + 1]);
                for (float[] p : px) p[y * w + x] += (float) (amp * v);
            }
        }
    }

    /** Independent per-pixel noise (sensor grain). */
    void grain(SplittableRandom r, float amp) {
        for (int i = 0; i < w * h; i++) {
            float n = (float) (r.nextGaussian() * amp);
            for (float[] p : px) p[i] += n;
        }
    }

    BufferedImage toImage() {
        BufferedImage img = new BufferedImage(w, h, gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        byte[] data = ((java.awt.image.DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < w * h; i++) {
            if (gray) {
                data[i] = (byte) q(px[0][i]);
            } else {
                data[3 * i] = (byte) q(px[2][i]);
                data[3 * i + 1] = (byte) q(px[1][i]);
                data[3 * i + 2] = (byte) q(px[0][i]);
            }
        }
        return img;
    }

    private static int q(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255f)));
    }

    /** Writes PNG or (by extension) JPEG at quality 0.9, creating parent folders. */
    void write(Path file) {
        try {
            Files.createDirectories(file.getParent());
            String name = file.getFileName().toString();
            BufferedImage img = toImage();
            if (name.endsWith(".png")) {
                if (!ImageIO.write(img, "png", file.toFile())) throw new IOException("no PNG writer");
                return;
            }
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(0.9f);
            Files.deleteIfExists(file);
            try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(img, null, null), p);
            } finally {
                writer.dispose();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write synthetic image " + file, e);
        }
    }
}
