package org.lws4j.ext.deflate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.lws4j.spi.extension.ExtensionOffer;
import org.lws4j.spi.extension.ExtensionSession;

/** RFC 7692 section 7.1 as the server and as the client negotiate it. */
class NegotiationTest {

    private static String answer(String header, Preferences p) {
        ExtensionSession s = new PermessageDeflate(p).accept(ExtensionOffer.parse(List.of(header)), Bytes.LIMITS);
        return s == null ? null : s.response().toString();
    }

    private static String answer(String header) {
        return answer(header, Preferences.DEFAULTS);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "permessage-deflate | permessage-deflate",
        "permessage-deflate; client_max_window_bits | permessage-deflate",
        "permessage-deflate; client_max_window_bits=10 | permessage-deflate; client_max_window_bits=10",
        "permessage-deflate; client_max_window_bits=8 | permessage-deflate; client_max_window_bits=8",
        "permessage-deflate; server_max_window_bits=9 | permessage-deflate; server_max_window_bits=9",
        "permessage-deflate; server_max_window_bits=15 | permessage-deflate; server_max_window_bits=15",
        "permessage-deflate; server_max_window_bits=\"12\" | permessage-deflate; server_max_window_bits=12",
        "permessage-deflate; server_no_context_takeover | permessage-deflate; server_no_context_takeover",
        "permessage-deflate; client_no_context_takeover | permessage-deflate; client_no_context_takeover",
        "permessage-deflate; client_max_window_bits=9; server_max_window_bits=11; client_no_context_takeover; server_no_context_takeover"
            + " | permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=11; client_max_window_bits=9",
        // several offers: the first acceptable one wins
        "permessage-deflate; server_max_window_bits=8, permessage-deflate; server_max_window_bits=10 | permessage-deflate; server_max_window_bits=10",
        "permessage-deflate; x-unknown, permessage-deflate; client_no_context_takeover | permessage-deflate; client_no_context_takeover",
        "permessage-deflate; server_max_window_bits=12, permessage-deflate | permessage-deflate; server_max_window_bits=12",
        "x-webkit-deflate-frame, permessage-deflate | permessage-deflate",
    })
    void serverAnswers(String offer, String expected) {
        assertEquals(expected, answer(offer));
    }

    @ParameterizedTest(name = "declined: {0}")
    @ValueSource(strings = {
        "permessage-deflate; server_max_window_bits=8",      // zlib cannot compress with 8 bits; the answer may not say 9
        "permessage-deflate; server_max_window_bits",        // a value is required
        "permessage-deflate; server_max_window_bits=16",
        "permessage-deflate; server_max_window_bits=7",
        "permessage-deflate; server_max_window_bits=010",    // no leading zeros
        "permessage-deflate; server_max_window_bits=abc",
        "permessage-deflate; client_max_window_bits=16",
        "permessage-deflate; client_max_window_bits=0x0f",
        "permessage-deflate; server_no_context_takeover=1",  // takes no value
        "permessage-deflate; client_no_context_takeover=true",
        "permessage-deflate; mux",                           // not a parameter of this extension
        "permessage-deflate; server_max_window_bits=8, permessage-deflate; server_max_window_bits=7",
        "x-webkit-deflate-frame",
    })
    void serverDeclines(String offer) {
        assertNull(answer(offer));
    }

    @Test
    void serverPreferencesLimitWhatItAgrees() {
        Preferences d = Preferences.DEFAULTS;
        Preferences p = new Preferences(12, 10, false, true, d.compressionLevel(), d.memLevel(), d.rxBufPower(), d.txBufPower());
        // server window 12 is announced even unasked; a smaller offer wins
        assertEquals("permessage-deflate; client_no_context_takeover; server_max_window_bits=12", answer("permessage-deflate", p));
        assertEquals("permessage-deflate; client_no_context_takeover; server_max_window_bits=12",
                answer("permessage-deflate; server_max_window_bits=14", p));
        assertEquals("permessage-deflate; client_no_context_takeover; server_max_window_bits=9",
                answer("permessage-deflate; server_max_window_bits=9", p));
        // the client's window can only be limited when the offer has client_max_window_bits
        assertEquals("permessage-deflate; client_no_context_takeover; server_max_window_bits=12; client_max_window_bits=10",
                answer("permessage-deflate; client_max_window_bits", p));
        assertEquals("permessage-deflate; client_no_context_takeover; server_max_window_bits=12; client_max_window_bits=9",
                answer("permessage-deflate; client_max_window_bits=9", p));
    }

    @Test
    void agreementsSayWhichWindowEachSideUses() {
        Agreement a = DeflateNegotiation.acceptOne(ExtensionOffer.parse(List.of(
                "permessage-deflate; client_max_window_bits=8; server_max_window_bits=10")).get(0), Preferences.DEFAULTS);
        assertNotNull(a);
        assertEquals(10, a.serverWindowBits());
        assertEquals(8, a.clientWindowBits());
        Agreement b = DeflateNegotiation.acceptOne(ExtensionOffer.parse(List.of("permessage-deflate")).get(0), Preferences.DEFAULTS);
        assertEquals(15, b.serverWindowBits());
        assertEquals(15, b.clientWindowBits());
    }

    @Test
    void clientOffersWhatBrowsersOffer() {
        assertEquals("permessage-deflate; client_max_window_bits", new PermessageDeflate().clientOffer().toString());
    }

    @ParameterizedTest(name = "client accepts: {0}")
    @ValueSource(strings = {
        "permessage-deflate",
        "permessage-deflate; server_no_context_takeover",
        "permessage-deflate; client_no_context_takeover",
        "permessage-deflate; server_max_window_bits=8",      // we inflate with 9 bits: enough
        "permessage-deflate; client_max_window_bits=9; server_max_window_bits=15",
    })
    void clientAccepts(String response) {
        assertNotNull(new PermessageDeflate().clientAccept(ExtensionOffer.parse(List.of(response)).get(0), Bytes.LIMITS));
    }

    @ParameterizedTest(name = "client refuses: {0}")
    @ValueSource(strings = {
        "permessage-deflate; client_max_window_bits=8",      // we cannot compress with 8 bits
        "permessage-deflate; client_max_window_bits",        // a response must give the value
        "permessage-deflate; server_max_window_bits=16",
        "permessage-deflate; server_no_context_takeover=yes",
        "permessage-deflate; mux",
        "x-webkit-deflate-frame",
    })
    void clientRefuses(String response) {
        assertNull(new PermessageDeflate().clientAccept(ExtensionOffer.parse(List.of(response)).get(0), Bytes.LIMITS));
    }
}
