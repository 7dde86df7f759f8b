package captioner.train;

/**
 * A run that cannot go on (a non-finite loss or gradient, or a Spark job that failed); the last
 * good checkpoint stays in place.
 */
public final class TrainingFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingFailedException(String message) {
        super(message);
    }

    public TrainingFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
