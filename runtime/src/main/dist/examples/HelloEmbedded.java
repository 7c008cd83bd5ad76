import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.lws4j.api.HttpResponse;
import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.core.embed.Lws4j;

/** An application that serves HTTP from its own thread: lws4j with no service threads of its own. */
public class HelloEmbedded {
    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        String config = """
            { "global": { "count-threads": "0" },
              "vhosts": [{ "name": "localhost", "port": "%d", "interface": "127.0.0.1",
                           "mounts": [{ "mountpoint": "/hello", "origin": "callback://hello" }] }] }
            """.formatted(port);
        // every callback runs on the thread that calls service(): here, main
        Protocol hello = (wsi, reason, in) -> {
            if (reason == Reason.HTTP) {
                String text = "hello from thread " + Thread.currentThread().getName() + "\n";
                wsi.respond(HttpResponse.of(200).contentType("text/plain"),
                        ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            }
            return Result.CONTINUE;
        };
        try (Lws4j.Running lws = Lws4j.builder().json(config).protocol("hello", hello).start()) {
            System.out.println("serving http://127.0.0.1:" + port + "/hello");
            while (true) {
                lws.context().service(100); // waits up to 100 ms for events and handles them
                // ... the application's own work goes here, on the same thread ...
            }
        }
    }
}
