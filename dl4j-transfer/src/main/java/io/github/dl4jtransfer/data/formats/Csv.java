package io.github.dl4jtransfer.data.formats;

import io.github.dl4jtransfer.data.DatasetException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small RFC 4180 CSV reader (quotes, doubled quotes, CRLF, a UTF-8 BOM) that remembers each row's
 * physical line, so errors can point an editor at it. Blank lines are skipped.
 */
final class Csv {

    /** One data row; {@code line} is 1-based and counts the header, so the first data row is line 2. */
    record Row(int line, List<String> cells) {
        String get(int column) {
            return cells.get(column).trim();
        }
    }

    final Path file;
    final List<String> header;
    final List<Row> rows;

    private Csv(Path file, List<String> header, List<Row> rows) {
        this.file = file;
        this.header = header;
        this.rows = rows;
    }

    /** Reads {@code file}; {@code what} says what the file should be, for the error when it is missing. */
    static Csv read(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException(file + ": file not found; expected " + what + ". Check the dataset path.");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot read (" + e.getMessage() + "); expected " + what, e);
        }
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        List<Row> all = parse(file, text);
        if (all.isEmpty()) throw new DatasetException(file + ": empty file; expected " + what + " with a header row");
        List<String> header = all.get(0).cells().stream().map(String::trim).toList();
        List<Row> rows = new ArrayList<>(all.size() - 1);
        for (Row r : all.subList(1, all.size())) {
            if (r.cells().size() != header.size()) {
                throw DatasetException.at(file, r.line(), null, "expected " + header.size() + " cells as in the header ("
                        + String.join(",", header) + "), found " + r.cells().size(), "Fix or remove the row (an unquoted comma?)");
            }
            rows.add(r);
        }
        return new Csv(file, header, rows);
    }

    private static List<Row> parse(Path file, String s) {
        List<Row> rows = new ArrayList<>();
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false, any = false;
        int line = 1, rowLine = 1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n') line++;
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                any = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
                any = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') i++;
                if (any || cell.length() > 0) {
                    cells.add(cell.toString());
                    rows.add(new Row(rowLine, List.copyOf(cells)));
                }
                cells.clear();
                cell.setLength(0);
                any = false;
                line++;
                rowLine = line;
            } else {
                cell.append(c);
                any = true;
            }
        }
        if (quoted) throw DatasetException.at(file, rowLine, null, "unterminated quoted cell", "Close the quote");
        if (any || cell.length() > 0) {
            cells.add(cell.toString());
            rows.add(new Row(rowLine, List.copyOf(cells)));
        }
        return rows;
    }

    /** Index of a required column, or an error naming the file, the column, what was found and what was expected. */
    int column(String name, String expected) {
        int i = header.indexOf(name);
        if (i < 0) {
            throw DatasetException.at(file, 1, name, "missing column (header has " + String.join(",", header) + ")",
                    "Expected " + expected);
        }
        return i;
    }

    /** Index of an optional column, or -1. */
    int optColumn(String name) {
        return header.indexOf(name);
    }
}
