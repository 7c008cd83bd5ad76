package org.lws4j.runtime.jakarta;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client that keeps one WebSocket busy: sends a message, waits for its answer, again, until
 * stopped; when the server closes it, it records the code and connects again (failed handshakes
 * are retried, as a reconnecting page would). Everything it saw is counted: round trips, close
 * codes, errors (a wrong answer, no answer within 10 s, a failure). One thread of its own.
 */
public final class EchoLoop implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final URI uri;
    private final String subprotocol;
    private final Thread thread;
    private volatile boolean running = true;
    final AtomicLong roundTrips = new AtomicLong();
    final AtomicLong reconnects = new AtomicLong();
    final List<Integer> closeCodes = new CopyOnWriteArrayList<>();
    final List<String> errors = new CopyOnWriteArrayList<>();
    /** The last answer received. */
    volatile String last = "";

    public EchoLoop(URI uri, String subprotocol) {
        this.uri = uri;
        this.subprotocol = subprotocol;
        this.thread = new Thread(this::run, "echo-loop " + uri.getPath());
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long n = 0;
        while (running) {
            CompletableFuture<Integer> closed = new CompletableFuture<>();
            Answers answers = new Answers(closed);
            WebSocket ws;
            try {
                WebSocket.Builder b = HTTP.newWebSocketBuilder();
                if (subprotocol != null) {
                    b.subprotocols(subprotocol);
                }
                ws = b.buildAsync(uri, answers).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                reconnects.incrementAndGet(); // not there right now: try again
                pause();
                continue;
            }
            while (running && !closed.isDone()) {
                String msg = "m" + (n++);
                CompletableFuture<String> answer = answers.expect();
                try {
                    ws.sendText(msg, true).get(10, TimeUnit.SECONDS);
                    String got = CompletableFuture.anyOf(answer, closed).get(10, TimeUnit.SECONDS) instanceof String s ? s : null;
                    if (got == null) {
                        break; // closed by the server
                    }
                    if (!got.endsWith(msg)) {
                        errors.add("sent " + msg + ", got " + got);
                    }
                    answered(got);
                } catch (Exception e) {
                    if (!closed.isDone()) {
                        errors.add("round trip " + msg + ": " + e);
                    }
                    break;
                }
            }
            if (closed.isDone()) {
                closeCodes.add(closed.join());
            } else {
                ws.abort();
            }
        }
    }

    private synchronized void answered(String got) {
        last = got;
        roundTrips.incrementAndGet();
        notifyAll();
    }

    /** Waits (at most {@code timeout}) for an answer starting with {@code prefix}: the last one, or the next ones. */
    public synchronized void awaitAnswer(String prefix, Duration timeout) throws InterruptedException {
        awaitState("an answer starting with " + prefix, timeout, () -> last.startsWith(prefix));
    }

    /** Waits (at most {@code timeout}) until more than {@code than} round trips are done. */
    public synchronized void awaitRoundTrips(long than, Duration timeout) throws InterruptedException {
        awaitState("more than " + than + " round trips", timeout, () -> roundTrips.get() > than);
    }

    private void awaitState(String what, Duration timeout, java.util.function.BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(uri.getPath() + ": no " + what + " in " + timeout.toSeconds() + " s (last: " + last
                        + ", errors: " + errors + ", closes: " + closeCodes + ")");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20); // a reconnecting client's back-off, not a synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Collects each text message and completes the pending answer. */
    private static final class Answers implements WebSocket.Listener {
        private final CompletableFuture<Integer> closed;
        private final StringBuilder text = new StringBuilder();
        private volatile CompletableFuture<String> pending = new CompletableFuture<>();

        Answers(CompletableFuture<Integer> closed) {
            this.closed = closed;
        }

        CompletableFuture<String> expect() {
            pending = new CompletableFuture<>();
            return pending;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                pending.complete(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(-1);
        }
    }

    public long roundTripsNow() {
        return roundTrips.get();
    }

    public long reconnectsNow() {
        return reconnects.get();
    }

    public List<Integer> closeCodesNow() {
        return List.copyOf(closeCodes);
    }

    public List<String> errorsNow() {
        return List.copyOf(errors);
    }

    public String lastNow() {
        return last;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(TimeUnit.SECONDS.toMillis(15));
    }
}
