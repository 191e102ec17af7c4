package io.github.dl4jtransfer.train;

/**
 * Watches one learner's epochs in {@link TrainingLoop}: history, best checkpoint, early stopping, progress
 * lines. Each learner gets its own instances of the stateful ones.
 */
@FunctionalInterface
public interface EpochListener {

    /** Called once per finished epoch, after validation. */
    void onEpoch(EpochRecord record);

    /** Whether the learner should stop after the epoch just reported; asked after every listener has seen it. */
    default boolean stopRequested() {
        return false;
    }
}
