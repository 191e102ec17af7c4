package io.github.dl4jtransfer.maven;

import io.github.dl4jtransfer.config.ConfigException;
import io.github.dl4jtransfer.matrix.spark.SparkSettings;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code <executor>spark</executor>}, {@code <spark>} and {@code -Dtransfer.spark.master}: a thin mapping onto {@link SparkSettings}. */
class SparkExecutorSettingsTest {

    @Test
    void sparkElementAndPropertyMapOntoTheLibrarysSettings() {
        BenchmarkMojo m = new BenchmarkMojo();
        m.setExecutor(Executor.spark);
        ConfigException e = assertThrows(ConfigException.class, m::sparkSettings);
        assertTrue(e.getMessage().startsWith("<spark><master>") && e.getMessage().contains("-Dtransfer.spark.master"), e.getMessage());

        m.setSpark(new SparkElement("spark://head:7077", Map.of("spark.executor.memory", "8g")));
        SparkSettings s = m.sparkSettings();
        assertEquals("spark://head:7077", s.master());
        assertEquals(Map.of("spark.executor.memory", "8g"), s.conf());

        m.setSparkMaster("local[2,3]"); // the property wins
        assertEquals("local[2,3]", m.sparkSettings().master());
        assertEquals(3, m.sparkSettings().maxTaskFailures());
        assertTrue(!m.sparkSettings().shipModels(), "models are read from shared storage unless shipped");
        SparkElement ship = new SparkElement("spark://head:7077", Map.of());
        ship.setShipModels(true);
        m.setSpark(ship);
        assertTrue(m.sparkSettings().shipModels());
    }

    @Test
    void sparkIsNotAPluginDependency() throws Exception {
        // Users who never scale out never download Spark: the plugin resolves it when <executor>spark</executor> runs.
        try (java.io.InputStream in = getClass().getResourceAsStream("/META-INF/maven/plugin.xml")) {
            String descriptor = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(descriptor.contains("<artifactId>dl4j-transfer</artifactId>"), "the descriptor lists the plugin's dependencies");
            assertTrue(!descriptor.contains("spark-core"), "spark-core must not be among them");
        }
    }
}
