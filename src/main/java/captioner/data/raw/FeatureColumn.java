package captioner.data.raw;

import captioner.BadInputException;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A column of image features as other tools write it: {@code array<float>}, {@code array<double>} or a Spark ML
 * vector (dense or sparse). Values become float32, the model's precision.
 */
public final class FeatureColumn implements Serializable {
    private static final long serialVersionUID = 1L;
    static final String EXPECTED_TYPES = "array<float>, array<double> or a Spark ML vector";

    private final String name;
    private final int index;

    private FeatureColumn(String name, int index) {
        this.name = name;
        this.index = index;
    }

    /**
     * @param where names the table, for messages
     * @throws BadInputException when the column is missing or has another type
     */
    public static FeatureColumn of(StructType schema, String name, String where) {
        int index = columnIndex(schema, name, where);
        DataType t = schema.fields()[index].dataType();
        boolean array = t instanceof ArrayType a
                && (a.elementType().equals(DataTypes.FloatType) || a.elementType().equals(DataTypes.DoubleType));
        if (!array && !(t instanceof VectorUDT)) {
            throw new BadInputException(where + ": column '" + name + "' has type " + t.simpleString() + "; expected "
                    + EXPECTED_TYPES);
        }
        return new FeatureColumn(name, index);
    }

    /** The index of column {@code name}, or a message listing the columns there are. */
    public static int columnIndex(StructType schema, String name, String where) {
        for (int i = 0; i < schema.fields().length; i++) {
            if (schema.fields()[i].name().equals(name)) {
                return i;
            }
        }
        throw new BadInputException(where + ": no column '" + name + "'; the columns are "
                + Arrays.toString(Arrays.stream(schema.fields()).map(StructField::name).toArray()));
    }

    public String name() {
        return name;
    }

    public int index() {
        return index;
    }

    /** The row's features as floats, or null when the cell is null (a null element is NaN). */
    public float[] floats(Row row) {
        if (row.isNullAt(index)) {
            return null;
        }
        Object v = row.get(index);
        if (v instanceof Vector vector) {
            double[] d = vector.toArray();
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                f[i] = (float) d[i];
            }
            return f;
        }
        scala.collection.Seq<?> seq = row.getSeq(index);
        float[] f = new float[seq.size()];
        for (int i = 0; i < f.length; i++) {
            Object x = seq.apply(i);
            f[i] = x == null ? Float.NaN : ((Number) x).floatValue();
        }
        return f;
    }

    /** Why {@code features} cannot be used for a model of width {@code dim}, or null when they can. */
    public static String problem(float[] features, int dim) {
        if (features == null) {
            return "features are null";
        }
        if (features.length != dim) {
            return features.length + " feature values; expected " + dim;
        }
        for (int i = 0; i < features.length; i++) {
            if (!Float.isFinite(features[i])) {
                return "feature " + i + " is " + features[i] + "; expected finite values";
            }
        }
        return null;
    }
}
