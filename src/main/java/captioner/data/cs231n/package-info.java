/**
 * The cs231n COCO directory ({@link captioner.data.cs231n.Cs231nLayout}): {@link captioner.data.cs231n.Cs231nReader}
 * loads it from any location into flat primitive arrays, checking everything a user could get wrong and naming the
 * file, the dataset and the first bad row. No Spark.
 *
 * <p>May import {@code captioner.data}'s value types, {@code captioner.io}, {@code captioner.model}, Hadoop's
 * configuration and jhdf.
 */
package captioner.data.cs231n;
