package captioner;

/**
 * Input that a user can fix: a file, dataset, row, flag or argument that is not what was expected.
 * The message names what is wrong and what was expected; the command line prints it without a
 * stack trace (unless {@code --verbose}) and exits non-zero.
 */
public class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
