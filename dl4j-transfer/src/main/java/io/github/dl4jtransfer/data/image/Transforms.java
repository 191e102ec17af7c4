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
 * at a fraction of the cost. With {@link Preprocessing#pilFixedPoint()} 8-bit images go through PIL's own
 * integer arithmetic ({@code normalize_coeffs_8bpc}: weights as {@code (int) (±0.5 + w·2²²)}, sums from
 * {@code 2²¹}, shifted right by 22 and clipped), so the pixels equal PIL's bit for bit; otherwise weights and
 * sums are float and a value on a rounding edge may land 1/255 away.
 */
public final class Transforms {

    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final float[] U8 = new float[256];

    static {
        for (int i = 0; i < 256; i++) U8[i] = i / 255f;
    }

    private Transforms() {
    }

    /** Resize (shorter side or squash) → centre crop (zero padding where the crop exceeds the image) → normalise. */
    public static void eval(RgbImage img, Preprocessing p, float[] out, int offset) {
        normalise(view(img, p), p, out, offset);
    }

    /** The evaluation view before normalisation: three planes of height × width in [0, 1]. */
    public static float[] view(RgbImage img, Preprocessing p) {
        if (p.grayscaleInput() == GrayscaleInput.R_CHANNEL) img = img.luminance();
        int w = img.width(), h = img.height();
        int rw, rh;
        if (p.resize() <= 0) {
            rw = p.width();
            rh = p.height();
        } else if (p.resizeMode() == ResizeMode.SQUASH) {
            rw = rh = p.resize();
        } else if (w <= h) {
            rw = p.resize();
            rh = (int) ((long) p.resize() * h / w); // torchvision: int(size * long / short)
        } else {
            rh = p.resize();
            rw = (int) ((long) p.resize() * w / h);
        }
        int top = cropOffset(rh, p.height()), left = cropOffset(rw, p.width());
        return resample(img, 0, 0, w, h, rw, rh, left, top, p.width(), p.height(), p.interpolation(), p.pilFixedPoint());
    }

    /**
     * The training transform, all drawn from {@code rng}. {@link Augmentation.CropInput#IMAGE}: random resized
     * crop of the decoded image → horizontal flip → vertical flip → jitter → normalise.
     * {@link Augmentation.CropInput#VIEW}: evaluation view → random resized crop of it (crop, then resize) →
     * vertical flip → horizontal flip → jitter → normalise.
     */
    public static void train(RgbImage img, Preprocessing p, Augmentation a, SplittableRandom rng, float[] out, int offset) {
        if (p.grayscaleInput() == GrayscaleInput.R_CHANNEL) img = img.luminance();
        int pw = p.width(), ph = p.height();
        float[] planes;
        if (a.cropInput() == Augmentation.CropInput.VIEW) {
            RgbImage view = new RgbImage(pw, ph, view(img, p), img.bits());
            int[] box = randomResizedCrop(pw, ph, a, rng);
            planes = resizedCrop(view, box, pw, ph, p.interpolation(), p.pilFixedPoint());
            if (rng.nextDouble() < a.vflipP()) flip(planes, pw, ph, false);
            if (rng.nextDouble() < a.hflipP()) flip(planes, pw, ph, true);
        } else {
            int[] box = randomResizedCrop(img.width(), img.height(), a, rng);
            planes = resample(img, box[0], box[1], box[0] + box[2], box[1] + box[3], pw, ph, 0, 0, pw, ph,
                    p.interpolation(), p.pilFixedPoint());
            if (rng.nextDouble() < a.hflipP()) flip(planes, pw, ph, true);
            if (rng.nextDouble() < a.vflipP()) flip(planes, pw, ph, false);
        }
        if (rng.nextDouble() < a.jitterP()) jitter(planes, pw * ph, a, rng);
        normalise(planes, p, out, offset);
    }

    /**
     * torchvision {@code F.resized_crop} on a PIL image: crop the box {x, y, w, h} out, then resize the crop to
     * outW × outH. Unlike resampling a box of the whole image, the filter never reads pixels outside the box.
     */
    static float[] resizedCrop(RgbImage img, int[] box, int outW, int outH, Interpolation f, boolean fixed) {
        int x = box[0], y = box[1], bw = box[2], bh = box[3];
        int w = img.width(), h = img.height();
        if (x < 0 || y < 0 || bw <= 0 || bh <= 0 || x + bw > w || y + bh > h) {
            throw new IllegalArgumentException("crop box " + java.util.Arrays.toString(box) + " outside " + w + "x" + h);
        }
        float[] src = img.data(), cut = new float[3 * bw * bh];
        for (int c = 0; c < 3; c++) {
            for (int r = 0; r < bh; r++) System.arraycopy(src, c * w * h + (y + r) * w + x, cut, (c * bh + r) * bw, bw);
        }
        return resample(new RgbImage(bw, bh, cut, img.bits()), 0, 0, bw, bh, outW, outH, 0, 0, outW, outH, f, fixed);
    }

    /** torchvision CenterCrop: round((size - crop) / 2) with Python's half-even rounding; negative = padding. */
    static int cropOffset(int size, int crop) {
        if (size >= crop) return (int) Math.rint((size - crop) / 2.0);
        return -((crop - size) / 2);
    }

    /**
     * The random values a random resized crop draws, in torchvision's order: per attempt an area fraction and an
     * aspect ratio, then, for the first attempt that fits, the top and the left offset.
     */
    interface CropDraws {
        /** Uniform in [lo, hi): the area fraction. */
        double scale(double lo, double hi);

        /** exp(uniform in [logLo, logHi)): the aspect ratio w / h. */
        double ratio(double logLo, double logHi);

        /** Uniform integer in [0, bound). */
        int offset(int bound);
    }

    /** torchvision RandomResizedCrop.get_params: {x, y, w, h} of the crop box. */
    static int[] randomResizedCrop(int width, int height, Augmentation a, SplittableRandom rng) {
        return randomResizedCrop(width, height, a, new CropDraws() {
            @Override
            public double scale(double lo, double hi) {
                return uniform(rng, lo, hi);
            }

            @Override
            public double ratio(double logLo, double logHi) {
                return Math.exp(uniform(rng, logLo, logHi));
            }

            @Override
            public int offset(int bound) {
                return rng.nextInt(bound);
            }
        });
    }

    /**
     * torchvision {@code RandomResizedCrop.get_params} with its random values from {@code draws}: ten attempts
     * of area {@code width·height·scale} and aspect ratio r, w = round(√(area·r)), h = round(√(area / r)) (half to
     * even, as Python's round), kept when 0 &lt; w ≤ width and 0 &lt; h ≤ height (so a scale above 1 only ever
     * fits through a rounding or a ratio that shrinks the other side); else the central crop of the largest box
     * within the ratio range. Returns {x, y, w, h}.
     */
    static int[] randomResizedCrop(int width, int height, Augmentation a, CropDraws draws) {
        double area = (double) width * height;
        double logMin = Math.log(a.ratioMin()), logMax = Math.log(a.ratioMax());
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * draws.scale(a.scaleMin(), a.scaleMax());
            double ratio = draws.ratio(logMin, logMax);
            int w = (int) Math.rint(Math.sqrt(target * ratio));
            int h = (int) Math.rint(Math.sqrt(target / ratio));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                int y = draws.offset(height - h + 1);
                int x = draws.offset(width - w + 1);
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
    /**
     * The input rows {@code [lo, hi)} that a vertical pass with these taps reads (null taps: the identity, rows
     * {@code top + r0 … top + r1}); the same for the float and the fixed-point resampler.
     */
    private static int[] inputRows(int top, int r0, int r1, int nr, int[] start, int[] count) {
        if (start == null) return new int[]{top + r0, top + r1};
        int lo = Integer.MAX_VALUE, hi = 0;
        for (int i = 0; i < nr; i++) {
            if (count[i] == 0) continue;
            lo = Math.min(lo, start[i]);
            hi = Math.max(hi, start[i] + count[i]);
        }
        return new int[]{Math.min(lo, hi), hi};
    }

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
        return resample(img, x0, y0, x1, y1, outW, outH, left, top, cw, ch, f, false);
    }

    /** As above; {@code fixed}: PIL's integer arithmetic for 8-bit images. */
    static float[] resample(RgbImage img, double x0, double y0, double x1, double y1, int outW, int outH,
                            int left, int top, int cw, int ch, Interpolation f, boolean fixed) {
        if (fixed && img.bits() == 8) return resampleFixed(img, x0, y0, x1, y1, outW, outH, left, top, cw, ch, f);
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
        int[] span = inputRows(top, r0, r1, nr, ty == null ? null : ty.start, ty == null ? null : ty.count);
        int rowLo = span[0], rows = span[1] - span[0];
        // Horizontal pass: the input rows of span × nc output columns.
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

    /** Per-axis taps with PIL's 8-bit integer weights ({@code precompute_coeffs} + {@code normalize_coeffs_8bpc}). */
    private record FixedTaps(int[] start, int[] count, int[] w, int k) {
    }

    private static FixedTaps fixedTaps(int inSize, double in0, double in1, int outSize, int from, int n, Interpolation f) {
        double scale = (in1 - in0) / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = f.support() * filterScale;
        int k = (int) Math.ceil(support) * 2 + 1;
        double ss = 1.0 / filterScale;
        int[] start = new int[n], count = new int[n], w = new int[n * k];
        double[] tmp = new double[k];
        for (int i = 0; i < n; i++) {
            int xx = from + i;
            double center = in0 + (xx + 0.5) * scale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
            xmax = Math.min(Math.max(xmax, 0), k);
            double total = 0;
            for (int x = 0; x < xmax; x++) {
                double v = f.weight((x + xmin - center + 0.5) * ss);
                tmp[x] = v;
                total += v;
            }
            for (int x = 0; x < xmax; x++) {
                double v = total != 0 ? tmp[x] / total : tmp[x];
                w[i * k + x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS)) : (int) (0.5 + v * (1 << PRECISION_BITS));
            }
            start[i] = xmin;
            count[i] = xmax;
        }
        return new FixedTaps(start, count, w, k);
    }

    /** PIL's {@code clip8}: a fixed-point sum to 0..255. */
    private static int clip8(int v) {
        if (v >= (1 << PRECISION_BITS << 8)) return 255;
        if (v <= 0) return 0;
        return v >> PRECISION_BITS;
    }

    /** {@link #resample} for 8-bit images in PIL's integer arithmetic (ImagingResample{Horizontal,Vertical}_8bpc). */
    private static float[] resampleFixed(RgbImage img, double x0, double y0, double x1, double y1, int outW, int outH,
                                         int left, int top, int cw, int ch, Interpolation f) {
        int w = img.width(), h = img.height();
        float[] src = img.data();
        float[] out = new float[3 * cw * ch];
        int c0 = Math.max(0, -left), c1 = Math.min(cw, outW - left);
        int r0 = Math.max(0, -top), r1 = Math.min(ch, outH - top);
        if (c0 >= c1 || r0 >= r1) return out;
        int nc = c1 - c0, nr = r1 - r0;
        boolean identityX = x0 == 0 && x1 == w && outW == w, identityY = y0 == 0 && y1 == h && outH == h;
        FixedTaps tx = identityX ? null : fixedTaps(w, x0, x1, outW, left + c0, nc, f);
        FixedTaps ty = identityY ? null : fixedTaps(h, y0, y1, outH, top + r0, nr, f);
        int[] span = inputRows(top, r0, r1, nr, ty == null ? null : ty.start, ty == null ? null : ty.count);
        int rowLo = span[0], rows = span[1] - span[0];
        int[] mid = new int[3 * rows * nc];
        int[] line = new int[w];
        for (int c = 0; c < 3; c++) {
            int inBase = c * w * h, midBase = c * rows * nc;
            for (int y = 0; y < rows; y++) {
                int inRow = inBase + (rowLo + y) * w, mo = midBase + y * nc;
                if (tx == null) {
                    for (int i = 0; i < nc; i++) mid[mo + i] = (int) (src[inRow + left + c0 + i] * 255f + 0.5f);
                    continue;
                }
                for (int x = 0; x < w; x++) line[x] = (int) (src[inRow + x] * 255f + 0.5f); // exact: 8-bit values are k / 255f
                for (int i = 0; i < nc; i++) {
                    int s = tx.start[i], wo = i * tx.k, n = tx.count[i];
                    int acc = 1 << (PRECISION_BITS - 1);
                    for (int t = 0; t < n; t++) acc += line[s + t] * tx.w[wo + t];
                    mid[mo + i] = clip8(acc);
                }
            }
        }
        int[] acc = new int[nc];
        for (int c = 0; c < 3; c++) {
            int midBase = c * rows * nc, outBase = c * cw * ch;
            for (int i = 0; i < nr; i++) {
                int oo = outBase + (r0 + i) * cw + c0;
                if (ty == null) {
                    int mo = midBase + (top + r0 + i - rowLo) * nc;
                    for (int x = 0; x < nc; x++) out[oo + x] = U8[mid[mo + x]];
                    continue;
                }
                int s = ty.start[i] - rowLo, wo = i * ty.k, n = ty.count[i];
                java.util.Arrays.fill(acc, 0, nc, 1 << (PRECISION_BITS - 1));
                for (int t = 0; t < n; t++) {
                    int wt = ty.w[wo + t];
                    int mo = midBase + (s + t) * nc;
                    for (int x = 0; x < nc; x++) acc[x] += mid[mo + x] * wt;
                }
                for (int x = 0; x < nc; x++) out[oo + x] = U8[clip8(acc[x])];
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

    /** One draw of torchvision's {@code ColorJitter.get_params}: the order of the four operations, then the factors. */
    record JitterDraw(int[] order, double brightness, double contrast, double saturation, double hue) {
    }

    /** A uniformly random order of the operations 0..3 (brightness, contrast, saturation, hue), as randperm(4). */
    static int[] jitterOrder(SplittableRandom rng) {
        int[] order = {0, 1, 2, 3};
        for (int i = 3; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /**
     * The order, then factors uniform in [max(0, 1 - v), 1 + v] for brightness, contrast and saturation and in
     * [-hue, hue] for the hue shift (torchvision's {@code ColorJitter._check_input} and {@code get_params}).
     */
    static JitterDraw jitterDraw(Augmentation a, SplittableRandom rng) {
        int[] order = jitterOrder(rng);
        double b = uniform(rng, Math.max(0, 1 - a.brightness()), 1 + a.brightness());
        double c = uniform(rng, Math.max(0, 1 - a.contrast()), 1 + a.contrast());
        double s = uniform(rng, Math.max(0, 1 - a.saturation()), 1 + a.saturation());
        double hue = uniform(rng, -a.hue(), a.hue());
        return new JitterDraw(order, b, c, s, hue);
    }

    /** torchvision ColorJitter: factors drawn first, then the four adjustments in a random order. */
    static void jitter(float[] px, int n, Augmentation a, SplittableRandom rng) {
        jitter(px, n, a, jitterDraw(a, rng));
    }

    /**
     * The four adjustments of {@code d} in its order, on float planes (torchvision's tensor formulas with PIL's
     * luma weights); an operation whose strength in {@code a} is 0 is skipped.
     */
    static void jitter(float[] px, int n, Augmentation a, JitterDraw d) {
        int[] order = d.order();
        double b = d.brightness(), c = d.contrast(), s = d.saturation(), hue = d.hue();
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

    /**
     * (x - mean) / std per channel into {@code out}; 1-channel outputs get luminance; the one-channel gray input
     * ({@link GrayscaleInput#R_CHANNEL}) puts plane 0 in channel 0 and zeros in channels 1 and 2.
     */
    static void normalise(float[] planes, Preprocessing p, float[] out, int offset) {
        int n = p.width() * p.height();
        double[] mean = p.mean(), std = p.std();
        if (p.grayscaleInput() == GrayscaleInput.R_CHANNEL) {
            float m = (float) mean[0], inv = (float) (1.0 / std[0]);
            for (int i = 0; i < n; i++) out[offset + i] = (planes[i] - m) * inv;
            if (p.channels() == 3) java.util.Arrays.fill(out, offset + n, offset + 3 * n, 0f);
            return;
        }
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
