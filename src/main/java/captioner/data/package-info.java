/**
 * The data layer: reading the cs231n COCO captioning files and writing a synthetic dataset in the same layout.
 *
 * <ul>
 *   <li>{@link captioner.data.Cs231nReader#read} loads a directory (local path, {@code file:} URI or any Hadoop
 *       file system URI) into a {@link captioner.data.Cs231nData}: the {@link captioner.model.Vocabulary} and one
 *       {@link captioner.data.CaptionSplit} per split, all flat primitive arrays (captions numCaptions × T,
 *       imageIdxs numCaptions, features numImages × D, row-major).</li>
 *   <li>Anything wrong with the files is a {@link captioner.BadInputException} naming the file, the dataset and
 *       the first bad row, and what was expected.</li>
 *   <li>{@link captioner.data.SyntheticDataset#write} writes the embedded default dataset, whose validation images
 *       combine colours and objects that training never pairs ({@link captioner.data.SyntheticWorld}).</li>
 *   <li>{@link captioner.data.CaptionTable} writes and reads the Parquet caption table (one row per image, features
 *       once per image, written aside and renamed into place) with Spark SQL.</li>
 *   <li>{@link captioner.data.TrainingData} is what training opens: a table, a cs231n directory or the embedded
 *       default dataset ({@link captioner.data.DefaultDataset}), cut into deterministic per-partition
 *       {@link captioner.data.CaptionShard}s; also the reference captions and urls per image.</li>
 * </ul>
 * File and dataset names live in {@link captioner.data.Cs231nLayout}. The reader and the synthetic writer use no
 * Spark (only Hadoop's {@code FileSystem} for remote URIs); the table and {@code TrainingData} do.
 */
package captioner.data;
