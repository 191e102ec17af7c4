package io.github.dl4jtransfer.data.split;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.ImageSource;
import io.github.dl4jtransfer.data.Sample;
import io.github.dl4jtransfer.data.Task;
import io.github.dl4jtransfer.data.TaskType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The CPython/pandas reference outputs written by tools/reference/make_split_fixtures.py, and datasets to split. */
final class SplitFixtures {

    private SplitFixtures() {
    }

    static JsonNode file(String name) {
        String resource = "/fixtures/splits/" + name;
        try (InputStream in = SplitFixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing; run /usr/bin/python3 tools/reference/make_split_fixtures.py");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(resource, e);
        }
    }

    static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
        return out;
    }

    static List<Integer> intList(JsonNode a) {
        List<Integer> out = new ArrayList<>();
        a.forEach(v -> out.add(v.asInt()));
        return out;
    }

    static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(v -> out.add(v.asText()));
        return out;
    }

    /** A two-class dataset whose samples have these ids, in this order (images need not exist to split). */
    static Dataset dataset(String format, List<String> ids) {
        return dataset(Path.of("/data/" + format), format, ids);
    }

    /** The same under {@code root}; create the (empty) image files there to write a manifest, which hashes them. */
    static Dataset dataset(Path root, String format, List<String> ids) {
        Task task = new Task("t", TaskType.SINGLE_LABEL, List.of("a", "b"), "accuracy");
        Dataset.Builder b = Dataset.builder(format, root, task);
        for (int i = 0; i < ids.size(); i++) {
            b.add(Sample.single(ids.get(i), new ImageSource.FileImage(root.resolve(ids.get(i) + ".png")), i % 7 == 0 ? 1 : 0, null));
        }
        return b.build();
    }

    static Dataset datasetWithFiles(Path root, String format, List<String> ids) {
        try {
            for (String id : ids) {
                Path f = root.resolve(id + ".png");
                Files.createDirectories(f.getParent());
                if (!Files.exists(f)) Files.createFile(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dataset(root, format, ids);
    }

    /** Ids "img00000", "img00001", ... for n rows. */
    static List<String> rowIds(int n) {
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) ids.add(String.format("img%05d", i));
        return ids;
    }
}
