package io.github.dl4jtransfer.fuzz;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The property every fuzz target checks (docs/reliability.md): an input either works or fails with one of the
 * project's named exceptions, whose message names the file or element at fault. Anything else is a finding and is
 * thrown to the fuzzer: an unchecked exception of another kind (NullPointerException, IndexOutOfBounds, a bare
 * NumberFormatException, ...), an Error (OutOfMemoryError, StackOverflowError), a named exception that names
 * nothing, or a parse that runs longer than {@link #TIMEOUT_SECONDS}.
 *
 * <p>The parse runs on a worker thread so that a hang fails the input after the timeout in regression and in fuzzing
 * mode alike, instead of stalling the build; a hung thread is a daemon and dies with the test JVM.
 */
final class FuzzContract {

    static final int TIMEOUT_SECONDS = 10;

    private static final ExecutorService PARSER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fuzz-parse");
        t.setDaemon(true);
        return t;
    });

    private FuzzContract() {
    }

    /** What a parse may throw: these exception types, with a message containing {@code names} (when not null). */
    record Named(List<Class<? extends RuntimeException>> types, String names) {
        static Named of(String names, List<Class<? extends RuntimeException>> types) {
            return new Named(types, names);
        }
    }

    interface Parse {
        void run() throws Exception;
    }

    /** Runs {@code parse} under the property; returns normally when the input worked or failed as {@code allowed} says. */
    static void check(Named allowed, Parse parse) {
        Future<?> f = PARSER.submit(() -> {
            parse.run();
            return null;
        });
        try {
            f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new AssertionError("hang: the parse ran longer than " + TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            judge(allowed, e.getCause());
        }
    }

    private static void judge(Named allowed, Throwable t) {
        if (t instanceof Error err) throw err;
        boolean named = allowed.types().stream().anyMatch(c -> c.isInstance(t));
        if (!named) throw new AssertionError("not one of the named exceptions " + allowed.types() + ": " + t, t);
        String m = t.getMessage();
        if (m == null || m.isBlank() || (allowed.names() != null && !m.contains(allowed.names()))) {
            throw new AssertionError(t.getClass().getSimpleName() + " does not name " + allowed.names() + ": " + m, t);
        }
    }
}
