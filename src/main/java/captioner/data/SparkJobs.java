package captioner.data;

import captioner.BadInputException;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one translation of failed Spark jobs into what a user is told. A {@link BadInputException} thrown in a task
 * (a bad row found on an executor) reaches the driver wrapped in Spark's job failure, whose message continues with
 * the task's and the driver's stack traces; here it comes out as itself, so the command line reports the bad input.
 * Any other failure keeps Spark's exception, or becomes the caller's exception with the first line of Spark's
 * message ({@code --verbose} prints the rest).
 */
public final class SparkJobs {
    private SparkJobs() {
    }

    /** Runs a Spark action; a task's {@link BadInputException} is rethrown as itself, anything else unchanged. */
    public static <T> T run(Supplier<T> action) {
        try {
            return action.get();
        } catch (Exception e) {
            // Spark's job failures are the checked SparkException, thrown from Scala without a declaration.
            BadInputException bad = badInput(e);
            if (bad != null) {
                throw bad;
            }
            throw SparkJobs.<RuntimeException>rethrow(e);
        }
    }

    /**
     * What to throw for a job that failed with {@code failure}: the task's {@link BadInputException}, or else
     * {@code otherwise} applied to the first line of the failure's message.
     */
    public static RuntimeException translate(Throwable failure, Function<String, RuntimeException> otherwise) {
        BadInputException bad = badInput(failure);
        return bad != null ? bad : otherwise.apply(firstLine(failure));
    }

    /**
     * The first line of the failure's message. Spark's waits wrap the job's own failure in "Exception thrown in
     * awaitResult", which says nothing: the wrapped failure speaks instead.
     */
    private static String firstLine(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && String.valueOf(t.getMessage()).startsWith("Exception thrown in awaitResult")) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage()).lines().findFirst().orElse("");
    }

    /** The {@link BadInputException} among the causes, again with its own message; null when there is none. */
    private static BadInputException badInput(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BadInputException bad) {
                return new BadInputException(bad.getMessage(), failure);
            }
        }
        return null;
    }

    // Rethrows a checked exception without wrapping it: the cast is unchecked by design, E is inferred as
    // RuntimeException at the call site and erased here.
    @SuppressWarnings("unchecked")
    private static <E extends Exception> E rethrow(Exception e) throws E {
        throw (E) e;
    }
}
