package captioner.data.classify;

import captioner.BadInputException;
import captioner.data.table.TableSchema;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;

/**
 * The Parquet sentence table's layout: a folder per split, as the caption table has.
 *
 * <pre>
 * TABLE/table.json  metadata ({@link SentenceTableMetadata}) with the vocabulary; written last: a folder with it is a
 *                   complete table
 * TABLE/train/      Parquet dataset, one row per training sentence:
 *     sentence_idx  int         the sentence's row in the split (0 .. sentences-1, each once)
 *     tokens        array&lt;int&gt;  sentence_length word indices (CLS, the words, PAD)
 *     label         int         1 acceptable, 0 not
 * TABLE/val/        the same for the validation split, when there is one
 * </pre>
 *
 * Row order in the Parquet files carries no meaning (Spark reads files in any order): the split's order is
 * {@code sentence_idx}, so a table trains bitwise as the source it was written from.
 */
public final class SentenceTableSchema {
    /** The caption table's name for it: one name, so either table is recognised by the same file. */
    public static final String METADATA_FILE = TableSchema.METADATA_FILE;

    public static final String SENTENCE_IDX = "sentence_idx";
    public static final String TOKENS = "tokens";
    public static final String LABEL = "label";

    /** The columns and types every split has. */
    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField(SENTENCE_IDX, DataTypes.IntegerType, false),
        DataTypes.createStructField(TOKENS, DataTypes.createArrayType(DataTypes.IntegerType, false), true),
        DataTypes.createStructField(LABEL, DataTypes.IntegerType, true),
    });

    private SentenceTableSchema() {
    }

    /** Refuses a split whose Parquet schema lacks a column of {@link #SCHEMA} or has it with another type. */
    static void check(StructType actual, String where) {
        for (StructField expected : SCHEMA.fields()) {
            StructField found = Arrays.stream(actual.fields()).filter(f -> f.name().equals(expected.name()))
                    .findFirst().orElse(null);
            String type = found == null ? null : found.dataType() instanceof ArrayType a
                    ? "array<" + a.elementType().simpleString() + ">" : found.dataType().simpleString();
            String wanted = expected.dataType() instanceof ArrayType a
                    ? "array<" + a.elementType().simpleString() + ">" : expected.dataType().simpleString();
            if (found == null || !type.equals(wanted)) {
                throw new BadInputException(where + ": column '" + expected.name() + "' "
                        + (found == null ? "is missing" : "has type " + type) + "; expected columns "
                        + SENTENCE_IDX + " int, " + TOKENS + " array<int>, " + LABEL + " int");
            }
        }
    }
}
