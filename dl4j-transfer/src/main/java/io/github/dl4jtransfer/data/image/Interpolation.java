package io.github.dl4jtransfer.data.image;

import io.github.dl4jtransfer.data.DatasetException;

import java.util.Locale;

/**
 * Resampling filters as PIL defines them (torchvision's PIL path): the filter is stretched by the
 * scale factor when downsampling, which is the antialiasing torchvision's {@code antialias=True} gives.
 */
public enum Interpolation {
    /** Triangle filter, support 1. */
    BILINEAR(1.0),
    /** Keys cubic with a = -0.5, support 2 (PIL's BICUBIC). */
    BICUBIC(2.0);

    private final double support;

    Interpolation(double support) {
        this.support = support;
    }

    public double support() {
        return support;
    }

    public double weight(double x) {
        x = Math.abs(x);
        if (this == BILINEAR) return x < 1 ? 1 - x : 0;
        final double a = -0.5;
        if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
        return 0;
    }

    /** "bilinear" / "bicubic" as sidecars (timm configs) write them; anything else is an error naming the choices. */
    public static Interpolation of(String name) {
        if (name == null) return BILINEAR;
        return switch (name.toLowerCase(Locale.ROOT).strip()) {
            case "bilinear", "linear" -> BILINEAR;
            case "bicubic", "cubic" -> BICUBIC;
            default -> throw new DatasetException("unknown interpolation '" + name + "'; expected bilinear or bicubic");
        };
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
