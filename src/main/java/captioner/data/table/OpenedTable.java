package captioner.data.table;

import captioner.io.Location;
import captioner.model.Vocabulary;

/** A caption table whose metadata and vocabulary were read and checked ({@link TableReader#open}). */
public record OpenedTable(Location location, TableMetadata metadata, Vocabulary vocab) {
    /** The split's folder. */
    public Location split(String split) {
        return location.child(split);
    }
}
