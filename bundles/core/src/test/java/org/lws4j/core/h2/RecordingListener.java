package org.lws4j.core.h2;

import java.util.List;

/**
 * What an {@link H2Connection} in memory tells its layer above, as lines in {@link #events}: the
 * calls every test records the same way. Requests, responses and DATA are left to the test, which
 * has its own use for them (a server harness consumes the DATA, a client test decodes it).
 */
abstract class RecordingListener implements H2Listener {
    final List<String> events;

    RecordingListener(List<String> events) {
        this.events = events;
    }

    @Override
    public void onTrailers(int streamId, List<HeaderField> trailers) {
        events.add("trailers " + streamId + " " + trailers);
    }

    @Override
    public void onReset(int streamId, ErrorCode code, boolean byPeer) {
        events.add("reset " + streamId + " " + code + (byPeer ? " by peer" : ""));
    }

    @Override
    public void onWritable(int streamId) {
        events.add("writable " + streamId);
    }

    @Override
    public void onGoAway(int lastStreamId, ErrorCode code, boolean byPeer) {
        events.add("goaway " + lastStreamId + " " + code + (byPeer ? " by peer" : ""));
    }

    @Override
    public void onClosed(ErrorCode code, String reason) {
        events.add("closed " + code);
    }
}
