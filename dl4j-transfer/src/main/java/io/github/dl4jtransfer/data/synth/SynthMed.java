package io.github.dl4jtransfer.data.synth;

import io.github.dl4jtransfer.data.formats.ChexpertReader;
import io.github.dl4jtransfer.data.formats.Isic2019Reader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * "synthmed": four small synthetic tasks that mirror the study's datasets, written as files in the
 * real datasets' layouts so that the real readers, splits and pipeline are what a benchmark on them
 * exercises. The label is visible in the pixels, so a model that learns anything beats chance:
 * <ul>
 *   <li>{@code aptos2019} — fundus-like RGB PNGs (96 px), 5 ordinal grades = number of red
 *       haemorrhages and yellow exudates (plus new vessels at grade 4); 400 images;</li>
 *   <li>{@code isic2019} — dermoscopy-like RGB JPEGs (96 px), 8 classes told apart by lesion colour,
 *       border and inner pattern; lesion ids in the metadata file (some lesions have two images); 400 images;</li>
 *   <li>{@code ddsm} — mammography-like grayscale PNGs (80 px), normal vs benign/cancer (bright mass,
 *       spiculated for cancer, more often in the upper outer quadrant); two views per case, case-level
 *       train/val/test lists with labels 0/1/2; 360 images;</li>
 *   <li>{@code chexpert} — chest-X-ray-like grayscale JPEGs (80 px), 14 observations each drawn as its own
 *       pattern (big heart, effusion at the bases, tube line, …), uncertain (-1) and blank cells, several
 *       studies per patient that share chronic findings; about 400 images.</li>
 * </ul>
 * Generation is deterministic in the seed, takes a second or two, and is skipped when {@code root}
 * already holds this version generated with the same seed (the marker file is written last, so an
 * interrupted generation is redone).
 */
public final class SynthMed {

    /** Bump when any generator changes its output, so old copies are regenerated. */
    public static final int VERSION = 1;
    public static final long DEFAULT_SEED = 2024L;
    static final String MARKER = "synthmed.properties";
    static final List<String> TASKS = List.of("aptos2019", "isic2019", "ddsm", "chexpert");

    /** One generated task: the format to read it with and the path to point that reader at. */
    public record Entry(String name, String format, Path path) {
    }

    private SynthMed() {
    }

    /** Generates (or reuses) the four tasks under {@code root}; returns them in the study's order. */
    public static List<Entry> generate(Path root, long seed) {
        List<Entry> entries = entries(root);
        String marker = "version=" + VERSION + "\nseed=" + seed + "\n";
        Path markerFile = root.resolve(MARKER);
        try {
            if (Files.isRegularFile(markerFile) && Files.readString(markerFile, StandardCharsets.UTF_8).equals(marker)
                    && entries.stream().allMatch(e -> Files.isDirectory(e.path()))) {
                return entries;
            }
            Files.createDirectories(root);
            Files.deleteIfExists(markerFile);
            for (String t : TASKS) deleteTree(root.resolve(t));
            aptos(root.resolve("aptos2019"), new SplittableRandom(seed ^ 0xA9705L));
            isic(root.resolve("isic2019"), new SplittableRandom(seed ^ 0x151CL));
            ddsm(root.resolve("ddsm"), new SplittableRandom(seed ^ 0xDD5AL));
            chexpert(root.resolve("chexpert").resolve("CheXpert-v1.0-small"), new SplittableRandom(seed ^ 0xC4E7L));
            Files.writeString(markerFile, marker, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot generate synthmed under " + root, e);
        }
        return entries;
    }

    public static List<Entry> generate(Path root) {
        return generate(root, DEFAULT_SEED);
    }

    /** Where {@link #generate} puts each task (whether or not it has run). */
    public static List<Entry> entries(Path root) {
        return List.of(new Entry("aptos2019", "aptos2019", root.resolve("aptos2019")),
                new Entry("isic2019", "isic2019", root.resolve("isic2019")),
                new Entry("ddsm", "ddsm", root.resolve("ddsm")),
                new Entry("chexpert", "chexpert", root.resolve("chexpert").resolve("CheXpert-v1.0-small")));
    }

    // ------------------------------------------------------------------ APTOS-like fundus

    static final int APTOS_N = 400, APTOS_SIZE = 96;
    private static final double[] APTOS_PRIOR = {0.36, 0.14, 0.24, 0.12, 0.14};
    private static final int[][] APTOS_LESIONS = {{0, 1}, {4, 8}, {12, 20}, {24, 34}, {38, 52}};

    private static void aptos(Path dir, SplittableRandom rng) throws IOException {
        StringBuilder csv = new StringBuilder("id_code,diagnosis\n");
        List<Runnable> jobs = new ArrayList<>();
        for (int i = 0; i < APTOS_N; i++) {
            SplittableRandom r = rng.split();
            int grade = draw(r, APTOS_PRIOR);
            String id = String.format(Locale.ROOT, "%012x", r.nextLong() & 0xffffffffffffL);
            jobs.add(() -> fundus(r, grade).write(dir.resolve("train_images").resolve(id + ".png")));
            csv.append(id).append(',').append(grade).append('\n');
        }
        render(jobs);
        Files.writeString(dir.resolve("train.csv"), csv, StandardCharsets.UTF_8);
    }

    private static Canvas fundus(SplittableRandom r, int grade) {
        int s = APTOS_SIZE;
        Canvas c = new Canvas(s, s, false);
        c.fill(0.02f, 0.02f, 0.02f);
        double cx = s / 2.0 + r.nextDouble(-3, 3), cy = s / 2.0 + r.nextDouble(-3, 3), rad = s * r.nextDouble(0.42, 0.47);
        float[] base = {(float) r.nextDouble(0.66, 0.78), (float) r.nextDouble(0.29, 0.34), (float) r.nextDouble(0.09, 0.14)};
        c.disc(cx, cy, rad, 1f, base);
        // Vignetting: darker towards the rim, as fundus photographs are.
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                double d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy) / rad;
                if (d < 1) c.blend(x, y, (float) (0.45 * d * d), 0.05f, 0.02f, 0.01f);
            }
        }
        c.texture(r, 6, 0.04f);
        boolean discLeft = r.nextBoolean();
        double dx = cx + (discLeft ? -1 : 1) * rad * 0.45, dy = cy + r.nextDouble(-4, 4);
        c.disc(dx, dy, rad * 0.16, 0.9f, 0.98f, 0.88f, 0.55f);
        for (int v = 0; v < 4; v++) { // main vessel arcades leaving the optic disc
            double ang = (discLeft ? 0 : Math.PI) + (v < 2 ? -1 : 1) * r.nextDouble(0.3, 1.0);
            double px = dx, py = dy;
            for (int seg = 0; seg < 6; seg++) {
                double nx = px + Math.cos(ang) * rad * 0.22, ny = py + Math.sin(ang) * rad * 0.22;
                c.line(px, py, nx, ny, 1.6, 0.8f, 0.45f, 0.08f, 0.06f);
                px = nx;
                py = ny;
                ang += r.nextDouble(-0.35, 0.35);
            }
        }
        int[] range = APTOS_LESIONS[grade];
        int lesions = range[0] + (range[1] > range[0] ? r.nextInt(range[1] - range[0] + 1) : 0);
        for (int k = 0; k < lesions; k++) {
            double a = r.nextDouble(0, 2 * Math.PI), d = Math.sqrt(r.nextDouble()) * rad * 0.85;
            double lx = cx + Math.cos(a) * d, ly = cy + Math.sin(a) * d;
            if (r.nextDouble() < 0.5) c.disc(lx, ly, r.nextDouble(1.5, 3.0), 0.95f, 0.35f, 0.03f, 0.03f); // haemorrhage
            else c.disc(lx, ly, r.nextDouble(1.4, 2.8), 0.95f, 0.97f, 0.9f, 0.35f);                    // hard exudate
        }
        if (grade == 4) { // neovascularisation: tangles of fine new vessels
            for (int k = 0; k < 3; k++) {
                double px = cx + r.nextDouble(-rad / 2, rad / 2), py = cy + r.nextDouble(-rad / 2, rad / 2);
                for (int seg = 0; seg < 8; seg++) {
                    double nx = px + r.nextDouble(-5, 5), ny = py + r.nextDouble(-5, 5);
                    c.line(px, py, nx, ny, 1.0, 0.9f, 0.55f, 0.05f, 0.1f);
                    px = nx;
                    py = ny;
                }
            }
        }
        c.grain(r, 0.015f);
        return c;
    }

    // ------------------------------------------------------------------ ISIC-like dermoscopy

    static final int ISIC_N = 400, ISIC_SIZE = 96;
    private static final double[] ISIC_PRIOR = {0.15, 0.30, 0.12, 0.07, 0.12, 0.07, 0.07, 0.10};
    /** Lesion colour per class (MEL, NV, BCC, AK, BKL, DF, VASC, SCC). */
    private static final float[][] ISIC_COLOUR = {
            {0.22f, 0.13f, 0.10f}, {0.52f, 0.33f, 0.20f}, {0.88f, 0.66f, 0.70f}, {0.82f, 0.42f, 0.38f},
            {0.70f, 0.56f, 0.36f}, {0.48f, 0.30f, 0.22f}, {0.55f, 0.12f, 0.32f}, {0.80f, 0.50f, 0.45f}};

    private static void isic(Path dir, SplittableRandom rng) throws IOException {
        List<String> classes = Isic2019Reader.CLASSES;
        StringBuilder gt = new StringBuilder("image," + String.join(",", classes) + ",UNK\n");
        StringBuilder meta = new StringBuilder("image,age_approx,anatom_site_general,lesion_id,sex\n");
        String[] sites = {"anterior torso", "posterior torso", "lower extremity", "upper extremity", "head/neck"};
        int i = 0, lesionNo = 0;
        List<Runnable> jobs = new ArrayList<>();
        while (i < ISIC_N) {
            SplittableRandom lesion = rng.split();
            int cls = draw(lesion, ISIC_PRIOR);
            String lesionId = String.format(Locale.ROOT, "HAM_%07d", ++lesionNo);
            int views = lesion.nextDouble() < 0.2 ? 2 : 1; // some lesions are photographed twice: a group
            long lesionSeed = lesion.nextLong();
            String site = sites[lesion.nextInt(sites.length)];
            int age = 5 * lesion.nextInt(4, 17);
            String sex = lesion.nextBoolean() ? "male" : "female";
            for (int v = 0; v < views && i < ISIC_N; v++, i++) {
                SplittableRandom r = lesion.split();
                String image = String.format(Locale.ROOT, "ISIC_%07d", 1000 + i);
                jobs.add(() -> skinLesion(r, cls, lesionSeed).write(dir.resolve(INPUT_DIR).resolve(image + ".jpg")));
                gt.append(image);
                for (int k = 0; k < classes.size(); k++) gt.append(k == cls ? ",1.0" : ",0.0");
                gt.append(",0.0\n");
                meta.append(image).append(',').append(age).append(',').append(site).append(',').append(lesionId).append(',').append(sex).append('\n');
            }
        }
        render(jobs);
        Files.writeString(dir.resolve("ISIC_2019_Training_GroundTruth.csv"), gt, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("ISIC_2019_Training_Metadata.csv"), meta, StandardCharsets.UTF_8);
    }

    private static final String INPUT_DIR = "ISIC_2019_Training_Input";

    private static Canvas skinLesion(SplittableRandom r, int cls, long lesionSeed) {
        int s = ISIC_SIZE;
        Canvas c = new Canvas(s, s, false);
        float tone = (float) r.nextDouble(0.0, 0.18);
        c.fill(0.93f - tone, 0.76f - tone * 1.2f, 0.66f - tone * 1.3f);
        c.texture(r, 5, 0.03f);
        double cx = s / 2.0 + r.nextDouble(-8, 8), cy = s / 2.0 + r.nextDouble(-8, 8);
        double rx = s * r.nextDouble(0.18, 0.3), ry = rx * r.nextDouble(0.7, 1.0), ang = r.nextDouble(0, Math.PI);
        float[] col = ISIC_COLOUR[cls].clone();
        for (int k = 0; k < 3; k++) col[k] = (float) Math.max(0, Math.min(1, col[k] + r.nextDouble(-0.06, 0.06)));
        double wobble = switch (cls) {
            case 0 -> 0.35;      // melanoma: irregular border
            case 4, 7 -> 0.18;
            default -> 0.06;
        };
        c.ellipse(cx, cy, rx, ry, ang, 0.95f, wobble, lesionSeed, col);
        switch (cls) {
            case 0 -> { // blue-white veil and a darker off-centre area
                c.ellipse(cx + rx * 0.3, cy - ry * 0.2, rx * 0.45, ry * 0.4, ang, 0.7f, 0.2, lesionSeed + 1, 0.35f, 0.42f, 0.55f);
                c.ellipse(cx - rx * 0.3, cy + ry * 0.2, rx * 0.35, ry * 0.35, ang, 0.8f, 0.2, lesionSeed + 2, 0.08f, 0.05f, 0.05f);
            }
            case 1 -> { // regular pigment network: a faint grid of darker dots
                for (double y = cy - ry; y < cy + ry; y += 4) for (double x = cx - rx; x < cx + rx; x += 4) c.disc(x, y, 0.9, 0.25f, 0.3f, 0.18f, 0.1f);
            }
            case 2 -> { // arborising vessels on a pearly lesion
                for (int k = 0; k < 5; k++) {
                    double a = r.nextDouble(0, 2 * Math.PI);
                    c.line(cx, cy, cx + Math.cos(a) * rx * 0.9, cy + Math.sin(a) * ry * 0.9, 1.0, 0.9f, 0.8f, 0.1f, 0.15f);
                }
            }
            case 3 -> { // scale: white flecks
                for (int k = 0; k < 25; k++) c.disc(cx + r.nextDouble(-rx, rx) * 0.8, cy + r.nextDouble(-ry, ry) * 0.8, 0.9, 0.8f, 0.97f, 0.95f, 0.92f);
            }
            case 4 -> { // keratosis: milia-like cysts and comedo openings
                for (int k = 0; k < 8; k++) c.disc(cx + r.nextDouble(-rx, rx) * 0.7, cy + r.nextDouble(-ry, ry) * 0.7, 1.3, 0.8f, 0.35f, 0.25f, 0.15f);
            }
            case 5 -> c.ellipse(cx, cy, rx * 0.45, ry * 0.45, ang, 0.9f, 0.05, lesionSeed + 3, 0.96f, 0.93f, 0.9f); // central white patch
            case 6 -> { // lacunae: darker red-purple lobules
                for (int k = 0; k < 6; k++) c.disc(cx + r.nextDouble(-rx, rx) * 0.6, cy + r.nextDouble(-ry, ry) * 0.6, rx * 0.25, 0.8f, 0.35f, 0.05f, 0.25f);
            }
            default -> c.ellipse(cx, cy, rx * 0.4, ry * 0.4, ang, 0.9f, 0.25, lesionSeed + 4, 0.95f, 0.9f, 0.6f); // SCC keratin
        }
        for (int k = 0, hairs = r.nextInt(0, 4); k < hairs; k++) { // hair, the classic dermoscopy nuisance
            double x0 = r.nextDouble(0, s), y0 = r.nextDouble(0, s), a = r.nextDouble(0, Math.PI);
            c.line(x0 - Math.cos(a) * s, y0 - Math.sin(a) * s, x0 + Math.cos(a) * s, y0 + Math.sin(a) * s, 0.8, 0.8f, 0.12f, 0.08f, 0.06f);
        }
        c.grain(r, 0.015f);
        return c;
    }

    // ------------------------------------------------------------------ DDSM-like mammography

    static final int DDSM_CASES = 180, DDSM_SIZE = 80;

    private static void ddsm(Path dir, SplittableRandom rng) throws IOException {
        StringBuilder[] lists = {new StringBuilder(), new StringBuilder(), new StringBuilder()};
        List<Runnable> jobs = new ArrayList<>();
        for (int k = 0; k < 3; k++) lists[k].append("# synthmed DDSM-like list: <path> <label>, 0 normal, 1 benign, 2 cancer\n");
        for (int i = 0; i < DDSM_CASES; i++) {
            SplittableRandom r = rng.split();
            double u = r.nextDouble();
            int kind = u < 0.5 ? 0 : u < 0.75 ? 1 : 2; // normal / benign / cancer
            String volume = kind == 0 ? "normals" : kind == 1 ? "benigns" : "cancers";
            String caseId = String.format(Locale.ROOT, "case%04d", i + 1);
            boolean left = r.nextBoolean();
            double split = r.nextDouble();
            int list = split < 0.7 ? 0 : split < 0.8 ? 1 : 2;
            // The lesion's place in the breast, shared by the two views (upper outer quadrant 70% of the time).
            double depth = r.nextDouble(0.25, 0.75), height = r.nextDouble() < 0.7 ? r.nextDouble(0.15, 0.45) : r.nextDouble(0.45, 0.85);
            double density = r.nextDouble(0.41, 0.47);
            long massSeed = r.nextLong();
            for (String view : new String[]{"CC", "MLO"}) {
                String rel = volume + "/" + caseId + "/" + caseId + "_" + (left ? "LEFT" : "RIGHT") + "_" + view + ".png";
                SplittableRandom vr = r.split();
                boolean mlo = view.equals("MLO");
                jobs.add(() -> mammogram(vr, left, mlo, kind, depth, height, density, massSeed).write(dir.resolve(rel)));
                lists[list].append(rel).append(' ').append(kind).append('\n');
            }
        }
        render(jobs);
        Files.writeString(dir.resolve("train.txt"), lists[0], StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("val.txt"), lists[1], StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("test.txt"), lists[2], StandardCharsets.UTF_8);
    }

    private static Canvas mammogram(SplittableRandom r, boolean left, boolean mlo, int kind, double depth, double height,
                                    double density, long massSeed) {
        int s = DDSM_SIZE;
        Canvas c = new Canvas(s, s, true);
        c.fill(0.03f);
        double chestX = left ? 0 : s, dir = left ? 1 : -1;
        double rx = s * r.nextDouble(0.62, 0.75), ry = s * r.nextDouble(0.42, 0.48);
        double cy = s / 2.0 + (mlo ? -4 : 0);
        c.ellipse(chestX, cy, rx, ry, 0, 1f, 0.03, massSeed + 7, (float) density);
        Canvas tissue = new Canvas(s, s, true);
        tissue.texture(r, 8, 0.07f);
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                double u = (x + 0.5 - chestX) / rx, v = (y + 0.5 - cy) / ry;
                if (u * u + v * v < 1) c.add(x, y, tissue.px[0][y * s + x] * (float) (1 - Math.abs(u)));
            }
        }
        if (mlo) c.ellipse(chestX, 0, s * 0.25, s * 0.35, 0, 0.9f, 0.05, massSeed + 8, 0.62f); // pectoral muscle
        if (kind > 0) {
            double mx = chestX + dir * depth * rx * 0.9, my = cy + (height - 0.5) * 2 * ry * 0.75 + (mlo ? 5 : 0);
            SplittableRandom m = new SplittableRandom(massSeed);
            double rad = m.nextDouble(5.0, 8.5);
            c.blob(mx, my, rad * 0.8, 0.24f);
            c.ellipse(mx, my, rad, rad * m.nextDouble(0.7, 1.0), m.nextDouble(0, Math.PI), 0.6f, kind == 2 ? 0.3 : 0.05, massSeed + 9, 0.8f);
            if (kind == 2) { // spiculations
                for (int k = 0; k < 8; k++) {
                    double a = k * Math.PI / 4 + m.nextDouble(-0.3, 0.3);
                    c.line(mx, my, mx + Math.cos(a) * rad * 2.2, my + Math.sin(a) * rad * 2.2, 0.9, 0.7f, 0.78f);
                }
            }
            for (int k = 0, n = m.nextInt(0, 6); k < n; k++) c.disc(mx + m.nextDouble(-rad, rad), my + m.nextDouble(-rad, rad), 0.7, 0.9f, 0.95f);
        }
        c.grain(r, 0.02f);
        return c;
    }

    // ------------------------------------------------------------------ CheXpert-like chest X-ray

    static final int CXR_PATIENTS = 170, CXR_SIZE = 80;
    /** Prevalence of each observation; No Finding (0) and Lung Opacity (3) follow from the others. */
    private static final double[] CXR_PREVALENCE = {0, 0.15, 0.25, 0.10, 0.10, 0.22, 0.15, 0.10, 0.20, 0.10, 0.35, 0.06, 0.06, 0.45};

    private static void chexpert(Path dir, SplittableRandom rng) throws IOException {
        List<String> labels = ChexpertReader.LABELS;
        StringBuilder csv = new StringBuilder("Path,Sex,Age,Frontal/Lateral,AP/PA," + String.join(",", labels) + "\n");
        String folder = dir.getFileName().toString();
        List<Runnable> jobs = new ArrayList<>();
        for (int p = 1; p <= CXR_PATIENTS; p++) {
            SplittableRandom pr = rng.split();
            boolean[] chronic = new boolean[labels.size()];
            chronic[2] = pr.nextDouble() < CXR_PREVALENCE[2];  // cardiomegaly persists across a patient's studies
            chronic[13] = pr.nextDouble() < CXR_PREVALENCE[13]; // so do support devices (mostly)
            String sex = pr.nextBoolean() ? "Male" : "Female";
            int age = pr.nextInt(20, 90);
            int studies = 1 + pr.nextInt(3);
            for (int st = 1; st <= studies; st++) {
                SplittableRandom r = pr.split();
                int[] state = new int[labels.size()]; // 1 positive, -1 uncertain, 0 negative
                for (int k = 1; k < labels.size(); k++) {
                    if (k == 3) continue;
                    boolean pos = (k == 2 || k == 13) ? chronic[k] ^ (r.nextDouble() < 0.1) : r.nextDouble() < CXR_PREVALENCE[k];
                    state[k] = pos ? (r.nextDouble() < 0.15 ? -1 : 1) : 0;
                }
                boolean opacity = false;
                for (int k : new int[]{4, 5, 6, 7, 8}) opacity |= state[k] == 1;
                state[3] = opacity || r.nextDouble() < CXR_PREVALENCE[3] ? 1 : 0;
                boolean any = false;
                for (int k = 1; k < 13; k++) any |= state[k] != 0;
                state[0] = any ? 0 : 1;
                String rel = String.format(Locale.ROOT, "%s/train/patient%05d/study%d/view1_frontal.jpg", folder, p, st);
                SplittableRandom ir = r.split();
                jobs.add(() -> chestXray(ir, state).write(dir.getParent().resolve(rel)));
                csv.append(rel).append(',').append(sex).append(',').append(age).append(",Frontal,").append(r.nextBoolean() ? "AP" : "PA");
                for (int k = 0; k < labels.size(); k++) {
                    csv.append(',');
                    if (state[k] == 1) csv.append("1.0");
                    else if (state[k] == -1) csv.append("-1.0");
                    else if (k == 0 || r.nextDouble() < 0.3) csv.append(k == 0 ? "" : "0.0"); // mostly blank: "not mentioned"
                }
                csv.append('\n');
            }
        }
        render(jobs);
        Files.writeString(dir.resolve("train.csv"), csv, StandardCharsets.UTF_8);
    }

    /** Draws the chest and each present finding; uncertain findings are drawn faintly half of the time. */
    private static Canvas chestXray(SplittableRandom r, int[] state) {
        int s = CXR_SIZE;
        Canvas c = new Canvas(s, s, true);
        c.fill(0.08f);
        double mid = s / 2.0 + r.nextDouble(-2, 2);
        c.ellipse(mid, s * 0.55, s * 0.44, s * 0.5, 0, 1f, 0.02, r.nextLong(), 0.55f);          // body
        double lungY = s * 0.48, lungRx = s * 0.15, lungRy = s * 0.3;
        double lx = mid - s * 0.19, rxx = mid + s * 0.19;
        c.ellipse(lx, lungY, lungRx, lungRy, 0.05, 1f, 0.04, r.nextLong(), 0.18f);
        c.ellipse(rxx, lungY, lungRx, lungRy, -0.05, 1f, 0.04, r.nextLong(), 0.18f);
        for (int k = 0; k < 6; k++) { // ribs
            double y = s * 0.26 + k * s * 0.075;
            c.line(mid - s * 0.36, y + 3, mid - s * 0.04, y, 1.0, 0.35f, 0.5f);
            c.line(mid + s * 0.04, y, mid + s * 0.36, y + 3, 1.0, 0.35f, 0.5f);
        }
        c.ellipse(mid, s * 0.45, s * 0.04, s * 0.35, 0, 0.9f, 0.02, r.nextLong(), 0.7f);          // spine / mediastinum
        boolean[] show = new boolean[state.length];
        float[] strength = new float[state.length];
        for (int k = 0; k < state.length; k++) {
            show[k] = state[k] == 1 || (state[k] == -1 && r.nextBoolean());
            strength[k] = state[k] == 1 ? 1f : 0.5f;
        }
        double heart = show[2] ? s * 0.17 : s * 0.11;
        c.ellipse(mid - s * 0.05, s * 0.66, heart * 1.15, heart * 0.85, 0.2, 0.9f, 0.03, r.nextLong(), 0.72f);
        if (show[1]) c.ellipse(mid, s * 0.3, s * 0.09, s * 0.14, 0, 0.8f * strength[1], 0.05, r.nextLong(), 0.7f);
        double sideX = r.nextBoolean() ? lx : rxx;
        if (show[4]) c.disc(sideX + r.nextDouble(-4, 4), lungY + r.nextDouble(-10, 0), r.nextDouble(2, 3.5), 0.9f * strength[4], 0.75f);
        if (show[5]) { // edema: perihilar haze in both lungs
            c.ellipse(lx + 3, lungY, lungRx * 0.8, lungRy * 0.6, 0, 0.45f * strength[5], 0.2, r.nextLong(), 0.5f);
            c.ellipse(rxx - 3, lungY, lungRx * 0.8, lungRy * 0.6, 0, 0.45f * strength[5], 0.2, r.nextLong(), 0.5f);
        }
        if (show[6]) c.ellipse(sideX, lungY + lungRy * 0.4, lungRx * 0.7, lungRy * 0.35, 0, 0.75f * strength[6], 0.3, r.nextLong(), 0.62f);
        if (show[7]) for (int k = 0; k < 7; k++) c.disc(sideX + r.nextDouble(-6, 6), lungY + r.nextDouble(-6, 14), 1.8, 0.6f * strength[7], 0.6f);
        if (show[8]) c.line(sideX - lungRx * 0.8, lungY + lungRy * 0.7, sideX + lungRx * 0.8, lungY + lungRy * 0.6, 2.2, 0.9f * strength[8], 0.68f);
        if (show[9]) { // pneumothorax: black apex without lung markings, visible pleural line
            double px = r.nextBoolean() ? lx : rxx;
            c.ellipse(px, lungY - lungRy * 0.45, lungRx * 0.95, lungRy * 0.45, 0, 0.95f * strength[9], 0.02, r.nextLong(), 0.02f);
            c.line(px - lungRx * 0.7, lungY - lungRy * 0.05, px + lungRx * 0.7, lungY - lungRy * 0.05, 0.8, 0.8f, 0.6f);
        }
        if (show[10]) { // effusion: white lung base with a meniscus
            for (double px : r.nextBoolean() ? new double[]{lx, rxx} : new double[]{sideX}) {
                c.ellipse(px, lungY + lungRy * 0.85, lungRx * 1.05, lungRy * 0.4, 0, 0.95f * strength[10], 0.02, r.nextLong(), 0.66f);
            }
        }
        if (show[11]) c.line(sideX + (sideX < mid ? -1 : 1) * lungRx, lungY - lungRy * 0.6, sideX + (sideX < mid ? -1 : 1) * lungRx, lungY + lungRy * 0.6, 2.0, 0.8f * strength[11], 0.7f);
        if (show[12]) { // fracture: a bright callus across one rib
            double y = s * 0.26 + r.nextInt(6) * s * 0.075;
            c.disc(mid + (r.nextBoolean() ? -1 : 1) * s * 0.3, y + 2, 2.0, 0.9f * strength[12], 0.85f);
        }
        if (show[13]) { // support devices: a tube down the midline and a pacemaker box
            c.line(mid + 2, s * 0.05, mid + 3, s * 0.7, 1.3, 0.95f, 0.97f);
            c.ellipse(s * 0.22, s * 0.2, 4, 3, 0.3, 0.95f, 0.0, r.nextLong(), 0.98f);
        }
        c.texture(r, 10, 0.03f);
        c.grain(r, 0.02f);
        return c;
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Draws and writes the images on all cores. Each job owns a generator split off in list order
     * before any job runs, so the files do not depend on scheduling.
     */
    private static void render(List<Runnable> jobs) {
        jobs.parallelStream().forEach(Runnable::run);
    }

    private static int draw(SplittableRandom r, double[] prior) {
        double u = r.nextDouble(), acc = 0;
        for (int k = 0; k < prior.length; k++) {
            acc += prior[k];
            if (u < acc) return k;
        }
        return prior.length - 1;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            List<Path> all = new ArrayList<>(s.toList());
            all.sort(Comparator.reverseOrder());
            for (Path x : all) Files.delete(x);
        }
    }
}
