package io.github.dl4jtransfer.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Reads the sklearn reference fixtures written by tools/reference/make_metric_fixtures.py. */
final class MetricFixtures {

    /** |ours - sklearn| allowed for every metric (the bar). */
    static final double TOLERANCE = 1e-9;

    private MetricFixtures() {
    }

    static JsonNode file(String name) {
        String resource = "/fixtures/metrics/" + name;
        try (InputStream in = MetricFixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing; run /usr/bin/python3 "
                        + "tools/reference/make_metric_fixtures.py");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(resource, e);
        }
    }

    static List<JsonNode> cases(String fileName) {
        List<JsonNode> out = new ArrayList<>();
        file(fileName).get("cases").forEach(out::add);
        return out;
    }

    static JsonNode named(String fileName, String caseName) {
        return cases(fileName).stream().filter(c -> c.get("name").asText().equals(caseName)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no case " + caseName + " in " + fileName));
    }
}
