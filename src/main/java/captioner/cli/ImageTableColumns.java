package captioner.cli;

import picocli.CommandLine.Option;

/** The columns of a table of images that prepare and caption read: an id and the features. */
final class ImageTableColumns {
    @Option(names = "--id-col", paramLabel = "C", defaultValue = "image_id",
            description = "The image id column, any type; ids are compared as text (default: ${DEFAULT-VALUE}).")
    String idCol;

    @Option(names = "--features-col", paramLabel = "C", defaultValue = "features",
            description = "The features: array<float>, array<double> or a Spark ML vector (default: ${DEFAULT-VALUE}).")
    String featuresCol;
}
