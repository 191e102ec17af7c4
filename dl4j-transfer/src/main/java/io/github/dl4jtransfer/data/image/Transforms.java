package io.github.dl4jtransfer.data.image;

import java.util.SplittableRandom;

/**
 * The pixel work of {@link Preprocessing}: PIL-style separable resampling, centre and random resized
 * crops, flips, colour jitter and normalisation, on float planes in [0, 1].
 *
 * <p>Resampling follows PIL's {@code ImagingResample} (what torchvision's PIL path runs): per output
 * pixel, a filter centred at {@code (x + 0.5)·scale} and stretched by the scale when shrinking, weights
 * normalised to sum 1, horizontal pass then vertical, each pass rounded to 1/255 for 8-bit sources as
 * PIL keeps uint8 between passes. Only the output pixels inside the crop are computed, and only the
 * input rows they need go through the horizontal pass, which gives the same values as resize-then-crop
 * at a fraction of the cost.
 */
public final class Transforms {

    private Transforms() {
    }

    /** Resize shorter side → centre crop (zero padding where the crop exceeds the image) → normalise. */
    public static void eval(RgbImage img, Preprocessing p, float[] out, int offset) {
        int w = img.width(), h = img.height();
        int rw, rh;
        if (p.resize() <= 0) {
            rw = p.width();
            rh = p.height();
        } else if (w <= h) {
            rw = p.resize();
            rh = (int) ((long) p.resize() * h / w); // torchvision: int(size * long / short)
        } else {
            rh = p.resize();
            rw = (int) ((long) p.resize() * w / h);
        }
        int top = cropOffset(rh, p.height()), left = cropOffset(rw, p.width());
        float[] planes = resample(img, 0, 0, w, h, rw, rh, left, top, p.width(), p.height(), p.interpolation());
        normalise(planes, p, out, offset);
    }

    /** Random resized crop → flips → colour jitter → normalise, all drawn from {@code rng}. */
    public static void train(RgbImage img, Preprocessing p, Augmentation a, SplittableRandom rng, float[] out, int offset) {
        int[] box = randomResizedCrop(img.width(), img.height(), a, rng);
        float[] planes = resample(img, box[0], box[1], box[0] + box[2], box[1] + box[3], p.width(), p.height(),
                0, 0, p.width(), p.height(), p.interpolation());
        int pw = p.width(), ph = p.height();
        if (rng.nextDouble() < a.hflipP()) flip(planes, pw, ph, true);
        if (rng.nextDouble() < a.vflipP()) flip(planes, pw, ph, false);
        if (rng.nextDouble() < a.jitterP()) jitter(planes, pw * ph, a, rng);
        normalise(planes, p, out, offset);
    }

    /** torchvision CenterCrop: round((size - crop) / 2) with Python's half-even rounding; negative = padding. */
    static int cropOffset(int size, int crop) {
        if (size >= crop) return (int) Math.rint((size - crop) / 2.0);
        return -((crop - size) / 2);
    }

    /** torchvision RandomResizedCrop.get_params: {x, y, w, h} of the crop box. */
    static int[] randomResizedCrop(int width, int height, Augmentation a, SplittableRandom rng) {
        double area = (double) width * height;
        double logMin = Math.log(a.ratioMin()), logMax = Math.log(a.ratioMax());
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * uniform(rng, a.scaleMin(), a.scaleMax());
            double ratio = Math.exp(uniform(rng, logMin, logMax));
            int w = (int) Math.rint(Math.sqrt(target * ratio));
            int h = (int) Math.rint(Math.sqrt(target / ratio));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                int y = rng.nextInt(height - h + 1);
                int x = rng.nextInt(width - w + 1);
                return new int[]{x, y, w, h};
            }
        }
        double inRatio = (double) width / height;
        int w, h;
        if (inRatio < a.ratioMin()) {
            w = width;
            h = (int) Math.rint(w / a.ratioMin());
        } else if (inRatio > a.ratioMax()) {
            h = height;
            w = (int) Math.rint(h * a.ratioMax());
        } else {
            w = width;
            h = height;
        }
        return new int[]{(width - w) / 2, (height - h) / 2, w, h};
    }

    private static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    /** Per-axis filter taps of PIL's precompute_coeffs, for outputs [from, from + n) only. */
    private record Taps(int[] start, int[] count, float[] w, int k) {
    }

    private static Taps taps(int inSize, double in0, double in1, int outSize, int from, int n, Interpolation f) {
        double scale = (in1 - in0) / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = f.support() * filterScale;
        int k = (int) Math.ceil(support) * 2 + 1;
        int[] start = new int[n], count = new int[n];
        float[] w = new float[n * k];
        double[] tmp = new double[k];
        for (int i = 0; i < n; i++) {
            int xx = from + i;
            double center = in0 + (xx + 0.5) * scale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
            xmax = Math.min(Math.max(xmax, 0), k);
            double total = 0;
            for (int x = 0; x < xmax; x++) {
                double v = f.weight((x + xmin - center + 0.5) / filterScale);
                tmp[x] = v;
                total += v;
            }
            for (int x = 0; x < xmax; x++) w[i * k + x] = (float) (total != 0 ? tmp[x] / total : 0);
            start[i] = xmin;
            count[i] = xmax;
        }
        return new Taps(start, count, w, k);
    }

    /**
     * Output pixels [left, left + cw) × [top, top + ch) of the box (x0, y0)–(x1, y1) of {@code img}
     * resampled to outW × outH, as three planes of ch × cw; positions outside the resampled image are 0.
     */
    static float[] resample(RgbImage img, double x0, double y0, double x1, double y1, int outW, int outH,
                            int left, int top, int cw, int ch, Interpolation f) {
        int w = img.width(), h = img.height();
        float[] src = img.data();
        boolean quantise = img.bits() == 8;
        float[] out = new float[3 * cw * ch];
        // Valid output ranges (inside the resampled image).
        int c0 = Math.max(0, -left), c1 = Math.min(cw, outW - left);
        int r0 = Math.max(0, -top), r1 = Math.min(ch, outH - top);
        if (c0 >= c1 || r0 >= r1) return out;
        int nc = c1 - c0, nr = r1 - r0;
        boolean identityX = x0 == 0 && x1 == w && outW == w, identityY = y0 == 0 && y1 == h && outH == h;
        Taps tx = identityX ? null : taps(w, x0, x1, outW, left + c0, nc, f);
        Taps ty = identityY ? null : taps(h, y0, y1, outH, top + r0, nr, f);
        // Input rows the vertical pass reads.
        int rowLo, rowHi;
        if (ty == null) {
            rowLo = top + r0;
            rowHi = top + r1;
        } else {
            rowLo = Integer.MAX_VALUE;
            rowHi = 0;
            for (int i = 0; i < nr; i++) {
                if (ty.count[i] == 0) continue;
                rowLo = Math.min(rowLo, ty.start[i]);
                rowHi = Math.max(rowHi, ty.start[i] + ty.count[i]);
            }
            if (rowLo > rowHi) rowLo = rowHi;
        }
        int rows = rowHi - rowLo;
        // Horizontal pass: rows [rowLo, rowHi) × nc output columns.
        float[] mid = new float[3 * rows * nc];
        for (int c = 0; c < 3; c++) {
            int inBase = c * w * h, midBase = c * rows * nc;
            for (int y = 0; y < rows; y++) {
                int inRow = inBase + (rowLo + y) * w, mo = midBase + y * nc;
                if (tx == null) {
                    System.arraycopy(src, inRow + left + c0, mid, mo, nc);
                    continue;
                }
                for (int i = 0; i < nc; i++) {
                    int s = inRow + tx.start[i], wo = i * tx.k, n = tx.count[i];
                    float acc = 0;
                    for (int t = 0; t < n; t++) acc += src[s + t] * tx.w[wo + t];
                    mid[mo + i] = quantise ? q8(acc) : clamp(acc);
                }
            }
        }
        // Vertical pass into the crop window.
        float[] acc = new float[nc];
        for (int c = 0; c < 3; c++) {
            int midBase = c * rows * nc, outBase = c * cw * ch;
            for (int i = 0; i < nr; i++) {
                int oo = outBase + (r0 + i) * cw + c0;
                if (ty == null) {
                    System.arraycopy(mid, midBase + (top + r0 + i - rowLo) * nc, out, oo, nc);
                    continue;
                }
                int s = ty.start[i] - rowLo, wo = i * ty.k, n = ty.count[i];
                // Row-wise accumulation: contiguous reads the JIT can vectorise, unlike a column walk per pixel.
                java.util.Arrays.fill(acc, 0, nc, 0f);
                for (int t = 0; t < n; t++) {
                    float wt = ty.w[wo + t];
                    int mo = midBase + (s + t) * nc;
                    for (int x = 0; x < nc; x++) acc[x] += mid[mo + x] * wt;
                }
                for (int x = 0; x < nc; x++) out[oo + x] = quantise ? q8(acc[x]) : clamp(acc[x]);
            }
        }
        return out;
    }

    private static float q8(float v) {
        int i = Math.round(v * 255f);
        return (i < 0 ? 0 : Math.min(i, 255)) / 255f;
    }

    private static float clamp(float v) {
        return v < 0 ? 0 : Math.min(v, 1f);
    }

    static void flip(float[] planes, int w, int h, boolean horizontal) {
        for (int c = 0; c < 3; c++) {
            int base = c * w * h;
            if (horizontal) {
                for (int y = 0; y < h; y++) {
                    int row = base + y * w;
                    for (int x = 0, z = w - 1; x < z; x++, z--) {
                        float t = planes[row + x];
                        planes[row + x] = planes[row + z];
                        planes[row + z] = t;
                    }
                }
            } else {
                float[] tmp = new float[w];
                for (int y = 0, z = h - 1; y < z; y++, z--) {
                    System.arraycopy(planes, base + y * w, tmp, 0, w);
                    System.arraycopy(planes, base + z * w, planes, base + y * w, w);
                    System.arraycopy(tmp, 0, planes, base + z * w, w);
                }
            }
        }
    }

    /** torchvision ColorJitter: factors drawn first, then the four adjustments in a random order. */
    static void jitter(float[] px, int n, Augmentation a, SplittableRandom rng) {
        int[] order = {0, 1, 2, 3};
        for (int i = 3; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        double b = uniform(rng, Math.max(0, 1 - a.brightness()), 1 + a.brightness());
        double c = uniform(rng, Math.max(0, 1 - a.contrast()), 1 + a.contrast());
        double s = uniform(rng, Math.max(0, 1 - a.saturation()), 1 + a.saturation());
        double hue = uniform(rng, -a.hue(), a.hue());
        for (int op : order) {
            switch (op) {
                case 0 -> {
                    if (a.brightness() > 0) for (int i = 0; i < 3 * n; i++) px[i] = clamp((float) (px[i] * b));
                }
                case 1 -> {
                    if (a.contrast() > 0) {
                        double mean = 0;
                        for (int i = 0; i < n; i++) mean += gray(px, i, n);
                        float m = (float) (mean / n);
                        for (int i = 0; i < 3 * n; i++) px[i] = clamp((float) (c * px[i] + (1 - c) * m));
                    }
                }
                case 2 -> {
                    if (a.saturation() > 0) {
                        for (int i = 0; i < n; i++) {
                            float g = gray(px, i, n);
                            for (int ch = 0; ch < 3; ch++) px[ch * n + i] = clamp((float) (s * px[ch * n + i] + (1 - s) * g));
                        }
                    }
                }
                default -> {
                    if (a.hue() > 0) shiftHue(px, n, hue);
                }
            }
        }
    }

    private static float gray(float[] px, int i, int n) {
        return 0.299f * px[i] + 0.587f * px[n + i] + 0.114f * px[2 * n + i];
    }

    /** RGB → HSV, h += shift (mod 1), → RGB; gray pixels (no chroma) are unchanged, as in torchvision. */
    private static void shiftHue(float[] px, int n, double shift) {
        for (int i = 0; i < n; i++) {
            float r = px[i], g = px[n + i], bl = px[2 * n + i];
            float max = Math.max(r, Math.max(g, bl)), min = Math.min(r, Math.min(g, bl));
            float d = max - min;
            if (d <= 0) continue;
            double hh;
            if (max == r) hh = ((g - bl) / d) / 6.0;
            else if (max == g) hh = ((bl - r) / d + 2) / 6.0;
            else hh = ((r - g) / d + 4) / 6.0;
            hh = hh + shift;
            hh -= Math.floor(hh);
            float sat = d / max, v = max;
            double h6 = hh * 6;
            int sector = (int) Math.floor(h6) % 6;
            float fr = (float) (h6 - Math.floor(h6));
            float p = v * (1 - sat), q = v * (1 - sat * fr), t = v * (1 - sat * (1 - fr));
            float nr, ng, nb;
            switch (sector) {
                case 0 -> { nr = v; ng = t; nb = p; }
                case 1 -> { nr = q; ng = v; nb = p; }
                case 2 -> { nr = p; ng = v; nb = t; }
                case 3 -> { nr = p; ng = q; nb = v; }
                case 4 -> { nr = t; ng = p; nb = v; }
                default -> { nr = v; ng = p; nb = q; }
            }
            px[i] = nr;
            px[n + i] = ng;
            px[2 * n + i] = nb;
        }
    }

    /** (x - mean) / std per channel into {@code out}; 1-channel outputs get luminance. */
    static void normalise(float[] planes, Preprocessing p, float[] out, int offset) {
        int n = p.width() * p.height();
        double[] mean = p.mean(), std = p.std();
        if (p.channels() == 1) {
            float m = (float) mean[0], inv = (float) (1.0 / std[0]);
            for (int i = 0; i < n; i++) out[offset + i] = (gray(planes, i, n) - m) * inv;
            return;
        }
        for (int c = 0; c < 3; c++) {
            float m = (float) mean[c], inv = (float) (1.0 / std[c]);
            int base = c * n, o = offset + c * n;
            for (int i = 0; i < n; i++) out[o + i] = (planes[base + i] - m) * inv;
        }
    }
}
