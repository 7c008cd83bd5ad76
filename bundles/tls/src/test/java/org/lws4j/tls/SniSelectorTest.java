package org.lws4j.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** SNI names to vhosts, the way Host headers go to vhosts in the core. */
class SniSelectorTest {
    static final List<String> NAMES = List.of("localhost", "abc.com", "cats.abc.com", "Example.ORG");

    @Test
    void exactNameWinsCaseInsensitivelyAndATrailingDotIsIgnored() {
        assertEquals(1, SniSelector.select(NAMES, "abc.com"));
        assertEquals(2, SniSelector.select(NAMES, "cats.abc.com"));
        assertEquals(3, SniSelector.select(NAMES, "example.org"));
        assertEquals(1, SniSelector.select(NAMES, "ABC.com."));
    }

    @Test
    void subdomainsGoToTheLongestParent() {
        assertEquals(1, SniSelector.select(NAMES, "dogs.abc.com"));
        assertEquals(2, SniSelector.select(NAMES, "big.cats.abc.com"));
        assertEquals(3, SniSelector.select(NAMES, "www.example.org"));
    }

    @Test
    void noNameOrAnUnknownNameGoesToTheFirstVhost() {
        assertEquals(0, SniSelector.select(NAMES, null));
        assertEquals(0, SniSelector.select(NAMES, ""));
        assertEquals(0, SniSelector.select(NAMES, "other.net"));
        assertEquals(0, SniSelector.select(NAMES, "xabc.com"), "a suffix that is not a subdomain");
    }
}
