package captioner.eval;

import java.util.Locale;

/**
 * Which image URLs a page may turn into links and images. URLs come from other people's data (a dataset's URL
 * file, annotation files), so only web addresses and inline images qualify: {@code http:}, {@code https:} and
 * {@code data:image/…}. Anything else ({@code javascript:}, {@code file:}, {@code vbscript:}, a relative path…) is
 * shown as text.
 */
final class ImageUrl {
    private ImageUrl() {
    }

    static boolean linkable(String url) {
        for (int i = 0; i < url.length(); i++) {
            // Browsers drop control characters and white space inside a scheme ("java\tscript:"): refuse them all.
            if (Character.isISOControl(url.charAt(i)) || Character.isWhitespace(url.charAt(i))) {
                return false;
            }
        }
        String lower = url.toLowerCase(Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("data:image/");
    }
}
