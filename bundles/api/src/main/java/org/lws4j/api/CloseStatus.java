package org.lws4j.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * WebSocket close codes (RFC 6455 section 7.4) by the names lws gives them.
 */
@ProviderType
public final class CloseStatus {
    /** 1000: the purpose of the connection is fulfilled. */
    public static final int NORMAL = 1000;
    /** 1001: server going down, protocol going away, or a browser leaving the page. */
    public static final int GOING_AWAY = 1001;
    /** 1002: the peer broke the framing rules. */
    public static final int PROTOCOL_ERROR = 1002;
    /** 1003: a kind of data the endpoint cannot accept. */
    public static final int UNACCEPTABLE_OPCODE = 1003;
    /** 1005: never sent; reported when a Close frame carried no code. */
    public static final int NO_STATUS = 1005;
    /** 1006: never sent; reported when the connection ended without a Close frame. */
    public static final int ABNORMAL_CLOSE = 1006;
    /** 1007: a text message that is not UTF-8, or other inconsistent data. */
    public static final int INVALID_PAYLOAD = 1007;
    /** 1008: a message that violates the endpoint's policy. */
    public static final int POLICY_VIOLATION = 1008;
    /** 1009: a frame or message too big to process. */
    public static final int MESSAGE_TOO_LARGE = 1009;
    /** 1010: the client needed an extension the server did not agree to. */
    public static final int EXTENSION_REQUIRED = 1010;
    /** 1011: the server met a condition that stopped it fulfilling the request. */
    public static final int UNEXPECTED_CONDITION = 1011;

    private CloseStatus() {
    }

    /** True for codes a peer may legally put in a Close frame (RFC 6455 section 7.4). */
    public static boolean isSendable(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011)
                || (code >= 3000 && code <= 4999);
    }
}
