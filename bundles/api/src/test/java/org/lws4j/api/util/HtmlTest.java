package org.lws4j.api.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class HtmlTest {
    @Test
    void escapesTheFiveAndControlCharacters() {
        assertEquals("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
                Html.escape("<a href=\"x\" title='y'>&</a>"));
        assertEquals("a\tb\nc\r\uFFFD\uFFFD\uFFFD", Html.escape("a\tb\nc\r\u0000\u001b\u007f"));
        assertEquals("", Html.escape(null));
        String plain = "nothing to do \u00e9";
        assertSame(plain, Html.escape(plain));
    }
}
