/**
 * The synthetic captioning dataset in the cs231n layout: scenes, features and captions
 * ({@link captioner.data.synthetic.SyntheticWorld}), whose validation images combine colours and objects that
 * training never pairs; {@link captioner.data.synthetic.SyntheticDataset} writes it to any location and
 * {@link captioner.data.synthetic.DefaultDataset} caches the embedded default dataset. The classify task's embedded
 * sentences ({@link captioner.data.synthetic.SyntheticSentences}) come from a grammar of the same world and its
 * documented corruptions, in memory. No Spark.
 *
 * <p>May import {@code captioner.data}'s value types, {@code captioner.data.cs231n}'s layout,
 * {@code captioner.data.classify}'s sentence splits, {@code captioner.io},
 * {@code captioner.model} and jhdf.
 */
package captioner.data.synthetic;
