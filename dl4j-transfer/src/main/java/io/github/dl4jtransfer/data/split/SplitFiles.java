package io.github.dl4jtransfer.data.split;

import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.Sample;
import io.github.dl4jtransfer.data.Split;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a split someone else made ({@link DatasetSplit#fromFile}, {@link DatasetSplit#fromLists}) and matches
 * its ids to a dataset's samples. Strict about coverage — an id that names no sample, or a sample the file
 * leaves out, is an error — because an imported split exists to make results comparable, and a silently
 * different test set defeats that.
 */
final class SplitFiles {

    /** Column names taken as the id column of a table with a header. */
    private static final List<String> ID_COLUMNS = List.of("id", "sample", "sample_id", "path", "image", "image_id",
            "id_code", "file", "filename", "img_path");

    private SplitFiles() {
    }

    /** One listed id, where it was listed, and its split. */
    record Entry(String id, Path file, int line, Split split) {
        String where() {
            return file.getFileName() + " line " + line;
        }
    }

    /** {@code train/val/test}, and the names other code bases use for them. */
    static Split splitName(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "train", "training", "trn" -> Split.TRAIN;
            case "val", "valid", "validation", "eval", "dev" -> Split.VAL;
            case "test", "testing", "tst" -> Split.TEST;
            default -> null;
        };
    }

    /** A table: {@code id,split} (CSV) or {@code id<TAB>split} (TSV), with or without a header row. */
    static List<Entry> table(Path file) {
        List<String> lines = lines(file);
        List<Entry> out = new ArrayList<>();
        char sep = 0;
        int idCol = 0, splitCol = 1, width = -1;
        boolean first = true;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.strip().startsWith("#")) continue;
            if (sep == 0) sep = line.indexOf('\t') >= 0 ? '\t' : ',';
            List<String> cells = cells(line, sep);
            int lineNo = i + 1;
            if (first) {
                first = false;
                int named = indexOfIgnoreCase(cells, "split");
                if (named >= 0) { // a header row
                    splitCol = named;
                    idCol = -1;
                    for (String name : ID_COLUMNS) {
                        if ((idCol = indexOfIgnoreCase(cells, name)) >= 0) break;
                    }
                    if (idCol < 0 && cells.size() == 2) idCol = 1 - splitCol;
                    if (idCol < 0) {
                        throw DatasetException.at(file, lineNo, null, "no id column in header " + cells,
                                "Name the id column one of " + ID_COLUMNS + ", or write two columns id,split");
                    }
                    width = cells.size();
                    continue;
                }
                if (cells.size() < 2 || splitName(cells.get(1)) == null) {
                    throw DatasetException.at(file, lineNo, null, "expected 'id" + (sep == '\t' ? "<TAB>" : ",") + "split' rows (split one of"
                            + " train, val, test) or a header naming a 'split' column, found '" + line.strip() + "'",
                            "Write one '<sample id>,<train|val|test>' per line, or three list files train.txt, val.txt, test.txt");
                }
                width = cells.size();
            }
            if (cells.size() != width) {
                throw DatasetException.at(file, lineNo, null, "expected " + width + " cells as in the first row, found " + cells.size(),
                        "Fix the row (an id containing '" + (sep == '\t' ? "<TAB>" : ",") + "' needs double quotes)");
            }
            String id = cells.get(idCol);
            Split split = splitName(cells.get(splitCol));
            if (id.isEmpty()) throw DatasetException.at(file, lineNo, null, "empty id", "Every row needs a sample id");
            if (split == null) {
                throw DatasetException.at(file, lineNo, "split", "unknown split '" + cells.get(splitCol) + "'",
                        "Use train, val or test (valid, validation, eval, dev, training, testing are understood too)");
            }
            out.add(new Entry(id, file, lineNo, split));
        }
        if (out.isEmpty()) throw new DatasetException(file + ": no split rows found; expected '<sample id>,<train|val|test>' lines");
        return out;
    }

    /** A list file: one id per line, all in {@code split}; blank lines and {@code #} comments skipped. */
    static List<Entry> list(Path file, Split split) {
        List<String> lines = lines(file);
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            out.add(new Entry(line, file, i + 1, split));
        }
        return out;
    }

    private static List<String> lines(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException(file + ": split file not found. Give a CSV/TSV of 'id,split' rows, a folder with"
                    + " train.txt, val.txt and test.txt, or our own split manifest (.json)");
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (text.startsWith("\uFEFF")) text = text.substring(1);
            return text.lines().toList();
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot read split file (" + e.getMessage() + ")", e);
        }
    }

    /** Splits a line at {@code sep}; a cell in double quotes may hold the separator ("" is a quote). */
    private static List<String> cells(String line, char sep) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == sep) {
                out.add(cell.toString().strip());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        out.add(cell.toString().strip());
        return out;
    }

    private static int indexOfIgnoreCase(List<String> cells, String name) {
        for (int i = 0; i < cells.size(); i++) if (cells.get(i).equalsIgnoreCase(name)) return i;
        return -1;
    }

    // ---------------------------------------------------------------- matching

    /**
     * Sample id → split. An id matches a sample exactly, or else up to leading folders and the file
     * extension when that names a single sample ({@code train_images/abc.png} for APTOS's {@code abc},
     * {@code train/patient00001/study1/view1_frontal.jpg} for CheXpert's full path); a list line
     * {@code <path> <label>} matches by its path. Fails on ids that name no sample, on samples left out,
     * and on a sample given two different splits.
     */
    static Map<String, Split> match(Dataset ds, List<Entry> entries, String source) {
        Index index = new Index(ds);
        Map<String, Entry> bySample = new LinkedHashMap<>();
        List<Entry> unknown = new ArrayList<>();
        for (Entry e : entries) {
            String id = index.find(e.id());
            if (id == null) {
                int space = e.id().lastIndexOf(' ') >= 0 ? e.id().lastIndexOf(' ') : e.id().lastIndexOf('\t');
                if (space > 0) id = index.find(e.id().substring(0, space).strip());
            }
            if (id == null) {
                unknown.add(e);
                continue;
            }
            Entry prev = bySample.putIfAbsent(id, e);
            if (prev != null && prev.split() != e.split()) {
                throw DatasetException.at(e.file(), e.line(), null, "sample '" + id + "' is already in " + prev.split().key()
                        + " (" + prev.where() + ") and is listed here as " + e.split().key(),
                        "A sample belongs to one split: remove one of the two lines");
            }
        }
        if (!unknown.isEmpty()) {
            StringBuilder m = new StringBuilder(source).append(": ").append(unknown.size()).append(" id(s) name no sample of dataset ")
                    .append(ds.root()).append(" (").append(ds.format()).append(", ").append(ds.size()).append(" samples), e.g. ");
            for (int i = 0; i < Math.min(5, unknown.size()); i++) {
                m.append(i == 0 ? "" : ", ").append('\'').append(unknown.get(i).id()).append("' (").append(unknown.get(i).where()).append(')');
            }
            m.append(". This dataset's ids look like '").append(ds.samples().get(0).id()).append("'. Fix: point at the dataset")
                    .append(" the split was made for, or remove those lines (images this copy of the dataset does not have)");
            throw new DatasetException(m.toString());
        }
        List<String> missing = ds.samples().stream().map(Sample::id).filter(id -> !bySample.containsKey(id)).toList();
        if (!missing.isEmpty()) {
            throw new DatasetException(source + ": " + missing.size() + " of the " + ds.size() + " samples of dataset " + ds.root()
                    + " are in no split, e.g. " + missing.stream().limit(5).map(s -> "'" + s + "'").toList()
                    + ". Every sample needs a split, or results stop being comparable. Fix: add them to the split file"
                    + " (a line '" + missing.get(0) + ",test', say), or remove those images from the dataset");
        }
        Map<String, Split> out = new HashMap<>();
        bySample.forEach((id, e) -> out.put(id, e.split()));
        return out;
    }

    /** Exact ids, and ids without leading folders or extension where those name one sample. */
    private static final class Index {
        private static final String AMBIGUOUS = "\u0000ambiguous";
        private final Map<String, String> exact = new HashMap<>();
        /** every folder-suffix of every id, without extension → id (or AMBIGUOUS) */
        private final Map<String, String> suffixes = new HashMap<>();

        Index(Dataset ds) {
            for (Sample s : ds.samples()) {
                exact.put(s.id(), s.id());
                String key = stripExtension(normalize(s.id()));
                for (int from = 0; ; ) {
                    suffixes.merge(key.substring(from), s.id(), (a, b) -> a.equals(b) ? a : AMBIGUOUS);
                    int slash = key.indexOf('/', from);
                    if (slash < 0) break;
                    from = slash + 1;
                }
            }
        }

        String find(String given) {
            String id = exact.get(given);
            if (id != null) return id;
            String key = stripExtension(normalize(given));
            // The given id is the sample's id or a tail of it (fewer leading folders)...
            id = suffixes.get(key);
            if (id != null) return id == AMBIGUOUS ? null : id;
            // ...or has more leading folders than the sample's id (train_images/abc.png for abc).
            for (int slash = key.indexOf('/'); slash >= 0; slash = key.indexOf('/', slash + 1)) {
                String tail = key.substring(slash + 1);
                String candidate = suffixes.get(tail);
                if (candidate != null && candidate != AMBIGUOUS && stripExtension(normalize(candidate)).equals(tail)) return candidate;
            }
            return null;
        }

        private static String normalize(String id) {
            String s = id.strip().replace('\\', '/');
            while (s.startsWith("./")) s = s.substring(2);
            return s;
        }

        private static String stripExtension(String s) {
            int dot = s.lastIndexOf('.');
            return dot > s.lastIndexOf('/') + 1 ? s.substring(0, dot) : s;
        }
    }
}
