package io.github.dl4jtransfer.eval;

/**
 * What a model's per-class outputs are, which decides the scores the AUCs rank. Trained heads give logits; a
 * kNN probe gives vote fractions, already probabilities, which must be ranked as they are: turned into logits
 * and back through a softmax they would pick up rounding noise that splits the (frequent) tied votes.
 */
public enum ScoreKind {
    /** Raw outputs before softmax / sigmoid (every trained head). */
    LOGITS,
    /** Class probabilities (single-label rows summing to 1) or per-label probabilities (multi-label). */
    PROBABILITIES
}
