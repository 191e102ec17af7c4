package io.github.dl4jtransfer.train;

/**
 * Stops a learner once {@code patience} epochs have passed without a new best checkpoint (0 = never). It reads
 * the {@link BestCheckpoint}'s best epoch, so it must be told about an epoch after the checkpoint is.
 */
final class EarlyStopping implements EpochListener {

    private final int patience;
    private final BestCheckpoint checkpoint;
    private int lastEpoch = -1;

    EarlyStopping(int patience, BestCheckpoint checkpoint) {
        this.patience = patience;
        this.checkpoint = checkpoint;
    }

    @Override
    public void onEpoch(EpochRecord record) {
        lastEpoch = record.epoch();
    }

    @Override
    public boolean stopRequested() {
        return patience > 0 && lastEpoch >= 0 && lastEpoch - checkpoint.bestEpoch() >= patience;
    }
}
