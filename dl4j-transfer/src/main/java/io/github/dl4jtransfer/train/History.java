package io.github.dl4jtransfer.train;

import java.util.ArrayList;
import java.util.List;

/** The per-epoch records of one learner: the convergence curves, and what a failed run keeps. */
final class History implements EpochListener {

    private final List<EpochRecord> records = new ArrayList<>();

    @Override
    public void onEpoch(EpochRecord record) {
        records.add(record);
    }

    /** The records so far (a live view; copy it to keep a snapshot). */
    List<EpochRecord> records() {
        return records;
    }
}
