package io.github.dl4jtransfer.matrix.spark;

import io.github.dl4jtransfer.config.ConfigException;
import io.github.dl4jtransfer.matrix.BenchmarkPlan;
import io.github.dl4jtransfer.matrix.BenchmarkRunner;
import io.github.dl4jtransfer.matrix.CellResult;
import io.github.dl4jtransfer.matrix.ForkedExecutor;
import io.github.dl4jtransfer.matrix.PlanFiles;
import io.github.dl4jtransfer.report.ReportOptions;
import io.github.dl4jtransfer.report.ReportWriter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Spark driver as a program: runs a serialised plan ({@code plan.json}, as {@code transfer:benchmark} writes it
 * next to its results) on Spark and commits each cell's result under the plan's output folder. Two callers:
 * <ul>
 *   <li>{@code spark-submit --class io.github.dl4jtransfer.matrix.spark.SparkDriverMain --jars <dependencies>
 *       dl4j-transfer.jar plan.json}: the master, {@code --conf} and the jars come from spark-submit; the workers take
 *       the jars Spark shipped to their executor as their classpath (unless {@code --worker-classpath});
 *       the report ({@code report.html}…) is written at the end;</li>
 *   <li>the Maven plugin, which forks it with Spark's Java 17 options so that Spark never loads into Maven's JVM
 *       ({@code --master}, {@code --conf}, {@code --worker-*}, {@code --no-report}, {@code --exit-with-parent}).</li>
 * </ul>
 * Lines for the caller start with {@link #LOG_PREFIX} (Spark's own logging goes to standard error); a run that
 * cannot start ends with a {@link #ERROR_PREFIX} line and exit status 2. Failed cells are results, not errors: the
 * status is 0 once every cell has a result.
 */
public final class SparkDriverMain {

    public static final String LOG_PREFIX = "@@transfer-driver ";
    public static final String ERROR_PREFIX = "@@transfer-driver-error ";
    static final String CONFIG_ERROR = "config\t";

    private SparkDriverMain() {
    }

    /** The command line, parsed. */
    record Args(Path plan, String master, Map<String, String> conf, boolean shipModels, boolean shipJars, String workerJava, String workerClasspath,
                List<String> workerJvmArgs, Map<String, String> workerEnv, long cellTimeoutMinutes, boolean report, boolean exitWithParent) {

        static final String USAGE = "usage: SparkDriverMain PLAN.json [--master URL] [--conf KEY=VALUE]... [--ship-models] [--ship-jars]"
                + " [--worker-java PATH] [--worker-classpath CP] [--worker-jvm-arg ARG]... [--worker-env KEY=VALUE]..."
                + " [--cell-timeout-minutes N] [--no-report] [--exit-with-parent]";

        static Args parse(String[] a) {
            Path plan = null;
            String master = null, java = null, cp = null;
            Map<String, String> conf = new LinkedHashMap<>(), env = new LinkedHashMap<>();
            List<String> jvm = new ArrayList<>();
            boolean ship = false, shipJars = false, report = true, exitWithParent = false;
            long timeout = 0;
            for (int i = 0; i < a.length; i++) {
                String o = a[i];
                switch (o) {
                    case "--master" -> master = value(a, ++i, o);
                    case "--conf" -> put(conf, value(a, ++i, o), o);
                    case "--ship-models" -> ship = true;
                    case "--ship-jars" -> shipJars = true;
                    case "--worker-java" -> java = value(a, ++i, o);
                    case "--worker-classpath" -> cp = value(a, ++i, o);
                    case "--worker-jvm-arg" -> jvm.add(value(a, ++i, o));
                    case "--worker-env" -> put(env, value(a, ++i, o), o);
                    case "--cell-timeout-minutes" -> timeout = Long.parseLong(value(a, ++i, o));
                    case "--no-report" -> report = false;
                    case "--exit-with-parent" -> exitWithParent = true;
                    default -> {
                        if (o.startsWith("--") || plan != null) throw new IllegalArgumentException("unknown argument " + o + "\n" + USAGE);
                        plan = Path.of(o);
                    }
                }
            }
            if (plan == null) throw new IllegalArgumentException("no plan given\n" + USAGE);
            // spark-submit passes --master and --conf to the driver as system properties.
            if (master == null) master = System.getProperty("spark.master");
            if (master == null) throw new IllegalArgumentException("no Spark master: give --master URL (spark-submit sets it)\n" + USAGE);
            return new Args(plan, master, conf, ship, shipJars, java, cp, jvm, env, timeout, report, exitWithParent);
        }

        private static String value(String[] a, int i, String option) {
            if (i >= a.length) throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
            return a[i];
        }

        private static void put(Map<String, String> m, String kv, String option) {
            int eq = kv.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException(option + " " + kv + ": expected KEY=VALUE\n" + USAGE);
            m.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
    }

    public static void main(String[] argv) {
        Args args;
        try {
            args = Args.parse(argv);
        } catch (IllegalArgumentException e) {
            System.out.println(ERROR_PREFIX + e.getMessage().replace("\n", " | "));
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (args.exitWithParent()) exitWithParent();
        try {
            run(args);
        } catch (RuntimeException e) {
            // A configuration error travels as its parts, so that the caller raises the same error.
            String m = e instanceof ConfigException c ? CONFIG_ERROR + c.element() + "\t" + c.problem() + "\t" + c.fix()
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
            System.out.println(ERROR_PREFIX + m.replace("\n", " | "));
            System.out.flush();
            e.printStackTrace();
            System.exit(2);
        }
        System.out.flush();
        // Spark's non-daemon threads may outlive the context: end the JVM here.
        System.exit(0);
    }

    static List<CellResult> run(Args args) {
        BenchmarkPlan plan = PlanFiles.read(args.plan());
        SparkSettings settings = new SparkSettings(args.master(), null, args.conf(), args.shipModels(), args.shipJars());
        ForkedExecutor worker = new ForkedExecutor(args.workerJava(), args.workerClasspath(), args.workerJvmArgs(), args.workerEnv(),
                args.cellTimeoutMinutes(), true);
        List<CellResult> results;
        try (SparkExecutor spark = new SparkExecutor(settings, worker)) {
            results = new BenchmarkRunner(spark, SparkDriverMain::say).run(plan);
        }
        if (args.report() && !results.isEmpty()) {
            for (Path p : ReportWriter.write(results, plan.outputDir(), ReportOptions.defaults())) say("Report: " + p);
        }
        say(results.stream().filter(CellResult::isDone).count() + " of " + results.size() + " cells done; results in " + plan.cellsDir());
        return results;
    }

    private static synchronized void say(String line) {
        System.out.println(LOG_PREFIX + line);
        System.out.flush();
    }

    /** Ends this JVM when its parent closes our standard input (the parent died or gave up on us). */
    private static void exitWithParent() {
        Thread t = new Thread(() -> {
            try {
                InputStream in = System.in;
                while (in.read() >= 0) {
                    // the parent sends nothing; end of input is the signal
                }
            } catch (IOException e) {
                // the pipe broke: the parent is gone
            }
            System.err.println("the parent process is gone: stopping the Spark driver and its worker JVMs");
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
            Runtime.getRuntime().halt(3);
        }, "exit-with-parent");
        t.setDaemon(true);
        t.start();
    }
}
