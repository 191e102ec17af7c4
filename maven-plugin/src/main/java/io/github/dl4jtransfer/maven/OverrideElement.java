package io.github.dl4jtransfer.maven;

import java.util.LinkedHashMap;

/**
 * {@code <overrides><override>}: training settings for the cells of one model, dataset or scenario. Name exactly
 * one of {@code <model>}, {@code <dataset>}, {@code <scenario>}; every other child is a training setting, the
 * same names as in {@code <training>} (the library parses and checks them). Later overrides win.
 * <pre>
 * &lt;override&gt;
 *   &lt;scenario&gt;unfrozen-linear&lt;/scenario&gt;
 *   &lt;learningRate&gt;1e-5&lt;/learningRate&gt;
 * &lt;/override&gt;
 * </pre>
 * A map, not a bean, so that a new training setting needs no change here.
 */
public class OverrideElement extends LinkedHashMap<String, String> {
}
