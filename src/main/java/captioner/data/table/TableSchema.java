package captioner.data.table;

import captioner.BadInputException;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;

/**
 * The caption table's layout: its files and the columns every split has.
 *
 * <pre>
 * TABLE/table.json     metadata ({@link TableMetadata}); written last: a folder with it is a complete table
 * TABLE/vocab.json     the vocabulary, cs231n format ({@link captioner.data.VocabularyJson})
 * TABLE/train/         Parquet dataset, one row per training image:
 *     image_idx     int          the image's row in the split (0 .. images-1, each once)
 *     features      array&lt;float&gt; feature_dim values
 *     caption_rows  array&lt;int&gt;   the image's captions' rows in the split's caption order (0 .. captions-1, each
 *                                once over the split), ascending
 *     captions      array&lt;int&gt;   those captions flattened, caption_rows.length × caption_length word indices
 *     url           string       the image's url, null when the source had none
 * TABLE/val/           the same for the validation split, when the source has one
 * </pre>
 *
 * Row order in the Parquet files carries no meaning: the caption order is recovered exactly from
 * {@code caption_rows}, the image order from {@code image_idx}. Every image is stored, also one without captions.
 */
public final class TableSchema {
    public static final String METADATA_FILE = "table.json";
    public static final String VOCAB_FILE = "vocab.json";

    public static final String IMAGE_IDX = "image_idx";
    public static final String FEATURES = "features";
    public static final String CAPTION_ROWS = "caption_rows";
    public static final String CAPTIONS = "captions";
    public static final String URL = "url";

    /** The columns and types every split has (array elements are never null). */
    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField(IMAGE_IDX, DataTypes.IntegerType, false),
        DataTypes.createStructField(FEATURES, DataTypes.createArrayType(DataTypes.FloatType, false), true),
        DataTypes.createStructField(CAPTION_ROWS, DataTypes.createArrayType(DataTypes.IntegerType, false), true),
        DataTypes.createStructField(CAPTIONS, DataTypes.createArrayType(DataTypes.IntegerType, false), true),
        DataTypes.createStructField(URL, DataTypes.StringType, true),
    });

    private TableSchema() {
    }

    /** Refuses a split whose Parquet schema lacks a column of {@link #SCHEMA} or has it with another type. */
    static void check(StructType actual, String where) {
        for (StructField expected : SCHEMA.fields()) {
            StructField found = Arrays.stream(actual.fields()).filter(f -> f.name().equals(expected.name()))
                    .findFirst().orElse(null);
            if (found == null) {
                throw new BadInputException(where + ": column '" + expected.name() + "' is missing; expected "
                        + describe(SCHEMA));
            }
            if (!sameType(found.dataType(), expected.dataType())) {
                throw new BadInputException(where + ": column '" + expected.name() + "' has type "
                        + found.dataType().simpleString() + "; expected " + expected.dataType().simpleString());
            }
        }
    }

    /** Array types match on their element type; Parquet does not keep whether elements may be null. */
    private static boolean sameType(DataType a, DataType b) {
        if (a instanceof ArrayType x && b instanceof ArrayType y) {
            return x.elementType().equals(y.elementType());
        }
        return a.equals(b);
    }

    private static String describe(StructType schema) {
        StringBuilder s = new StringBuilder("columns ");
        for (StructField f : schema.fields()) {
            s.append(f.name()).append(' ').append(f.dataType().simpleString()).append(", ");
        }
        return s.substring(0, s.length() - 2);
    }
}
