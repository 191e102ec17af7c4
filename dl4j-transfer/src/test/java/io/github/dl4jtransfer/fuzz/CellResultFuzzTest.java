package io.github.dl4jtransfer.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.dl4jtransfer.matrix.CellFileException;
import io.github.dl4jtransfer.matrix.CellKey;
import io.github.dl4jtransfer.matrix.CellResults;

import java.nio.file.Path;
import java.util.List;

/**
 * Cell result files under the fuzz property: the input is the JSON of {@code cells/sam-vitb__ddsm__frozen-linear__s1.json},
 * read as resume reads it (for its own cell) and as the report reads a folder of them. Anything but a complete
 * result of that cell is a {@link CellFileException} naming the file.
 */
class CellResultFuzzTest {

    private static final CellKey KEY = new CellKey("sam-vitb", "ddsm", "frozen-linear", 1);

    @FuzzTest
    void read(byte[] data) {
        try (Sandbox box = new Sandbox()) {
            Path cells = box.in.resolve("cells");
            Path file = box.write("cells/" + CellResults.fileFor(cells, KEY).getFileName(), data);
            box.seal();
            FuzzContract.Named named = FuzzContract.Named.of(file.toString(), List.of(CellFileException.class));
            FuzzContract.check(named, () -> CellResults.read(file, KEY).key().describe());
            FuzzContract.check(named, () -> CellResults.failureSummary(CellResults.readAll(cells), cells));
        }
    }
}
