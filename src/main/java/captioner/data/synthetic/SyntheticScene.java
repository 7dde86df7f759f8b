package captioner.data.synthetic;

/**
 * What one synthetic image shows: {@code count} objects of one kind and one colour in one place. Fields are indices
 * into {@link SyntheticWorld#COLOURS}, {@link SyntheticWorld#OBJECTS} and {@link SyntheticWorld#PLACES};
 * {@code count} is 1..{@link SyntheticWorld#MAX_COUNT}.
 */
public record SyntheticScene(int colour, int object, int place, int count) {

    public String colourWord() {
        return SyntheticWorld.COLOURS[colour];
    }

    public String objectWord() {
        return SyntheticWorld.OBJECTS[object];
    }

    public String placeWord() {
        return SyntheticWorld.PLACES[place];
    }

    @Override
    public String toString() {
        return count + " " + colourWord() + " " + objectWord() + " at " + placeWord();
    }
}
