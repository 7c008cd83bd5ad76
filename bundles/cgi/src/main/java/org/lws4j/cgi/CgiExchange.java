package org.lws4j.cgi;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.lws4j.api.Connection;
import org.lws4j.api.HttpRequest;
import org.lws4j.api.HttpResponse;
import org.lws4j.api.Log;
import org.lws4j.api.Result;
import org.lws4j.api.WriteMode;

/**
 * One HTTP transaction on a CGI mount: the per-session state of {@link CgiProtocol}. Its
 * public-to-the-package methods named after reasons run on the connection's service thread; the
 * {@link CgiProcess.Listener} methods run on worker threads and only post tasks into the loop
 * with {@link Connection#execute}, each of which first checks that this transaction is still the
 * connection's (the connection may serve other requests after it).
 *
 * <p>Writes happen only in {@link #writeable}: the response head once the program's header block
 * is in, then body pieces as they are read, chunked when the program gave no Content-Length.
 * Failures before the head is sent become a status page (404, 500, 503, 504); after it, the
 * connection is closed, as a truncated body must not look complete.
 */
final class CgiExchange implements CgiProcess.Listener {
    /** Body bytes written by one HTTP_WRITEABLE at most, so one busy program cannot hog its thread. */
    static final int WRITE_BUDGET = 64 * 1024;

    private final Connection wsi;
    private final CgiProtocol mount;
    private final Log log;
    private final StdinPump stdin;
    private final StdoutPump stdout;
    private CgiProcess process;
    /** Refused for cgi-max-processes: no program was started. */
    private boolean busy;
    private volatile ScheduledFuture<?> timeout;
    private String what;

    // ---- loop state --------------------------------------------------------------------------
    private boolean over;
    private boolean answered;
    private boolean complete;
    private boolean bodyDeclared;
    private boolean bodyComplete;
    private boolean rxPaused;
    private boolean isHead;
    private CgiResponseHead head;
    private int failStatus;
    private long length = -1;
    private long sent;

    CgiExchange(Connection wsi, CgiProtocol mount) {
        this.wsi = wsi;
        this.mount = mount;
        this.log = wsi.context().log();
        this.stdin = new StdinPump(() -> post(this::resumeReading), e -> log.info(
                "cgi %s: %s: the program stopped reading its stdin (%s); the rest of the body is dropped",
                mount.program(), what, e.getMessage()));
        this.stdout = new StdoutPump(() -> post(wsi::requestWriteable));
    }

    // ---- callbacks (service thread) ----------------------------------------------------------

    /** HTTP: the request head is in; start the program. */
    Result begin() {
        HttpRequest req = wsi.request();
        what = req.method() + " " + req.target();
        isHead = req.method().equals("HEAD");
        bodyDeclared = req.contentLength() >= 0 || req.header("Transfer-Encoding") != null;
        CgiEnvironment.Request r = new CgiEnvironment.Request(req, wsi.peerAddress(), wsi.localAddress(),
                wsi.isSecure(), wsi.context().serverString());
        if (!mount.admit()) {
            log.warn("cgi %s: %s: %d programs of this mount run already (cgi-max-processes): 503", mount.program(),
                    what, mount.maxProcesses());
            busy = true;
            failStatus = 503;
            wsi.requestWriteable();
            return Result.CONTINUE;
        }
        Map<String, String> env = CgiEnvironment.of(r, mount.mount(), mount.program());
        CgiRuntime rt = mount.runtime();
        CgiProcess p = new CgiProcess(mount.program(), env, rt.groups(), rt.workers(), log, stdin, stdout, this,
                () -> {
                    rt.forget(process);
                    mount.release();
                });
        process = p;
        rt.track(p);
        if (!bodyDeclared) {
            stdin.end();
        }
        p.start();
        try {
            timeout = rt.timer().schedule(this::timedOut, mount.timeoutSeconds(), TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            p.kill("the cgi bundle is stopping", false);
            fail(503, "the cgi bundle is stopping");
        }
        return Result.CONTINUE;
    }

    /** HTTP_BODY: a piece of the request body for stdin; stop reading the client when stdin is full. */
    Result body(ByteBuffer in) {
        if (over || complete || failStatus != 0) {
            return Result.CONTINUE;
        }
        if (stdin.offer(in) && !rxPaused) {
            rxPaused = true;
            wsi.rxFlowControl(false);
            if (stdin.paused()) {
                resumeReading();
            }
        }
        return Result.CONTINUE;
    }

    /** HTTP_BODY_COMPLETION: stdin closes once the queued body is written. */
    Result bodyComplete() {
        bodyComplete = true;
        if (!over && !complete) {
            stdin.end();
        }
        return Result.CONTINUE;
    }

    /** HTTP_WRITEABLE: the head, a status page, or the next body pieces. */
    Result writeable() {
        if (over || complete) {
            return Result.CONTINUE;
        }
        if (!answered) {
            return failStatus != 0 ? sendFailure() : head != null ? sendHead() : Result.CONTINUE;
        }
        if (isHead) {
            // the core sends no body for HEAD; end the response instead of reading all of the output
            return finish(ByteBuffer.allocate(0));
        }
        int budget = WRITE_BUDGET;
        while (true) {
            ByteBuffer piece = stdout.poll();
            if (piece == null) {
                return Result.CONTINUE; // the reader asks for WRITEABLE when the next piece comes
            }
            if (piece == StdoutPump.END) {
                if (length >= 0 && sent < length) {
                    log.warn("cgi %s: %s: the program ended its output at %d of its Content-Length %d; closing",
                            mount.program(), what, sent, length);
                }
                return finish(ByteBuffer.allocate(0));
            }
            if (length >= 0 && piece.remaining() >= length - sent) {
                if (piece.remaining() > length - sent) {
                    log.warn("cgi %s: %s: the program wrote more than its Content-Length %d; the rest is dropped",
                            mount.program(), what, length);
                    piece.limit(piece.position() + (int) (length - sent));
                }
                sent = length;
                return finish(piece);
            }
            sent += piece.remaining();
            budget -= piece.remaining();
            if (!wsi.write(piece, WriteMode.HTTP, false)) {
                return Result.CLOSE;
            }
            if (budget <= 0 || wsi.sendPipeChoked()) {
                wsi.requestWriteable();
                return Result.CONTINUE;
            }
        }
    }

    /**
     * HTTP_DROP_PROTOCOL: the transaction is over. A program still running gets a moment to exit
     * (it has usually just closed its output), then its group is ended.
     */
    Result dropped() {
        if (!over) {
            over = true;
            cancelTimeout();
            if (process != null) {
                process.endAfter(CgiProcess.EXIT_GRACE_MILLIS, mount.runtime().timer());
            }
        }
        return Result.CONTINUE;
    }

    /** CLOSED_HTTP: the connection closed (client gone, or the cgi service going away). */
    Result closed() {
        if (!over && !complete) {
            log.info("cgi %s: %s: the connection closed before the response was complete", mount.program(), what);
        }
        end("the connection closed");
        return Result.CONTINUE;
    }

    // ---- what the workers tell (worker threads) ---------------------------------------------

    @Override
    public void headers(CgiResponseHead h) {
        post(() -> {
            if (!answered && failStatus == 0) {
                head = h;
                wsi.requestWriteable();
            }
        });
    }

    @Override
    public void malformed(String why) {
        log.err("cgi %s: %s: bad header block: %s", mount.program(), what, why);
        process.kill("bad header block", false);
        post(() -> fail(500, why));
    }

    @Override
    public void endedWithoutHeaders(long bytes, int code) {
        cancelTimeout();
        if (code >= 0) {
            log.err("cgi %s: %s: the program exited with status %d after %d bytes of output, without a complete"
                    + " header block", mount.program(), what, code, bytes);
        } else {
            log.err("cgi %s: %s: the program closed its output after %d bytes, without a complete header block",
                    mount.program(), what, bytes);
        }
        post(() -> fail(500, "no header block"));
    }

    @Override
    public void failed(int status, String why) {
        post(() -> fail(status, why));
    }

    @Override
    public void exited(int code) {
        cancelTimeout();
        if (code != 0) {
            log.warn("cgi %s: %s: the program exited with status %d", mount.program(), what, code);
        }
    }

    /** The timer thread: {@code cgi-timeout} has passed. */
    private void timedOut() {
        if (process.isFinished()) {
            return;
        }
        log.warn("cgi %s: %s: still running after its cgi-timeout of %d s", mount.program(), what,
                mount.timeoutSeconds());
        process.kill("cgi-timeout", false);
        post(() -> fail(504, "cgi-timeout"));
    }

    // ---- loop helpers ------------------------------------------------------------------------

    /** Runs {@code task} on the connection's thread if this transaction is still going then. */
    private void post(Runnable task) {
        wsi.execute(() -> {
            if (!over) {
                task.run();
            }
        });
    }

    /** A failure: a status page if nothing was sent yet, else the connection closes. */
    private void fail(int status, String why) {
        if (over || complete || failStatus != 0) {
            return;
        }
        process.kill(why, false);
        stdout.discard();
        if (!answered) {
            failStatus = status;
            head = null;
            wsi.requestWriteable();
            return;
        }
        complete = true;
        resumeReading();
        wsi.close(1011, "cgi: " + why);
    }

    private Result sendFailure() {
        answered = true;
        complete = true;
        resumeReading();
        wsi.respondStatus(failStatus, switch (failStatus) {
            case 404 -> "There is no CGI program at this URL.";
            case 503 -> busy ? "Too many CGI programs are running; try again shortly."
                    : "The CGI service is stopping; try again shortly.";
            case 504 -> "The CGI program took too long to answer.";
            default -> "The CGI program failed.";
        });
        cancelTimeout();
        // a body still on its way would be read and dropped to the end: close instead
        return bodyDeclared && !bodyComplete ? Result.CLOSE : Result.CONTINUE;
    }

    private Result sendHead() {
        HttpResponse r;
        try {
            r = head.toResponse();
        } catch (IllegalArgumentException e) {
            log.err("cgi %s: %s: unusable header block: %s", mount.program(), what, e.getMessage());
            failStatus = 500;
            return sendFailure();
        }
        answered = true;
        length = head.contentLength();
        int status = head.status();
        wsi.writeHttpHeaders(r);
        if (status == 204 || status == 304 || length == 0 || isHead && length >= 0) {
            // the core ends such a response with its head: nothing more is written
            return complete();
        }
        // the core calls HTTP_WRITEABLE once the head has left
        return Result.CONTINUE;
    }

    /** Writes the last piece, with fin. */
    private Result finish(ByteBuffer last) {
        if (!wsi.write(last, WriteMode.HTTP, true)) {
            return Result.CLOSE;
        }
        return complete();
    }

    private Result complete() {
        complete = true;
        stdout.discard();
        resumeReading();
        // a body still on its way would be read and dropped to the end: close instead
        return bodyDeclared && !bodyComplete ? Result.CLOSE : Result.CONTINUE;
    }

    private void resumeReading() {
        if (rxPaused) {
            rxPaused = false;
            stdin.resumed();
            wsi.rxFlowControl(true);
        }
    }

    private void end(String why) {
        if (over) {
            return;
        }
        over = true;
        cancelTimeout();
        if (process != null) {
            process.kill(why, false);
        }
    }

    private void cancelTimeout() {
        ScheduledFuture<?> t = timeout;
        if (t != null) {
            t.cancel(false);
        }
    }
}
