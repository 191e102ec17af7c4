package io.github.dl4jtransfer.report;

import java.nio.file.Path;
import java.util.List;

/**
 * Command line: re-render a report from a results folder.
 *
 * <pre>
 * java -cp … io.github.dl4jtransfer.report.ReportMain RESULTS_DIR [OUT_DIR]
 *      [--title TEXT] [--baseline MODEL:SCENARIO] [--split test|val]
 *      [--poster-reference MODEL:SCENARIO|MODEL:CLASSIFIER] [--poster-baselines ID_OR_FAMILY,…]
 * </pre>
 * OUT_DIR defaults to RESULTS_DIR. Exit status 2 on bad arguments or no results.
 */
public final class ReportMain {

    private ReportMain() {
    }

    public static void main(String[] args) {
        try {
            List<Path> written = run(args);
            written.forEach(p -> System.out.println("wrote " + p));
        } catch (IllegalArgumentException e) {
            System.err.println("report: " + e.getMessage());
            System.exit(2);
        }
    }

    static List<Path> run(String[] args) {
        Path results = null;
        Path out = null;
        ReportOptions.Builder options = ReportOptions.builder();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--title" -> options.title(value(args, ++i, a));
                case "--baseline" -> options.baseline(ReportOptions.Baseline.parse(value(args, ++i, a)));
                case "--split" -> options.split(ReportOptions.MetricSplit.parse(value(args, ++i, a)));
                case "--poster-reference" -> options.posterReference(ReportOptions.PosterReference.parse(value(args, ++i, a)));
                case "--poster-baselines" -> options.posterBaselines(List.of(value(args, ++i, a).split(",")));
                default -> {
                    if (a.startsWith("--")) throw new IllegalArgumentException("unknown option " + a + "; " + usage());
                    if (results == null) results = Path.of(a);
                    else if (out == null) out = Path.of(a);
                    else throw new IllegalArgumentException("too many arguments; " + usage());
                }
            }
        }
        if (results == null) throw new IllegalArgumentException(usage());
        return ReportWriter.render(results, out == null ? results : out, options.build());
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a value; " + usage());
        return args[i];
    }

    private static String usage() {
        return "usage: ReportMain RESULTS_DIR [OUT_DIR] [--title TEXT] [--baseline MODEL:SCENARIO] [--split test|val] "
                + "[--poster-reference MODEL:SCENARIO|MODEL:CLASSIFIER] [--poster-baselines ID_OR_FAMILY,...]";
    }
}
