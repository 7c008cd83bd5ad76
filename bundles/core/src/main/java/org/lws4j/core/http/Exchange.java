package org.lws4j.core.http;

/**
 * One request and its response on a server connection: how the request body is framed and how
 * far it has come, how the response is framed and how far it has gone.
 */
final class Exchange {
    final RequestHead head;
    final boolean isHead;
    boolean keepAlive;

    /** The request body's framing, or null when the request has none. */
    BodyDecoder body;
    boolean bodyDone;
    /** Body bytes seen when the body's timeout was last armed; -1 while not armed. */
    long bodyArmedAt = -1;
    boolean expectContinue;
    boolean continueSent;

    /** True while a protocol's HTTP callbacks serve this exchange. */
    boolean protocolBound;
    /** True while the exchange waits for its protocol to come back from an update (handoff). */
    boolean waitingForProtocol;

    boolean responseStarted;
    boolean responseDone;
    int status;
    long responseLength = -1;
    long responseSent;
    boolean chunked;

    /** The file being sent, for FILE mounts. */
    FileSender file;

    /** For metrics: when the head's first byte came (0: not timed) and how long the head took. */
    long startedAt;
    long headNanos = -1;

    Exchange(RequestHead head) {
        this.head = head;
        this.isHead = head.method().equals("HEAD");
        this.bodyDone = true;
    }
}
