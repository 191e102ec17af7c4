package io.github.dl4jtransfer.maven;

/**
 * {@code <overrides><override>}: training settings for the cells of one model, dataset or scenario. Name
 * exactly one of {@code <model>}, {@code <dataset>}, {@code <scenario>}; unset settings keep the plan's value.
 * Later overrides win.
 * <pre>
 * &lt;override&gt;
 *   &lt;scenario&gt;unfrozen-linear&lt;/scenario&gt;
 *   &lt;learningRate&gt;1e-5&lt;/learningRate&gt;
 * &lt;/override&gt;
 * </pre>
 */
public class TrainingOverrideConfig {
    private String model;
    private String dataset;
    private String scenario;
    private Integer epochs;
    private Double learningRate;
    private Integer batchSize;
    private Double weightDecay;
    private Integer warmupEpochs;
    private Integer patience;
    private Integer microBatchSize;

    public String getModel() { return model; }
    public void setModel(String model) { this.model = model; }
    public String getDataset() { return dataset; }
    public void setDataset(String dataset) { this.dataset = dataset; }
    public String getScenario() { return scenario; }
    public void setScenario(String scenario) { this.scenario = scenario; }
    public Integer getEpochs() { return epochs; }
    public void setEpochs(Integer epochs) { this.epochs = epochs; }
    public Double getLearningRate() { return learningRate; }
    public void setLearningRate(Double learningRate) { this.learningRate = learningRate; }
    public Integer getBatchSize() { return batchSize; }
    public void setBatchSize(Integer batchSize) { this.batchSize = batchSize; }
    public Double getWeightDecay() { return weightDecay; }
    public void setWeightDecay(Double weightDecay) { this.weightDecay = weightDecay; }
    public Integer getWarmupEpochs() { return warmupEpochs; }
    public void setWarmupEpochs(Integer warmupEpochs) { this.warmupEpochs = warmupEpochs; }
    public Integer getPatience() { return patience; }
    public void setPatience(Integer patience) { this.patience = patience; }
    public Integer getMicroBatchSize() { return microBatchSize; }
    public void setMicroBatchSize(Integer microBatchSize) { this.microBatchSize = microBatchSize; }
}
