package captioner.data.synthetic;

/**
 * A tiny offline picture of a synthetic scene, as a {@code data:image/svg+xml} URL that any browser shows: the
 * background colour stands for the place, each of the {@code count} objects is a shape in the object's colour
 * (outlined, so white shows on snow; at most 20 pixels wide, so three fit side by side), and the object's name is written underneath. About 400 characters.
 */
final class SvgThumbnail {
    /** SVG named colours for the places, in {@link SyntheticWorld#PLACES} order. */
    private static final String[] PLACE_FILL = {"khaki", "silver", "lightgreen", "wheat", "snow", "lightblue"};
    private static final int WIDTH = 96;
    private static final int HEIGHT = 64;
    private static final String HEX = "0123456789ABCDEF";
    /** Shape per object, in {@link SyntheticWorld#OBJECTS} order: 0 circle, 1 square, 2 triangle, 3 diamond, 4 ellipse. */
    private static final int[] SHAPE = {4, 2, 3, 4, 1, 1, 4, 0, 3, 2};

    private SvgThumbnail() {
    }

    static String url(SyntheticScene s) {
        StringBuilder svg = new StringBuilder(320);
        svg.append("<svg xmlns='http://www.w3.org/2000/svg' width='").append(WIDTH).append("' height='")
                .append(HEIGHT).append("'><rect width='").append(WIDTH).append("' height='").append(HEIGHT)
                .append("' fill='").append(PLACE_FILL[s.place()]).append("'/>");
        int step = WIDTH / (s.count() + 1);
        for (int i = 1; i <= s.count(); i++) {
            shape(svg, s.object(), i * step, 26, s.colourWord());
        }
        svg.append("<text x='48' y='59' font-size='11' text-anchor='middle'>").append(s.objectWord())
                .append("</text></svg>");
        return "data:image/svg+xml," + percentEncode(svg);
    }

    /** A shape roughly suggesting the object (ball: circle, kite: diamond, car: square...); the label tells the rest. */
    private static void shape(StringBuilder svg, int object, int cx, int cy, String fill) {
        String paint = " fill='" + fill + "' stroke='black'/>";
        switch (SHAPE[object]) {
            case 0 -> svg.append("<circle cx='").append(cx).append("' cy='").append(cy).append("' r='10'").append(paint);
            case 1 -> svg.append("<rect x='").append(cx - 10).append("' y='").append(cy - 10)
                    .append("' width='20' height='20'").append(paint);
            case 2 -> svg.append("<polygon points='").append(cx).append(',').append(cy - 13).append(' ')
                    .append(cx + 10).append(',').append(cy + 11).append(' ').append(cx - 10).append(',')
                    .append(cy + 11).append("'").append(paint);
            case 3 -> svg.append("<polygon points='").append(cx).append(',').append(cy - 14).append(' ')
                    .append(cx + 10).append(',').append(cy).append(' ').append(cx).append(',').append(cy + 14)
                    .append(' ').append(cx - 10).append(',').append(cy).append("'").append(paint);
            default -> svg.append("<ellipse cx='").append(cx).append("' cy='").append(cy)
                    .append("' rx='10' ry='7'").append(paint);
        }
    }

    /** Percent-encodes what a URL may not hold literally (RFC 3986); quotes and slashes stay readable. */
    private static String percentEncode(CharSequence text) {
        StringBuilder out = new StringBuilder(text.length() + 64);
        for (byte b : text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int ch = b & 0xff;
            if (ch == '<' || ch == '>' || ch == '"' || ch == '#' || ch == '%' || ch <= 0x20 || ch > 0x7e) {
                out.append('%').append(HEX.charAt(ch >> 4)).append(HEX.charAt(ch & 0xf));
            } else {
                out.append((char) ch);
            }
        }
        return out.toString();
    }
}
