package io.github.dl4jtransfer.train;

/**
 * The learning rate per optimiser step: linear warm-up over {@code warmupSteps} steps, then cosine decay to
 * {@code floor} over the remaining steps, or constant.
 *
 * <p>Warm-up climbs from {@code warmupStart} (0 by default) in equal increments of
 * {@code (base − warmupStart) / warmupSteps}; step {@code s} (0-based) already takes {@code s + 1} of them, so the
 * first step runs at {@code warmupStart + increment} and step {@code warmupSteps − 1} at the peak. With
 * {@code overshoot} (the study's {@code LinearWarmup}, {@code utils/_utils.py:116-165}, stepped after every
 * optimiser step) the increments are added one at a time in double, as the study's code adds
 * {@code (1 / W) * (max_lr - eta_min)} to the optimiser's rate, and warm-up takes one increment more: from step
 * {@code warmupSteps} on the rate is {@code warmupStart + (W + 1)·increment}, one increment above {@code base},
 * and the constant or cosine part starts from there. Without it (the default) the rate is the closed form, and
 * with {@code warmupStart = 0} exactly what it always was.
 */
public final class LearningRateSchedule {

    private final double base;
    private final int warmupSteps;
    private final int totalSteps;
    private final TrainerConfig.Schedule after;
    private final double floor;
    private final double warmupStart;
    private final boolean overshoot;
    /** With {@code overshoot}: the rate of warm-up step k (k = 0 … warmupSteps), accumulated as the study does. */
    private final double[] ramp;

    public LearningRateSchedule(double base, int warmupSteps, int totalSteps, TrainerConfig.Schedule after, double floor) {
        this(base, warmupSteps, totalSteps, after, floor, 0, false);
    }

    public LearningRateSchedule(double base, int warmupSteps, int totalSteps, TrainerConfig.Schedule after, double floor,
                                double warmupStart, boolean overshoot) {
        if (warmupSteps < 0) throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
        this.base = base;
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
        this.after = after;
        this.floor = floor;
        this.warmupStart = warmupStart;
        this.overshoot = overshoot;
        if (overshoot && warmupSteps > 0) {
            ramp = new double[warmupSteps + 1];
            double increment = (1.0 / warmupSteps) * (base - warmupStart);
            double lr = warmupStart;
            for (int k = 0; k <= warmupSteps; k++) {
                lr = lr + increment;
                ramp[k] = lr;
            }
        } else {
            ramp = null;
        }
    }

    /** The configured warm-up and decay over the configured epochs, from {@code base} (one rate of a grid, or the configured one). */
    public static LearningRateSchedule of(TrainerConfig config, double base, int stepsPerEpoch) {
        return new LearningRateSchedule(base, config.warmupSteps(stepsPerEpoch), stepsPerEpoch * config.epochs(), config.schedule(),
                Math.min(config.minLearningRate(), base), // a grid's small rates never decay upwards
                config.warmupStartLearningRate(), config.warmupOvershoot());
    }

    /** The rate of optimiser step {@code step} (0-based, counted over the whole run). */
    public double at(int step) {
        if (step < warmupSteps) {
            if (ramp != null) return ramp[step];
            if (warmupStart == 0) return base * (step + 1) / warmupSteps;
            return warmupStart + (base - warmupStart) * (step + 1) / warmupSteps;
        }
        double top = peak();
        if (after == TrainerConfig.Schedule.CONSTANT) return top;
        int decaySteps = Math.max(1, totalSteps - warmupSteps);
        double progress = Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
        return floor + (top - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }

    /** The rate warm-up ends on and the constant or cosine part starts from: {@code base}, or one increment above with overshoot. */
    public double peak() {
        return ramp != null ? ramp[warmupSteps] : base;
    }

    public double base() {
        return base;
    }

    public int warmupSteps() {
        return warmupSteps;
    }

    public int totalSteps() {
        return totalSteps;
    }

    public TrainerConfig.Schedule after() {
        return after;
    }

    public double floor() {
        return floor;
    }

    public double warmupStart() {
        return warmupStart;
    }

    public boolean overshoot() {
        return overshoot;
    }

    @Override
    public String toString() {
        return "LearningRateSchedule[base=" + base + ", warmupSteps=" + warmupSteps + ", totalSteps=" + totalSteps + ", after=" + after
                + ", floor=" + floor + ", warmupStart=" + warmupStart + ", overshoot=" + overshoot + "]";
    }
}
