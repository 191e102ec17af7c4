package io.github.dl4jtransfer.matrix.spark;

import org.apache.spark.SparkContext;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the build wrote about Spark (for JVMs that start Spark elsewhere) is the Spark on this classpath. */
class SparkRuntimeTest {

    @Test
    void theJava17OptionsAreSparksOwn() {
        assertEquals(List.of(JavaModuleOptions.defaultModuleOptions().split("\\s+")), SparkRuntime.java17Options());
    }

    @Test
    void theCoordinatesNameTheSparkOnTheClasspath() {
        assertEquals("org.apache.spark:spark-core_2.12:" + SparkContext.class.getPackage().getImplementationVersion(),
                SparkRuntime.coordinates());
    }
}
