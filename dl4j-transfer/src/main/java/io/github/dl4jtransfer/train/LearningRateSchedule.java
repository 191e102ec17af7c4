package io.github.dl4jtransfer.train;

/** Linear warm-up from lr/warmup to lr, then cosine decay to {@code floor} (or constant) over the remaining steps. */
public record LearningRateSchedule(double base, int warmupSteps, int totalSteps, TrainerConfig.Schedule after, double floor) {

    /** The configured warm-up and decay over the configured epochs, from {@code base} (one rate of a grid, or the configured one). */
    public static LearningRateSchedule of(TrainerConfig config, double base, int stepsPerEpoch) {
        return new LearningRateSchedule(base, config.warmupSteps(stepsPerEpoch), stepsPerEpoch * config.epochs(), config.schedule(),
                Math.min(config.minLearningRate(), base)); // a grid's small rates never decay upwards
    }

    public double at(int step) {
        if (step < warmupSteps) return base * (step + 1) / warmupSteps;
        if (after == TrainerConfig.Schedule.CONSTANT) return base;
        int decaySteps = Math.max(1, totalSteps - warmupSteps);
        double progress = Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
        return floor + (base - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
