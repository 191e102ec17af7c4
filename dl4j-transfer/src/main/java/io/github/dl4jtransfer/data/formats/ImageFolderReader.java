package io.github.dl4jtransfer.data.formats;

import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.data.ImageSource;
import io.github.dl4jtransfer.data.Sample;
import io.github.dl4jtransfer.data.Task;
import io.github.dl4jtransfer.data.TaskType;
import io.github.dl4jtransfer.data.Split;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * torchvision's ImageFolder: {@code root/<class>/<image>} (any depth below the class folder), classes
 * sorted by name as torchvision sorts them, so class indices agree with a PyTorch run on the same folder.
 * A root holding {@code train/} (and {@code val/}, {@code test/}) each with the same class folders is
 * read as a shipped split. Files that are not images (README, .DS_Store) are ignored; the sample id is
 * the path relative to the root.
 */
public final class ImageFolderReader implements DatasetReader {

    @Override
    public String format() {
        return "imagefolder";
    }

    @Override
    public String layout() {
        return "folder of class folders (root/<class>/<image>.png), or root/{train,val,test}/<class>/<image>";
    }

    @Override
    public Dataset read(Path root, DatasetOptions opts) {
        if (!Files.isDirectory(root)) {
            throw new DatasetException(root + ": not a folder; imagefolder expects " + layout());
        }
        boolean shipped = Files.isDirectory(root.resolve("train")) && subfolders(root).stream()
                .allMatch(d -> Set.of("train", "val", "test").contains(d.getFileName().toString()));
        List<Path> parts = shipped ? subfolders(root) : List.of(root);
        TreeSet<String> classes = new TreeSet<>();
        for (Path part : parts) subfolders(part).forEach(d -> classes.add(d.getFileName().toString()));
        if (classes.size() < 2) {
            throw new DatasetException(root + ": found " + classes.size() + " class folder(s) " + classes
                    + "; imagefolder expects " + layout() + " with at least two classes");
        }
        List<String> classList = List.copyOf(classes);
        Task task = new Task(Readers.name(opts, root.toAbsolutePath().normalize().getFileName().toString()),
                TaskType.SINGLE_LABEL, classList,
                Readers.metric(opts, Task.defaultMetric(TaskType.SINGLE_LABEL, classList.size())));
        Dataset.Builder b = Dataset.builder(format(), root, task).optHashImageBytes(opts.hashImageBytes());
        for (Path part : parts) {
            Split split = shipped ? Split.ofKey(part.getFileName().toString()) : null;
            for (int c = 0; c < classList.size(); c++) {
                Path dir = part.resolve(classList.get(c));
                if (!Files.isDirectory(dir)) continue;
                for (Path image : images(dir)) {
                    String id = Readers.relativeId(root, image);
                    if (ImageRows.accept(b, opts, id, image, image, 0, null)) {
                        Sample s = Sample.single(id, new ImageSource.FileImage(image), c, null);
                        if (split != null) b.add(s, split); else b.add(s);
                    }
                }
            }
        }
        return b.build();
    }

    private static List<Path> subfolders(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** Images below {@code dir}, sorted so that reading order (and the content hash walk) is stable. */
    private static List<Path> images(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> out = new ArrayList<>(s.filter(Files::isRegularFile).filter(Readers::isImage).toList());
            out.sort(null);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
