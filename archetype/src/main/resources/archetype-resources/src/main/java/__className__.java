package ${package};

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.lws4j.api.CloseStatus;
import org.lws4j.api.Connection;
import org.lws4j.api.Protocol;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.ProtocolName;
import org.lws4j.api.Result;
import org.lws4j.api.VhostProtocol;
import org.lws4j.api.WriteMode;
import org.lws4j.api.util.SendQueue;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code ${protocolName}} protocol: every message a client sends comes back, a text message with the
 * vhost's pvo {@code "prefix"} before it, a binary one as it was.
 *
 * <p>The shape of every lws4j protocol: per-vhost options read once at PROTOCOL_INIT, per
 * connection state made by {@code newSession}, message data gathered from RECEIVE pieces, and
 * writes only from SERVER_WRITEABLE (the replies wait in a {@link SendQueue}, which stops reading
 * from a client that sends faster than it reads). Every callback of a connection runs on its
 * service thread, so the session needs no locks.
 */
@Component(service = Protocol.class)
@ProtocolName(${className}.NAME)
public final class ${className} extends ProtocolAdapter {
    /** The protocol's name, as clients ask for it and vhosts offer it. */
    public static final String NAME = "${protocolName}";
    /** The biggest message taken; a bigger one closes the connection with 1009. */
    static final int MAX_MESSAGE = 64 * 1024;

    /** Per vhost: its options (pvo), read at PROTOCOL_INIT. */
    record Settings(String prefix) {
    }

    /** Per connection (lws's per_session_data). */
    static final class Session {
        final ByteArrayOutputStream message = new ByteArrayOutputStream();
        final SendQueue replies = new SendQueue(256 * 1024, 64 * 1024);
        Settings settings;
    }

    @Override
    public Object newSession(Connection wsi) {
        return new Session();
    }

    @Override
    protected Result onProtocolInit(VhostProtocol binding) {
        binding.setData(new Settings(binding.option("prefix", "")));
        return Result.CONTINUE;
    }

    @Override
    protected Result onEstablished(Connection wsi, ByteBuffer in) {
        Session s = wsi.session();
        s.settings = wsi.protocolBinding().data();
        return Result.CONTINUE;
    }

    @Override
    protected Result onReceive(Connection wsi, ByteBuffer in) {
        Session s = wsi.session();
        if (wsi.isFirstFragment()) {
            s.message.reset();
        }
        if (s.message.size() + in.remaining() > MAX_MESSAGE) {
            wsi.close(CloseStatus.MESSAGE_TOO_LARGE, "messages are at most " + MAX_MESSAGE + " bytes");
            return Result.CLOSE;
        }
        byte[] piece = new byte[in.remaining()];
        in.get(piece);
        s.message.writeBytes(piece);
        if (!wsi.isFinalFragment()) {
            return Result.CONTINUE; // more of the message to come
        }
        if (wsi.isBinary()) {
            s.replies.add(wsi, ByteBuffer.wrap(s.message.toByteArray()), WriteMode.BINARY, true);
        } else {
            String reply = s.settings.prefix() + s.message.toString(StandardCharsets.UTF_8);
            s.replies.add(wsi, ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8)), WriteMode.TEXT, true);
        }
        return Result.CONTINUE;
    }

    @Override
    protected Result onServerWriteable(Connection wsi, ByteBuffer in) {
        Session s = wsi.session();
        return s.replies.write(wsi) ? Result.CONTINUE : Result.CLOSE;
    }
}
