package org.lws4j.api.util;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.lws4j.api.Connection;
import org.lws4j.api.HandoffState;
import org.lws4j.api.WriteMode;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What a connection must send, queued until its WRITEABLE callback, with rx flow control to keep
 * it bounded: the pattern of an echo, a relay, a proxy. {@link #add} copies the data, asks for
 * WRITEABLE, and stops reading from the peer ({@code rxFlowControl(false)}) once more than the
 * high-water mark waits; {@link #write} (from the WRITEABLE callback) writes while the socket
 * takes it ({@link Connection#sendPipeChoked()}), resumes reading once no more than the low-water
 * mark is left, and asks for another WRITEABLE while anything is. A peer that sends and never
 * reads thus makes the server hold about the high-water mark, not what it sends.
 *
 * <pre>{@code
 * RECEIVE:          s.queue.add(wsi, in, wsi.isFirstFragment() ? TEXT : CONTINUATION, wsi.isFinalFragment());
 * SERVER_WRITEABLE: return s.queue.write(wsi) ? Result.CONTINUE : Result.CLOSE;
 * }</pre>
 *
 * <p>One per connection (in its session), used on its service thread only.
 */
@ProviderType
public final class SendQueue {
    /** One piece waiting: its bytes and how to write them. */
    private record Item(ByteBuffer data, WriteMode mode, boolean fin) {
    }

    private final long highWater;
    private final long lowWater;
    private final ArrayDeque<Item> items = new ArrayDeque<>();
    private long queued;
    private boolean paused;

    /**
     * A queue that stops reading past {@code highWater} bytes waiting and resumes at
     * {@code lowWater} bytes or fewer.
     */
    public SendQueue(long highWater, long lowWater) {
        if (lowWater < 0 || lowWater > highWater) {
            throw new IllegalArgumentException("0 <= lowWater <= highWater, not " + lowWater + " and " + highWater);
        }
        this.highWater = highWater;
        this.lowWater = lowWater;
    }

    /**
     * Queues a copy of {@code data} (from its position to its limit, which it consumes) to be
     * written as {@code mode} with {@code fin}; asks for WRITEABLE, and stops reading from the peer
     * when the queue is now over the high-water mark.
     */
    public void add(Connection wsi, ByteBuffer data, WriteMode mode, boolean fin) {
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data).flip();
        items.add(new Item(copy, mode, fin));
        queued += copy.remaining();
        if (queued > highWater && !paused) {
            paused = true;
            wsi.rxFlowControl(false);
        }
        wsi.requestWriteable();
    }

    /**
     * From the connection's WRITEABLE callback: writes what waits, in order, while the socket
     * takes it; resumes reading at the low-water mark; asks for another WRITEABLE while anything
     * is left.
     *
     * @return false when the connection refused a write (it is closing): return CLOSE
     */
    public boolean write(Connection wsi) {
        while (!items.isEmpty() && !wsi.sendPipeChoked()) {
            Item it = items.poll();
            queued -= it.data().remaining();
            if (!wsi.write(it.data(), it.mode(), it.fin())) {
                return false;
            }
        }
        if (paused && queued <= lowWater) {
            paused = false;
            wsi.rxFlowControl(true);
        }
        if (!items.isEmpty()) {
            wsi.requestWriteable();
        }
        return true;
    }

    /** Bytes waiting to be written. */
    public long queuedBytes() {
        return queued;
    }

    /** Pieces waiting to be written. */
    public int size() {
        return items.size();
    }

    /** True when nothing waits. */
    public boolean isEmpty() {
        return items.isEmpty();
    }

    /** True while this queue has stopped reading from the peer. */
    public boolean isReadingPaused() {
        return paused;
    }

    /**
     * What waits, as plain data for a live update ({@link org.lws4j.api.Handoff}): each piece with
     * its mode and fin, and whether this queue has stopped reading. Leaves the queue as it was.
     */
    public HandoffState exportState() {
        List<HandoffState> pieces = new ArrayList<>();
        for (Item it : items) {
            byte[] b = new byte[it.data().remaining()];
            it.data().duplicate().get(b);
            pieces.add(HandoffState.of("send-queue-piece/1").put("data", b).put("mode", it.mode().name())
                    .put("fin", it.fin()));
        }
        return HandoffState.of("send-queue/1").put("pieces", pieces).put("paused", paused);
    }

    /**
     * Takes over what {@link #exportState} of the previous version's queue exported, on the new
     * version's (empty) queue of the same connection: the pieces are queued in order, WRITEABLE is
     * asked for, and a queue that had stopped reading stops it again (the core reads while a
     * connection is parked) until the low-water mark, as before.
     *
     * @throws IllegalArgumentException when {@code state} is not a send queue's
     */
    public void importState(Connection wsi, HandoffState state) {
        if (!"send-queue/1".equals(state.format())) {
            throw new IllegalArgumentException("not a send queue's state: " + state.format());
        }
        for (Object o : state.getList("pieces")) {
            HandoffState p = (HandoffState) o;
            ByteBuffer data = ByteBuffer.wrap(p.getBytes("data"));
            items.add(new Item(data, WriteMode.valueOf(p.getString("mode")), p.getBoolean("fin", true)));
            queued += data.remaining();
        }
        // the core reads again while a connection is parked: stop it again if the old queue had
        paused = queued > lowWater && (queued > highWater || state.getBoolean("paused", false));
        if (paused) {
            wsi.rxFlowControl(false);
        }
        if (!items.isEmpty()) {
            wsi.requestWriteable();
        }
    }

    /** Drops what waits (the connection is closing); does not touch flow control. */
    public void clear() {
        items.clear();
        queued = 0;
    }
}
