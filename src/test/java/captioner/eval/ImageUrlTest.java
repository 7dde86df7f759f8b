package captioner.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageUrlTest {

    @Test
    void webAddressesAndInlineImagesBecomeLinks() {
        assertTrue(ImageUrl.linkable("http://images.cocodataset.org/val2014/COCO_val2014_000000000042.jpg"));
        assertTrue(ImageUrl.linkable("HTTPS://example.org/a.jpg"));
        assertTrue(ImageUrl.linkable("data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'/%3E"));
        assertTrue(ImageUrl.linkable("data:image/png;base64,iVBORw0KGgo="));
    }

    @Test
    void everyOtherSchemeStaysText() {
        assertFalse(ImageUrl.linkable("javascript:alert(2)"));
        assertFalse(ImageUrl.linkable("JavaScript:alert(2)"));
        assertFalse(ImageUrl.linkable("java\tscript:alert(2)"));
        assertFalse(ImageUrl.linkable(" javascript:alert(2)"));
        assertFalse(ImageUrl.linkable("vbscript:msgbox(1)"));
        assertFalse(ImageUrl.linkable("data:text/html,<script>alert(1)</script>"));
        assertFalse(ImageUrl.linkable("file:///etc/passwd"));
        assertFalse(ImageUrl.linkable("images/a.jpg"));
        assertFalse(ImageUrl.linkable("http://example.org/a b.jpg"));
    }
}
