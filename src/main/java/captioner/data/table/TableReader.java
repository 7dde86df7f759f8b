package captioner.data.table;

import captioner.BadInputException;
import captioner.data.ImageRow;
import captioner.data.VocabularyJson;
import captioner.io.Location;
import captioner.model.Vocabulary;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.col;

/**
 * Reads a caption table ({@link TableSchema}): {@link #open} reads and checks its metadata and vocabulary on the
 * driver; {@link #imageRows} gives a split's rows as an RDD decoded and checked on the executors.
 */
public final class TableReader {
    private TableReader() {
    }

    /** Opens the table at {@code loc}: reads its metadata and vocabulary and checks that they agree. */
    public static OpenedTable open(Location loc) {
        if (!loc.exists()) {
            throw new BadInputException(loc + ": no such table; expected a folder written by 'captioner prepare'");
        }
        Location metaFile = loc.child(TableSchema.METADATA_FILE);
        if (!metaFile.exists()) {
            throw new BadInputException(loc + ": not a caption table (no " + TableSchema.METADATA_FILE
                    + "); expected a folder written by 'captioner prepare'");
        }
        TableMetadata meta;
        try (InputStream in = metaFile.open()) {
            meta = TableMetadata.read(in, metaFile.toString());
        } catch (IOException e) {
            throw new BadInputException(metaFile + ": cannot read (" + e + ")", e);
        }
        Location vocabFile = loc.child(TableSchema.VOCAB_FILE);
        if (!vocabFile.exists()) {
            throw new BadInputException(vocabFile + ": no such file; expected the table's vocabulary beside "
                    + TableSchema.METADATA_FILE);
        }
        Vocabulary vocab;
        try (InputStream in = vocabFile.open()) {
            vocab = VocabularyJson.read(in, vocabFile.toString());
        } catch (IOException e) {
            throw new BadInputException(vocabFile + ": cannot read (" + e + ")", e);
        }
        if (vocab.size() != meta.vocabSize()) {
            throw new BadInputException(vocabFile + ": has " + vocab.size() + " words but " + metaFile
                    + " says vocab_size " + meta.vocabSize() + "; expected the vocabulary the table was written with");
        }
        for (String split : meta.splits().keySet()) {
            if (!loc.child(split).exists()) {
                throw new BadInputException(loc.child(split) + ": no such folder, but " + metaFile
                        + " lists split '" + split + "'; expected a complete table");
            }
        }
        return new OpenedTable(loc, meta, vocab);
    }

    /**
     * One split's rows as {@link ImageRow}s, checked row by row on the executors ({@link RowDecoder}): image index
     * and caption rows in range, caption rows ascending, captions of the right length holding valid word indices,
     * features of the table's width. Arrays are copied out of Spark's rows as primitive arrays (no boxing). Only
     * the columns asked for are read.
     */
    public static JavaRDD<ImageRow> imageRows(SparkSession spark, OpenedTable table, String split,
                                              boolean withFeatures, boolean withCaptions, boolean withUrls) {
        TableMetadata meta = table.metadata();
        TableMetadata.SplitInfo info = meta.splits().get(split);
        String where = table.split(split).toString();
        Dataset<Row> df;
        try {
            df = spark.read().parquet(table.split(split).uri());
        } catch (RuntimeException e) {
            throw new BadInputException(where + ": cannot read as Parquet (" + e.getMessage()
                    + "); expected the split written by 'captioner prepare'", e);
        }
        TableSchema.check(df.schema(), where);
        List<String> columns = new ArrayList<>(List.of(TableSchema.IMAGE_IDX, TableSchema.CAPTION_ROWS));
        if (withFeatures) {
            columns.add(TableSchema.FEATURES);
        }
        if (withCaptions) {
            columns.add(TableSchema.CAPTIONS);
        }
        if (withUrls) {
            columns.add(TableSchema.URL);
        }
        Dataset<Row> selected = df.select(columns.stream().map(c -> col(c))
                .toArray(org.apache.spark.sql.Column[]::new));
        RowDecoder decoder = new RowDecoder(where, info.images(), info.captions(), meta.captionLength(),
                meta.featureDim(), meta.vocabSize(), withFeatures ? 2 : -1,
                withCaptions ? (withFeatures ? 3 : 2) : -1, withUrls ? columns.size() - 1 : -1);
        return selected.queryExecution().toRdd().toJavaRDD().map(decoder::decode);
    }

    /**
     * For each caption row of the split, its image; checks that every image and every caption row occurs exactly
     * once. {@code rows} need only image_idx and caption_rows.
     */
    public static int[] imageOfRow(String where, TableMetadata.SplitInfo info, List<ImageRow> rows) {
        if (rows.size() != info.images()) {
            throw new BadInputException(where + ": has " + rows.size() + " image rows but " + TableSchema.METADATA_FILE
                    + " says " + info.images() + "; expected one row per image");
        }
        boolean[] seen = new boolean[info.images()];
        int[] imageOf = new int[Math.toIntExact(info.captions())];
        Arrays.fill(imageOf, -1);
        for (ImageRow r : rows) {
            if (seen[r.getImageIdx()]) {
                throw new BadInputException(where + ": image_idx " + r.getImageIdx() + " occurs twice; expected "
                        + "one row per image");
            }
            seen[r.getImageIdx()] = true;
            for (int row : r.getCaptionRows()) {
                if (imageOf[row] >= 0) {
                    throw new BadInputException(where + ": caption row " + row + " belongs to image_idx "
                            + imageOf[row] + " and to image_idx " + r.getImageIdx() + "; expected each caption once");
                }
                imageOf[row] = r.getImageIdx();
            }
        }
        for (int row = 0; row < imageOf.length; row++) {
            if (imageOf[row] < 0) {
                throw new BadInputException(where + ": caption row " + row + " is missing; "
                        + TableSchema.METADATA_FILE + " says the split has " + info.captions() + " captions");
            }
        }
        return imageOf;
    }
}
