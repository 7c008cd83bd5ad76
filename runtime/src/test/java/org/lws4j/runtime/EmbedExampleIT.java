package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The README's embedding example is {@code examples/HelloEmbedded.java} of the distribution, word
 * for word, and it works as the README says to run it: {@code java -cp "lib/client/*"
 * examples/HelloEmbedded.java PORT}, a plain JVM with no OSGi, answers {@code /hello} from the
 * thread that calls {@code service()}, the application's main thread.
 */
class EmbedExampleIT {
    static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

    @Test
    void theReadmeExampleServesFromTheApplicationsOwnThread() throws Exception {
        Path dist = Paths.get(DistRun.property("lws4j.dist"));
        Path example = dist.resolve("examples/HelloEmbedded.java");
        String source = Files.readString(example);
        List<String> blocks = new ArrayList<>();
        Matcher m = JAVA_BLOCK.matcher(Files.readString(Paths.get(DistRun.property("lws4j.readme"))));
        while (m.find()) {
            blocks.add(m.group(1).strip());
        }
        assertTrue(blocks.contains(source.strip()),
                "the README shows another program than " + example + " (runtime/src/main/dist/examples): make them the same");

        int port = DistRun.freePort();
        Path dir = Paths.get(DistRun.property("lws4j.it.dir")).resolve("embed-example");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        try (Command app = Command.start(dir, "hello-embedded",
                List.of(java, "-cp", dist.resolve("lib/client") + "/*", example.toString(), String.valueOf(port)))) {
            app.awaitOut("the example's 'serving' line", s -> s.contains("serving http://127.0.0.1:" + port + "/hello"), 60_000);
            HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello"))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), app.describe());
            assertEquals("hello from thread main\n", r.body(), "not served from the application's main thread");
        }
    }
}
