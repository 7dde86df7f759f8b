package captioner.data.cs231n;

import captioner.BadInputException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Reads {@code train2014_urls.txt}-style files: UTF-8, one URL per line, line i = image i. */
final class UrlList {
    private UrlList() {
    }

    /**
     * @param expected the number of images (rows of the split's features)
     * @param imagesSource what {@code expected} was counted from, for the message
     * @return {@code expected} URLs; blank lines at the very end (an editor's trailing newline) are ignored
     * @throws BadInputException if the file has another number of lines
     */
    static String[] read(InputStream in, String source, int expected, String imagesSource) throws IOException {
        String[] urls = new String[expected];
        int lines = 0;
        int trailingBlank = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank()) {
                    trailingBlank++;
                    continue;
                }
                // Blank lines followed by a URL are real (empty) entries, not trailing ones.
                for (; trailingBlank > 0; trailingBlank--) {
                    store(urls, lines++, "");
                }
                store(urls, lines++, line.strip());
            }
        }
        if (lines != expected) {
            throw new BadInputException(source + ": has " + lines + " URL lines; expected one per image, " + expected
                    + " lines (the rows of " + imagesSource + ")"
                    + (lines > expected ? "; line " + (expected + 1) + " is the first extra one" : ""));
        }
        return urls;
    }

    private static void store(String[] urls, int i, String url) {
        // Count past the end without storing, so the message can say how many lines there were.
        if (i < urls.length) {
            urls[i] = url;
        }
    }
}
