package io.github.dl4jtransfer.train;

import java.util.List;

/** Training produced a NaN or infinite loss; carries what was recorded before it. */
public class NonFiniteLossException extends RuntimeException {

    private final List<EpochRecord> history;

    public NonFiniteLossException(int epoch, int step, double loss, double lr, List<EpochRecord> history) {
        super("loss became " + loss + " at epoch " + epoch + ", step " + step + " (lr " + lr + "); lower the learning rate, "
                + "check the inputs for NaN, or keep gradient clipping on. " + history.size() + " finished epochs are kept");
        this.history = List.copyOf(history);
    }

    public List<EpochRecord> history() {
        return history;
    }
}
