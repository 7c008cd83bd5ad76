package org.lws4j.protocol.rawtest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

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
 * {@code protocol-lws-raw-test}, after libwebsockets' test plugin of that name. Two jobs:
 *
 * <ul>
 * <li><b>Raw file:</b> on each vhost that binds it, it makes a FIFO (pvo {@code fifo-path}) and
 *     adopts it as a raw file; every piece written into it ({@code echo hello > FIFO}) is logged
 *     through the context log (RAW_RX_FILE). See {@link FifoReader}.
 * <li><b>Raw socket:</b> on a vhost with {@code "fallback-to-raw": "1"} where it has the pvo
 *     {@code "raw": "1"}, connections that do not speak HTTP become raw on it, and it echoes what
 *     they send (a telnet or nc session sees its lines come back).
 * </ul>
 *
 * <p>Echo is queued per connection in the API's {@link SendQueue} and written from RAW_WRITEABLE;
 * past {@link #HIGH_WATER} bytes waiting it stops reading from that peer until half of that is
 * left (lws's sample keeps only the last 128 bytes; nothing is dropped here).
 */
@Component(service = Protocol.class)
@ProtocolName(RawTestProtocol.NAME)
public final class RawTestProtocol extends ProtocolAdapter {
    public static final String NAME = "protocol-lws-raw-test";
    /** Echo bytes waiting before the connection stops reading. */
    static final int HIGH_WATER = 64 * 1024;
    /** Most characters of one FIFO read put in the log. */
    private static final int LOG_MAX = 512;

    /** Per raw socket: what is still to be echoed. */
    @Override
    public Object newSession(Connection wsi) {
        return new SendQueue(HIGH_WATER, HIGH_WATER / 2);
    }

    // ---- the FIFO ----------------------------------------------------------------------------

    @Override
    protected Result onProtocolInit(VhostProtocol binding) {
        if (!isTrue(binding.option("fifo", "1"))) {
            binding.vhost().context().log().notice("%s: vhost %s: no FIFO (pvo \"fifo\": \"0\")", NAME, binding.vhost().name());
            return Result.CONTINUE;
        }
        FifoReader f = new FifoReader(binding, fifoPath(binding));
        binding.setData(f);
        f.start(); // made and opened on a thread of its own: never block the service thread
        return Result.CONTINUE;
    }

    @Override
    protected void onProtocolDestroy(VhostProtocol binding) {
        FifoReader f = binding.data();
        if (f != null) {
            f.stop();
        }
    }

    /** pvo {@code fifo-path}, else {@code lws-test-raw-VHOST-PORT} in java.io.tmpdir. */
    static Path fifoPath(VhostProtocol binding) {
        String p = binding.option("fifo-path", "").trim();
        if (!p.isEmpty()) {
            return Path.of(p);
        }
        String vhost = binding.vhost().name().replaceAll("[^A-Za-z0-9._-]", "_");
        return Path.of(System.getProperty("java.io.tmpdir"), "lws-test-raw-" + vhost + "-" + binding.vhost().port());
    }

    @Override
    protected Result onRawAdoptFile(Connection wsi, ByteBuffer in) {
        wsi.context().log().notice("%s: reading FIFO %s", NAME, fifoOf(wsi));
        return Result.CONTINUE;
    }

    @Override
    protected Result onRawRxFile(Connection wsi, ByteBuffer in) {
        int n = in.remaining();
        wsi.context().log().notice("%s: FIFO %s: %d bytes: %s", NAME, fifoOf(wsi), n, printable(in));
        return Result.CONTINUE;
    }

    @Override
    protected Result onRawCloseFile(Connection wsi, ByteBuffer in) {
        wsi.context().log().notice("%s: FIFO %s closed", NAME, fifoOf(wsi));
        return Result.CONTINUE;
    }

    private static Object fifoOf(Connection wsi) {
        VhostProtocol b = wsi.protocolBinding();
        FifoReader f = b == null ? null : b.data();
        return f == null ? "(adopted stream)" : f.path();
    }

    // ---- raw sockets ---------------------------------------------------------------------------

    @Override
    protected Result onRawAdopt(Connection wsi, ByteBuffer in) {
        wsi.context().log().notice("%s: raw connection from %s", NAME, wsi.peerAddress());
        return Result.CONTINUE;
    }

    @Override
    protected Result onRawRx(Connection wsi, ByteBuffer in) {
        wsi.context().log().info("%s: %d bytes from %s", NAME, in.remaining(), wsi.peerAddress());
        SendQueue echo = wsi.session();
        echo.add(wsi, in, WriteMode.RAW, true);
        return Result.CONTINUE;
    }

    @Override
    protected Result onRawWriteable(Connection wsi, ByteBuffer in) {
        SendQueue echo = wsi.session();
        return echo.write(wsi) ? Result.CONTINUE : Result.CLOSE;
    }

    @Override
    protected Result onRawClose(Connection wsi, ByteBuffer in) {
        wsi.context().log().notice("%s: raw connection from %s closed", NAME, wsi.peerAddress());
        return Result.CONTINUE;
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** The bytes as one log line: UTF-8, the trailing line break dropped, control characters as '.'. */
    static String printable(ByteBuffer in) {
        String s = StandardCharsets.UTF_8.decode(in).toString();
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
            end--;
        }
        StringBuilder b = new StringBuilder(Math.min(end, LOG_MAX) + 4);
        for (int i = 0; i < end && i < LOG_MAX; i++) {
            char c = s.charAt(i);
            b.append(c < ' ' && c != '\t' || c == 0x7f ? '.' : c);
        }
        if (end > LOG_MAX) {
            b.append("...");
        }
        return b.toString();
    }

    static boolean isTrue(String v) {
        String t = v.trim().toLowerCase(java.util.Locale.ROOT);
        return t.equals("1") || t.equals("true") || t.equals("yes") || t.equals("on");
    }
}
