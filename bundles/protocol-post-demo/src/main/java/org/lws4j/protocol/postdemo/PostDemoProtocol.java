package org.lws4j.protocol.postdemo;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;

import org.lws4j.api.Connection;
import org.lws4j.api.HttpRequest;
import org.lws4j.api.HttpResponse;
import org.lws4j.api.Protocol;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.ProtocolName;
import org.lws4j.api.Result;
import org.lws4j.api.util.FormException;
import org.osgi.service.component.annotations.Component;

/**
 * The {@value #NAME} protocol: lws's POST demo plugin, mounted at {@code /formtest} by a CALLBACK
 * mount. GET shows a page with an urlencoded form and a multipart upload form; a POST of either
 * is parsed as it streams in ({@link FormSubmission}, on the API's form parser) and answered, once the body is complete,
 * with a page listing the fields and each upload's name, size and SHA-256. Over the limits (see
 * {@link FormSubmission}) it answers 413 the moment a limit is crossed and closes the connection,
 * without waiting for the rest.
 *
 * <p>Answers go out with {@link Connection#respond} from HTTP or HTTP_BODY_COMPLETION (pages of a
 * few kilobytes). It keeps no state outside the sessions, so it needs no locks and has no
 * per-vhost options.
 */
@Component(service = Protocol.class)
@ProtocolName(PostDemoProtocol.NAME)
public final class PostDemoProtocol extends ProtocolAdapter {
    /** The protocol name, as a mount origin names it: {@code callback://protocol-post-demo}. */
    public static final String NAME = "protocol-post-demo";

    @Override
    public Object newSession(Connection wsi) {
        return new FormSubmission();
    }

    @Override
    protected Result onHttp(Connection wsi, ByteBuffer in) {
        HttpRequest req = wsi.request();
        boolean bodyDeclared = req.contentLength() >= 0 || req.header("Transfer-Encoding") != null;
        switch (req.method()) {
            case "GET":
            case "HEAD":
                page(wsi, FormPages.form(action(req)));
                return bodyDeclared ? Result.CLOSE : Result.CONTINUE;
            case "POST":
                break;
            default:
                wsi.respond(HttpResponse.of(405).header("Allow", "GET, HEAD, POST").contentType("text/html; charset=utf-8"),
                        ByteBuffer.wrap(("<!DOCTYPE html><title>405</title><p>This URL takes GET and POST.</p>\n")
                                .getBytes(UTF_8)));
                return bodyDeclared ? Result.CLOSE : Result.CONTINUE;
        }
        FormSubmission form = wsi.session();
        try {
            if (req.contentLength() > FormSubmission.BODY_LIMIT) {
                // the client said how much is coming: refuse before reading a byte of it
                throw new FormException(413, "the form is over its limit of " + FormSubmission.BODY_LIMIT / 1024 + " KiB");
            }
            form.start(req.header("Content-Type"));
            if (!bodyDeclared) {
                return complete(wsi, form); // no body at all: an empty form
            }
        } catch (FormException e) {
            return refuse(wsi, e, bodyDeclared);
        }
        return Result.CONTINUE;
    }

    @Override
    protected Result onHttpBody(Connection wsi, ByteBuffer in) {
        FormSubmission form = wsi.session();
        if (form.encoding() == null || form.isFinished()) {
            return Result.CONTINUE; // answered already (GET with a body, 405, ...)
        }
        try {
            form.feed(in);
        } catch (FormException e) {
            return refuse(wsi, e, true);
        }
        return Result.CONTINUE;
    }

    @Override
    protected Result onHttpBodyCompletion(Connection wsi, ByteBuffer in) {
        FormSubmission form = wsi.session();
        if (form.encoding() == null || form.isFinished()) {
            return Result.CONTINUE;
        }
        try {
            return complete(wsi, form);
        } catch (FormException e) {
            return refuse(wsi, e, false);
        }
    }

    private static Result complete(Connection wsi, FormSubmission form) throws FormException {
        form.finish();
        page(wsi, FormPages.result(form));
        return Result.CONTINUE;
    }

    private static void page(Connection wsi, String html) {
        wsi.respond(HttpResponse.of(200).contentType("text/html; charset=utf-8").header("Cache-Control", "no-store"),
                ByteBuffer.wrap(html.getBytes(UTF_8)));
    }

    /**
     * Answers {@code e}'s status. With body still to come the connection is closed after the
     * answer: the rest is not worth reading (and for 413 must not be).
     */
    private static Result refuse(Connection wsi, FormException e, boolean bodyToCome) {
        FormSubmission form = wsi.session();
        form.refused();
        wsi.respondStatus(e.status(), e.getMessage());
        return bodyToCome ? Result.CLOSE : Result.CONTINUE;
    }

    private static String action(HttpRequest req) {
        if (req.mount() == null) {
            return "/formtest";
        }
        String mp = req.mount().mountpoint();
        return mp.length() > 1 && mp.endsWith("/") ? mp.substring(0, mp.length() - 1) : mp;
    }
}
